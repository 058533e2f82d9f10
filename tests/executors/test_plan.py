"""Work groups for Ray: an adapter shares its base's worker, a model named under two nodes is
evaluated once, a remote model asks for a fraction of a CPU, a local one for its memory
estimate (and a GPU on cuda)."""

from __future__ import annotations

from pathlib import Path

from auditor.backends import BackendOptions
from auditor.executors import RemoteModel, plan_groups
from auditor.refs import resolve_reference


def test_adapters_join_their_base_and_resources_are_the_most_any_member_needs(
    tiny_hf_model: Path, tiny_lora: Path
) -> None:
    base = resolve_reference(str(tiny_hf_model))
    lora = resolve_reference(str(tiny_lora), base=str(tiny_hf_model))
    served = resolve_reference("openai:http://127.0.0.1:9/v1#m")
    models = [RemoteModel("base", base, "transformers", 2_000),
              RemoteModel("remote-a", served, "openai"),
              RemoteModel("lora", lora, "transformers", 3_000),
              RemoteModel("remote-b", served, "openai")]
    groups = plan_groups(models, BackendOptions(device="cuda", threads=2))
    assert [[m.target_id for m in g.models] for g in groups] == [["base", "lora"],
                                                                 ["remote-a", "remote-b"]]
    local, remote = (g.resources for g in groups)
    assert (local.num_cpus, local.num_gpus, local.memory) == (2.0, 1.0, 3_000)
    assert (remote.num_cpus, remote.num_gpus, remote.memory) == (0.25, 0.0, 0)
    on_cpu = plan_groups(models[:1], BackendOptions(device="cpu"))[0].resources
    assert (on_cpu.num_cpus, on_cpu.num_gpus) == (1.0, 0.0)
