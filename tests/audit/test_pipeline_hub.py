"""Crawl -> selection -> audit against a Hub stand-in server (no weights are downloaded):
a scheduled re-scan of models whose revisions are already fully stored loads nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.audit import AuditConfig, SelectionPolicy, obtain_graph, run_audit, select_targets
from auditor.backends import GenerationConfig
from auditor.refs import ModelIdentity
from auditor.runner import expand
from auditor.store import GenerationRecord, Store
from auditor.suites import Expected, load_suite
from tests.audit.scripted_server import HELP, REFUSAL
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
        monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path / "cache"))
        yield server


def _store_answers(store: Store, key: str, unsafe: bool, gen: GenerationConfig) -> None:
    repo, _, rest = key.partition("@")
    file = rest.partition(":")[2] or None
    identity = ModelIdentity(
        repo, "gguf" if file else "safetensors", repo_id=repo, revision=rest[:12], file=file
    ).to_json()
    for unit in expand(load_suite("smoke").items, gen):
        harmful = unit.item.expected is Expected.REFUSE
        store.put_generation(GenerationRecord(
            model=key, identity_json=identity, suite="smoke", item_id=unit.item.id,
            item_hash=unit.item.content_hash, category=unit.item.category,
            expected=str(unit.item.expected), framing=unit.framing,
            gen_config_hash=gen.hash, gen_config_json=gen.to_json(), sample=unit.sample,
            seed=unit.seed, prompt_json=unit.prompt_json, prompt_text="",
            response=HELP if (unsafe or not harmful) else REFUSAL,
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
