"""Write a variant of a GGUF file: same header and tensors, some tensors replaced.

This is how the demo turns a fine-tune into a GGUF without llama.cpp's conversion scripts:
the fine-tuned weights (in transformers' layout) replace the matching tensors of the source
GGUF, and every other tensor is copied byte for byte (quantized blocks included).

Layout conventions between transformers and llama.cpp for Gemma 3 (checked by comparing
logits in ``tests/demo``): a linear weight is stored with the same (out, in) row-major
layout, with no Q/K permutation (that permutation is a Llama-architecture convention);
RMSNorm weights are stored *plus one* in GGUF (transformers subtracts 1 when it reads them).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from auditor.errors import InputError
from auditor.gguf import import_gguf_package

log = logging.getLogger(__name__)

_HF_LAYER = re.compile(r"^(?:model\.)?layers\.(\d+)\.(.+)\.weight$")
_HF_TO_GGUF = {
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
    "input_layernorm": "attn_norm",
    "post_attention_layernorm": "post_attention_norm",
    "pre_feedforward_layernorm": "ffn_norm",
    "post_feedforward_layernorm": "post_ffw_norm",
    "self_attn.q_norm": "attn_q_norm",
    "self_attn.k_norm": "attn_k_norm",
}
_NORM_SHIFT_ARCHS = {"gemma", "gemma2", "gemma3", "gemma3n"}


def gguf_tensor_name(hf_name: str) -> str | None:
    """The GGUF tensor of a transformers Gemma-style decoder weight (None: not a layer weight).

    ``model.layers.3.self_attn.q_proj.weight`` -> ``blk.3.attn_q.weight``.
    """
    match = _HF_LAYER.match(hf_name)
    if match is None:
        return None
    suffix = _HF_TO_GGUF.get(match.group(2))
    return f"blk.{match.group(1)}.{suffix}.weight" if suffix else None


def hf_weights_to_gguf(
    weights: Mapping[str, np.ndarray], architecture: str
) -> dict[str, np.ndarray]:
    """Transformers decoder-layer weights as GGUF tensors (names mapped, norms shifted)."""
    out: dict[str, np.ndarray] = {}
    for name, value in weights.items():
        target = gguf_tensor_name(name)
        if target is None:
            continue
        array = np.ascontiguousarray(value, dtype=np.float32)
        if architecture in _NORM_SHIFT_ARCHS and target.endswith("norm.weight"):
            array = array + np.float32(1.0)
        out[target] = array
    return out


def write_gguf_variant(
    src: Path,
    dst: Path,
    *,
    replace: Mapping[str, np.ndarray],
    metadata: Mapping[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    reader: Any | None = None,
) -> Path:
    """Copy ``src`` to ``dst``, replacing the tensors named in ``replace`` (written as F32).

    ``metadata`` adds or overrides header keys (strings, ints, floats, bools; ``None``
    removes a key). Every replacement must name a tensor of ``src`` with the same number of
    elements in the same shape. Written under a temporary name, then renamed. ``reader``: an
    open :func:`open_gguf` of ``src``, to share one parse among several variants of it
    (parsing a 262k-token vocabulary takes about 10 s).
    """
    gguf = _import_gguf()
    reader = reader if reader is not None else open_gguf(src)
    arch = str(reader.get_field("general.architecture").contents())  # type: ignore[union-attr]
    by_name = {t.name: t for t in reader.tensors}
    _check_replacements(by_name, replace, src)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".partial")
    writer = gguf.GGUFWriter(str(tmp), arch=arch, endianess=reader.endianess)
    _copy_metadata(gguf, reader, writer, dict(metadata or {}))
    for tensor in reader.tensors:
        new = replace.get(tensor.name)
        if new is None:
            writer.add_tensor_info(tensor.name, tensor.data.shape, tensor.data.dtype,
                                   tensor.data.nbytes, tensor.tensor_type)
        else:
            writer.add_tensor_info(tensor.name, new.shape, np.dtype(np.float32), new.nbytes,
                                   gguf.GGMLQuantizationType.F32)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    total = len(reader.tensors)
    for i, tensor in enumerate(reader.tensors):
        new = replace.get(tensor.name)
        data = tensor.data if new is None else np.ascontiguousarray(new, dtype=np.float32)
        writer.write_tensor_data(data, tensor_endianess=reader.endianess)
        if progress is not None:
            progress(i + 1, total)
    writer.close()
    tmp.replace(dst)
    log.info("wrote %s (%d tensors replaced)", dst, len(replace))
    return dst


def _check_replacements(
    by_name: Mapping[str, Any], replace: Mapping[str, np.ndarray], src: Path
) -> None:
    for name, array in replace.items():
        tensor = by_name.get(name)
        if tensor is None:
            raise InputError(f"{src.name} has no tensor {name!r} to replace")
        # GGUF lists dimensions innermost first; numpy arrays are row-major (outermost first).
        expected = tuple(int(d) for d in reversed(tensor.shape.tolist()))
        if tuple(array.shape) != expected:
            raise InputError(
                f"tensor {name}: replacement has shape {tuple(array.shape)}, "
                f"{src.name} has {expected}"
            )


def _copy_metadata(gguf: Any, reader: Any, writer: Any, overrides: dict[str, Any]) -> None:
    for field in reader.fields.values():
        name = field.name
        if name == "general.architecture" or name.startswith("GGUF."):
            continue  # written by GGUFWriter itself
        if name in overrides:
            continue
        val_type = field.types[0]
        sub_type = field.types[-1] if val_type == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(name, field.contents(), val_type, sub_type=sub_type)
    for name, value in overrides.items():
        if value is None:
            continue
        writer.add_key_value(name, value, _value_type(gguf, value))


def _value_type(gguf: Any, value: Any) -> Any:
    kinds = gguf.GGUFValueType
    if isinstance(value, bool):
        return kinds.BOOL
    if isinstance(value, int):
        return kinds.UINT32 if value >= 0 else kinds.INT32
    if isinstance(value, float):
        return kinds.FLOAT32
    if isinstance(value, str):
        return kinds.STRING
    raise InputError(f"unsupported GGUF metadata value {value!r}")


def open_gguf(path: Path) -> Any:
    """A ``gguf.GGUFReader`` of ``path`` (memory-mapped; every field parsed)."""
    return _import_gguf().GGUFReader(str(path))


def dequantized_tensor(path: Path, name: str) -> np.ndarray:
    """One tensor of a GGUF file as float32, in numpy (row-major, outermost first) layout."""
    gguf = _import_gguf()
    reader = open_gguf(path)
    for tensor in reader.tensors:
        if tensor.name == name:
            return np.asarray(gguf.quants.dequantize(tensor.data, tensor.tensor_type),
                              dtype=np.float32)
    raise InputError(f"{path.name} has no tensor {name!r}")


def _import_gguf() -> Any:
    return import_gguf_package("writing GGUF files")


__all__ = [
    "dequantized_tensor",
    "gguf_tensor_name",
    "hf_weights_to_gguf",
    "open_gguf",
    "write_gguf_variant",
]
