"""``auditor doctor`` from the outside: the JSON contract, exit 0 on this (healthy) install,
the Hub token's value never printed, and a crashing llama.cpp reported with exit 1, its name
and the fix, while the doctor itself survives."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from tests.cli._run import auditor

SECRET = "hf_doctorSecretValue_6a1f0c2e9b7d"
ENDPOINT = "http://127.0.0.1:9/hub-mirror"
CONTRACT = {"name", "available", "works", "version", "error"}

# A llama-cpp-python whose native code dies the moment it loads, as a build for instructions
# this CPU lacks does (there with SIGILL). It shadows the real package on PYTHONPATH: the
# condition is real (a crashing library in the child processes), our code is untouched.
_CRASHING_LLAMA = "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n"


@pytest.fixture(scope="module")
def healthy() -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    done = auditor("doctor", "--json", env={"HF_TOKEN": SECRET, "HF_ENDPOINT": ENDPOINT})
    return done, json.loads(done.stdout) if done.stdout.strip() else {}


def _by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["name"]: b for b in data["backends"]}


def test_json_contract_and_exit_zero(healthy: tuple[Any, dict[str, Any]]) -> None:
    done, data = healthy
    assert done.returncode == 0, done.stderr + done.stdout
    assert data["healthy"] is True and data["problems"] == []
    assert [b["name"] for b in data["backends"]][:4] == ["transformers", "llamacpp", "openai",
                                                         "vllm"]
    assert all(CONTRACT <= set(b) for b in data["backends"])
    backends = _by_name(data)
    for name, dist in (("transformers", "transformers"), ("llamacpp", "llama-cpp-python")):
        assert backends[name]["available"] is True and backends[name]["works"] is True
        assert backends[name]["version"] == metadata.version(dist)
        assert backends[name]["error"] is None
    openai = backends["openai"]
    assert openai["available"] is True and openai["works"] is None and openai["note"]
    vllm = backends["vllm"]
    assert vllm["available"] is (importlib.util.find_spec("vllm") is not None)
    if not vllm["available"]:
        assert vllm["works"] is None and "pip install vllm" in vllm["error"]
    assert isinstance(data["cpu"], dict) and isinstance(data["gpu"], dict)


def test_every_backend_really_decoded(healthy: tuple[Any, dict[str, Any]]) -> None:
    _, data = healthy
    decoded = {(d["backend"], d["model"]): d for d in data["decodes"]}
    assert set(decoded) == {("transformers", "tiny safetensors float32"),
                            ("llamacpp", "tiny GGUF F32"), ("llamacpp", "tiny GGUF Q8_0")}
    for d in decoded.values():
        assert d["works"] is True and d["error"] is None and d["tokens"] == 4


def test_machine_and_builds_match_independent_reads(healthy: tuple[Any, dict[str, Any]]
                                                    ) -> None:
    _, data = healthy
    flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("flags")).split(":", 1)[1].split()
    expected = {f for f in flags if f in ("avx", "avx2", "fma", "f16c")
                or f.startswith(("avx512", "amx"))}
    assert expected <= set(data["cpu"]["features"]) <= set(flags)
    shown = subprocess.run(
        [sys.executable, "-c", "import llama_cpp; print(llama_cpp.llama_print_system_info()"
         ".decode())"], capture_output=True, text=True, check=True).stdout
    assert data["build"]["llama_cpp_system_info"] in shown
    assert data["build"]["llama_cpp_version"] == metadata.version("llama-cpp-python")
    assert data["build"]["torch_version"] == metadata.version("torch")
    assert data["gpu"]["torch_build"] == data["build"]["torch_build"]
    packages = {p["name"]: p["version"] for p in data["packages"]}
    assert packages["supply-chain-auditor"] == metadata.version("supply-chain-auditor")
    ray = data["executors"][0]
    assert ray["name"] == "ray" and ray["available"] is (importlib.util.find_spec("ray")
                                                          is not None)


def test_hub_settings_and_caches(healthy: tuple[Any, dict[str, Any]]) -> None:
    _, data = healthy
    assert data["hub"] == {"endpoint": ENDPOINT, "endpoint_from_env": True, "offline": False,
                           "token_set": True, "token_source": "HF_TOKEN"}
    caches = {c["name"]: c for c in data["caches"]}
    root = caches["auditor (root)"]  # tests/conftest.py points AUDITOR_CACHE at a session folder
    assert root["from_env"] and root["path"] == os.environ["AUDITOR_CACHE"]
    for name, use in (("auditor (hashes)", "hashes"), ("lineage (Hub answers)", "lineage"),
                      ("demo family", "demo")):
        assert caches[name]["path"] == os.path.join(os.environ["AUDITOR_CACHE"], use)
        assert caches[name]["variable"] == "AUDITOR_CACHE"
    assert all(c["free_bytes"] > 0 for c in data["caches"])


def test_token_value_never_printed(healthy: tuple[Any, dict[str, Any]]) -> None:
    done, _ = healthy
    assert SECRET not in done.stdout and SECRET not in done.stderr
    table = auditor("doctor", "--no-decode", env={"HF_TOKEN": SECRET})
    assert table.returncode == 0, table.stderr + table.stdout
    assert "Backends" in table.stdout and "set (HF_TOKEN)" in table.stdout
    assert SECRET not in table.stdout and SECRET not in table.stderr


def test_crashing_llama_cpp_exits_one_naming_it_and_the_fix(tmp_path: Path) -> None:
    fake = tmp_path / "site" / "llama_cpp"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(_CRASHING_LLAMA)
    path = os.pathsep.join(p for p in (str(fake.parent), os.environ.get("PYTHONPATH")) if p)
    done = auditor("doctor", "--json", env={"PYTHONPATH": path})
    assert done.returncode == 1, done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    data = json.loads(done.stdout)
    backends = _by_name(data)
    llama = backends["llamacpp"]
    assert llama["available"] is True and llama["works"] is False
    assert "backend crashed (SIGSEGV" in llama["error"]
    assert backends["transformers"]["works"] is True  # the doctor outlived the crash
    assert data["healthy"] is False
    problem = next(p for p in data["problems"] if p["component"] == "llamacpp")
    assert problem["severity"] == "error" and "SIGSEGV" in problem["message"]
    assert "make clean venv" in problem["fix"] and "-DGGML_NATIVE=OFF" in problem["fix"]
    assert "SIGSEGV" in (data["build"]["llama_cpp_error"] or "")
    table = auditor("doctor", "--no-decode", env={"PYTHONPATH": path})
    assert table.returncode == 1 and "make clean venv" in table.stdout
