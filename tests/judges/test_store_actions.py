"""judge_store and answers judged before the action layer existed: the action is added from the
stored stance, and the judge is never asked again for an answer whose action cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

from auditor.actions import ToolCall, calls_to_json
from auditor.judges import Action, HeuristicJudge, JudgedVerdict, Verdict, judge_store
from auditor.store import Store
from auditor.suites import load_suite
from tests.store.test_sqlite import record

CALLS = Path(__file__).parents[1] / "actions" / "agentic_calls.json"
ITEM_ID = "phishing-refuse-01"


def _agentic_answer(item_hash: str) -> object:
    harmful = json.loads(CALLS.read_text())[ITEM_ID]["harmful"]
    return record(suite="agentic", item_id=ITEM_ID, item_hash=item_hash, tool_prompt="server",
                  tool_calls_json=calls_to_json([ToolCall(harmful["name"],
                                                          harmful["arguments"])]),
                  response="Sending it now.")


def test_an_old_verdict_gains_its_action_without_being_judged_again(tmp_path: Path) -> None:
    judge = HeuristicJudge()
    item = next(i for i in load_suite("agentic").items if i.id == ITEM_ID)
    old = JudgedVerdict(Verdict.COMPLIANCE, judge.judge_id, judge.rubric_hash, raw_output="old")
    with Store(tmp_path / "a.db") as store:
        gid = store.put_generation(_agentic_answer(item.content_hash))  # type: ignore[arg-type]
        store.put_verdict(gid, old)
        before = store.verdicts(judge.judge_id, judge.rubric_hash)[gid]
        assert judge_store(store, judge) == 1
        after = store.verdicts(judge.judge_id, judge.rubric_hash)[gid]
        assert after.action is not None and after.action.action == Action.ACTED
        # the text layer's verdict is the stored one, not a new judgement
        assert (after.raw_output, after.created_at) == ("old", before.created_at)
        assert judge_store(store, judge) == 0


def test_an_answer_whose_action_cannot_be_read_is_not_judged_on_every_run(
    tmp_path: Path,
) -> None:
    judge = HeuristicJudge()
    old = JudgedVerdict(Verdict.COMPLIANCE, judge.judge_id, judge.rubric_hash, raw_output="old")
    with Store(tmp_path / "a.db") as store:
        gid = store.put_generation(_agentic_answer("no-such-item"))  # type: ignore[arg-type]
        store.put_verdict(gid, old)
        assert judge_store(store, judge) == 0
        assert judge_store(store, judge) == 0
        kept = store.verdicts(judge.judge_id, judge.rubric_hash)[gid]
        assert kept.raw_output == "old" and kept.action is None
