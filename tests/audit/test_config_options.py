"""The audit takes every generation and backend option ``auditor eval`` takes, from the TOML
file and the command line alike, and each one reaches the backend (an ``openai:`` model on
the scripted server on 127.0.0.1 records what it was sent)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from auditor.audit import AuditConfig, load_config_file, load_scan_config, run_audit
from auditor.backends import BackendOptions, GenerationConfig
from auditor.errors import AuditorError, UsageError
from tests.audit.scripted_server import ScriptedServer
from tests.cli._run import auditor, write_suite

# Every option new to the audit, as a TOML line, and where its value must land.
_NEW_OPTIONS = """
top_p = 0.5
enable_thinking = true
n_ctx = 512
concurrency = 2
batch_size = 2
request_timeout = 30
in_process = true
dtype = "float32"
"""


def _family(root: Path) -> list[Path]:
    folders = []
    for name, parent in (("base", None), ("ft", "base")):
        folder = root / "models" / name
        folder.mkdir(parents=True)
        card = f"---\nbase_model: {parent}\nbase_model_relation: finetune\n---\n" if parent else ""
        (folder / "README.md").write_text(card + f"# {name}\n", encoding="utf-8")
        folders.append(folder)
    return folders


def _toml(tmp_path: Path, server: ScriptedServer, body: str, name: str = "audit.toml") -> Path:
    """An [audit] table auditing the two-model family on ``server`` with a 3-item suite."""
    base, ft = _family(tmp_path / name.removesuffix(".toml"))
    suite = write_suite(tmp_path / f"{name}.jsonl", 3)
    path = tmp_path / name
    path.write_text(
        f"[audit]\nlocal = [{str(base)!r}, {str(ft)!r}]\nsuites = [{str(suite)!r}]\n"
        f"store = {str(tmp_path / (name + '.db'))!r}\nout = {str(tmp_path / (name + '.out'))!r}\n"
        f"{body}\n[audit.overrides]\n"
        f"base = 'openai:{server.base_url}#refuser'\nft = 'openai:{server.base_url}#complier'\n",
        encoding="utf-8",
    )
    return path


def test_new_toml_keys_land_in_the_parts(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text('root = "org/base"\ntemperature = 0.7\nsamples = 2\n' + _NEW_OPTIONS,
                    encoding="utf-8")
    config = load_config_file(path)
    assert config.generation == GenerationConfig(temperature=0.7, samples=2, top_p=0.5,
                                                 enable_thinking=True)
    assert config.backend_options == BackendOptions(
        n_ctx=512, concurrency=2, batch_size=2, request_timeout=30, in_worker=False,
        dtype="float32")


def test_flat_names_and_parts_build_the_same_config() -> None:
    flat = AuditConfig(root="r", top_p=0.9, temperature=0.5, concurrency=3, margin=0.1)
    parts = AuditConfig(root="r", generation=GenerationConfig(top_p=0.9, temperature=0.5),
                        backend_options=BackendOptions(concurrency=3))
    assert flat.generation == parts.generation
    assert flat.backend_options == parts.backend_options
    assert flat.statistics.margin == 0.1


def test_batch_size_defaults_to_the_backends_choice_as_in_eval() -> None:
    assert AuditConfig().backend_options.batch_size is None
    assert BackendOptions().batch_size is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("top_p = 1.5", "'top_p' must be a number <= 1"),
        ("top_p = 0", "'top_p' must be a number > 0"),
        ("request_timeout = 0.5", "'request_timeout' must be a number >= 1"),
        ("concurrency = 0", "'concurrency' must be a number >= 1"),
        ("n_ctx = -4", "'n_ctx' must be a number >= 1"),
        ('enable_thinking = "yes"', "'enable_thinking' must be true or false"),
        ('in_process = "false"', "'in_process' must be true or false"),
        ("samples = 3", "set --temperature > 0"),
        ("top-p = 0.5\ntop_p = 0.5", "given twice"),
    ],
)
def test_a_bad_value_is_one_clear_error_naming_the_file(
    tmp_path: Path, line: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(f'root = "org/base"\n{line}\n', encoding="utf-8")
    with pytest.raises(UsageError, match=message) as caught:
        load_config_file(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_scan_files_take_the_new_keys_in_defaults_and_families(tmp_path: Path) -> None:
    path = tmp_path / "scan.toml"
    path.write_text('[defaults]\nsuites = ["smoke"]\ntop_p = 0.8\nconcurrency = 4\n'
                    '[[family]]\nroot = "org/a"\n'
                    '[[family]]\nroot = "org/b"\nconcurrency = 1\nrequest_timeout = 5\n',
                    encoding="utf-8")
    a, b = (f.config for f in load_scan_config(path).families)
    assert a.generation.top_p == b.generation.top_p == 0.8
    assert a.backend_options.concurrency == 4
    assert (b.backend_options.concurrency, b.backend_options.request_timeout) == (1, 5)


def _bodies(server: ScriptedServer) -> list[dict[str, Any]]:
    return [r["body"] for r in server.requests]


def test_generation_options_from_the_toml_reach_the_server(
    tmp_path: Path, server: ScriptedServer
) -> None:
    body = "temperature = 0.7\ntop_p = 0.5\nenable_thinking = true\nmax_new_tokens = 17\n" \
           "seed = 11\nconcurrency = 1\n"
    result = run_audit(load_config_file(_toml(tmp_path, server, body)))
    assert result.failure == ""
    bodies = _bodies(server)
    assert len(bodies) == 6  # 3 items x 2 models
    for sent in bodies:
        assert sent["top_p"] == 0.5 and sent["temperature"] == 0.7
        assert sent["max_tokens"] == 17 and sent["seed"] == 11
        assert sent["chat_template_kwargs"] == {"enable_thinking": True}
    assert server.peak_in_flight == 1  # concurrency = 1


def test_the_request_timeout_reaches_the_backend(tmp_path: Path) -> None:
    """A server slower than ``request_timeout``: every request of the root times out."""
    with ScriptedServer(delay=1.3) as slow:
        config = load_config_file(_toml(tmp_path, slow, "request_timeout = 1\n"))
        with pytest.raises(AuditorError, match="root base could not be evaluated.*Timeout"):
            run_audit(config)


def _stored_gen_configs(store: Path) -> set[str]:
    with sqlite3.connect(store) as db:
        return {row[0] for row in db.execute("SELECT gen_config_json FROM generations")}


def test_cli_flags_and_toml_keys_give_the_same_audit(tmp_path: Path) -> None:
    """The same options once as TOML keys and once as ``auditor audit`` flags: the server
    receives the same requests and the store records the same generation config."""
    options = {"temperature": "0.7", "top-p": "0.5", "seed": "5", "max-new-tokens": "9",
               "concurrency": "2", "batch-size": "2", "request-timeout": "30",
               "n-ctx": "256", "dtype": "float32"}
    toml_lines = "".join(f"{k.replace('-', '_')} = {v if k != 'dtype' else repr(v)}\n"
                         for k, v in options.items()) + "enable_thinking = true\n"
    flags = [part for k, v in options.items() for part in (f"--{k}", v)] + ["--enable-thinking"]
    sent = []
    for name, use_flags in (("by-toml.toml", False), ("by-flags.toml", True)):
        with ScriptedServer() as server:
            path = _toml(tmp_path, server, "" if use_flags else toml_lines, name)
            result = auditor("audit", "--config", str(path), *(flags if use_flags else []))
            assert result.returncode == 0, result.stderr
            sent.append(sorted(json.dumps(b, sort_keys=True) for b in _bodies(server)))
            assert server.peak_in_flight <= 2
    assert sent[0] == sent[1] and len(sent[0]) == 6
    for body in map(json.loads, sent[0]):
        assert (body["top_p"], body["temperature"], body["seed"], body["max_tokens"]) == \
            (0.5, 0.7, 5, 9)
        assert body["chat_template_kwargs"] == {"enable_thinking": True}
    assert _stored_gen_configs(tmp_path / "by-toml.toml.db") == \
        _stored_gen_configs(tmp_path / "by-flags.toml.db")


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--top-p", "1.5"], "top_p must be in (0, 1]"),
        (["--concurrency", "0"], "--concurrency"),
        (["--request-timeout", "0.2"], "--request-timeout"),
    ],
)
def test_a_bad_flag_exits_2_with_a_clear_message(flags: list[str], message: str) -> None:
    result = auditor("audit", "org/base", "--suite", "smoke", *flags)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
