"""Records of the results store: one generation, one stored verdict, and a generation's key."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from auditor.actions import ToolCall, calls_from_json
from auditor.backends import UNSUPPORTED
from auditor.errors import StoreError
from auditor.jsonio import dumps
from auditor.judges import ActionVerdict, EvidenceSpan, Harm, HarmAssessment, Verdict


@dataclass(frozen=True, slots=True)
class GenerationKey:
    """What makes a generation unique: re-running with the same key reuses the stored row."""

    model: str  # ModelIdentity.key
    item_hash: str  # Item.content_hash
    framing: str
    gen_config_hash: str  # GenerationConfig.hash
    sample: int
    condition: str = "plain"  # the condition's name (auditor.conditions); plain: none
    turn: int = 1  # the turn of a multi-turn conversation; 1 for single-turn items


@dataclass(frozen=True, slots=True)
class GenerationRecord:
    """One model response to one rendered item (a row of the ``generations`` table).

    ``id`` is ``None`` until the record is stored. ``prompt_json`` is the JSON list of
    ``{"role", "content"}`` messages sent; ``prompt_text`` what the model saw after the chat
    template (for remote backends, the JSON messages). ``error`` is ``""`` when generation worked.
    ``condition`` names the condition the item was asked under (``plain``: as written) and
    ``turn`` the turn of a multi-turn conversation (1 for single-turn items). A condition the
    item or backend cannot take is stored with ``finish_reason`` ``unsupported`` and the
    reason in ``error`` (never judged as an answer). An agentic item's generation keeps
    ``tool_calls_json`` (the JSON list of ``{name, arguments}`` calls, ``""`` without tools)
    and ``tool_prompt`` (how the tools were shown: ``template``, ``generic`` or ``server``).
    """

    model: str
    identity_json: str
    suite: str
    item_id: str
    item_hash: str
    category: str
    expected: str
    framing: str
    gen_config_hash: str
    gen_config_json: str
    sample: int
    seed: int
    prompt_json: str
    prompt_text: str
    response: str
    reasoning: str = ""
    finish_reason: str = ""
    error: str = ""
    n_prompt_tokens: int = 0
    n_completion_tokens: int = 0
    created_at: str = ""
    condition: str = "plain"
    turn: int = 1
    tool_calls_json: str = ""
    tool_prompt: str = ""
    id: int | None = field(default=None)

    @property
    def key(self) -> GenerationKey:
        return GenerationKey(
            self.model, self.item_hash, self.framing, self.gen_config_hash, self.sample,
            self.condition, self.turn,
        )

    @property
    def tool_calls(self) -> tuple[ToolCall, ...]:
        """The tool calls the answer made (decoded ``tool_calls_json``)."""
        try:
            return calls_from_json(self.tool_calls_json)
        except ValueError as exc:
            raise StoreError(f"the results store is damaged: tool_calls_json of row {self.id} "
                             f"is not a list of calls ({exc})") from exc

    @property
    def unsupported(self) -> bool:
        """True when the condition could not be applied (see the class docstring)."""
        return self.finish_reason == UNSUPPORTED

    @property
    def messages(self) -> list[dict[str, str]]:
        """The rendered prompt messages (decoded ``prompt_json``)."""
        value: list[dict[str, str]] = _decoded(self.prompt_json, "prompt_json", self.id)
        return value

    @property
    def identity(self) -> dict[str, Any]:
        """The model identity as stored (decoded ``identity_json``)."""
        value: dict[str, Any] = _decoded(self.identity_json, "identity_json", self.id)
        return value

    @property
    def gen_config(self) -> dict[str, Any]:
        """The generation config as stored (decoded ``gen_config_json``)."""
        value: dict[str, Any] = _decoded(self.gen_config_json, "gen_config_json", self.id)
        return value


@dataclass(frozen=True, slots=True)
class StoredVerdict:
    """A judge's verdict on one stored generation (a row of the ``verdicts`` table)."""

    id: int
    generation_id: int
    judge_id: str
    rubric_hash: str
    verdict: Verdict
    evidence: tuple[EvidenceSpan, ...]
    raw_output: str
    trace_json: str
    created_at: str
    harm: HarmAssessment | None = None  # None: the judge (version) gave no harm dimension
    action: ActionVerdict | None = None  # None: not judged by the action layer

    @property
    def trace(self) -> dict[str, Any] | None:
        """The decoded reasoning-trace analysis, or ``None`` when none was stored."""
        if not self.trace_json:
            return None
        value: dict[str, Any] = _decoded(self.trace_json, "trace_json", self.id)
        return value


def _decoded(text: str, column: str, row: int | None) -> Any:
    """A JSON column's value; a damaged one is a StoreError, not a JSONDecodeError."""
    try:
        return json.loads(text)
    except ValueError as exc:
        raise StoreError(f"the results store is damaged: {column} of row {row} is not JSON "
                         f"({exc})") from exc


def evidence_to_json(evidence: tuple[EvidenceSpan, ...]) -> str:
    return dumps(
        [{"start": e.start, "end": e.end, "text": e.text, "reason": e.reason} for e in evidence]
    )


def evidence_from_json(text: str) -> tuple[EvidenceSpan, ...]:
    if not text:
        return ()
    return tuple(
        EvidenceSpan(int(e["start"]), int(e["end"]), str(e["text"]), str(e.get("reason", "")))
        for e in json.loads(text)
    )


def harm_to_row(harm: HarmAssessment) -> tuple[str, float, str, str, str]:
    """``(label, score, evidence_json, source, raw_output)`` of the ``harm`` table."""
    return (harm.label.value, float(harm.score), evidence_to_json(harm.evidence), harm.source,
            harm.raw_output)


def harm_from_row(label: str, score: float, evidence_json: str, source: str,
                  raw_output: str) -> HarmAssessment:
    """A stored harm row; ``ValueError``/``TypeError`` for a damaged one."""
    value = float(score)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"harm score {score!r} outside [0, 1]")
    return HarmAssessment(Harm(label), value, evidence_from_json(evidence_json), str(source),
                          str(raw_output))


def action_to_row(action: ActionVerdict) -> tuple[str, str]:
    """``(label, evidence_json)`` of the ``action`` table."""
    return action.action.value, dumps(action.evidence_json())


def action_from_row(label: str, evidence_json: str) -> ActionVerdict:
    """A stored action row; ``ValueError``/``TypeError`` for a damaged one."""
    evidence = json.loads(evidence_json)
    if not isinstance(evidence, dict):
        raise ValueError("action evidence must be a JSON object")
    return ActionVerdict.from_json(label, evidence)
