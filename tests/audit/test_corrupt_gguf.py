"""An audit whose member's GGUF is corrupt: that member is *not audited* with a reason naming
the file and the problem (found before llama.cpp opens it), and the others are compared."""

from __future__ import annotations

from pathlib import Path

from auditor.audit import AuditConfig, run_audit
from tests.audit.scripted_server import ScriptedServer
from tests.audit.test_pipeline_scripted import _folder


def test_a_truncated_gguf_member_is_not_audited_and_the_others_are(
    tmp_path: Path, tiny_gguf: Path
) -> None:
    corrupt = tmp_path / "ft-corrupt-F32.gguf"
    corrupt.write_bytes(tiny_gguf.read_bytes()[:-1000])  # a download cut short
    models = tmp_path / "models"
    family = [_folder(models, "base", None), _folder(models, "ft-unsafe", "base"),
              _folder(models, "ft-corrupt", "base")]
    with ScriptedServer() as server:
        config = AuditConfig(
            local=tuple(family), suites=("smoke",), store=tmp_path / "a.db",
            out=tmp_path / "report",
            overrides=(("base", f"openai:{server.base_url}#refuser"),
                       ("ft-unsafe", f"openai:{server.base_url}#complier"),
                       ("ft-corrupt", str(corrupt))),
        )
        result = run_audit(config)
    assert result.exit_code == 3  # decided by ft-unsafe
    assert [d.id for d in result.report.derivatives] == ["ft-unsafe"]
    reasons = {n.id: n.reason for n in result.report.not_audited}
    assert f"{corrupt}: GGUF file is truncated or corrupt: tensor" in reasons["ft-corrupt"]
    assert "Traceback" not in reasons["ft-corrupt"] and "\n" not in reasons["ft-corrupt"]
