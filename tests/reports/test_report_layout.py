"""Chart and lineage geometry: what the SVG is drawn from."""

from __future__ import annotations

import pytest

from reports import LineageEdge, LineageNode, LineageView
from reports._charts import difference_scale, forest_mark, heat_colour, signed_points
from reports._layout import MAX_DRAWN, NODE_H, NODE_W, layout_lineage, short_label


def _view(edges: list[tuple[str, str]], extra: tuple[str, ...] = ()) -> LineageView:
    ids = {"root", *extra} | {x for e in edges for x in e}
    nodes = tuple(
        LineageNode(
            i,
            "root" if i == "root" else "descendant",
            "ok",
            0,
            "root" if i == "root" else "inconclusive",
        )
        for i in sorted(ids)
    )
    return LineageView("hub", nodes, tuple(LineageEdge(p, c, "finetune") for p, c in edges))


def test_tree_layout_places_children_right_of_parents_without_overlap() -> None:
    edges = [
        ("anc", "root"),
        ("root", "a"),
        ("root", "b"),
        ("a", "a1"),
        ("a", "a2"),
        ("b", "b1"),
        ("root", "c"),
    ]
    lay = layout_lineage(_view(edges), "root")
    pos = {n.id: (n.x, n.y) for n in lay.nodes}
    for parent, child in edges:
        assert pos[child][0] > pos[parent][0] + NODE_W  # a column to the right
    assert pos["anc"][0] < pos["root"][0]  # ancestors to the left of the root
    boxes = sorted(pos.values())
    for (x1, y1), (x2, y2) in zip(boxes, boxes[1:], strict=False):
        assert x1 != x2 or abs(y1 - y2) >= NODE_H  # same column: no overlap
    ys = {k: y for k, (_, y) in pos.items()}
    assert min(ys["a1"], ys["a2"]) <= ys["a"] <= max(ys["a1"], ys["a2"])  # parent centred
    assert len(lay.edges) == len(edges)
    assert all(0 <= n.x and n.x + NODE_W <= lay.width for n in lay.nodes)
    assert all(0 <= n.y and n.y + NODE_H <= lay.height for n in lay.nodes)


def test_cycles_and_orphans_do_not_break_the_layout() -> None:
    lay = layout_lineage(_view([("root", "a"), ("a", "b"), ("b", "a")], extra=("lonely",)), "root")
    assert {n.id for n in lay.nodes} == {"root", "a", "b", "lonely"}


def test_huge_families_are_capped_with_a_count() -> None:
    edges = [("root", f"m{i}") for i in range(MAX_DRAWN + 50)]
    lay = layout_lineage(_view(edges), "root")
    assert len(lay.nodes) == MAX_DRAWN and lay.hidden == 51
    assert not lay.fits or lay.width <= 1900


def test_labels_are_shortened_in_the_middle() -> None:
    long = "organisation-with-long-name/model-name-that-goes-on-Q4_K_M-GGUF"
    s = short_label(long, 30)
    assert len(s) == 30 and s.startswith("organisation") and s.endswith("Q4_K_M-GGUF")
    assert short_label("a/b", 30) == "a/b"


def test_difference_scale_shows_zero_margin_and_every_value() -> None:
    scale = difference_scale([0.24, -0.019, None, 0.30], margin=0.03)
    assert scale.lo <= -0.03 and scale.hi >= 0.30
    labels = [t.label for t in scale.ticks]
    assert "0" in labels and all("." not in lab for lab in labels)  # whole points at this span
    assert scale.x(scale.lo) == scale.pad and scale.x(scale.hi) == scale.width - scale.pad
    mark = forest_mark(scale, 0.24, (0.186, 0.304), "degraded")
    assert mark is not None and mark.x_lo < mark.x_pt < mark.x_hi and not mark.clipped_hi
    assert forest_mark(scale, None, None, "inconclusive") is None


def test_number_formatting_and_colours() -> None:
    assert signed_points(0.035) == "+3.5 pp"
    assert signed_points(-0.01) == "\u22121.0 pp"
    assert signed_points(0.0) == "±0.0 pp" and signed_points(None) == "–"
    assert heat_colour(0.1)[1:3] > heat_colour(0.1)[3:5]  # red dominates for a rise
    assert heat_colour(-0.1)[3:5] > heat_colour(-0.1)[1:3]  # green dominates for a fall
    assert heat_colour(None) == "#f1f3f5"


@pytest.mark.parametrize(
    "p, text",
    [(0.00001, "< 0.0001"), (0.0042, "0.0042"), (0.25, "0.250"), (0.9999, "1"), (None, "–")],
)
def test_p_values_print_as_a_reader_expects(p: float | None, text: str) -> None:
    from reports._html import pval

    assert pval(p) == text
