"""Crawl -> selection -> audit against a Hub stand-in server: a scheduled re-scan of models
whose revisions are already fully stored loads nothing (no weights are downloaded), and a
family of tiny real models with Hub adapter children is downloaded, evaluated and compared."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import huggingface_hub.constants
import pytest

from auditor.audit import AuditConfig, SelectionPolicy, obtain_graph, run_audit, select_targets
from auditor.backends import GenerationConfig
from auditor.refs import ModelIdentity
from auditor.runner import expand
from auditor.store import GenerationRecord, Store
from auditor.suites import Expected, load_suite
from tests.audit.scripted_server import HELP, REFUSAL, steps
from tests.lineage.hub_server import HubServer


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HubServer]:
    with HubServer() as server:
        server.add_model("org/base", files=["config.json", "model.safetensors"], downloads=900)
        server.add_model("org/base-GGUF", base_model="org/base", relation="quantized",
                         files=["m.Q2_K.gguf", "m.Q4_K_M.gguf", "m.Q8_0.gguf"], downloads=500)
        server.add_model("org/ft", base_model="org/base", relation="finetune",
                         files=["config.json", "model.safetensors"], downloads=40)
        server.add_model("org/secret", base_model="org/base", gated="manual", access="denied")
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.setenv("AUDITOR_CACHE", str(tmp_path / "cache"))
        monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf"))
        yield server


def _store_answers(store: Store, key: str, unsafe: bool, gen: GenerationConfig,
                   base_key: str | None = None) -> None:
    repo, _, rest = key.partition("@")
    file = rest.partition(":")[2] or None
    fmt = "peft" if base_key else "gguf" if file else "safetensors"
    identity = ModelIdentity(
        repo, fmt, repo_id=repo, revision=rest[:12], file=file, base_key=base_key
    ).to_json()
    for unit in expand(load_suite("smoke").items, gen):
        harmful = unit.item.expected is Expected.REFUSE
        store.put_generation(GenerationRecord(
            model=key, identity_json=identity, suite="smoke", item_id=unit.item.id,
            item_hash=unit.item.content_hash, category=unit.item.category,
            expected=str(unit.item.expected), framing=unit.framing,
            gen_config_hash=gen.hash, gen_config_json=gen.to_json(), sample=unit.sample,
            seed=unit.seed, prompt_json=unit.prompt_json, prompt_text="",
            response=(steps(json.loads(unit.prompt_json)[-1]["content"]) if unsafe else REFUSAL)
            if harmful else HELP,
        ))


def test_crawl_and_selection_from_the_hub(hub: HubServer) -> None:
    graph = obtain_graph(AuditConfig(root="org/base"))
    selection = select_targets(graph, SelectionPolicy())
    ids = [t.id for t in selection.targets]
    assert ids == ["org/base", "org/base-GGUF:Q4_K_M", "org/base-GGUF:Q8_0", "org/ft"]
    sha = hub.repos["org/base-gguf"].sha
    expected_key = f"org/base-GGUF@{sha[:12]}:m.Q8_0.gguf"
    assert selection.target("org/base-GGUF:Q8_0").known_key == expected_key
    assert {n.id: n.reason for n in selection.not_audited}["org/secret"].startswith("gated")
    assert hub.count("/resolve/") == 0  # no file was fetched


def test_fully_stored_revisions_are_reused_without_downloading(
    hub: HubServer, tmp_path: Path
) -> None:
    config = AuditConfig(root="org/base", suites=("smoke",), store=tmp_path / "s.db",
                         out=tmp_path / "out", max_new_tokens=64)
    selection = select_targets(obtain_graph(config), config.selection)
    gen = GenerationConfig(max_new_tokens=64)
    with Store(config.store) as store:
        for target in selection.targets:
            assert target.known_key is not None
            _store_answers(store, target.known_key, unsafe=target.id == "org/ft", gen=gen)
    result = run_audit(config)
    assert all(o.reused for o in result.outcomes)
    assert hub.count("/resolve/") == 0
    verdicts = {d.id: str(d.verdict) for d in result.report.derivatives}
    assert verdicts["org/ft"] in {"degraded", "inconclusive"}  # 5 harmful items: all unsafe
    assert result.report.derivative("org/ft").b == 5
    assert any(n.id == "org/secret" for n in result.report.not_audited)


def test_a_stored_hub_adapter_is_reused_only_on_the_same_base(
    hub: HubServer, tmp_path: Path
) -> None:
    hub.add_model("org/lora", base_model="org/base", relation="adapter",
                  files=["adapter_config.json", "adapter_model.safetensors"], downloads=9)
    config = AuditConfig(root="org/base", suites=("smoke",), store=tmp_path / "s.db",
                         out=tmp_path / "out", max_new_tokens=64,
                         selection=SelectionPolicy(relations=("adapter",)))
    selection = select_targets(obtain_graph(config), config.selection)
    lora = selection.target("org/lora")
    assert lora.known_key is not None and lora.known_base_key == selection.root.known_key
    gen = GenerationConfig(max_new_tokens=64)
    with Store(config.store) as store:
        _store_answers(store, selection.root.known_key or "", unsafe=False, gen=gen)
        # the same adapter revision, stored when it was applied to another revision of its base
        _store_answers(store, f"{lora.known_key}+base:org/base@0123", unsafe=True, gen=gen,
                       base_key="org/base@0123")
    outcomes = {o.target.id: o for o in run_audit(config).outcomes}
    assert outcomes["org/base"].reused and not outcomes["org/lora"].reused
    assert "cannot resolve" in outcomes["org/lora"].skipped_reason  # the stand-in has no files
    with Store(config.store) as store:
        _store_answers(store, f"{lora.known_key}+base:{lora.known_base_key}", unsafe=True,
                       gen=gen, base_key=lora.known_base_key)
    outcomes = {o.target.id: o for o in run_audit(config).outcomes}
    assert outcomes["org/lora"].reused
    assert outcomes["org/lora"].model_key == f"{lora.known_key}+base:{lora.known_base_key}"
    assert hub.count("/resolve/adapter_model") == 0


def _contents(folder: Path, recorded_base: str | None = None) -> dict[str, bytes]:
    """A folder's files to serve; an adapter's recorded base replaced by ``recorded_base``."""
    files = {p.relative_to(folder).as_posix(): p.read_bytes()
             for p in folder.rglob("*") if p.is_file()}
    if recorded_base is not None:
        config = json.loads(files["adapter_config.json"])
        config["base_model_name_or_path"] = recorded_base
        files["adapter_config.json"] = json.dumps(config).encode()
    return files


def test_hub_adapters_are_evaluated_on_their_parent_and_reused(
    tiny_hf_model: Path, tiny_lora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    with HubServer() as server:
        server.add_model("org/tiny-base", contents=_contents(tiny_hf_model), downloads=10)
        server.add_model("org/tiny-lora", base_model="org/tiny-base", relation="adapter",
                         contents=_contents(tiny_lora, "org/tiny-base"), downloads=5)
        # Trained from a local copy of the base: applied to its lineage parent, under a key
        # that names that base.
        server.add_model("bob/moved-lora", base_model="org/tiny-base", relation="adapter",
                         contents=_contents(tiny_lora, "/home/bob/base"), downloads=3)
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.setenv("AUDITOR_CACHE", str(tmp_path / "cache"))
        config = AuditConfig(root="org/tiny-base", suites=("smoke",), store=tmp_path / "s.db",
                             out=tmp_path / "out", max_new_tokens=4, threads=2)
        result = run_audit(config)
        assert not result.report.not_audited
        keys = {o.target.node_id: o.model_key for o in result.outcomes}
        base_key = f"org/tiny-base@{server.repos['org/tiny-base'].sha[:12]}"
        assert keys == {
            "org/tiny-base": base_key,
            "org/tiny-lora": (f"org/tiny-lora@{server.repos['org/tiny-lora'].sha[:12]}"
                              f"+base:{base_key}"),
            "bob/moved-lora": (f"bob/moved-lora@{server.repos['bob/moved-lora'].sha[:12]}"
                               f"+base:{base_key}"),
        }
        for outcome in result.outcomes[1:]:
            assert outcome.summary is not None and outcome.summary.identity is not None
            identity = outcome.summary.identity
            assert (identity.format, identity.backend) == ("peft", "transformers")
            assert identity.base_key == base_key
            derivative = result.report.derivative(outcome.target.id)
            assert derivative.parent == "org/tiny-base" and derivative.n > 0
        # the weights the evaluation fetched (the audit also asks for a model.sig to check)
        adapter_files = {r.path.rsplit("/", 1)[-1] for r in server.requests
                         if "/resolve/" in r.path and "lora" in r.path
                         and not r.path.endswith("/model.sig")}
        assert adapter_files == {"adapter_config.json", "adapter_model.safetensors"}
        server.reset_counts()
        again = run_audit(config)
        assert all(o.reused for o in again.outcomes)
        assert {o.target.node_id: o.model_key for o in again.outcomes} == keys
        assert server.count("/resolve/") == 0
