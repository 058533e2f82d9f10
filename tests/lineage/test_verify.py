"""`auditor lineage --verify`: every edge checked by the weights, on the Hub stand-in (range
reads) and on local folders; contradicted edges marked in every format; re-uploads found by
identical fingerprints; edges that cannot be checked are `unverifiable`, never an error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from auditor.errors import InputError
from lineage import CrawlOptions, LineageGraph, crawl_hub, crawl_local, verify_graph
from tests.fingerprint import family
from tests.fingerprint.hub_files import contents
from tests.lineage.hub_server import HubServer
from tests.lineage.test_cmd_lineage import run


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("verify-family")
    parent = family.build_parent(root)
    return {"parent": parent, "finetune": family.build_finetune(parent, root / "finetune"),
            "unrelated": family.build_parent(root, seed=1)}


def _family_on_hub(hub: HubServer, models: dict[str, Path]) -> None:
    hub.add_model("org/tiny", contents=contents(models["parent"]))
    hub.add_model("org/tiny-ft", base_model="org/tiny", contents=contents(models["finetune"]))
    hub.add_model("org/liar", base_model="org/tiny", contents=contents(models["unrelated"]))
    hub.add_model("org/tiny-copy", base_model="org/tiny", contents=contents(models["parent"]))


def _edges(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["child"]: e for e in data["edges"]}


def test_hub_family_json_carries_verification(hub: HubServer, models: dict[str, Path],
                                              tmp_path: Path) -> None:
    _family_on_hub(hub, models)
    env = {"HF_ENDPOINT": hub.url, "AUDITOR_CACHE": str(tmp_path / "c")}
    proc = run(["lineage", "org/tiny", "--verify", "--format", "json"], env)
    assert proc.returncode == 0, proc.stderr
    edges = _edges(json.loads(proc.stdout))
    liar = edges["org/liar"]["verification"]
    assert (liar["verdict"], liar["relation_guess"]) == ("contradicted", "unrelated")
    assert liar["evidence"]["fraction_related"] < 0.1  # the numbers come with the verdict
    assert edges["org/tiny-ft"]["verification"]["verdict"] == "confirmed"
    assert edges["org/tiny-ft"]["relation"] == "finetune"
    copy = edges["org/tiny-copy"]
    assert copy["relation"] == "reupload"
    assert copy["verification"]["relation_guess"] == "identical"
    assert any(ev["source"] == "weights" and "identical weight fingerprint" in ev["detail"]
               for ev in copy["evidence"])
    warnings = json.loads(proc.stdout)["warnings"]
    assert [w["nodes"] for w in warnings if w["kind"] == "contradicted_parent"] == [
        ["org/liar", "org/tiny"]]
    # the same object as `auditor verify --json` on that edge
    alone = run(["verify", "org/liar", "org/tiny", "--json"], env)
    assert json.loads(alone.stdout)["verdict"] == liar["verdict"]
    assert json.loads(alone.stdout).keys() == liar.keys()


def test_contradiction_is_marked_in_mermaid_tree_and_graphml(
        hub: HubServer, models: dict[str, Path], tmp_path: Path) -> None:
    _family_on_hub(hub, models)
    env = {"HF_ENDPOINT": hub.url, "AUDITOR_CACHE": str(tmp_path / "c")}
    mermaid = run(["lineage", "org/tiny", "--verify", "--format", "mermaid"], env).stdout
    dashed = [line for line in mermaid.splitlines() if "-.->" in line]
    assert len(dashed) == 1 and "contradicted" in dashed[0]
    assert "linkStyle" in mermaid and "stroke:#e03131" in mermaid
    assert "finetune confirmed" in mermaid
    tree = run(["lineage", "org/tiny", "--verify"], env).stdout
    liar_line = next(line for line in tree.splitlines() if "org/liar" in line)
    assert "CONTRADICTED" in liar_line
    assert "CONTRADICTED" not in next(ln for ln in tree.splitlines() if "org/tiny-ft" in ln)
    graphml = run(["lineage", "org/tiny", "--verify", "--format", "graphml"], env).stdout
    assert '<data key="verdict">contradicted</data>' in graphml
    plain = run(["lineage", "org/tiny", "--format", "mermaid"], env).stdout
    assert "-.->" not in plain and "confirmed" not in plain  # no --verify, no verdicts


def test_unreadable_edges_are_unverifiable_with_the_reason(
        hub: HubServer, models: dict[str, Path], options: Any) -> None:
    hub.add_model("org/tiny", contents=contents(models["parent"]))
    hub.add_model("org/pickled", base_model="org/tiny",
                  contents={"config.json": b"{}", "pytorch_model.bin": b"not read"})
    hub.add_model("org/shut", base_model="org/tiny", gated="manual",
                  contents=contents(models["finetune"]))
    hub.repos["org/shut"].access = "denied"
    hub.add_model("org/hostile", base_model="org/tiny",
                  contents={"model.safetensors": b"\xff" * 64, "config.json": b"{}"})
    graph = verify_graph(crawl_hub("org/tiny", options()))
    edges = {e.child: e for e in graph.edges}
    for child in ("org/pickled", "org/shut", "org/hostile"):
        verification = edges[child].verification
        assert verification is not None and verification["verdict"] == "unverifiable", child
        assert verification["evidence"]["reason"]
    assert "gated" in edges["org/shut"].verification["evidence"]["reason"]  # type: ignore[index]


def _card(folder: Path, **front: str) -> Path:
    lines = "".join(f"{key}: {value}\n" for key, value in front.items())
    (folder / "README.md").write_text(f"---\n{lines}---\n# model\n")
    return folder


def test_local_folders_with_progress(models: dict[str, Path], tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "fam"
    parent = shutil.copytree(models["parent"], root / "parent")
    _card(shutil.copytree(models["finetune"], root / "ft"), base_model=str(parent))
    _card(shutil.copytree(models["unrelated"], root / "liar"), base_model=str(parent))
    graph = crawl_local([root / "ft", root / "liar", parent], None, CrawlOptions())
    seen: list[tuple[int, int]] = []
    verified = verify_graph(graph, progress=lambda done, total, _: seen.append((done, total)))
    verdicts = sorted(e.verdict or "" for e in verified.edges)
    assert verdicts == ["confirmed", "contradicted"]
    assert seen == [(0, 2), (1, 2), (2, 2)]
    again = LineageGraph.from_dict(json.loads(verified.to_json()))
    assert again.edges == verified.edges  # the verification survives the JSON round trip


def test_distillation_from_card_metadata(hub: HubServer, options: Any) -> None:
    hub.add_model("org/teacher")
    hub.add_model("org/by-relation", base_model="org/teacher", relation="distillation")
    hub.add_model("org/by-key", base_model="org/teacher", card={"teacher_model": "org/teacher"})
    hub.add_model("org/by-tag", base_model="org/teacher",
                  card={"tags": ["knowledge-distillation"]})
    hub.add_model("org/plain-ft", base_model="org/teacher", card={"tags": ["distilbert"]})
    hub.add_model("org/teacher-GGUF", base_model="org/by-key", files=["m.Q4_K_M.gguf"],
                  card={"teacher_model": "org/teacher"})
    graph = crawl_hub("org/teacher", options())
    edges = {e.child: e for e in graph.edges}
    assert edges["org/by-relation"].relation == "distillation"
    assert edges["org/by-key"].relation == "distillation"
    assert any(ev.detail == "teacher: org/teacher" for ev in edges["org/by-key"].evidence)
    assert edges["org/by-tag"].relation == "distillation"
    assert any("knowledge-distillation" in ev.detail for ev in edges["org/by-tag"].evidence)
    assert edges["org/plain-ft"].relation == "finetune"  # distilbert is not a distillation
    assert edges["org/teacher-GGUF"].relation == "quantized"  # files still win
    assert not [w for w in graph.warnings if w.kind == "relation_conflict"]
    assert LineageGraph.from_dict(graph.to_dict()).edges == graph.edges


def test_lineage_files_without_verification_load_and_bad_ones_are_refused(
        hub: HubServer, options: Any) -> None:
    hub.add_model("org/base")
    hub.add_model("org/ft", base_model="org/base")
    data = crawl_hub("org/base", options()).to_dict()
    assert "verification" not in data["edges"][0]
    assert LineageGraph.from_dict(data).edges[0].verification is None
    data["edges"][0]["verification"] = {"verdict": "probably", "relation_guess": None,
                                        "evidence": {}}
    with pytest.raises(InputError, match="verification.verdict"):
        LineageGraph.from_dict(data)
