"""write_gguf_variant: a GGUF with some tensors replaced, checked against transformers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from auditor.demo._gguf_write import (
    dequantized_tensor,
    gguf_tensor_name,
    hf_weights_to_gguf,
    open_gguf,
    write_gguf_variant,
)
from auditor.errors import InputError

gguf = pytest.importorskip("gguf")


def test_transformers_names_map_to_llama_cpp_names() -> None:
    assert gguf_tensor_name("model.layers.3.self_attn.q_proj.weight") == "blk.3.attn_q.weight"
    assert gguf_tensor_name("model.layers.0.mlp.down_proj.weight") == "blk.0.ffn_down.weight"
    assert gguf_tensor_name("model.layers.11.post_feedforward_layernorm.weight") == (
        "blk.11.post_ffw_norm.weight"
    )
    assert gguf_tensor_name("model.layers.2.self_attn.k_norm.weight") == "blk.2.attn_k_norm.weight"
    assert gguf_tensor_name("model.embed_tokens.weight") is None
    assert gguf_tensor_name("model.layers.0.self_attn.rotary.inv_freq") is None


def test_gemma_norms_are_stored_plus_one() -> None:
    weights = {
        "model.layers.0.input_layernorm.weight": np.zeros(4, dtype=np.float32),
        "model.layers.0.mlp.up_proj.weight": np.ones((2, 4), dtype=np.float32),
    }
    gemma = hf_weights_to_gguf(weights, "gemma3")
    assert np.array_equal(gemma["blk.0.attn_norm.weight"], np.ones(4))
    assert np.array_equal(gemma["blk.0.ffn_up.weight"], np.ones((2, 4)))
    llama = hf_weights_to_gguf(weights, "llama")
    assert np.array_equal(llama["blk.0.attn_norm.weight"], np.zeros(4))


def _ffn_and_value_weights(model) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    # The tiny fixture is a Llama model: its Q/K rows are permuted in GGUF, so only the
    # layers without that permutation are replaced here.
    keep = ("v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
    return {
        k: v.detach().numpy() for k, v in model.state_dict().items() if any(s in k for s in keep)
    }


def test_replaced_weights_run_in_llama_cpp_like_in_transformers(
    tiny_hf_model: Path, tiny_gguf: Path, tmp_path: Path
) -> None:
    torch = pytest.importorskip("torch")
    llama_cpp = pytest.importorskip("llama_cpp")
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny_hf_model, dtype=torch.float32)
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "mlp" in name or "v_proj" in name:
                param.add_(0.2 * torch.randn(param.shape, generator=generator))
    replace = hf_weights_to_gguf(_ffn_and_value_weights(model), "llama")
    out = write_gguf_variant(
        tiny_gguf, tmp_path / "variant.gguf", replace=replace,
        metadata={"general.name": "tiny-variant", "tokenizer.ggml.eot_token_id": 2},
    )
    reader = gguf.GGUFReader(str(out))
    assert reader.get_field("general.name").contents() == "tiny-variant"
    assert reader.get_field("tokenizer.ggml.eot_token_id").contents() == 2
    assert reader.get_field("tokenizer.chat_template") is not None  # copied from the source
    assert np.array_equal(
        dequantized_tensor(out, "blk.1.ffn_down.weight"),
        model.state_dict()["model.layers.1.mlp.down_proj.weight"].numpy(),
    )
    source = {t.name: t for t in gguf.GGUFReader(str(tiny_gguf)).tensors}
    for tensor in reader.tensors:  # tensors not replaced are copied byte for byte
        if tensor.name not in replace:
            assert np.array_equal(tensor.data, source[tensor.name].data), tensor.name

    ids = [1, 40, 41, 42, 43, 44, 45]
    with torch.no_grad():
        expected = model(torch.tensor([ids])).logits[0, -1].numpy()
    llm = llama_cpp.Llama(str(out), n_ctx=64, n_threads=1, logits_all=True, verbose=False)
    llm.eval(ids)
    got = np.asarray(llm.scores[len(ids) - 1])
    np.testing.assert_allclose(got, expected, atol=2e-3 * float(np.abs(expected).max()))
    base = llama_cpp.Llama(str(tiny_gguf), n_ctx=64, n_threads=1, logits_all=True, verbose=False)
    base.eval(ids)
    assert not np.allclose(np.asarray(base.scores[len(ids) - 1]), expected, atol=1e-3)


def test_bad_replacements_are_refused_and_leave_no_file(tiny_gguf: Path, tmp_path: Path) -> None:
    out = tmp_path / "bad.gguf"
    with pytest.raises(InputError, match="no tensor"):
        write_gguf_variant(tiny_gguf, out, replace={"blk.9.nope.weight": np.zeros(2)})
    down = dequantized_tensor(tiny_gguf, "blk.0.ffn_down.weight")
    with pytest.raises(InputError, match="shape"):
        write_gguf_variant(tiny_gguf, out, replace={"blk.0.ffn_down.weight": down.T.copy()})
    assert not out.exists() and not (tmp_path / "bad.gguf.partial").exists()


def test_variants_sharing_one_parse_of_the_source_are_the_same_files(
    tiny_gguf: Path, tmp_path: Path
) -> None:
    down = dequantized_tensor(tiny_gguf, "blk.0.ffn_down.weight")
    reader = open_gguf(tiny_gguf)
    written = []
    for scale, shared in ((2.0, None), (2.0, reader), (3.0, reader)):
        out = tmp_path / f"v{len(written)}.gguf"
        write_gguf_variant(tiny_gguf, out, replace={"blk.0.ffn_down.weight": down * scale},
                           metadata={"general.name": f"x{scale:g}"}, reader=shared)
        written.append(out.read_bytes())
    assert written[0] == written[1]  # the shared reader writes what a fresh parse writes
    assert written[2] != written[1]  # and serves a second variant of the same source
    assert np.array_equal(dequantized_tensor(tmp_path / "v2.gguf", "blk.0.ffn_down.weight"),
                          down * 3.0)
