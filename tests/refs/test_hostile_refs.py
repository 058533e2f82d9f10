"""Model references to hostile folders and Hub repos: a clear AuditorError or a resolved
model, within a bounded time, never a traceback or a file written outside the cache.

Local folders are real (FIFOs, /dev/zero links); the Hub is the local stand-in
(tests/lineage/hub_server.py) or a server that never answers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given

from auditor.errors import (
    AuditorError,
    HubError,
    HubUnavailableError,
    InputError,
    ModelReferenceError,
)
from auditor.refs import resolve_reference
from tests.fixtures.hostile import (
    BIG_INT_JSON,
    DEEP_JSON,
    FUZZ,
    SPECIAL_KINDS,
    clear_or_valid,
    json_texts,
    make_special,
    within,
)
from tests.fixtures.silent_server import SilentServer
from tests.lineage.hub_server import HubServer

BOUND = 60.0
WEIGHTS = b"\0" * 16


def model_folder(root: Path, files: dict[str, str | bytes]) -> Path:
    m = root / "model"
    m.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if isinstance(content, bytes):
            (m / name).write_bytes(content)
        else:
            (m / name).write_text(content, encoding="utf-8")
    return m


# --- local folders ---------------------------------------------------------------------------
@pytest.mark.parametrize("content", [
    DEEP_JSON, '{"a":' * 100 + "1" + "}" * 100, BIG_INT_JSON, '{"a": "\x00"}', "[1]", "{",
], ids=["deep", "nested-100", "huge-int", "nul", "list", "truncated"])
def test_hostile_config_json_is_an_input_error(tmp_path: Path, content: str) -> None:
    m = model_folder(tmp_path, {"config.json": content, "model.safetensors": WEIGHTS})
    with pytest.raises(InputError, match="config.json"):
        resolve_reference(str(m))


def test_non_utf8_config_json(tmp_path: Path) -> None:
    m = model_folder(tmp_path, {"config.json": b'{"a": "\xff"}', "model.safetensors": WEIGHTS})
    with pytest.raises(InputError, match="not UTF-8"):
        resolve_reference(str(m))


@pytest.mark.parametrize("kind", SPECIAL_KINDS)
@pytest.mark.parametrize("name", ["config.json", "adapter_config.json"])
def test_special_config_files_do_not_block(tmp_path: Path, name: str, kind: str) -> None:
    weights = "adapter_model.safetensors" if name.startswith("adapter") else "model.safetensors"
    m = model_folder(tmp_path, {weights: WEIGHTS})
    make_special(m / name, kind)
    # config.json: refused by the reader; adapter_config.json: not a file, so not an adapter
    with pytest.raises(AuditorError, match="not a regular file|neither"):
        within(20, lambda: resolve_reference(str(m)))


def test_odd_config_values_still_describe_the_model(tmp_path: Path) -> None:
    config = {"architectures": 5, "torch_dtype": {"a": 1}, "model_type": ["x"],
              "quantization_config": {"quant_method": ["gptq"], "bits": [4]}}
    m = model_folder(tmp_path, {"config.json": json.dumps(config),
                                "model.safetensors": WEIGHTS})
    identity = resolve_reference(str(m)).identity
    assert identity.format == "safetensors" and identity.dtype is None


@pytest.mark.parametrize("adapter", [
    DEEP_JSON, BIG_INT_JSON, json.dumps({"base_model_name_or_path": "/" + "a" * 5000}),
    json.dumps({"base_model_name_or_path": "./a\x00b"}),
    json.dumps({"base_model_name_or_path": "~nosuchuser-xyz/x"}),
    json.dumps({"base_model_name_or_path": ["org/a"], "peft_type": {"x": 1}}),
])
def test_hostile_adapter_config_is_a_clear_error(tmp_path: Path, adapter: str) -> None:
    m = model_folder(tmp_path, {"adapter_config.json": adapter,
                                "adapter_model.safetensors": WEIGHTS})
    with pytest.raises(AuditorError):
        resolve_reference(str(m))


@pytest.mark.parametrize("ref", ["./" + "a" * 5000, "./a\x00b", "~nosuchuser-xyz/model",
                                 "/" + "b" * 300 + ":Q4_K_M"])
def test_references_the_os_cannot_look_up(ref: str) -> None:
    with pytest.raises(ModelReferenceError):
        resolve_reference(ref)


@FUZZ
@given(config=json_texts, adapter=json_texts)
def test_fuzz_local_model_folder(tmp_path_factory, config: str, adapter: str) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    plain = model_folder(root / "plain", {"config.json": config, "model.safetensors": WEIGHTS})
    clear_or_valid(lambda: resolve_reference(str(plain)))
    with_adapter = model_folder(root / "adapter", {"adapter_config.json": adapter,
                                                   "adapter_model.safetensors": WEIGHTS})
    clear_or_valid(lambda: resolve_reference(str(with_adapter)))


# --- the Hub ---------------------------------------------------------------------------------
@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    with HubServer() as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
        yield hub


@pytest.mark.parametrize("name", [
    "../../../../tmp/evil.safetensors", "/tmp/evil.safetensors", "..\\..\\evil.safetensors",
    "a\x1b[31mred\x07.safetensors", "a" * 5000 + ".safetensors", "d/" + "b" * 300 + ".safetensors",
    "./model.safetensors", "a//b.safetensors",
])
def test_hostile_file_names_are_refused_before_download(stand_in: HubServer, tmp_path: Path,
                                                        name: str) -> None:
    stand_in.add_model("org/evil", files=[name], contents={"config.json": b"{}"})
    with pytest.raises(HubError, match="refusing to download it"):
        resolve_reference("org/evil", cache_dir=tmp_path / "cache")
    assert not any("/resolve/" in r.path and "safetensors" in r.path
                   for r in stand_in.requests)
    assert not Path("/tmp/evil.safetensors").exists()


def test_hostile_gguf_name_is_refused(stand_in: HubServer, tmp_path: Path) -> None:
    stand_in.add_model("org/evil-GGUF", files=["../../evil-Q4_K_M.gguf"])
    with pytest.raises(HubError, match="refusing"):
        resolve_reference("org/evil-GGUF:Q4_K_M", cache_dir=tmp_path / "cache")


def test_429_asking_for_a_day(stand_in: HubServer, tmp_path: Path) -> None:
    stand_in.add_model("org/base", contents={"config.json": b"{}", "model.safetensors": WEIGHTS})
    stand_in.fail("/api/models/org/base", 429, times=100, headers={"Retry-After": "100000"})
    started = time.monotonic()
    with pytest.raises(HubUnavailableError, match=r"100000 s .*60 s cap"):
        within(BOUND, lambda: resolve_reference("org/base", cache_dir=tmp_path / "cache"))
    assert time.monotonic() - started < BOUND


def test_5xx_storm_on_a_download(stand_in: HubServer, tmp_path: Path) -> None:
    stand_in.add_model("org/base", contents={"config.json": b"{}", "model.safetensors": WEIGHTS})
    stand_in.fail("/resolve/", 503, times=100_000)
    started = time.monotonic()
    with pytest.raises(HubUnavailableError, match="HTTP 503"):
        within(BOUND, lambda: resolve_reference("org/base", cache_dir=tmp_path / "cache"))
    assert time.monotonic() - started < BOUND


def test_hub_that_never_answers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AUDITOR_HUB_TIMEOUT", "1")
    with SilentServer() as url:
        monkeypatch.setenv("HF_ENDPOINT", url)
        started = time.monotonic()
        with pytest.raises(HubUnavailableError, match="within 1 s"):
            within(BOUND, lambda: resolve_reference("org/base", cache_dir=tmp_path / "c"))
    assert time.monotonic() - started < BOUND
