"""The audit ``auditor demo`` runs (fast: no family is built): one defence condition besides
plain and a few pressure conversations, so the report has its conditions and erosion parts."""

from __future__ import annotations

from pathlib import Path

from auditor.cli.cmd_demo import (
    DEMO_BATCH_SIZE,
    DEMO_CONDITIONS,
    DEMO_LIMIT,
    DEMO_PRESSURE_LIMIT,
    DEMO_SUITES,
    demo_config,
)
from auditor.conditions import resolve_conditions
from auditor.demo import DemoFamily, DemoMember


def _family(tmp_path: Path) -> DemoFamily:
    folder = tmp_path / "root"
    folder.mkdir(parents=True)
    member = DemoMember("root", folder, str(folder), None, None, "safetensors", None,
                        "transformers", 0, "the root")
    return DemoFamily("root", (member,), tmp_path, tmp_path, tmp_path / "x.gguf", "0" * 64)


def test_the_demo_asks_a_defence_and_a_few_pressure_conversations(tmp_path: Path) -> None:
    config = demo_config(_family(tmp_path), tmp_path / "out", DEMO_SUITES, DEMO_LIMIT, 32)
    assert "pressure" in config.suites and config.conditions == DEMO_CONDITIONS
    assert [c.name for c in resolve_conditions(config.conditions)] == ["defence:think-safety"]
    limits = dict(config.suite_limits)
    assert limits == {"framing": DEMO_LIMIT // 3, "pressure": DEMO_LIMIT // 8} == {
        "framing": 10, "pressure": 4}
    wide = demo_config(_family(tmp_path / "w"), tmp_path / "o", DEMO_SUITES, 480, 32)
    assert dict(wide.suite_limits)["pressure"] == DEMO_PRESSURE_LIMIT == 6  # its cap
    small = demo_config(_family(tmp_path / "b"), tmp_path / "o", ("harm", "pressure"), 4, 32)
    assert dict(small.suite_limits) == {"pressure": 1}  # --limit lowers it too
    test_size = demo_config(_family(tmp_path / "c"), tmp_path / "o", ("pressure",), 12, 32)
    assert dict(test_size.suite_limits) == {"pressure": 1}


def test_the_demo_batches_its_transformers_members(tmp_path: Path) -> None:
    """The root and the adapter (transformers) take 32 requests at once: on a CPU a 270M model
    generates several times faster than at the CPU default of 4."""
    config = demo_config(_family(tmp_path), tmp_path / "out", DEMO_SUITES, DEMO_LIMIT, 32)
    assert config.backend_options.batch_size == DEMO_BATCH_SIZE == 32


def test_the_demo_asks_its_defence_on_the_suites_the_conditions_section_reads(
    tmp_path: Path,
) -> None:
    """The conditions section reads harmful and benign items only (TI-S, iatrogenic flags):
    framing items and pressure conversations are asked plain only."""
    config = demo_config(_family(tmp_path), tmp_path / "out", DEMO_SUITES, DEMO_LIMIT, 32)
    assert config.condition_suites == ("harm", "benign-twins")
    conditions = resolve_conditions(config.conditions, config.condition_suites)
    assert [sorted(c.suites) for c in conditions] == [["benign-twins", "harm"]]
    neither = demo_config(_family(tmp_path / "n"), tmp_path / "o", ("framing",), 12, 32)
    assert neither.conditions == () and neither.condition_suites == ()
