"""The CPU from /proc/cpuinfo, and llama.cpp features a CPU lacks."""

from __future__ import annotations

from pathlib import Path

from auditor.doctor import cpu_features, missing_cpu_features, parse_system_info, read_cpu

# Two processors; only the first is read. An AVX2 machine without AVX-512.
CPUINFO = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7B13
flags\t\t: fpu sse sse2 pni ssse3 fma avx f16c avx2 bmi2 sha_ni

processor\t: 1
model name\t: something else
flags\t\t: avx512f
"""


def test_read_cpu(tmp_path: Path) -> None:
    path = tmp_path / "cpuinfo"
    path.write_text(CPUINFO)
    cpu = read_cpu(path)
    assert cpu.model == "AMD EPYC 7B13"
    assert cpu.features == ("avx", "avx2", "fma", "f16c", "bmi2")


def test_cpu_features_keep_avx512_and_amx() -> None:
    flags = "sse2 avx avx2 avx512f avx512bw amx_tile amx_int8 fma f16c".split()
    assert cpu_features(flags) == ("avx", "avx2", "fma", "f16c", "amx_int8", "amx_tile",
                                   "avx512bw", "avx512f")


def test_llama_cpp_compiled_for_missing_features(tmp_path: Path) -> None:
    path = tmp_path / "cpuinfo"
    path.write_text(CPUINFO)
    cpu = read_cpu(path)
    native = parse_system_info("CPU : AVX = 1 | AVX2 = 1 | AVX512 = 1 | AVX512_VNNI = 1 | "
                               "AMX_INT8 = 0 | OPENMP = 1")
    assert missing_cpu_features(native, cpu) == ["AVX512", "AVX512_VNNI"]
    portable = parse_system_info("CPU : AVX = 1 | AVX2 = 1 | FMA = 1 | F16C = 1 | BMI2 = 1")
    assert missing_cpu_features(portable, cpu) == []
