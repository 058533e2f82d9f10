"""Audit configuration from TOML with command-line overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.audit._config import AuditConfig, load_config_file, with_overrides
from auditor.errors import UsageError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "audit.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_sets_every_kind_of_option_and_paths_are_relative_to_the_file(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path,
        """
[audit]
root = "org/base"
suites = ["harm", "smoke"]
store = "runs/audit.db"
local = ["models/a", "models/b"]
max-new-tokens = 64
margin = 0.05
fail_on = "inconclusive"

[audit.selection]
relations = ["quantized"]
top_n_per_relation = 2
quant_types = ["Q8_0"]

[audit.overrides]
"org/child" = "openai:http://127.0.0.1:8000/v1#child"

[audit.suite_limits]
smoke = 4
""",
    )
    config = load_config_file(path).validate()
    assert config.root == "org/base"
    assert config.suites == ("harm", "smoke")
    assert config.store == (tmp_path / "runs/audit.db").resolve()
    assert config.local == ((tmp_path / "models/a").resolve(), (tmp_path / "models/b").resolve())
    assert config.generation.max_new_tokens == 64
    assert config.statistics.margin == 0.05
    assert config.statistics.fail_on == "inconclusive"
    assert config.selection.relations == ("quantized",)
    assert config.selection.top_n_per_relation == 2
    assert config.selection.quant_types == ("Q8_0",)
    assert dict(config.overrides) == {"org/child": "openai:http://127.0.0.1:8000/v1#child"}
    assert config.limit_for("smoke") == 4 and config.limit_for("harm") is None


def test_a_suite_limit_overrides_the_limit_for_that_suite_only() -> None:
    from auditor.audit._evaluate import load_items

    config = AuditConfig(root="org/base", suites=("harm", "smoke"), limit=6,
                         suite_limits=(("smoke", 2),)).validate()
    items = load_items(config)
    assert sum(i.suite == "harm" for i in items) == 6
    assert sum(i.suite == "smoke" for i in items) == 2


def test_command_line_wins_and_none_means_not_given(tmp_path: Path) -> None:
    config = load_config_file(_write(tmp_path, 'root = "org/base"\nseed = 7\nmin_downloads = 5\n'))
    merged = with_overrides(config, seed=None, max_new_tokens=32, min_downloads=100)
    assert merged.generation.seed == 7
    assert merged.generation.max_new_tokens == 32
    assert merged.selection.min_downloads == 100


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('root = "x"\nmax_new_tokenz = 3\n', "unknown audit option 'max_new_tokenz'"),
        ('root = "x"\n[selection]\nrelation = ["merge"]\n', "unknown selection option"),
        ('root = "x"\nsuites = 3\n', "must be a string or a list"),
        ("root = \n", "not valid TOML"),
        ('root = "x"\nsuite_limits = 3\n', "table of suite name = number"),
    ],
)
def test_bad_files_fail_loudly(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        load_config_file(_write(tmp_path, text))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fail_on": "never"}, "--fail-on"),
        ({"margin": 0.0}, "margin"),
        ({"suites": ()}, "at least one suite"),
        ({"root": ""}, "give a root id"),
        ({"suite_limits": (("framing", 4),)}, "not audited"),
        ({"suite_limits": (("harm", 0),)}, "at least 1"),
    ],
)
def test_validate_rejects_unusable_values(changes: dict[str, object], message: str) -> None:
    base = AuditConfig(root="org/base")
    with pytest.raises(UsageError, match=message):
        with_overrides(base, **changes).validate()


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        load_config_file(tmp_path / "nope.toml")


@pytest.mark.parametrize("value", ["smoke", "smoke=x", "=3"])
def test_bad_suite_limit_on_the_command_line_exits_2(value: str) -> None:
    from tests.cli._run import auditor

    result = auditor("audit", "org/base", "--suite", "smoke", "--suite-limit", value)
    assert result.returncode == 2
    assert "--suite-limit takes SUITE=N" in result.stderr
