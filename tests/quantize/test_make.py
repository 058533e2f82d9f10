"""Making variants through llama.cpp's real converter and quantizer, decoding them with
llama.cpp, the cache, and every way a variant cannot be made (each a reason, never a crash)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.backends import BackendOptions, GenerationConfig
from auditor.errors import QuantizationError, UnsafeCheckpointError
from auditor.gguf import file_type_name, read_gguf_metadata, validate_gguf
from auditor.quantize import ConverterInfo, make_variant, make_variants, parse_method
from auditor.refs import resolve_reference
from auditor.runner import run_eval
from auditor.store import Store
from auditor.suites import load_suite
from tests.fixtures.tiny_models import pickled_copy
from tests.quantize.tiny_llama import with_architecture


@pytest.mark.parametrize("name", ["Q8_0", "Q4_K_M"])
def test_made_variant_is_the_type_asked_and_decodes(
    name: str, converter: ConverterInfo, convertible_llama: Path, tmp_path: Path
) -> None:
    made = make_variant(convertible_llama, "local:tiny#sha256:1", parse_method(name),
                        converter=converter, cache=tmp_path / "cache")
    assert not made.cached and made.path.name == f"model-{name}.gguf"
    validate_gguf(made.path)
    metadata = read_gguf_metadata(made.path)
    assert metadata["general.architecture"] == "llama"
    assert file_type_name(metadata["general.file_type"]) == name
    assert "<|assistant|>" in str(metadata["tokenizer.chat_template"])
    assert "made by the auditor" in made.evidence and name in made.evidence
    assert dict(made.tools)["convert_hf_to_gguf.py"] == converter.version
    record = json.loads((made.path.parent / "made.json").read_text())
    assert record["method"] == name and record["source_key"] == "local:tiny#sha256:1"
    # decoded by llama.cpp in the backend's worker process
    items = load_suite("smoke", limit=2).items
    with Store(tmp_path / "a.db") as store:
        summary = run_eval(resolve_reference(str(made.path)), items, store,
                           GenerationConfig(max_new_tokens=4), suite="smoke",
                           backend="llamacpp", options=BackendOptions(threads=1))
    assert summary.generated == len(items) and summary.errors == 0
    assert summary.identity is not None and summary.identity.backend == "llamacpp"


def test_second_make_is_a_cache_hit_keyed_by_source_and_method(
    converter: ConverterInfo, convertible_llama: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    q8 = parse_method("Q8_0")
    first = make_variant(convertible_llama, "local:tiny#sha256:1", q8, converter=converter,
                         cache=cache)
    stamp = first.path.stat().st_mtime_ns
    again = make_variant(convertible_llama, "local:tiny#sha256:1", q8, converter=converter,
                         cache=cache)
    assert again.cached and again.path == first.path and again.path.stat().st_mtime_ns == stamp
    other_source = make_variant(convertible_llama, "local:tiny#sha256:2", q8,
                                converter=converter, cache=cache)
    assert not other_source.cached and other_source.path != first.path
    assert sorted(p.name for p in cache.iterdir() if ".partial" not in p.name) == sorted(
        {first.path.parent.name, other_source.path.parent.name})


def test_unsupported_architecture_is_a_reason(
    converter: ConverterInfo, convertible_llama: Path, tmp_path: Path
) -> None:
    folder = with_architecture(shutil.copytree(convertible_llama, tmp_path / "odd"),
                               "MadeUpForCausalLM")
    with pytest.raises(QuantizationError, match="MadeUpForCausalLM is not supported"):
        make_variant(folder, "local:odd#1", parse_method("Q8_0"), converter=converter,
                     cache=tmp_path / "cache")
    assert not any((tmp_path / "cache").iterdir())  # nothing half-made is left
    outcomes = make_variants(folder, "local:odd#1", "safetensors",
                             (parse_method("Q8_0"), parse_method("Q4_K_M")),
                             cache=tmp_path / "cache")
    assert [o.made for o in outcomes] == [None, None]
    assert all("MadeUpForCausalLM is not supported" in o.reason for o in outcomes)


def test_pickle_weights_are_refused_without_opt_in(
    converter: ConverterInfo, convertible_llama: Path, tmp_path: Path
) -> None:
    folder = pickled_copy(convertible_llama, tmp_path / "pickled", "model.safetensors",
                          "pytorch_model.bin")
    with pytest.raises(UnsafeCheckpointError, match="--allow-pickle"):
        make_variant(folder, "local:p#1", parse_method("Q8_0"), converter=converter,
                     cache=tmp_path / "cache")


def test_gptq_without_gptqmodel_and_non_checkpoints_are_reasons(convertible_llama: Path) -> None:
    if importlib.util.find_spec("gptqmodel") is not None:
        pytest.skip("gptqmodel is installed here: test_gptq_variant_is_made_cached_and_decodes")
    gptq, = make_variants(convertible_llama, "local:t#1", "safetensors",
                          (parse_method("gptq-4bit"),))
    assert gptq.reference == "" and gptq.reason.startswith(
        "gptq-4bit needs gptqmodel, which is not installed")
    gguf, = make_variants(None, "local:x.gguf#1", "gguf", (parse_method("Q8_0"),))
    assert gguf.made is None and not gguf.reference and "only full-precision" in gguf.reason


@pytest.mark.skipif(importlib.util.find_spec("bitsandbytes") is None,
                    reason="bitsandbytes is not installed (the bnb extra)")
def test_bitsandbytes_variants_are_references_quantized_as_they_load(
        convertible_llama: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No file and no converter: the variant is the source's reference with the method as
    selector, and the evidence names the bitsandbytes that applies it."""
    monkeypatch.setenv("AUDITOR_LLAMA_CONVERT", str(tmp_path / "nowhere"))
    nf4, int8 = make_variants(convertible_llama, "local:t#1", "safetensors",
                              (parse_method("bnb-nf4"), parse_method("BNB-INT8")),
                              source_reference="./tiny-base")
    assert (nf4.reference, int8.reference) == ("./tiny-base:bnb-nf4", "./tiny-base:bnb-int8")
    assert nf4.made is None and not nf4.reason
    assert nf4.evidence.startswith("made by the auditor: bnb-nf4 from local:t#1 as it loads "
                                   "(bitsandbytes ")
    with pytest.raises(QuantizationError, match="makes no file"):
        make_variant(convertible_llama, "local:t#1", parse_method("bnb-nf4"),
                     cache=tmp_path / "cache")


@pytest.mark.gptq
def test_gptq_variant_is_made_cached_and_decodes(
        convertible_llama: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """gptqmodel (where installed) makes a 4-bit GPTQ checkpoint on this CPU, calibrated on the
    project's own text, without llama.cpp; a second call reuses it; it loads and generates
    through the transformers backend as any GPTQ node does."""
    pytest.importorskip("gptqmodel")
    monkeypatch.setenv("AUDITOR_LLAMA_CONVERT", str(tmp_path / "nowhere"))  # not needed
    method = parse_method("GPTQ-4bit")
    made = make_variant(convertible_llama, "local:t#1", method, cache=tmp_path / "cache")
    assert not made.cached and made.path.is_dir() and made.path.name == "model-gptq-4bit"
    quantization = json.loads((made.path / "config.json").read_text())["quantization_config"]
    assert (quantization["quant_method"], quantization["bits"]) == ("gptq", 4)
    assert made.evidence.startswith("made by the auditor: gptq-4bit from local:t#1 (gptqmodel ")
    assert make_variant(convertible_llama, "local:t#1", method, cache=tmp_path / "cache").cached
    resolved = resolve_reference(str(made.path))
    assert (resolved.identity.format, resolved.identity.quantization) == ("gptq", "gptq-4bit")
    with Store(tmp_path / "s.db") as store:
        summary = run_eval(resolved, load_suite("smoke", limit=2).items, store,
                           GenerationConfig(max_new_tokens=4), backend="transformers",
                           options=BackendOptions(device="cpu"))
    assert summary.generated == 2 and summary.errors == 0
    outcome, = make_variants(convertible_llama, "local:t#1", "safetensors", (method,),
                             cache=tmp_path / "cache")
    assert outcome.reference == str(made.path) and not outcome.reason


def test_missing_converter_is_a_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       convertible_llama: Path) -> None:
    monkeypatch.setenv("AUDITOR_LLAMA_CONVERT", str(tmp_path / "nowhere"))
    outcome, = make_variants(convertible_llama, "local:t#1", "safetensors",
                             (parse_method("Q8_0"),))
    assert "converter is not installed" in outcome.reason
    assert "install-llama-cpp.sh" in outcome.reason


_REMOTE_CODE = """
import sys
from auditor.quantize._guard import refuse_remote_code
refuse_remote_code()
import transformers
try:
    transformers.AutoTokenizer.from_pretrained(sys.argv[1], trust_remote_code=True)
except ValueError as exc:
    print("refused:", exc)
"""


def test_guard_never_runs_the_repos_code(convertible_llama: Path, tmp_path: Path) -> None:
    """The converter asks transformers to trust remote code for some architectures; under the
    guard a repo's auto_map tokenizer class (which would write a marker) is never imported."""
    folder = shutil.copytree(convertible_llama, tmp_path / "evil")
    marker = tmp_path / "ran"
    (folder / "evil_tok.py").write_text(
        f"open({str(marker)!r}, 'w').write('x')\n"
        "from transformers import PreTrainedTokenizerFast\n"
        "class EvilTokenizer(PreTrainedTokenizerFast):\n    pass\n")
    config_path = folder / "tokenizer_config.json"
    config = json.loads(config_path.read_text())
    config["auto_map"] = {"AutoTokenizer": [None, "evil_tok.EvilTokenizer"]}
    config["tokenizer_class"] = "EvilTokenizer"
    config_path.write_text(json.dumps(config))
    done = subprocess.run([sys.executable, "-c", _REMOTE_CODE, str(folder)],
                          capture_output=True, text=True, timeout=300,
                          env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert "refused:" in done.stdout and "never" in done.stdout


def _cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def test_eval_quantize_evaluates_each_made_variant_as_its_own_model(
    converter: ConverterInfo, convertible_llama: Path, tmp_path: Path
) -> None:
    from tests.cli._run import auditor

    del converter
    done = auditor("eval", str(convertible_llama), "--suite", "smoke", "--limit", "2",
                   "--max-new-tokens", "3", "--threads", "1", "--store", str(tmp_path / "e.db"),
                   "--quantize", "Q8_0", "--quantize", "bnb-int8", timeout=900,
                   env={"AUDITOR_CACHE": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr
    assert "made by the auditor: Q8_0" in done.stdout
    with Store(tmp_path / "e.db") as store:
        models = set(store.models())
    assert any("model-Q8_0.gguf" in m for m in models)
    if importlib.util.find_spec("bitsandbytes") is None:
        assert "bnb-int8: not evaluated:" in done.stdout
        assert len(models) == 2
    else:
        assert "made by the auditor: bnb-int8" in done.stdout
        assert len(models) == 3 and any(m.endswith(":bnb-int8") for m in models)
