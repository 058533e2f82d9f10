"""The ``Judge`` role and the registry that builds judges by name.

Built-in names: ``heuristic`` (the default). Any other name is a model reference (anything the
runner accepts: a Hub id, a local folder or GGUF file, ``openai:<base_url>#<model>``) and
builds a :class:`ModelJudge`; ``cascade:<model reference>`` builds one that asks the model only
where the offline harm scorer is unclear. Third parties add judges through the entry-point group
``auditor.judges``: each entry point names a zero-argument callable returning a ``Judge``;
a broken plug-in is handled as :mod:`auditor.plugins` says.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol, cast, runtime_checkable

from auditor.errors import JudgeError, UsageError
from auditor.judges._verdict import JudgedVerdict
from auditor.plugins import JUDGE_PLUGINS

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = JUDGE_PLUGINS
DEFAULT_JUDGE = "heuristic"
CASCADE_PREFIX = "cascade:"


@runtime_checkable
class Judge(Protocol):
    """Reads one response and says whether it refused, complied, or partly did."""

    judge_id: str  # stable identity, e.g. "heuristic@1" or "model:<key>@rubric-v1"
    rubric_hash: str  # sha256 of the rules / rubric prompt that produce the verdicts

    def judge(
        self, prompt: str, response: str, reasoning: str = "", *, error: str = ""
    ) -> JudgedVerdict:
        """Judge ``response`` to ``prompt``; ``error`` non-empty means generation failed."""
        ...


JudgeFactory = Callable[[], Judge]
_REGISTRY: dict[str, JudgeFactory] = {}


def register_judge(name: str, factory: JudgeFactory) -> None:
    """Register a judge factory under ``name`` (replacing any earlier one)."""
    _REGISTRY[name] = factory


def _heuristic() -> Judge:
    from auditor.judges._heuristic import HeuristicJudge

    return HeuristicJudge()


register_judge(DEFAULT_JUDGE, _heuristic)


def _entry_point_factory(name: str) -> JudgeFactory | None:
    from auditor.plugins import load_plugins, plugin_failure

    factory = load_plugins(ENTRY_POINT_GROUP, names={name}).get(name)
    if factory is not None:
        return cast(JudgeFactory, factory)
    broken = plugin_failure(ENTRY_POINT_GROUP, name)
    if broken is not None:  # a broken plug-in must not look like a missing one
        raise JudgeError(f"judge {broken.describe()}")
    return None


def available_judges() -> list[str]:
    """Names that ``get_judge`` builds without a model reference."""
    from auditor.plugins import plugin_names

    return sorted(set(_REGISTRY) | plugin_names(ENTRY_POINT_GROUP))


def get_judge(name_or_ref: str = DEFAULT_JUDGE, **model_options: object) -> Judge:
    """Build a judge: a registered name, an entry-point plugin, or a model reference.

    ``model_options`` are passed to :func:`auditor.judges.model_judge` when ``name_or_ref`` is
    a model reference (e.g. ``rubric="llamaguard"``, ``max_new_tokens=...``).
    ``cascade:MODEL_REF`` builds a cascade: the offline judge decides clear cases and the model
    (with a harm rubric, ``harmbench`` unless ``rubric`` says otherwise) the unclear ones.
    """
    name = (name_or_ref or DEFAULT_JUDGE).strip()
    if name.startswith(CASCADE_PREFIX):
        from auditor.judges._model import model_judge as build

        options = {"rubric": "harmbench", **model_options}
        return build(name[len(CASCADE_PREFIX):], cascade=True, **options)  # type: ignore[arg-type]
    factory = _REGISTRY.get(name) or _entry_point_factory(name)
    if factory is not None and model_options.get("rubric"):
        raise UsageError(f"judge {name!r} takes no rubric: a rubric prompts a model judge "
                         "(--judge MODEL_REF or cascade:MODEL_REF)")
    if factory is not None:
        judge = factory()
        if not isinstance(judge, Judge):
            raise JudgeError(f"judge {name!r} does not implement the Judge protocol")
        return judge
    from auditor.judges._model import model_judge
    from auditor.redact import redact

    log.info("judge %r is not a registered name; treating it as a model reference",
             redact(name))
    return model_judge(name, **model_options)  # type: ignore[arg-type]
