"""Pure statistics for parent-versus-derivative comparisons (method: README, "Statistics").

Arrays or records in, frozen result records out; every record has ``statistic``,
``pvalue``, ``effect``, ``ci``, ``n`` and ``method`` (or the subset that applies), and
:func:`to_jsonable` turns any of them into JSON-ready values. statsmodels fits the GEE and
is the reference the tests check the numpy/scipy.special hot paths against (its per-call
overhead was too slow for a family of hundreds of derivatives); its result objects never leave
this package. Functions of small integer tables are memoised (they are pure).

Start with :func:`paired_binary` (or :func:`paired_from_counts`) and :func:`family_verdicts`;
:data:`VERDICT_RULE` states how "degraded", "not_degraded" and "inconclusive" are decided.
"""

from auditor.jsonio import to_jsonable  # the one serialiser; kept here for callers
from auditor.stats._agreement import cohens_kappa
from auditor.stats._awareness import (
    AwarenessDiffInDiff,
    FramingGap,
    awareness_diff_in_diff,
    framing_gap,
)
from auditor.stats._categories import CategoryComparison, CategoryComparisons, per_category
from auditor.stats._clustered import (
    ClusteredComparison,
    SignFlipTest,
    cluster_bootstrap_ci,
    clustered_comparison,
    item_rates,
    sign_flip_test,
)
from auditor.stats._conditions import (
    ConditionDiffInDiff,
    ConditionEffect,
    ConditionShift,
    condition_diff_in_diff,
    condition_effect,
    condition_shift,
)
from auditor.stats._erosion import (
    ErosionComparison,
    ErosionCurve,
    ItemErosion,
    SurvivalPoint,
    erosion_comparison,
    erosion_curve,
    item_erosion,
)
from auditor.stats._family import FamilyVerdicts, family_verdicts
from auditor.stats._gee import GEEComparison, gee_comparison
from auditor.stats._iatrogenic import (
    IATROGENIC_RULE,
    IatrogenicFlags,
    IatrogenicTest,
    iatrogenic_flags,
    iatrogenic_test,
)
from auditor.stats._intervals import (
    newcombe_ci,
    newcombe_ci_envelope,
    tango_ci,
    tango_noninferiority,
    tango_statistic,
)
from auditor.stats._mcnemar import McNemarPValues, mcnemar_pvalues
from auditor.stats._multi import AdjustedPValues, bh, holm
from auditor.stats._paired import (
    DEFAULT_ALPHA,
    DEFAULT_MARGIN,
    VERDICT_RULE,
    PairedComparison,
    Verdict,
    decide_verdict,
    paired_binary,
    paired_from_counts,
    paired_table,
)
from auditor.stats._power import DetectableRise, connor_sample_size, smallest_detectable_rise
from auditor.stats._rates import RateEstimate, wilson_interval
from auditor.stats._sequential import (
    SequentialDecision,
    beta_binomial_e_value,
    noninferiority_e_value,
    random_order,
    sequential_decision,
)
from auditor.stats._shift import DEFAULT_LEVELS, ShiftTest, bowker, shift_table, stuart_maxwell
from auditor.stats._tis import (
    TherapeuticIndex,
    therapeutic_index,
    therapeutic_index_from_outcomes,
)

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_LEVELS",
    "DEFAULT_MARGIN",
    "IATROGENIC_RULE",
    "VERDICT_RULE",
    "AdjustedPValues",
    "AwarenessDiffInDiff",
    "CategoryComparison",
    "CategoryComparisons",
    "ClusteredComparison",
    "ConditionDiffInDiff",
    "ConditionEffect",
    "ConditionShift",
    "DetectableRise",
    "ErosionComparison",
    "ErosionCurve",
    "FamilyVerdicts",
    "FramingGap",
    "GEEComparison",
    "IatrogenicFlags",
    "IatrogenicTest",
    "ItemErosion",
    "McNemarPValues",
    "PairedComparison",
    "RateEstimate",
    "SequentialDecision",
    "ShiftTest",
    "SignFlipTest",
    "SurvivalPoint",
    "TherapeuticIndex",
    "Verdict",
    "awareness_diff_in_diff",
    "beta_binomial_e_value",
    "bh",
    "bowker",
    "cluster_bootstrap_ci",
    "clustered_comparison",
    "cohens_kappa",
    "condition_diff_in_diff",
    "condition_effect",
    "condition_shift",
    "connor_sample_size",
    "decide_verdict",
    "erosion_comparison",
    "erosion_curve",
    "family_verdicts",
    "framing_gap",
    "gee_comparison",
    "holm",
    "iatrogenic_flags",
    "iatrogenic_test",
    "item_erosion",
    "item_rates",
    "mcnemar_pvalues",
    "newcombe_ci",
    "newcombe_ci_envelope",
    "noninferiority_e_value",
    "paired_binary",
    "paired_from_counts",
    "paired_table",
    "per_category",
    "random_order",
    "sequential_decision",
    "shift_table",
    "sign_flip_test",
    "smallest_detectable_rise",
    "stuart_maxwell",
    "tango_ci",
    "tango_noninferiority",
    "tango_statistic",
    "therapeutic_index",
    "therapeutic_index_from_outcomes",
    "to_jsonable",
    "wilson_interval",
]
