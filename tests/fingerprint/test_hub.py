"""Hub fingerprints through range reads against the local Hub stand-in: the verdict is the
local one, only a small part of each file is fetched, and a fingerprint by commit is cached."""

from __future__ import annotations

from pathlib import Path

from auditor.fingerprint import verify_edge
from tests.fingerprint.hub_files import contents, ranged_bytes
from tests.lineage.hub_server import HubServer


def test_hub_edges_by_range_reads(hub: HubServer, fp_family: dict[str, Path]) -> None:
    parent = f"org/tiny@{hub.repos['org/tiny'].sha}"
    result = verify_edge(f"org/tiny-ft@{hub.repos['org/tiny-ft'].sha}", parent)
    assert result.relation_guess == "fine_tune"
    assert result.evidence["child"]["architecture"] == "llama"
    size = (fp_family["parent"] / "model.safetensors").stat().st_size
    # two models fingerprinted: in a tiny model the sampled rows lie close together; real
    # sizes are measured by bench/fingerprint_bytes.py
    assert ranged_bytes(hub) < 0.15 * 2 * size  # measured: 9%
    assert verify_edge("org/other", parent).verdict == "contradicted"


def test_hub_quantization_edge_mixes_formats(hub: HubServer, fp_family: dict[str, Path]) -> None:
    result = verify_edge(str(fp_family["Q8_0"]), "org/tiny")
    assert (result.verdict, result.relation_guess) == ("confirmed", "quantization")


def test_fingerprint_by_commit_is_cached(hub: HubServer) -> None:
    parent = f"org/tiny@{hub.repos['org/tiny'].sha}"
    verify_edge(parent, parent)
    before = len(hub.requests)
    assert verify_edge(parent, parent).relation_guess == "identical"
    assert len(hub.requests) == before


def test_gated_repo_is_unverifiable(hub: HubServer, fp_family: dict[str, Path]) -> None:
    hub.add_model("org/gated", contents=contents(fp_family["parent"]), gated="manual")
    hub.repos["org/gated"].access = "denied"
    result = verify_edge("org/gated", "org/tiny")
    assert result.verdict == "unverifiable" and "gated" in result.evidence["reason"]


def test_repo_without_safetensors_is_unverifiable(hub: HubServer) -> None:
    hub.add_model("org/pickles", contents={"pytorch_model.bin": b"\x80\x04junk"})
    assert verify_edge("org/pickles", "org/tiny").verdict == "unverifiable"
