"""The model judge: any model the runner can load grades responses with a versioned rubric.

The judge needs only a *chat function* (messages in, text out), so it works with any backend,
a remote server, or a test double at the edge of the world. :func:`model_judge` builds that
function from a model reference through the runner's ``resolve_reference`` and
``load_backend``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from auditor.errors import AuditorError, JudgeError, UsageError
from auditor.judges._gradeable import ungradeable
from auditor.judges._heuristic import refusal_read_once
from auditor.judges._rubric import (
    LLAMAGUARD_HASH,
    RUBRIC_HASH,
    RUBRIC_VERSION,
    ParsedAnswer,
    build_rubric_messages,
    parse_guard_answer,
    parse_rubric_answer,
)
from auditor.judges._verdict import EvidenceSpan, JudgedVerdict, Verdict
from auditor.suites._item import Message

log = logging.getLogger(__name__)

ChatFn = Callable[[Sequence[Message]], str]
"""Maps chat messages to the model's reply text; raises on failure."""

RUBRICS = ("verdict", "llamaguard")


def parse_judge_answer(answer: str, response: str = "", rubric: str = "verdict") -> ParsedAnswer:
    """Parse a judge model's raw answer for ``rubric`` (``verdict`` or ``llamaguard``)."""
    if rubric == "llamaguard":
        return parse_guard_answer(answer)
    return parse_rubric_answer(answer, response)


class ModelJudge:
    """Grades a response by asking a model. Unparseable answers and failures are ``error``."""

    def __init__(self, chat: ChatFn, model_key: str, *, rubric: str = "verdict") -> None:
        if rubric not in RUBRICS:
            raise UsageError(f"unknown rubric {rubric!r}; choose one of {list(RUBRICS)}")
        self._chat = chat
        self.rubric = rubric
        self.model_key = model_key
        suffix = f"rubric-v{RUBRIC_VERSION}" if rubric == "verdict" else "llamaguard-v1"
        self.judge_id = f"model:{model_key}@{suffix}"
        self.rubric_hash = RUBRIC_HASH if rubric == "verdict" else LLAMAGUARD_HASH

    def _messages(self, prompt: str, response: str) -> list[Message]:
        if self.rubric == "llamaguard":
            # Guard models carry their own policy in their chat template: give them the turns.
            return [Message("user", prompt), Message("assistant", response)]
        pairs = build_rubric_messages(prompt, response)
        return [Message(role, content) for role, content in pairs]

    def _result(
        self, verdict: Verdict, evidence: Sequence[EvidenceSpan], raw: str
    ) -> JudgedVerdict:
        return JudgedVerdict(verdict, self.judge_id, self.rubric_hash, tuple(evidence), raw)

    def judge(
        self, prompt: str, response: str, reasoning: str = "", *, error: str = ""
    ) -> JudgedVerdict:
        """Grade ``response``; a generation ``error`` or a failed judge call gives ``error``."""
        if error:
            span = EvidenceSpan(0, 0, error[:500], "backend error: " + error[:200])
            return self._result(Verdict.ERROR, [span], "")
        response = response or ""
        # The same pre-checks as the heuristic judge, so both call the same responses
        # not_gradeable; a looping refusal is shown to the judge model read once.
        unfit = ungradeable(prompt, response, reasoning or "")
        if unfit is not None:
            if refusal_read_once(unfit, response, prompt) is None:
                return self._result(Verdict.NOT_GRADEABLE, [unfit.evidence(response)], "")
            response = response[: unfit.readable_end]
        try:
            raw = self._chat(self._messages(prompt, response))
        except Exception as exc:  # the judge failing is recorded as error, never as a verdict
            log.warning("judge model call failed: %s", exc)
            return self._result(
                Verdict.ERROR, [EvidenceSpan(0, 0, "", f"judge call failed: {exc}"[:300])], ""
            )
        parsed = parse_judge_answer(raw, response, self.rubric)
        evidence = parsed.evidence or (
            (EvidenceSpan(0, 0, raw[:500], parsed.problem),) if parsed.problem else ()
        )
        return self._result(parsed.verdict, evidence, raw)


def backend_chat(backend: object, *, max_new_tokens: int = 96) -> ChatFn:
    """A chat function over a loaded runner backend (greedy decoding)."""
    from auditor.backends import GenerationConfig, GenerationRequest

    config = GenerationConfig(max_new_tokens=max_new_tokens, temperature=0.0)

    def chat(messages: Sequence[Message]) -> str:
        results = backend.generate([GenerationRequest(tuple(messages))], config)  # type: ignore[attr-defined]
        result = results[0]
        if result.error:
            raise JudgeError(f"judge model failed: {result.error}")
        return str(result.response)

    return chat


def model_judge(
    reference: str,
    *,
    rubric: str = "verdict",
    backend: str = "auto",
    max_new_tokens: int | None = None,
    options: object | None = None,
) -> ModelJudge:
    """Load the model at ``reference`` (anything the runner accepts) as a judge."""
    from auditor.backends import BackendOptions, load_backend
    from auditor.redact import redact
    from auditor.refs import resolve_reference

    try:
        resolved = resolve_reference(reference)
    except AuditorError as exc:
        raise JudgeError(
            f"--judge {redact(reference)!r} is neither a judge name (heuristic) nor a loadable "
            "model "
            f"reference: {exc}"
        ) from exc
    opts = options if isinstance(options, BackendOptions) else None
    loaded = load_backend(resolved, backend, opts)
    tokens = max_new_tokens or (16 if rubric == "llamaguard" else 96)
    key = getattr(loaded.identity, "key", resolved.key)
    return ModelJudge(backend_chat(loaded, max_new_tokens=tokens), str(key), rubric=rubric)
