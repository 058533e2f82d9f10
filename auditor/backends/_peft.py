"""PEFT adapters in the transformers backend: the adapter folder is checked like a checkpoint
(pickle weights and remote code refused without opt-in), then applied to its loaded base and
merged into it, so generation runs at the base model's speed."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

from auditor.backends._hf_safety import check_remote_code
from auditor.backends._types import BackendOptions
from auditor.errors import BackendError, BackendUnavailableError, InputError
from auditor.refs import ResolvedModel, adapter_weights, folder_names

log = logging.getLogger(__name__)

PEFT_EXTRA = (
    "pip install 'supply-chain-auditor[hf]' (peft is part of the [hf] extra; install a CPU "
    "torch first on CPU machines)"
)


def import_peft() -> Any:
    try:
        import peft
    except ImportError as exc:
        raise BackendUnavailableError(
            f"a PEFT adapter needs the peft package: {PEFT_EXTRA}"
        ) from exc
    # peft calls a transformers API deprecated for v6: a warning for peft, not for our users.
    warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*",
                            category=FutureWarning)
    return peft


def check_adapter(folder: Path, *, allow_pickle: bool, trust_remote_code: bool) -> None:
    """Refuse pickle-only adapter weights unless allowed, and code-carrying tokenizers."""
    check_remote_code(folder, trust_remote_code=trust_remote_code)
    adapter_weights(folder_names(folder), allow_pickle=allow_pickle, where=str(folder))


def split_adapter(
    resolved: ResolvedModel, options: BackendOptions
) -> tuple[ResolvedModel, Path | None]:
    """The checkpoint to load and the adapter folder to merge into it (None for a plain
    model), after the adapter's safety checks and with peft known to be importable."""
    if not resolved.is_adapter:
        return resolved, None
    if resolved.base is None or resolved.hf_dir is None:
        raise InputError(f"{resolved.identity.reference}: an adapter without a resolved base")
    import_peft()  # fail before loading the base when peft is missing
    check_adapter(resolved.hf_dir, allow_pickle=options.allow_pickle,
                  trust_remote_code=options.trust_remote_code)
    return resolved.base, resolved.hf_dir


def apply_adapter(model: Any, folder: Path) -> Any:
    """``model`` with the adapter in ``folder`` merged into its weights."""
    peft = import_peft()
    try:
        wrapped = peft.PeftModel.from_pretrained(model, str(folder), is_trainable=False)
        merged = wrapped.merge_and_unload()
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        raise BackendError(f"peft cannot apply the adapter {folder}: {exc}") from exc
    log.info("adapter %s merged into its base", folder)
    return merged
