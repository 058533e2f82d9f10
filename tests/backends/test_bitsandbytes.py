"""bitsandbytes variants (``<model>:bnb-nf4`` / ``:bnb-int8``): the transformers backend
quantizes the checkpoint as it loads it, on this CPU (bitsandbytes 0.48+), and never fetches
bitsandbytes' optional kernels from the Hub."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.backends import BackendOptions, GenerationConfig, GenerationRequest
from auditor.backends._registry import auto_backend_name
from auditor.refs import resolve_reference
from auditor.suites import Message

pytestmark = pytest.mark.skipif(importlib.util.find_spec("bitsandbytes") is None,
                                reason="bitsandbytes is not installed (the bnb extra)")


@pytest.mark.parametrize(("method", "layer"), [("bnb-nf4", "Linear4bit"),
                                               ("bnb-int8", "Linear8bitLt")])
def test_transformers_loads_the_checkpoint_quantized(tiny_hf_model: Path, method: str,
                                                     layer: str) -> None:
    from auditor.backends._transformers import TransformersBackend

    resolved = resolve_reference(f"{tiny_hf_model}:{method}")
    assert auto_backend_name(resolved) == "transformers"
    backend = TransformersBackend(resolved, BackendOptions(threads=1))
    block = backend.model.model.layers[0]
    assert type(block.mlp.down_proj).__name__ == type(block.self_attn.q_proj).__name__ == layer
    assert backend.identity.key.endswith(f":{method}")
    result, = backend.generate([GenerationRequest((Message("user", "Hello"),), seed=0)],
                               GenerationConfig(max_new_tokens=4))
    assert result.n_completion_tokens > 0


def test_bitsandbytes_is_imported_without_hub_kernels() -> None:
    """On CPUs with AVX-512 BF16, a plain ``import bitsandbytes`` asks ``kernels`` for a
    kernel repository on the Hub; through the backend it is never asked."""
    code = ("import sys\n"
            "from auditor.backends._bitsandbytes import import_bitsandbytes\n"
            "import_bitsandbytes('bnb-nf4')\n"
            "print('bitsandbytes' in sys.modules, 'kernels' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False"]
    assert "kernels-community" not in done.stderr
