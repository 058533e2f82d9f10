"""Selection of audit targets from a lineage graph."""

from __future__ import annotations

import pytest

from auditor.audit._config import SelectionPolicy
from auditor.audit._selection import choose_gguf_files, select_targets
from auditor.errors import UsageError
from lineage import LineageEdge, LineageGraph, LineageNode


def _graph(nodes: list[LineageNode], edges: list[tuple[str, str, str]]) -> LineageGraph:
    return LineageGraph(
        root=nodes[0].id,
        source="hub",
        created_at="2026-11-25T00:00:00Z",
        nodes=tuple(nodes),
        edges=tuple(LineageEdge(p, c, r) for p, c, r in edges),
    )


FAMILY = _graph(
    [
        LineageNode("org/base", role="root", sha="a" * 40, formats=("safetensors",)),
        LineageNode("org/ft", depth=1, sha="b" * 40, downloads=500, formats=("safetensors",)),
        LineageNode(
            "org/base-GGUF",
            depth=1,
            downloads=9000,
            formats=("gguf",),
            gguf_files=("base.Q2_K.gguf", "base.Q4_K_M.gguf", "base.Q8_0.gguf"),
        ),
        LineageNode("org/ft-GGUF", depth=2, downloads=50, gguf_files=("ft-Q4_K_M.gguf",)),
        LineageNode("org/gated", depth=1, status="gated", gated=True),
        LineageNode("org/small", depth=1, downloads=3, formats=("safetensors",)),
        LineageNode("other/co", role="co-parent", depth=1, formats=("safetensors",)),
        LineageNode("org/merge", depth=2, downloads=40, formats=("safetensors",)),
    ],
    [
        ("org/base", "org/ft", "finetune"),
        ("org/base", "org/base-GGUF", "quantized"),
        ("org/ft", "org/ft-GGUF", "quantized"),
        ("org/base", "org/gated", "finetune"),
        ("org/base", "org/small", "finetune"),
        ("org/ft", "org/merge", "merge"),
        ("other/co", "org/merge", "merge"),
    ],
)


def test_default_policy_picks_common_quants_and_compares_with_the_immediate_parent() -> None:
    selection = select_targets(FAMILY, SelectionPolicy())
    ids = [t.id for t in selection.targets]
    assert ids[0] == "org/base" and selection.root.parent is None
    assert selection.root.reference == f"org/base@{'a' * 40}"
    assert "org/base-GGUF:Q4_K_M" in ids and "org/base-GGUF:Q8_0" in ids
    assert "org/base-GGUF:Q2_K" not in ids
    quant = selection.target("org/base-GGUF:Q4_K_M")
    assert quant.reference == "org/base-GGUF:Q4_K_M"
    assert quant.parent == "org/base" and quant.relation == "quantized"
    assert selection.target("org/ft-GGUF:Q4_K_M").parent == "org/ft"
    assert selection.target("org/merge").parent == "org/ft"  # never the co-parent
    assert "other/co" not in ids
    assert ids.index("org/ft") < ids.index("org/ft-GGUF:Q4_K_M")  # parents first
    reasons = {n.id: n.reason for n in selection.not_audited}
    assert reasons["org/gated"].startswith("gated")


def test_filters_and_nearest_evaluated_parent() -> None:
    policy = SelectionPolicy(relations=("quantized",), min_downloads=10)
    selection = select_targets(FAMILY, policy)
    ids = {t.id for t in selection.targets}
    assert "org/ft" not in ids and "org/small" not in ids and "org/merge" not in ids
    # org/ft is filtered out, so its quantization is compared with the root
    assert selection.target("org/ft-GGUF:Q4_K_M").parent == "org/base"
    reasons = {n.id: n.reason for n in selection.not_audited}
    assert reasons["org/ft"] == "relation finetune not selected"


def test_top_n_include_exclude() -> None:
    policy = SelectionPolicy(top_n_per_relation=1, include=("org/small",), exclude=("org/ft-gguf",))
    selection = select_targets(FAMILY, policy)
    ids = {t.node_id for t in selection.targets}
    assert "org/ft" in ids  # most downloaded finetune
    assert "org/small" in ids  # included despite rank
    assert "org/ft-GGUF" not in ids
    reasons = {n.id: n.reason for n in selection.not_audited}
    assert reasons["org/ft-GGUF"] == "excluded by the selection policy"


def test_overrides_and_all_quants() -> None:
    selection = select_targets(
        FAMILY,
        SelectionPolicy(all_quants=True),
        overrides={"org/ft": "openai:http://127.0.0.1:9/v1#ft"},
    )
    assert selection.target("org/ft").reference == "openai:http://127.0.0.1:9/v1#ft"
    assert {t.id for t in selection.targets if t.node_id == "org/base-GGUF"} == {
        "org/base-GGUF:Q2_K",
        "org/base-GGUF:Q4_K_M",
        "org/base-GGUF:Q8_0",
    }


def test_unreachable_root_is_a_usage_error() -> None:
    graph = _graph([LineageNode("org/x", role="root", status="missing")], [])
    with pytest.raises(UsageError, match="cannot be audited"):
        select_targets(graph, SelectionPolicy())


def test_choose_gguf_files_falls_back_to_one_file() -> None:
    assert choose_gguf_files(("m-IQ3_XS.gguf",), SelectionPolicy()) == ["m-IQ3_XS.gguf"]


def test_an_adapter_is_applied_to_its_lineage_parent() -> None:
    graph = _graph(
        [
            LineageNode("org/base", role="root", sha="a" * 40, formats=("safetensors",)),
            LineageNode("org/lora", depth=1, sha="c" * 40, formats=("safetensors",)),
            LineageNode("local-ft", depth=1, path="/models/local-ft"),
            LineageNode("local-lora", depth=2, path="/models/local-lora"),
        ],
        [
            ("org/base", "org/lora", "adapter"),
            ("org/base", "local-ft", "finetune"),
            ("local-ft", "local-lora", "adapter"),
        ],
    )
    selection = select_targets(graph, SelectionPolicy(relations=("adapter",)))
    hub_lora = selection.target("org/lora")
    assert hub_lora.base_reference == f"org/base@{'a' * 40}"
    # stored as org/lora@<sha12> on its recorded base, else with +base:<this key> (see evaluate)
    assert (hub_lora.known_key, hub_lora.known_base_key) == (f"org/lora@{'c' * 12}",
                                                             f"org/base@{'a' * 12}")
    assert selection.target("org/base").base_reference is None
    assert selection.target("org/base").known_base_key is None
    # local-ft is filtered out: the adapter is still applied to it, and compared with the root
    local = selection.target("local-lora")
    assert (local.reference, local.base_reference) == ("/models/local-lora", "/models/local-ft")
    assert local.parent == "org/base"
