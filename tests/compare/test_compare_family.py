"""compare_family on a real store: verdicts, Holm across the family, one read of the store."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from auditor import stats
from auditor.compare import (
    FAMILY_SCHEMA_VERSION,
    ComparisonPolicy,
    FamilyComparison,
    compare_family,
    compare_models,
)
from auditor.errors import ReportError, UsageError
from auditor.judges._verdict import JudgedVerdict, Verdict
from auditor.store import GenerationRecord, Store
from auditor.suites import load_suite
from lineage import load_graph
from reports import build_report
from tests.reports._store import (
    JUDGE,
    N_HARMFUL,
    RUBRIC,
    add_model,
    identity,
    lineage_dict,
    write_lineage,
)

ROOT, FT, QFT = "org/base", "org/base-uncensored", "org/base-uncensored-GGUF"
QFT_IDENT = identity(QFT, file="ft.Q4_K_M.gguf", fmt="gguf")


def _root_unsafe(i: int) -> bool:
    return i % 25 == 0


def _ft_unsafe(i: int) -> bool:
    return i % 25 == 0 or i % 4 == 1


@pytest.fixture(scope="module")
def family(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("family")
    with Store(tmp / "audit.db") as store:
        add_model(store, identity(ROOT), unsafe=_root_unsafe)
        add_model(store, identity(FT), unsafe=_ft_unsafe, over_refuse=lambda i: False)
        add_model(store, QFT_IDENT, unsafe=_ft_unsafe)
    graph = lineage_dict(
        [(ROOT, FT, "finetune"), (FT, QFT, "quantized"), (ROOT, "org/gated", "adapter")],
        ROOT,
        statuses={"org/gated": "gated"},
    )
    return tmp / "audit.db", write_lineage(tmp / "lineage.json", graph)


@pytest.fixture(scope="module")
def compared(family: tuple[Path, Path]) -> FamilyComparison:
    db, lineage_path = family
    with Store(db, readonly=True) as store:
        return compare_family(store, load_graph(lineage_path), ComparisonPolicy(seed=1))


def test_verdicts_counts_and_exit_come_from_the_family(compared: FamilyComparison) -> None:
    assert compared.schema_version == FAMILY_SCHEMA_VERSION
    assert compared.verdicts == {FT: "degraded", QFT: "not_degraded"}
    assert compared.counts() == {"degraded": 1, "not_degraded": 1, "inconclusive": 0}
    assert compared.flagged("degraded") and compared.flagged("inconclusive")
    assert [(n.id, n.parent) for n in compared.not_compared] == [("org/gated", ROOT)]
    assert compared.root is not None and compared.root.key == identity(ROOT).key
    assert [m.id for m in compared.models] == [ROOT, FT, QFT]
    assert [m.role for m in compared.models] == ["root", "derivative", "derivative"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        compared.pairs = ()  # type: ignore[misc]


def test_each_pair_is_compare_models_and_holm_runs_across_the_family(
    family: tuple[Path, Path], compared: FamilyComparison
) -> None:
    db, _ = family
    pairs = {p.member.id: p for p in compared.pairs}
    with Store(db, readonly=True) as store:
        alone = compare_models(store, identity(FT).key, QFT_IDENT.key, seed=1)
        assert pairs[QFT].compared == alone
        ft_alone = compare_models(store, identity(ROOT).key, identity(FT).key, seed=1)
    holm = stats.holm([pairs[x].unsafe.comparison.midp_one_sided for x in (FT, QFT)])
    assert pairs[FT].unsafe.p_adjusted == pytest.approx(holm.adjusted[0])
    assert pairs[FT].unsafe.comparison == ft_alone.unsafe.paired  # type: ignore[union-attr]
    # QFT is cleared against its parent, but against the root it is degraded too
    assert pairs[QFT].vs_root is not None and pairs[QFT].vs_root.verdict == "degraded"
    assert pairs[FT].vs_root is not None and pairs[FT].vs_root.comparison == ft_alone.unsafe.paired  # type: ignore[union-attr]
    ft_rates = next(m.rates for m in compared.models if m.id == FT)
    assert ft_rates.n_harmful == N_HARMFUL and ft_rates.unsafe is not None
    assert ft_rates.unsafe.k == sum(map(_ft_unsafe, range(N_HARMFUL)))


def _table(sql: str) -> str:
    """``SELECT * FROM <table>`` of a statement, without its WHERE or ORDER BY clause."""
    return sql.split(" WHERE")[0].split(" ORDER")[0]


def test_the_store_is_read_once_for_the_whole_family(family: tuple[Path, Path]) -> None:
    db, lineage_path = family
    reads: list[str] = []
    with Store(db, readonly=True) as store:
        store._conn.set_trace_callback(  # the statements SQLite really executes
            lambda sql: reads.append(_table(sql)) if sql.startswith("SELECT *") else None
        )
        compare_family(store, load_graph(lineage_path))
        store._conn.set_trace_callback(None)
    # every model, condition and turn at once
    assert reads.count("SELECT * FROM generations") == 1
    assert reads.count("SELECT * FROM verdicts") == 1


def test_the_policy_is_checked_and_recorded(family: tuple[Path, Path]) -> None:
    db, _ = family
    for bad in ({"alpha": 0.0}, {"margin": 1.0}, {"alpha": 1.5}):
        with pytest.raises(UsageError, match="alpha and margin"):
            ComparisonPolicy(**bad)  # type: ignore[arg-type]
    with Store(db, readonly=True) as store:
        wide = compare_family(store, root=ROOT, policy=ComparisonPolicy(margin=0.5, seed=4))
        with pytest.raises(ReportError, match="pass a lineage file"):
            compare_family(store)
        with pytest.raises(UsageError, match="no verdicts from judge 'other'"):
            compare_family(store, root=ROOT, policy=ComparisonPolicy(judge_id="other"))
    assert wide.policy.margin == 0.5 and all(p.compared.seed == 4 for p in wide.pairs)
    assert {p.member.id for p in wide.pairs} == {FT, f"{QFT}:ft.Q4_K_M.gguf"}


def test_the_report_renders_the_family_verdicts(compared: FamilyComparison) -> None:
    report = build_report(compared, generated_at="2026-01-01T00:00:00+00:00")
    assert {d.id: d.verdict for d in report.derivatives} == compared.verdicts
    assert report.provenance.store == compared.store
    assert report.methods.alpha == compared.policy.alpha


def test_a_reports_suite_hash_is_the_suites_own(tmp_path: Path) -> None:
    """The report's suite hash is ``auditor suites show``'s (it was another algorithm)."""
    suite = load_suite("smoke")
    with Store(tmp_path / "s.db") as store:
        for ident, bad in ((identity(ROOT), False), (identity(FT), True)):
            for item in suite.items:
                gid = store.put_generation(GenerationRecord(
                    model=ident.key, identity_json=ident.to_json(), suite=suite.name,
                    item_id=item.id, item_hash=item.content_hash, category=item.category,
                    expected=str(item.expected), framing="default", gen_config_hash="g",
                    gen_config_json="{}", sample=0, seed=0,
                    prompt_json=json.dumps([{"role": "user", "content": "x"}]),
                    prompt_text="x", response="Sure." if bad else "No.",
                ))
                label = Verdict.COMPLIANCE if bad == (str(item.expected) == "refuse") \
                    else Verdict.REFUSAL
                store.put_verdict(gid, JudgedVerdict(label, JUDGE, RUBRIC))
        report = build_report(compare_family(store, root=ROOT))
    (provenance,) = report.provenance.suites
    assert provenance.name == suite.name and provenance.n_items == len(suite.items)
    assert provenance.hash == suite.hash
