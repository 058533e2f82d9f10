"""llama.cpp's own HF->GGUF converter: where it is, which version, and running it.

``scripts/install-llama-cpp.sh`` extracts ``convert_hf_to_gguf.py`` with its ``conversion/``
package, its vendored ``gguf-py`` and its chat templates from the llama-cpp-python sdist the
lock pins, into ``<venv>/share/auditor/llama.cpp-convert/<version>/`` (``AUDITOR_LLAMA_CONVERT``
names another folder). The converter always runs in a child Python process with ``PYTHONPATH``
set to its own gguf-py, which may differ from the ``gguf`` installed here, under
:mod:`auditor.quantize._guard`: offline, and with the model repo's own code refused.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import QuantizationError
from auditor.quantize._child import run_child
from auditor.versions import installed_version

log = logging.getLogger(__name__)

ENV_VAR = "AUDITOR_LLAMA_CONVERT"
SCRIPT = "convert_hf_to_gguf.py"
_GUARD = Path(__file__).with_name("_guard.py")
_TIMEOUT_S = 6 * 3600
_TAIL = 12


@dataclass(frozen=True, slots=True)
class ConverterInfo:
    """A converter folder and the versions it came from (its ``VERSION.json``)."""

    folder: Path
    llama_cpp_python: str
    gguf_py: str
    sdist_sha256: str

    @property
    def version(self) -> str:
        return f"llama.cpp from llama-cpp-python {self.llama_cpp_python} (gguf-py {self.gguf_py})"


def llama_cpp_version() -> str | None:
    """The installed llama-cpp-python version, without importing the native library."""
    return installed_version("llama-cpp-python")


def default_folder() -> Path | None:
    """``AUDITOR_LLAMA_CONVERT``, else the venv's folder for the installed llama-cpp-python."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    version = llama_cpp_version()
    if version is None:
        return None
    return Path(sys.prefix) / "share" / "auditor" / "llama.cpp-convert" / version


def find_converter(folder: Path | None = None) -> ConverterInfo:
    """The converter in ``folder`` (default: :func:`default_folder`), or a
    :class:`QuantizationError` saying how to install it."""
    folder = folder or default_folder()
    how = ("run scripts/install-llama-cpp.sh --convert-only .venv/bin/python (make venv does) "
           f"or set {ENV_VAR} to a folder holding {SCRIPT} and gguf-py/")
    if folder is None:
        raise QuantizationError(f"llama.cpp's converter needs llama-cpp-python; {how}")
    if not (folder / SCRIPT).is_file() or not (folder / "gguf-py" / "gguf").is_dir():
        raise QuantizationError(f"llama.cpp's converter is not installed in {folder}: {how}")
    try:
        raw = json.loads((folder / "VERSION.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raw = {}
    return ConverterInfo(
        folder=folder,
        llama_cpp_python=str(raw.get("llama_cpp_python") or "unknown"),
        gguf_py=str(raw.get("gguf_py") or "unknown"),
        sdist_sha256=str(raw.get("sdist_sha256") or ""),
    )


@dataclass(frozen=True, slots=True)
class ConverterStatus:
    """Whether ``--quantize`` can make GGUF variants here (``auditor doctor`` shows it)."""

    present: bool
    version: str | None  # ConverterInfo.version when present
    folder: str | None  # where it was looked for
    matches_llama_cpp: bool | None  # from the installed llama-cpp-python's sdist?
    reason: str  # why it is absent ("" when present)


def converter_status() -> ConverterStatus:
    """The converter's presence and version, without running it."""
    folder = default_folder()
    try:
        info = find_converter(folder)
    except QuantizationError as exc:
        return ConverterStatus(False, None, str(folder) if folder else None, None, str(exc))
    installed = llama_cpp_version()
    matches = None if installed is None else info.llama_cpp_python == installed
    return ConverterStatus(True, info.version, str(info.folder), matches, "")


def convert_to_gguf(converter: ConverterInfo, model_dir: Path, out_file: Path,
                    *, outtype: str = "auto") -> None:
    """Convert the HF folder ``model_dir`` to ``out_file`` (``outtype`` as the converter
    takes it: ``auto`` keeps the highest-fidelity 16-bit type, or f32/f16/bf16/q8_0).

    A failure is a :class:`QuantizationError` with the converter's own last words (an
    architecture it does not support reads "Model XForCausalLM is not supported").
    """
    env = dict(os.environ)
    env.update(PYTHONPATH=str(converter.folder / "gguf-py"), HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1")
    env.pop("NO_LOCAL_GGUF", None)  # the converter then puts its own gguf-py first
    command = [sys.executable, str(_GUARD), str(converter.folder / SCRIPT), str(model_dir),
               "--outfile", str(out_file), "--outtype", outtype]
    log.info("converting %s to GGUF with %s", model_dir, converter.version)
    run_child(command, tool="llama.cpp's converter", label=None, made=out_file,
              timeout_s=_TIMEOUT_S, cwd=out_file.parent, env=env,
              reason=lambda done: _last_words(done.stderr))


def _last_words(stderr: str) -> str:
    """The converter's reason: its last error line (a traceback's last line, or an
    ``ERROR:`` log line), else the tail of its output."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if line.startswith("ERROR:"):
            return line.split(":", 2)[-1].strip()
    for line in reversed(lines):
        if not line.startswith(("INFO:", "WARNING:", "DEBUG:", "Writing", "File ")):
            return line[:500]
    return " / ".join(lines[-_TAIL:])[:500] or "no output"
