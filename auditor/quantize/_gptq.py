"""GPTQ variants (``--quantize gptq-4bit``), made by gptqmodel in a child process.

gptqmodel calibrates each layer on text: :data:`CALIBRATION_FILE`, written for this project
(32 paragraphs of everyday prose, letters, recipes, code, SQL, JSON and dialogue), never the
audit's own suites, so the variant is not tuned on the items it is then asked. 4 bits, groups
of :data:`GROUP_SIZE` columns, gptqmodel's defaults otherwise. It runs on a CUDA GPU when there
is one and on the CPU otherwise (gptqmodel 7.6 with torch 2.13 CPU; the README says how to
install it beside the CPU torch).

The child refuses the repo's own code exactly as the GGUF converter's does
(:func:`auditor.quantize._guard.refuse_remote_code`), and works in its own folder (gptqmodel
writes logs to ``./logs``); a crash or failure becomes a ``QuantizationError``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from auditor.quantize._child import run_child

GPTQ_BITS = 4
GROUP_SIZE = 128
CALIBRATION_FILE = Path(__file__).with_name("data") / "calibration.txt"
_TIMEOUT_S = 12 * 3600


def calibration_texts() -> list[str]:
    """The calibration paragraphs (blank-line separated in :data:`CALIBRATION_FILE`)."""
    text = CALIBRATION_FILE.read_text(encoding="utf-8")
    return [part.strip() for part in text.split("\n\n") if part.strip()]


def quantize_gptq_in_child(source: Path, out: Path) -> None:
    """``source`` (an HF folder) quantized to 4-bit GPTQ into the folder ``out`` (its parent
    must exist), in a child process. Any failure is a ``QuantizationError``."""
    env = {**os.environ, "GPTQMODEL_CPU_WORKERS": os.environ.get(
        "GPTQMODEL_CPU_WORKERS", str(os.cpu_count() or 1))}
    command = [sys.executable, "-m", "auditor.quantize._gptq", str(source.resolve()),
               str(out.resolve())]
    run_child(command, tool="gptqmodel", label="gptq-4bit", made=out / "config.json",
              timeout_s=_TIMEOUT_S, cwd=out.parent, env=env)


def _quantize(source: Path, out: Path) -> None:
    """In the child: load without repo code, calibrate, save the GPTQ checkpoint."""
    from auditor.quantize._guard import refuse_remote_code

    refuse_remote_code()
    import gptqmodel

    config = gptqmodel.QuantizeConfig(bits=GPTQ_BITS, group_size=GROUP_SIZE)
    model = gptqmodel.GPTQModel.load(str(source), config, trust_remote_code=False)
    model.quantize(calibration_texts())
    model.save(str(out))


if __name__ == "__main__":  # the child of quantize_gptq_in_child
    try:
        _quantize(Path(sys.argv[1]), Path(sys.argv[2]))
    except Exception as exc:  # the parent reads the last line
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
