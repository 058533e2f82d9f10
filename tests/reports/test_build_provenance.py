"""The native builds in a report's provenance: optional, serialised, escaped, and absent from
files written before the field existed (which still load)."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import metadata
from pathlib import Path

from reports import RuntimeBuild, from_json, load_report, render_html, runtime_build, to_json
from tests.reports._sample import sample_report

HOSTILE = '<script>alert("build")</script>'
BUILD = RuntimeBuild(
    llama_cpp_version="0.3.36",
    llama_cpp_system_info=f"CPU : AVX2 = 1 | FMA = 1 | {HOSTILE}",
    torch_version="2.13.0+cpu",
    torch_build="CPU, AVX512 kernels",
)


def test_round_trip_and_escaped_in_html() -> None:
    base = sample_report()
    report = replace(base, provenance=replace(base.provenance, build=BUILD))
    data = json.loads(to_json(report))
    assert data["provenance"]["build"] == {
        "llama_cpp_version": "0.3.36", "llama_cpp_system_info": BUILD.llama_cpp_system_info,
        "torch_version": "2.13.0+cpu", "torch_build": "CPU, AVX512 kernels"}
    assert from_json(to_json(report)) == report
    html = render_html(report)
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert "llama.cpp build" in html and "CPU, AVX512 kernels" in html


def test_files_without_the_field_still_load() -> None:
    old = load_report(Path(__file__).parent / "data" / "report-v1.json")
    assert old.provenance.build is None
    data = json.loads(to_json(sample_report()))
    assert data["provenance"]["build"] is None
    del data["provenance"]["build"]
    assert from_json(json.dumps(data)).provenance.build is None
    assert "not recorded" in render_html(old)


def test_runtime_build_reads_this_environment() -> None:
    build = runtime_build()
    assert build.llama_cpp_version == metadata.version("llama-cpp-python")
    assert build.llama_cpp_system_info and "AVX" in build.llama_cpp_system_info
    assert build.torch_version == metadata.version("torch")
    assert (build.torch_build or "").startswith(("CPU", "CUDA", "ROCm"))
