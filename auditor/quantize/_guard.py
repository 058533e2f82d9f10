"""Run llama.cpp's ``convert_hf_to_gguf.py`` with the model repo kept as data.

Executed as a script in the converter's child process (never imported by the auditor):
``python _guard.py CONVERT_SCRIPT ARGS...``. The converter calls
``AutoTokenizer.from_pretrained(..., trust_remote_code=True)`` for several architectures,
which would import Python files shipped by the audited repo (its ``auto_map``). Here every
transformers entry point that decides to run repo code is answered "no": a repo whose
classes exist only as its own code then fails with transformers' own error, and nothing of
the repo is imported. ``sentencepiece`` is optional for us: the converter imports it before
looking for ``tokenizer.model``, so without it a stand-in is registered that fails only when
a ``tokenizer.model`` is really read, letting tokenizer.json-only models convert.
"""

from __future__ import annotations

import importlib
import importlib.util
import runpy
import sys
import types
from pathlib import Path
from typing import Any

_AUTO_MODULES = (
    "transformers.dynamic_module_utils",
    "transformers.models.auto.auto_factory",
    "transformers.models.auto.configuration_auto",
    "transformers.models.auto.tokenization_auto",
    "transformers.models.auto.processing_auto",
    "transformers.models.auto.feature_extraction_auto",
    "transformers.models.auto.image_processing_auto",
    "transformers.models.auto.video_processing_auto",
)


def _never_trust(trust_remote_code: Any, model_name: Any, has_local_code: Any,
                 has_remote_code: Any, *args: Any, **kwargs: Any) -> bool:
    if has_remote_code and not has_local_code:
        raise ValueError(f"{model_name} needs its own Python code (auto_map), which the "
                         "auditor never runs")
    return False


def _no_dynamic_module(*args: Any, **kwargs: Any) -> Any:
    raise ValueError("the repo's own Python code (auto_map) is never run by the auditor")


def refuse_remote_code() -> None:
    """Answer every transformers 'run the repo's code?' question with no."""
    for name in _AUTO_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "resolve_trust_remote_code"):
            setattr(module, "resolve_trust_remote_code", _never_trust)  # noqa: B010
        if hasattr(module, "get_class_from_dynamic_module"):
            setattr(module, "get_class_from_dynamic_module", _no_dynamic_module)  # noqa: B010


def _missing_sentencepiece(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("this model's tokenizer.model needs the sentencepiece package, which "
                       "is not installed")


def stand_in_for_sentencepiece() -> None:
    if importlib.util.find_spec("sentencepiece") is not None:
        return
    stub = types.ModuleType("sentencepiece")
    stub.SentencePieceProcessor = _missing_sentencepiece  # type: ignore[attr-defined]
    sys.modules["sentencepiece"] = stub


def main(argv: list[str]) -> None:
    script = Path(argv[1])
    refuse_remote_code()
    stand_in_for_sentencepiece()
    sys.path.insert(0, str(script.parent))
    sys.argv = [str(script), *argv[2:]]
    runpy.run_path(str(script), run_name="__main__")


if __name__ == "__main__":
    main(sys.argv)
