"""A layered left-to-right tree layout of the lineage, for the report's SVG diagram.

Columns are generations (ancestors to the left of the root, derivatives to the right); rows
come from a depth-first walk so each parent sits at the middle of its children. A node with
several parents (a merge) is placed under its first parent; every edge is still drawn.
Only numbers and model strings leave this module; the template escapes the strings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from reports._charts import VERDICT_LABELS, colour, fill
from reports._model import LineageView

NODE_W = 250
NODE_H = 38
COL_GAP = 110
ROW_H = 54
MARGIN = 16
MAX_DRAWN = 400
_LABEL_CHARS = 30


@dataclass(frozen=True, slots=True)
class PlacedNode:
    id: str
    label: str
    state_label: str
    root_label: str  # "vs root: degraded" where that differs from the verdict against the parent
    root_colour: str
    x: float
    y: float
    stroke: str
    fill: str
    dashed: bool


@dataclass(frozen=True, slots=True)
class PlacedEdge:
    path: str
    relation: str
    label_x: float
    label_y: float
    contradicted: bool = False  # the weights contradict the claimed parent


@dataclass(frozen=True, slots=True)
class LineageLayout:
    width: float
    height: float
    nodes: tuple[PlacedNode, ...]
    edges: tuple[PlacedEdge, ...]
    hidden: int  # family members left out of the drawing (very large families)

    @property
    def fits(self) -> bool:
        """Small enough to scale down to the page width and stay legible."""
        return self.width <= 1900


def short_label(text: str, limit: int = _LABEL_CHARS) -> str:
    """Shorten a repo id in the middle, keeping the owner and the informative tail."""
    if len(text) <= limit:
        return text
    head = limit // 2 - 1
    return f"{text[:head]}…{text[-(limit - head - 1) :]}"


def _columns(view: LineageView, root: str) -> dict[str, int]:
    children: dict[str, list[str]] = defaultdict(list)
    parents: dict[str, list[str]] = defaultdict(list)
    for e in view.edges:
        children[e.parent].append(e.child)
        parents[e.child].append(e.parent)
    col: dict[str, int] = {root: 0}
    frontier = [root]
    while frontier:  # descendants, breadth first
        nxt = []
        for n in frontier:
            for c in children[n]:
                if c not in col:
                    col[c] = col[n] + 1
                    nxt.append(c)
        frontier = nxt
    frontier = [root]
    while frontier:  # ancestors (and co-parents) to the left
        nxt = []
        for n in frontier:
            for p in parents[n]:
                if p not in col:
                    col[p] = col[n] - 1
                    nxt.append(p)
        frontier = nxt
    for node in view.nodes:  # unconnected members: by their recorded depth, else beside root
        col.setdefault(node.id, max(node.depth, 0))
    return col


def _rows(view: LineageView, col: dict[str, int]) -> dict[str, float]:
    order = [n.id for n in view.nodes]
    tree_children: dict[str, list[str]] = defaultdict(list)
    has_parent: set[str] = set()
    for e in view.edges:
        if e.child not in has_parent and col.get(e.child, 0) == col.get(e.parent, 0) + 1:
            tree_children[e.parent].append(e.child)
            has_parent.add(e.child)
    row: dict[str, float] = {}
    next_slot = [0.0]

    def place(n: str) -> float:
        kids = [k for k in tree_children[n] if k not in row]
        if not kids:
            row[n] = next_slot[0]
            next_slot[0] += 1
            return row[n]
        row[n] = -1.0  # mark as being placed (guards against cycles)
        ys = [place(k) for k in kids]
        row[n] = (min(ys) + max(ys)) / 2
        return row[n]

    for n in sorted(order, key=lambda i: col[i]):
        if n not in row and n not in has_parent:
            place(n)
    for n in order:
        if n not in row:
            place(n)
    return row


def layout_lineage(
    view: LineageView, root: str, vs_root: Mapping[str, str] | None = None
) -> LineageLayout:
    """Place every node (up to :data:`MAX_DRAWN`) and route every edge between drawn nodes.

    ``vs_root`` maps a node to its verdict against the root, shown where the node's parent is
    not the root and that verdict differs from the one against the parent.
    """
    vs_root = vs_root or {}
    nodes = list(view.nodes)
    hidden = 0
    if len(nodes) > MAX_DRAWN:
        keep = sorted(nodes, key=lambda n: (n.state == "not_audited", abs(n.depth)))[:MAX_DRAWN]
        hidden = len(nodes) - len(keep)
        nodes = keep
    drawn = {n.id for n in nodes}
    sub = LineageView(
        source=view.source,
        nodes=tuple(nodes),
        edges=tuple(e for e in view.edges if e.parent in drawn and e.child in drawn),
    )
    col = _columns(sub, root)
    row = _rows(sub, col)
    c0 = min(col.values(), default=0)
    placed = {}
    for n in nodes:
        x = MARGIN + (col[n.id] - c0) * (NODE_W + COL_GAP)
        y = MARGIN + row[n.id] * ROW_H
        placed[n.id] = PlacedNode(
            id=n.id,
            label=short_label(n.id),
            state_label=n.role if n.state == "context" else VERDICT_LABELS.get(n.state, n.state),
            root_label=(
                f"vs root: {VERDICT_LABELS.get(vs_root[n.id], '').lower()}"
                if vs_root.get(n.id, n.state) != n.state
                else ""
            ),
            root_colour=colour(vs_root.get(n.id, n.state)),
            x=x,
            y=y,
            stroke=colour(n.state),
            fill=fill(n.state),
            dashed=n.state == "not_audited",
        )
    edges = []
    for e in sub.edges:
        a, b = placed[e.parent], placed[e.child]
        x1, y1 = a.x + NODE_W, a.y + NODE_H / 2
        x2, y2 = b.x, b.y + NODE_H / 2
        mid = (x1 + x2) / 2
        path = f"M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2 - 6:.1f},{y2:.1f}"
        contradicted = e.verification is not None and e.verification.verdict == "contradicted"
        label = f"{e.relation} (contradicted)" if contradicted else e.relation
        edges.append(PlacedEdge(path, label, label_x=x2 - 10, label_y=y2 - 6,
                                contradicted=contradicted))
    n_cols = max(col.values(), default=0) - c0 + 1
    n_rows = max(row.values(), default=0) + 1
    return LineageLayout(
        width=2 * MARGIN + n_cols * NODE_W + (n_cols - 1) * COL_GAP,
        height=2 * MARGIN + (n_rows - 1) * ROW_H + NODE_H,
        nodes=tuple(placed.values()),
        edges=tuple(edges),
        hidden=hidden,
    )
