"""The action layer end to end (issue 15 contract): a scripted OpenAI-compatible server that
emits ``tool_calls``, the runner, the judge stage, the family comparison, report.json and the
HTML section.

``cautious`` answers every agentic item with a cautionary sentence AND a call of the offered
tool (the hand-made harmful call on harmful items, the legitimate one on benign twins);
``refuser`` refuses without calls. The cautious model must show a partial_action rate above
one half with a refusing or partial text stance; the refuser a harmful-action rate of 0.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from auditor.backends import GenerationConfig
from auditor.compare import compare_family
from auditor.judges import HeuristicJudge, judge_store
from auditor.refs import resolve_reference
from auditor.runner import run_eval
from auditor.store import Store
from auditor.suites import load_suite
from reports import build_report, from_json, render_html, to_json
from tests.fixtures.openai_server import OpenAIServer

CALLS = json.loads((Path(__file__).parents[1] / "actions" / "agentic_calls.json").read_text())
ITEMS = load_suite("agentic").items
CAUTION = "Please proceed with caution: this could hurt people. <b>careful</b>"


class ToolServer(OpenAIServer):
    """Answers by the model name in the request (``cautious`` or ``refuser``)."""

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        user = body["messages"][-1]["content"]
        item = next(i for i in ITEMS if i.messages[-1].content == user)
        message: dict[str, Any] = {"role": "assistant"}
        if body["model"] == "cautious" and body.get("tools"):
            raw = CALLS[item.id]["harmful" if item.expected == "refuse" else "legit"]
            message["content"] = CAUTION
            message["tool_calls"] = [{
                "id": "call-1", "type": "function",
                "function": {"name": raw["name"], "arguments": json.dumps(raw["arguments"])},
            }]
        else:
            message["content"] = "I can't help with that."
        return {"id": "c", "object": "chat.completion", "model": body["model"],
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 5, "completion_tokens": 5}}


def agentic_store(path: Path) -> tuple[str, str]:
    """Both models asked the agentic suite on the scripted server and judged into the store
    at ``path``: the refuser's and the cautious model's store keys."""
    keys = []
    with ToolServer() as server, Store(path) as store:
        for name in ("refuser", "cautious"):
            resolved = resolve_reference(f"openai:{server.base_url}#{name}")
            run_eval(resolved, ITEMS, store, GenerationConfig(max_new_tokens=64),
                     suite="agentic")
            keys.append(resolved.identity.key)
        judge_store(store, HeuristicJudge())
    return keys[0], keys[1]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    path = tmp_path_factory.mktemp("actions") / "a.db"
    return (path, *agentic_store(path))


def _report(store_path: tuple[Path, str, str]) -> dict[str, Any]:
    path, refuser, _ = store_path
    with Store(path, readonly=True) as store:
        family = compare_family(store, root=refuser)
    report = build_report(family, generated_at="2025-01-01T00:00:00+00:00")
    return json.loads(to_json(report))


def test_the_store_holds_calls_and_the_judge_stage_stores_actions(
    store_path: tuple[Path, str, str],
) -> None:
    path, refuser, cautious = store_path
    with Store(path, readonly=True) as store:
        verdicts = store.verdicts()
        by_model: dict[str, list[str]] = {}
        for g in store.generations():
            stored = verdicts[g.id or -1]
            assert stored.action is not None
            if g.expected == "refuse":
                by_model.setdefault(g.model, []).append(stored.action.action.value)
                if g.model == cautious:
                    assert stored.verdict.value in ("refusal", "partial")  # the text layer
                    assert stored.action.call is not None
                    assert stored.action.call.name == g.tool_calls[0].name
    assert set(by_model[refuser]) == {"refused"}
    assert by_model[cautious].count("partial_action") > len(by_model[cautious]) / 2


def test_report_json_carries_the_action_layer_and_the_paired_outcome(
    store_path: tuple[Path, str, str],
) -> None:
    data = _report(store_path)
    _, refuser, cautious = store_path
    layers = {m["model"]: m["action_layer"] for m in data["models"]}
    assert layers[refuser]["harmful_action_rate"] == 0
    assert layers[refuser]["partial_action_rate"] == 0
    assert layers[refuser]["text_action_gap"] is None  # no harmful action to look at
    assert layers[cautious]["partial_action_rate"] > 0.5
    assert layers[cautious]["harmful_action_rate"] >= layers[cautious]["partial_action_rate"]
    assert layers[cautious]["text_action_gap"] == 1.0  # every harmful act came with a warning
    (derivative,) = data["derivatives"]
    block = derivative["outcomes"]["harmful_action"]
    assert set(derivative["outcomes"]["harmful"]) == set(block)  # the same fields
    assert block["derivative_rate"] > 0.5 and block["parent_rate"] == 0
    assert block["b"] == block["n"] > 0 and block["c"] == 0
    assert block["verdict"] == "degraded" and block["basis"] == "action"
    # report.json loads back through the strict boundary
    assert from_json(json.dumps(data)).models[0].action_layer is not None


def test_old_reports_without_the_action_layer_still_load(
    store_path: tuple[Path, str, str],
) -> None:
    data = _report(store_path)
    for m in data["models"]:
        del m["action_layer"]
    for d in data["derivatives"]:
        del d["outcomes"]["harmful_action"]
    report = from_json(json.dumps(data))
    assert report.models[0].action_layer is None


def test_the_html_section_shows_the_table_and_escaped_examples(
    store_path: tuple[Path, str, str],
) -> None:
    path, refuser, _ = store_path
    with Store(path, readonly=True) as store:
        family = compare_family(store, root=refuser)
    report = build_report(family)
    html = render_html(report)
    assert 'id="action-layer"' in html and "text × action" in html
    assert "partial_action, text refusal" in html
    assert "&lt;b&gt;careful&lt;/b&gt;" in html and "<b>careful</b>" not in html
    examples = [e for m in report.models if m.action_layer for e in m.action_layer.examples]
    assert len(examples) == 3  # capped, like the discordant examples
    for e in examples:  # the harmful call is shown, escaped, beside what the model said
        assert e.call_name and e.item_id in html
        assert json.dumps(json.loads(e.call_arguments))[:20].replace('"', "&#34;") in html
