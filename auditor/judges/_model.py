"""The model judge: any model the runner can load grades responses with a versioned rubric.

The judge needs only a *chat function* (messages in, text out), so it works with any backend,
a remote server, or a test double at the edge of the world. :func:`model_judge` builds that
function from a model reference through the runner's ``resolve_reference`` and
``load_backend``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from auditor.errors import AuditorError, JudgeError, UsageError
from auditor.judges._gradeable import ungradeable
from auditor.judges._heuristic import HeuristicJudge, refusal_read_once
from auditor.judges._rubric import (
    ParsedAnswer,
    parse_guard_answer,
    parse_rubric_answer,
)
from auditor.judges._rubrics import RUBRICS as _RUBRICS
from auditor.judges._rubrics import as_harm, get_rubric
from auditor.judges._verdict import EvidenceSpan, Harm, JudgedVerdict, Verdict
from auditor.suites import Message

if TYPE_CHECKING:  # a runtime import would load the backends package with every judge
    from auditor.backends import Backend, BackendOptions

log = logging.getLogger(__name__)

ChatFn = Callable[[Sequence[Message]], str]
"""Maps chat messages to the model's reply text; raises on failure."""

RUBRICS = tuple(_RUBRICS)


def parse_judge_answer(answer: str, response: str = "", rubric: str = "verdict") -> ParsedAnswer:
    """Parse a judge model's raw answer for ``rubric`` (``verdict`` or ``llamaguard``)."""
    if rubric == "llamaguard":
        return parse_guard_answer(answer)
    return parse_rubric_answer(answer, response)


class ModelJudge:
    """Grades a response by asking a model with a versioned rubric (``_rubrics.py``).

    The dimensions the rubric gives (stance, harm) come from the model; the others from the
    offline heuristic judge, read first. Unparseable answers and failed calls are ``error``.

    With ``cascade=True`` the offline judge decides every response whose harm is clear and the
    model only the ``unclear`` ones (``model_calls`` counts them); a failed or unparseable model
    answer then leaves the offline reading in place, noted in the harm evidence, because the
    offline verdict is still a verdict. A cascade needs a rubric that gives harm.
    """

    def __init__(
        self, chat: ChatFn, model_key: str, *, rubric: str = "verdict", cascade: bool = False
    ) -> None:
        self.rubric = get_rubric(rubric)
        if cascade and "harm" not in self.rubric.gives:
            harm_rubrics = sorted(n for n, r in _RUBRICS.items() if "harm" in r.gives)
            raise UsageError(f"a cascade decides harm: give a harm rubric "
                             f"({', '.join(harm_rubrics)}), not {rubric!r}")
        self._chat = chat
        self._offline = HeuristicJudge()
        self.cascade = cascade
        self.model_key = model_key
        self.model_calls = 0
        self.model_source = f"model:{model_key}@{self.rubric.label}"
        if cascade:
            self.judge_id = f"cascade:{model_key}@{self.rubric.label}+{self._offline.judge_id}"
        else:
            self.judge_id = self.model_source
        self.rubric_hash = hashlib.sha256(
            f"{self.rubric.hash}\n{self._offline.rubric_hash}\ncascade={cascade}".encode()
        ).hexdigest()

    def _mine(self, judged: JudgedVerdict, harm_note: str = "") -> JudgedVerdict:
        harm = judged.harm
        if harm is not None and harm_note:
            note = EvidenceSpan(0, 0, "", harm_note[:300])
            harm = replace(harm, evidence=(*harm.evidence, note))
        return replace(judged, judge_id=self.judge_id, rubric_hash=self.rubric_hash, harm=harm)

    def _error(self, evidence: Sequence[EvidenceSpan], raw: str) -> JudgedVerdict:
        return JudgedVerdict(Verdict.ERROR, self.judge_id, self.rubric_hash, tuple(evidence), raw)

    def judge(
        self, prompt: str, response: str, reasoning: str = "", *, error: str = ""
    ) -> JudgedVerdict:
        """Grade ``response``; a generation ``error`` or a failed judge call gives ``error``."""
        if error:
            span = EvidenceSpan(0, 0, error[:500], "backend error: " + error[:200])
            return self._error([span], "")
        response = response or ""
        offline = self._offline.judge(prompt, response, reasoning)
        if self.cascade and offline.harm is not None and offline.harm.label != Harm.UNCLEAR:
            return self._mine(offline)
        # The same pre-checks as the heuristic judge, so both call the same responses
        # not_gradeable; a looping refusal is shown to the judge model read once.
        unfit = ungradeable(prompt, response, reasoning or "")
        if unfit is not None:
            if refusal_read_once(unfit, response, prompt) is None:
                return self._mine(offline)
            response = response[: unfit.readable_end]
        try:
            self.model_calls += 1
            raw = self._chat(self.rubric.messages(prompt, response))
        except Exception as exc:  # the judge failing is recorded, never as a verdict
            log.warning("judge model call failed: %s", exc)
            if self.cascade:
                return self._mine(offline, f"model judge call failed: {exc}")
            return self._error([EvidenceSpan(0, 0, "", f"judge call failed: {exc}"[:300])], "")
        parsed = self.rubric.parse(raw, response)
        if parsed.problem:
            if self.cascade:
                return self._mine(offline, f"model judge answer {parsed.problem}")
            return self._error([EvidenceSpan(0, 0, raw[:500], parsed.problem)], raw)
        harm = as_harm(parsed, self.model_source, raw) or offline.harm
        if parsed.stance is None:
            return self._mine(replace(offline, harm=harm, raw_output=raw))
        return JudgedVerdict(parsed.stance, self.judge_id, self.rubric_hash, parsed.evidence, raw,
                             harm=harm)


def backend_chat(backend: Backend, *, max_new_tokens: int = 96) -> ChatFn:
    """A chat function over a loaded runner backend (greedy decoding)."""
    from auditor.backends import GenerationConfig, GenerationRequest

    config = GenerationConfig(max_new_tokens=max_new_tokens, temperature=0.0)

    def chat(messages: Sequence[Message]) -> str:
        results = backend.generate([GenerationRequest(tuple(messages))], config)
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
    options: BackendOptions | None = None,
    cascade: bool = False,
) -> ModelJudge:
    """Load the model at ``reference`` (anything the runner accepts) as a judge.

    ``cascade``: the offline judge decides clear cases, the model the unclear ones.
    """
    chosen = get_rubric(rubric)  # an unknown rubric fails before a model loads
    from auditor.backends import load_backend
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
    loaded = load_backend(resolved, backend, options)
    tokens = max_new_tokens or chosen.max_new_tokens
    return ModelJudge(backend_chat(loaded, max_new_tokens=tokens), loaded.identity.key,
                      rubric=rubric,
                      cascade=cascade)
