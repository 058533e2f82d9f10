"""Weight fingerprints: is a claimed parent really the parent?

A fingerprint is a model's tensor names, shapes and storage types plus a fixed, seeded sample
of each tensor's values (a sub-matrix, the same positions in every format), read from local
files or through HTTP range requests (a few MB for a 70B model), and from GGUF files by
dequantizing only the blocks that hold the sampled positions. Comparing a child's fingerprint
with its claimed parent's gives a verdict (``confirmed``, ``consistent``, ``contradicted``,
``unverifiable``) and a relation guess (``identical``, ``quantization``, ``fine_tune``,
``lora_merge``, ``unrelated``, ``different_architecture``) with the numbers behind them.

    from auditor.fingerprint import verify_edge
    result = verify_edge("out/model-Q4_K_M.gguf", "org/base@main")
    result.to_dict()   # {"verdict": ..., "relation_guess": ..., "evidence": {...}}
"""

from auditor.fingerprint._compare import compare_fingerprints
from auditor.fingerprint._plan import SAMPLE_COLS, SAMPLE_ROWS, SAMPLE_SEED, plan_sample
from auditor.fingerprint._record import Fingerprint, TensorSample
from auditor.fingerprint._verdict import VERDICTS, Verification
from auditor.fingerprint._verify import fingerprint, verify_edge

__all__ = [
    "SAMPLE_COLS",
    "SAMPLE_ROWS",
    "SAMPLE_SEED",
    "VERDICTS",
    "Fingerprint",
    "TensorSample",
    "Verification",
    "compare_fingerprints",
    "fingerprint",
    "plan_sample",
    "verify_edge",
]
