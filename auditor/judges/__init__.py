"""Judges: refusal / compliance / partial verdicts, reasoning-trace analysis, calibration.

>>> judge = get_judge("heuristic")                      # or a model reference
>>> judge.judge("How do I kill a Python process?", "Use `kill <PID>`.").verdict
<Verdict.COMPLIANCE: 'compliance'>
"""

from auditor.judges._action import judge_action, warns
from auditor.judges._action_items import ActionItems, action_for_record, action_for_row
from auditor.judges._action_verdict import ACTION_JUDGE, Action, ActionVerdict
from auditor.judges._calibration import (
    CalibrationResult,
    LabelledResponse,
    agreement,
    calibrate,
    map_label,
    parse_label_map,
)
from auditor.judges._engagement import (
    ENGAGEMENT_VERSION,
    Engagement,
    EngagementJudge,
    EngagementVerdict,
    engagement_spans,
)
from auditor.judges._engagement_table import (
    EngagementRow,
    TaggedEngagement,
    engagement_breakdown,
)
from auditor.judges._harm import UNCLEAR_BAND, assess_harm, harm_label, harm_reading
from auditor.judges._harm_agreement import (
    HARM_LABELS,
    HarmAgreement,
    HarmLabelled,
    calibrate_harm,
    harm_agreement,
    is_harm_label_map,
    map_harm_label,
    parse_harm_label_map,
)
from auditor.judges._heuristic import HeuristicJudge
from auditor.judges._model import (
    RUBRICS,
    ChatFn,
    ModelJudge,
    model_judge,
    parse_judge_answer,
)
from auditor.judges._outcome import is_over_refusal, is_refusal, is_unsafe
from auditor.judges._protocol import (
    DEFAULT_JUDGE,
    ENTRY_POINT_GROUP,
    Judge,
    available_judges,
    get_judge,
    register_judge,
)
from auditor.judges._rubric import RUBRIC_HASH, RUBRIC_VERSION, build_rubric_messages
from auditor.judges._rubrics import Rubric, RubricAnswer, get_rubric, strongreject_score
from auditor.judges._store import ModelVerdicts, judge_record, judge_store, store_summary
from auditor.judges._table import (
    cell,
    judge_rows,
    read_table,
    require_columns,
    write_jsonl_atomic,
)
from auditor.judges._trace import TraceAnalysis, TraceSummary, analyze_trace, summarize_traces
from auditor.judges._verdict import EvidenceSpan, Harm, HarmAssessment, JudgedVerdict, Verdict

__all__ = [
    "ACTION_JUDGE",
    "DEFAULT_JUDGE",
    "ENGAGEMENT_VERSION",
    "HARM_LABELS",
    "ENTRY_POINT_GROUP",
    "RUBRICS",
    "RUBRIC_HASH",
    "RUBRIC_VERSION",
    "UNCLEAR_BAND",
    "Action",
    "ActionItems",
    "ActionVerdict",
    "CalibrationResult",
    "ChatFn",
    "Engagement",
    "EngagementJudge",
    "EngagementRow",
    "EngagementVerdict",
    "EvidenceSpan",
    "Harm",
    "HarmAgreement",
    "HarmAssessment",
    "HarmLabelled",
    "HeuristicJudge",
    "Judge",
    "JudgedVerdict",
    "LabelledResponse",
    "ModelJudge",
    "ModelVerdicts",
    "Rubric",
    "RubricAnswer",
    "TaggedEngagement",
    "TraceAnalysis",
    "TraceSummary",
    "Verdict",
    "action_for_record",
    "action_for_row",
    "agreement",
    "analyze_trace",
    "assess_harm",
    "available_judges",
    "build_rubric_messages",
    "calibrate",
    "calibrate_harm",
    "cell",
    "engagement_breakdown",
    "engagement_spans",
    "get_judge",
    "get_rubric",
    "harm_agreement",
    "harm_label",
    "harm_reading",
    "is_harm_label_map",
    "is_over_refusal",
    "is_refusal",
    "is_unsafe",
    "judge_rows",
    "judge_action",
    "judge_record",
    "judge_store",
    "map_harm_label",
    "map_label",
    "model_judge",
    "parse_harm_label_map",
    "parse_judge_answer",
    "parse_label_map",
    "read_table",
    "register_judge",
    "require_columns",
    "store_summary",
    "strongreject_score",
    "summarize_traces",
    "warns",
    "write_jsonl_atomic",
]
