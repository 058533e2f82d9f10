"""The numbers a GGUF file is written in: value types, ggml tensor types, llama.cpp file types.

The ``gguf`` package (the ``[gguf]`` extra) is the authority for tensor block and type sizes
(``gguf.GGML_QUANT_SIZES``) and is used whenever it is installed, so a type llama.cpp adds is
known as soon as the package is upgraded. Without it (a core install reading lineage metadata)
the copy below stands in; ``tests/gguf/test_types.py`` checks that the copy agrees with the
package, so the two cannot drift apart silently.
"""

from __future__ import annotations

import struct
from functools import cache

# GGUF metadata value types (gguf.GGUFValueType) and their struct codes (without byte order).
SCALAR_CODES: dict[int, str] = {
    0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d",
}
SCALAR_SIZES: dict[int, int] = {t: struct.calcsize("<" + c) for t, c in SCALAR_CODES.items()}
UINT32, INT32, FLOAT32, STRING, ARRAY = 4, 5, 6, 8, 9
VALUE_TYPE_NAMES: dict[int, str] = {
    0: "uint8", 1: "int8", 2: "uint16", 3: "int16", 4: "uint32", 5: "int32", 6: "float32",
    7: "bool", 8: "string", 9: "array", 10: "uint64", 11: "int64", 12: "float64",
}

# ggml tensor type -> (name, elements per block, bytes per block), as gguf.GGML_QUANT_SIZES.
# Removed types (Q4_2, Q4_3, the Q4_0_4_x repacks, IQ4_NL_x_x) are absent on purpose:
# llama.cpp refuses them too.
_GGML_TYPES: dict[int, tuple[str, int, int]] = {
    0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20),
    6: ("Q5_0", 32, 22), 7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 40),
    10: ("Q2_K", 256, 84), 11: ("Q3_K", 256, 110), 12: ("Q4_K", 256, 144),
    13: ("Q5_K", 256, 176), 14: ("Q6_K", 256, 210), 15: ("Q8_K", 256, 292),
    16: ("IQ2_XXS", 256, 66), 17: ("IQ2_XS", 256, 74), 18: ("IQ3_XXS", 256, 98),
    19: ("IQ1_S", 256, 50), 20: ("IQ4_NL", 32, 18), 21: ("IQ3_S", 256, 110),
    22: ("IQ2_S", 256, 82), 23: ("IQ4_XS", 256, 136), 24: ("I8", 1, 1), 25: ("I16", 1, 2),
    26: ("I32", 1, 4), 27: ("I64", 1, 8), 28: ("F64", 1, 8), 29: ("IQ1_M", 256, 56),
    30: ("BF16", 1, 2), 34: ("TQ1_0", 256, 54), 35: ("TQ2_0", 256, 66), 39: ("MXFP4", 32, 17),
    40: ("NVFP4", 64, 36), 41: ("Q1_0", 128, 18),
}

# llama.cpp's LLAMA_FTYPE values (general.file_type) -> quantization name, as gguf.LlamaFileType
# without its MOSTLY_/ALL_ prefix.
_FILE_TYPES: dict[int, str] = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
    11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
    17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
    23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S",
    29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0",
    38: "MXFP4_MOE", 39: "NVFP4", 40: "Q1_0",
}


def file_type_name(value: object) -> str | None:
    """The quantization name of ``general.file_type`` (e.g. 15 -> ``Q4_K_M``), or None."""
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    return _FILE_TYPES.get(value)


@cache
def ggml_types() -> dict[int, tuple[str, int, int]]:
    """ggml tensor type -> (name, elements per block, bytes per block)."""
    try:
        import gguf  # the [gguf] extra: the authoritative table when installed
    except ImportError:
        return dict(_GGML_TYPES)
    return {int(t): (t.name, int(block), int(size))
            for t, (block, size) in gguf.GGML_QUANT_SIZES.items()}
