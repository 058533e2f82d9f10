"""`auditor audit --verify-lineage` on real tiny models: each edge is checked by the weights
before comparing; a contradicted parent is still compared, and the report says so (limits,
diagram, report.json edges)."""

from __future__ import annotations

import json
from pathlib import Path

from auditor.audit import AuditConfig, load_config_file, run_audit
from reports import load_report
from tests.fingerprint import family
from tests.fixtures.tiny_models import build_tiny_hf_model


def _card(folder: Path, parent: str | None) -> Path:
    front = f"base_model: {parent}\n" if parent else ""
    (folder / "README.md").write_text(f"---\n{front}license: apache-2.0\n---\n# {folder.name}\n")
    return folder


def test_audit_verifies_edges_and_reports_a_contradicted_parent(tmp_path: Path) -> None:
    root = tmp_path / "family"
    base = _card(build_tiny_hf_model(root / "tiny-base"), None)
    tuned = _card(family.build_finetune(base, root / "tiny-tuned"), "tiny-base")
    liar = _card(build_tiny_hf_model(root / "tiny-liar", seed=1), "tiny-base")
    toml = tmp_path / "audit.toml"
    toml.write_text("verify_lineage = true\n")
    assert load_config_file(toml).verify_lineage is True
    config = AuditConfig(
        local=(base, tuned, liar), suites=("smoke",), store=tmp_path / "audit.db",
        out=tmp_path / "report", max_new_tokens=4, threads=2, verify_lineage=True,
    )
    result = run_audit(config)
    saved = json.loads(result.json_path.read_text())
    edges = {e["child"]: e for e in saved["lineage"]["edges"]}
    assert edges["tiny-liar"]["verification"]["verdict"] == "contradicted"
    assert edges["tiny-liar"]["verification"]["relation_guess"] == "unrelated"
    assert edges["tiny-tuned"]["verification"]["verdict"] == "confirmed"
    # compared with its claimed parent anyway, and the limits say so
    liar_result = next(d for d in result.report.derivatives if d.id == "tiny-liar")
    assert liar_result.parent == "tiny-base"
    said = [line for line in saved["methods"]["limits"] if "contradict" in line]
    assert len(said) == 1 and "tiny-liar" in said[0] and "compared with tiny-base" in said[0]
    html = result.html_path.read_text()
    assert html.count('class="edge contradicted"') == 1 and "finetune (contradicted)" in html
    again = load_report(result.json_path)  # the strict reader takes the new field
    verified = {e.child: e.verification for e in again.lineage.edges}
    assert verified["tiny-liar"] is not None and verified["tiny-liar"].verdict == "contradicted"


def test_without_the_option_edges_carry_no_verification(tmp_path: Path) -> None:
    root = tmp_path / "family"
    base = _card(build_tiny_hf_model(root / "tiny-base"), None)
    liar = _card(build_tiny_hf_model(root / "tiny-liar", seed=1), "tiny-base")
    result = run_audit(AuditConfig(local=(base, liar), suites=("smoke",),
                                   store=tmp_path / "audit.db", out=tmp_path / "report",
                                   max_new_tokens=4, threads=2))
    saved = json.loads(result.json_path.read_text())
    assert all(e.get("verification") is None for e in saved["lineage"]["edges"])
    assert not [line for line in saved["methods"]["limits"] if "contradict" in line]
