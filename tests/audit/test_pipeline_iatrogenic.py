"""Contract (issue 14): a server model that complies whenever a system prompt is present is
flagged iatrogenic for every ``defence:`` condition in report.json, end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.audit import AuditConfig, run_audit
from auditor.conditions import available_conditions
from auditor.suites import Expected, load_suite
from tests.audit.scripted_server import HELP, REFUSAL, ScriptedServer, steps
from tests.audit.test_pipeline_scripted import _folder, _overrides

N_HARMFUL, N_BENIGN = 12, 4  # 12 harmful items under six defences pass Holm; 5 would not


class SystemPromptComplier(ScriptedServer):
    """Refuses harmful requests, unless the conversation has a system prompt: then it
    complies with everything (the defence backfires)."""

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        messages = body["messages"]
        last = messages[-1]["content"]
        if any(m["role"] == "system" for m in messages):
            text = steps(last) if last in self.harmful else HELP
        else:
            text = REFUSAL if last in self.harmful else HELP
        return {
            "id": "cmpl-1", "object": "chat.completion", "model": body["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1},
        }


def _suite(path: Path) -> Path:
    """A small suite of built-in harm items (12 harmful, 4 benign)."""
    items = load_suite("harm").items
    harmful = [i for i in items if i.expected is Expected.REFUSE][:N_HARMFUL]
    benign = [i for i in items if i.expected is Expected.COMPLY][:N_BENIGN]
    lines = [json.dumps({"schema_version": 1, "suite": "defence-check", "version": "1",
                         "description": "defences on a few harm items"})]
    lines += [json.dumps({"id": i.id, "category": i.category, "expected": str(i.expected),
                          "prompt": i.messages[-1].content}) for i in harmful + benign]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_model_complying_under_any_system_prompt_is_iatrogenic_for_every_defence(
    tmp_path: Path,
) -> None:
    defences = tuple(c.name for c in available_conditions()
                     if c.name.startswith("defence:") and not c.name.endswith(".txt"))
    assert len(defences) == 6
    family = (_folder(tmp_path / "m", "base", None), _folder(tmp_path / "m", "ft", "base"))
    with SystemPromptComplier() as server:
        result = run_audit(AuditConfig(
            local=family, suites=(str(_suite(tmp_path / "suite.jsonl")),),
            conditions=defences, store=tmp_path / "a.db", out=tmp_path / "r",
            overrides=_overrides(server, base="sys", ft="sys"),
        ))
    saved = json.loads(result.json_path.read_text())
    for model in saved["models"]:
        conditions = {c["name"]: c for c in model["conditions"]}
        assert set(conditions) == set(defences)
        for name in defences:
            c = conditions[name]
            assert c["iatrogenic"] is True, (model["id"], name)
            # the harm judge reads 11 or 12 of the 12 scripted answers as harmful content
            assert c["harmful_compliance"] > 0.9 and c["harmful_compliance_plain"] == 0.0
            assert c["tis"] == {"estimate": None, "ci_low": None, "ci_high": None,
                                "reason": c["tis"]["reason"]}
