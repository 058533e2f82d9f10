"""The peer harness for ``bench/peers.py``: lm-evaluation-harness in a throwaway venv.

Why a throwaway venv: the project's ``.venv`` is built from the hashed lock and must never be
changed by a benchmark. The peer is installed with ``python -m venv`` + pip into
``<auditor cache>/bench-peers/lm-eval-<version>`` (outside the repo, reused once installed).

Why that venv sees ``.venv``'s packages (a ``.pth`` file) and installs under a constraints file
of ``.venv``'s exact versions: the peer then runs the *same* torch and transformers as the
auditor's transformers backend (so the comparison measures the harnesses, not two torch
builds), and nothing multi-GB (a CUDA torch) is downloaded. Packages lm-eval needs that
``.venv`` lacks go into the throwaway venv only; pip never uninstalls outside its own prefix.

This module is also the peer's worker (``python _peer_harness.py SPEC.json``, run by the venv's
interpreter): it must not import ``auditor`` (not installed there).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import Any

PEER = "lm-eval"
PEER_VERSION = "0.4.13"


def peer_venv(cache: Path) -> Path:
    """Where the throwaway venv of the pinned peer lives."""
    return cache / "bench-peers" / f"{PEER}-{PEER_VERSION}"


def ensure_peer(cache: Path, log: Any = print) -> Path:
    """The peer venv's interpreter, installing lm-eval there first if needed."""
    venv = peer_venv(cache)
    python = venv / "bin" / "python"
    done = venv / ".installed"
    if done.is_file():
        return python
    log(f"installing {PEER}=={PEER_VERSION} into the throwaway venv {venv} (once)")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    site = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    shared = sysconfig.get_paths()["purelib"]  # this (.venv) interpreter's site-packages
    (site / "_auditor_shared_venv.pth").write_text(shared + "\n")
    constraints = venv / "constraints.txt"
    constraints.write_text(_frozen_versions())
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    # lm-eval 0.4.13 has torch/transformers under its [hf] extra; both are in .venv already.
    spec = f"{PEER}[hf]=={PEER_VERSION}"
    subprocess.run([*pip, "-c", str(constraints), spec], check=True)
    done.write_text(f"{PEER}=={PEER_VERSION}\n")
    return python


def _frozen_versions() -> str:
    """``name==version`` of every distribution this interpreter has (the constraints)."""
    import importlib.metadata as metadata

    pins = set()
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name and "+" not in dist.version:  # local versions (torch +cpu) pin by the .pth
            pins.add(f"{name}=={dist.version}")
    return "\n".join(sorted(pins)) + "\n"


def run_peer(python: Path, spec: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run the peer worker on ``spec`` in a fresh process of the peer venv; its figures."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    spec_path = Path(spec["workdir"]) / "peer-spec.json"
    spec_path.write_text(json.dumps(spec))
    out = subprocess.run([str(python), __file__, str(spec_path)], capture_output=True,
                         text=True, env=env, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"{PEER} worker failed:\n{out.stderr[-4000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _worker(spec: dict[str, Any]) -> dict[str, Any]:
    """lm-eval's own HF generation path (``HFLM.generate_until``) on the rendered prompts."""
    t0 = time.perf_counter()
    import torch
    from lm_eval.api.instance import Instance
    from lm_eval.models.huggingface import HFLM

    if spec.get("threads"):
        torch.set_num_threads(int(spec["threads"]))
    lm = HFLM(pretrained=spec["model"], device="cpu", dtype="float32",
              batch_size=int(spec["batch_size"]), max_length=int(spec["max_length"]),
              add_bos_token=False, trust_remote_code=False)
    gen_kwargs = {"until": [], "max_gen_toks": int(spec["max_new_tokens"]), "do_sample": False}
    requests = [Instance(request_type="generate_until", doc={}, arguments=(p, gen_kwargs),
                         idx=i) for i, p in enumerate(spec["prompts"])]
    t1 = time.perf_counter()
    texts = lm.generate_until(requests, disable_tqdm=True)
    t2 = time.perf_counter()
    tokenizer = lm.tokenizer
    # lm-eval returns text only: re-tokenized, capped at the budget it was given (decoding
    # then encoding random-weight gibberish can give more tokens than were generated).
    budget = int(spec["max_new_tokens"])
    tokens = sum(min(budget, len(tokenizer(t, add_special_tokens=False)["input_ids"]))
                 for t in texts)
    return {"gen_s": t2 - t1, "load_s": t1 - t0, "tokens": tokens, "texts": texts}


if __name__ == "__main__":
    print(json.dumps(_worker(json.loads(Path(sys.argv[1]).read_text()))))
