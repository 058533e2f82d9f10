"""bitsandbytes quantization applied as the transformers backend loads a checkpoint.

A reference ``<model>:bnb-nf4`` / ``<model>:bnb-int8`` (``auditor.refs``) names a full-precision
checkpoint quantized as it loads, the way it ships to users who run it with
``load_in_4bit`` / ``load_in_8bit``: NF4 4-bit weights (no double quantization) computing in
bfloat16 on a GPU and float32 on a CPU, or LLM.int8() 8-bit weights. bitsandbytes 0.48 and later
also runs both on CPUs.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from auditor.errors import BackendUnavailableError

BNB_EXTRA = "pip install 'supply-chain-auditor[bnb]'"
#: Where bitsandbytes fetches optional kernels from the Hub (native code from a repository
#: that is not the audited one): never imported while bitsandbytes loads.
_HUB_KERNELS_MODULE = "kernels"


def bnb_quantization_config(transformers: Any, torch: Any, method: str, device: str) -> Any:
    """transformers' ``BitsAndBytesConfig`` for ``bnb-nf4`` or ``bnb-int8`` on ``device``."""
    import_bitsandbytes(method)
    if method == "bnb-int8":
        # LLM.int8() casts its inputs to float16 by design and says so at every layer call.
        logging.getLogger("bitsandbytes.autograd._functions").setLevel(logging.ERROR)
        return transformers.BitsAndBytesConfig(load_in_8bit=True)
    compute = torch.bfloat16 if device == "cuda" else torch.float32
    return transformers.BitsAndBytesConfig(
        load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=compute)


def import_bitsandbytes(method: str) -> Any:
    """bitsandbytes, imported without its Hub kernels.

    On CPUs with AVX-512 BF16, importing bitsandbytes asks the ``kernels`` package for a kernel
    repository on the Hub; with ``kernels`` hidden for the import it uses its own bundled CPU
    code (same results, the fused kernel is only faster). Raises
    :class:`BackendUnavailableError` when bitsandbytes is not installed.
    """
    if "bitsandbytes" in sys.modules:
        return sys.modules["bitsandbytes"]
    hidden = sys.modules.get(_HUB_KERNELS_MODULE)
    sys.modules[_HUB_KERNELS_MODULE] = None  # type: ignore[assignment]  # "import kernels" fails
    quiet = logging.getLogger("bitsandbytes")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # its "failed to load the Hub kernel" warning
    try:
        import bitsandbytes
    except ImportError as exc:
        raise BackendUnavailableError(f"{method} needs bitsandbytes: {BNB_EXTRA} ({exc})"
                                      ) from None
    finally:
        quiet.setLevel(level)
        if hidden is None:
            sys.modules.pop(_HUB_KERNELS_MODULE, None)
        else:
            sys.modules[_HUB_KERNELS_MODULE] = hidden
    return bitsandbytes
