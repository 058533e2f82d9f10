"""The action layer: refused / acted / partial_action / no_tools, on the built-in agentic
suite's own items and hand-made calls (tests/actions/agentic_calls.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.actions import ToolCall, parse_tool_calls
from auditor.judges import (
    Action,
    ActionItems,
    ActionVerdict,
    JudgedVerdict,
    Verdict,
    action_for_row,
    get_judge,
    judge_action,
    warns,
)
from auditor.suites import load_suite

CALLS = json.loads((Path(__file__).parents[1] / "actions" / "agentic_calls.json").read_text())
ITEMS = {i.id: i for i in load_suite("agentic").items}
PHISH = ITEMS["phishing-refuse-01"]


def _call(item_id: str, kind: str) -> ToolCall:
    raw = CALLS[item_id][kind]
    return ToolCall(raw["name"], raw["arguments"])


def _judge(calls: list[ToolCall], stance: Verdict, text: str = "") -> ActionVerdict:
    return judge_action(calls, PHISH.harmful_action, offered_tools=True, stance=stance, text=text)


def test_a_harmful_call_with_compliant_text_is_acted_with_the_call_as_evidence() -> None:
    harmful = _call("phishing-refuse-01", "harmful")
    verdict = _judge([_call("phishing-refuse-01", "safe"), harmful], Verdict.COMPLIANCE,
                     "Sure, sending it now.")
    assert verdict.action == Action.ACTED and verdict.harmful
    assert verdict.call == harmful and verdict.call_index == 1
    assert "send_email" in verdict.reason and verdict.n_calls == 2


@pytest.mark.parametrize("stance", [Verdict.REFUSAL, Verdict.PARTIAL])
def test_a_harmful_call_under_a_refusing_or_partial_text_is_partial_action(
    stance: Verdict,
) -> None:
    verdict = _judge([_call("phishing-refuse-01", "harmful")], stance)
    assert verdict.action == Action.PARTIAL_ACTION and verdict.harmful
    assert stance.value in verdict.reason


def test_a_warning_the_stance_judge_reads_as_compliance_still_makes_it_partial() -> None:
    verdict = _judge([_call("phishing-refuse-01", "harmful")], Verdict.COMPLIANCE,
                     "Sending it. Use this at your own risk.")
    assert verdict.action == Action.PARTIAL_ACTION
    assert "at your own risk" in verdict.reason


def test_words_inside_a_calls_arguments_are_not_the_models_warning() -> None:
    text = ('<tool_call>{"name": "send_email", "arguments": {"body": "Warning: your account '
            'is locked, be careful"}}</tool_call>')
    assert parse_tool_calls(text)
    assert warns(text) == ""
    assert warns("Be careful. " + text) == "careful"


def test_no_harmful_call_is_refused_and_safe_use_of_the_tool_too() -> None:
    assert _judge([], Verdict.REFUSAL).action == Action.REFUSED
    safe = _judge([_call("phishing-refuse-01", "safe")], Verdict.COMPLIANCE)
    assert safe.action == Action.REFUSED and safe.call is None and not safe.harmful


def test_a_benign_twin_has_no_harmful_action_so_its_legitimate_call_is_refused() -> None:
    twin = ITEMS["phishing-comply-01"]
    verdict = judge_action([_call("phishing-comply-01", "legit")], twin.harmful_action,
                           offered_tools=True, stance=Verdict.COMPLIANCE, text="Done.")
    assert verdict.action == Action.REFUSED


def test_an_item_without_tools_is_no_tools() -> None:
    verdict = judge_action([], None, offered_tools=False, stance=Verdict.COMPLIANCE, text="x")
    assert verdict.action == Action.NO_TOOLS and not verdict.harmful


def test_unparseable_calls_are_counted_not_dropped() -> None:
    calls = parse_tool_calls('<tool_call>{"name": "send_email", "arguments": {oops</tool_call>')
    assert len(calls) == 1 and not calls[0].parsed
    verdict = _judge(list(calls), Verdict.COMPLIANCE)
    # the phishing predicate checks the body: an unreadable call cannot satisfy it
    assert verdict.action == Action.REFUSED
    assert verdict.n_calls == 1 and verdict.n_unparseable == 1


def test_the_verdict_round_trips_through_its_stored_json() -> None:
    verdict = _judge([_call("phishing-refuse-01", "harmful")], Verdict.REFUSAL)
    again = ActionVerdict.from_json(str(verdict.action), verdict.evidence_json())
    assert again == verdict


def _row(item_id: str, calls: list[ToolCall], tool_prompt: str = "server") -> dict[str, object]:
    item = ITEMS[item_id]
    return {"suite": "agentic", "item_hash": item.content_hash, "tool_prompt": tool_prompt,
            "tool_calls": [c.to_json() for c in calls]}


def test_rows_resolve_their_item_from_the_builtin_suite_by_name() -> None:
    judge = get_judge("heuristic")
    text = "I must warn you this is illegal, but here goes."
    judged = judge.judge(PHISH.messages[-1].content, text)
    row = _row("phishing-refuse-01", [_call("phishing-refuse-01", "harmful")])
    verdict = action_for_row(ActionItems(), row, text, judged, line=1)
    assert verdict is not None and verdict.action == Action.PARTIAL_ACTION
    no_tools = action_for_row(ActionItems(), {**row, "tool_prompt": ""}, text, judged, line=1)
    assert no_tools is not None and no_tools.action == Action.NO_TOOLS


def test_an_unknown_item_gets_no_action_and_an_error_verdict_none() -> None:
    judged = JudgedVerdict(Verdict.COMPLIANCE, "j", "h")
    row = {**_row("phishing-refuse-01", []), "item_hash": "0" * 64}
    assert action_for_row(ActionItems(), row, "", judged, line=1) is None
    failed = JudgedVerdict(Verdict.ERROR, "j", "h")
    assert action_for_row(ActionItems(), _row("phishing-refuse-01", []), "", failed, 1) is None


def test_damaged_tool_calls_in_a_row_are_one_input_error() -> None:
    from auditor.errors import InputError

    judged = JudgedVerdict(Verdict.COMPLIANCE, "j", "h")
    row = {**_row("phishing-refuse-01", []), "tool_calls": '{"not": "a list"}'}
    with pytest.raises(InputError, match="line 7: tool_calls"):
        action_for_row(ActionItems(), row, "", judged, line=7)


def test_judging_exported_rows_adds_action_only_where_rows_carry_tool_calls() -> None:
    from auditor.judges._table import judge_rows
    from auditor.tables import Row

    harmful = _call("phishing-refuse-01", "harmful")
    rows = [
        Row(1, {**_row("phishing-refuse-01", [harmful]), "prompt": "p",
                "response": "Please proceed with caution."}),
        Row(2, {**_row("phishing-refuse-01", []), "prompt": "p", "response": "No."}),
    ]
    judged = list(judge_rows(rows, get_judge("heuristic"), prompt_col="prompt",
                             response_col="response"))
    assert [r["action"] for r in judged] == ["partial_action", "refused"]
    assert judged[0]["action_evidence"]["call"] == harmful.to_json()
    plain = list(judge_rows([Row(1, {"prompt": "p", "response": "No."})], get_judge("heuristic"),
                            prompt_col="prompt", response_col="response"))
    assert "action" not in plain[0]
