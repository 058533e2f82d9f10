"""End to end: no credential from an ``openai:`` reference, nor OPENAI_API_KEY / HF_TOKEN, appears
in stderr, stdout, report.html, report.json or the store's bytes; the scripted server gets the
credential as a header."""

from __future__ import annotations

import base64
from pathlib import Path

from tests.audit.scripted_server import ScriptedServer
from tests.cli._run import auditor

PASSWORD = "Pw-0f-alice-9931"
API_KEY = "sk-query-7f3a9d2c41"
ENV = {"OPENAI_API_KEY": "sk-env-55e1c0ffee0", "HF_TOKEN": "hf_envtoken0123456789"}
SECRETS = (PASSWORD, API_KEY, *ENV.values())


def _family(root: Path) -> list[Path]:
    folders = []
    for name, parent in (("base", None), ("ft-unsafe", "base"), ("ft-plain", "base")):
        folder = root / name
        folder.mkdir(parents=True)
        card = f"---\nbase_model: {parent}\nbase_model_relation: finetune\n---\n" if parent else ""
        (folder / "README.md").write_text(card + f"# {name}\n", encoding="utf-8")
        folders.append(folder)
    return folders


def _no_secret_in(*texts: str | bytes) -> None:
    for text in texts:
        data = text.encode() if isinstance(text, str) else text
        for secret in SECRETS:
            assert secret.encode() not in data, f"{secret} leaked"


def test_audit_sends_credentials_as_headers_and_writes_them_nowhere(
    tmp_path: Path, server: ScriptedServer
) -> None:
    host = server.base_url.removeprefix("http://")
    with_password = f"openai:http://alice:{PASSWORD}@{host}#refuser"
    with_key = f"openai:{server.base_url}?api_key={API_KEY}#complier"
    plain = f"openai:{server.base_url}#plain"  # another model: the scripted server complies
    store, out = tmp_path / "audit.db", tmp_path / "report"
    proc = auditor(
        "-vv", "audit", "--local", *map(str, _family(tmp_path / "models")),
        "--suite", "smoke", "--store", str(store), "--out", str(out),
        "--override", f"base={with_password}", "--override", f"ft-unsafe={with_key}",
        "--override", f"ft-plain={plain}", env=ENV,
    )
    assert proc.returncode in (0, 3), proc.stderr  # a verdict either way: the audit ran
    assert len(server.requests) == 30  # 10 smoke items for each of the three models
    auth = {r["auth"] for r in server.requests}
    basic = "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    assert auth == {basic, f"Bearer {API_KEY}", f"Bearer {ENV['OPENAI_API_KEY']}"}
    assert {r["path"] for r in server.requests} == {"/v1/chat/completions"}
    report_json = (out / "report.json").read_text()
    assert "alice:***@" in report_json  # the reference is recorded, masked
    sqlite_files = [p.read_bytes() for p in tmp_path.glob("audit.db*")]
    _no_secret_in(proc.stdout, proc.stderr, report_json, (out / "report.html").read_text(),
                  *sqlite_files)
    assert "loading openai:http://alice:***@" in proc.stderr  # -vv logged the reference

    # The store key does not depend on the secret: another password finds the same rows.
    other = f"openai:http://alice:another-pw@{host}#refuser"
    rows = auditor("results", "--store", str(store), "--model", other, env=ENV)
    assert rows.returncode == 0 and rows.stdout.count("\n") > 0, rows.stderr
    _no_secret_in(rows.stdout, rows.stderr)


def test_error_messages_mask_the_credential(tmp_path: Path) -> None:
    proc = auditor("eval", f"openai:http://alice:{PASSWORD}@127.0.0.1:9/v1", "--suite", "smoke",
                   "--store", str(tmp_path / "a.db"), env=ENV)
    assert proc.returncode == 2 and "alice:***@" in proc.stderr
    proc2 = auditor("judge", "--store", str(tmp_path / "none.db"),
                    "--judge", f"openai:http://h/v1?token={API_KEY}", env=ENV)
    assert proc2.returncode == 2
    _no_secret_in(proc.stdout, proc.stderr, proc2.stdout, proc2.stderr)
