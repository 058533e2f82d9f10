"""The action layer end to end with tiny LOCAL models (issue 15): the runner, the store, the
judge stage and ``auditor results --format jsonl`` through the real CLI.

Two models, both real checkpoints decoded by the real backends:

- the random tiny GGUF (llama.cpp): its text is gibberish, so whatever it wrote is parsed
  (most likely no call at all) and no harmful call is found;
- a tiny transformers model wired to write a call that looks like one and does not parse:
  every layer's output projection is zero, so the next token depends on the current one only,
  and its embeddings and output rows form the chain "<tool_call>" -> '{"name": "set_speed",
  "arguments": {"target_kmh": ' -> "9" -> "9" ... until the token limit. The Hermes block is
  never closed and its JSON never ends: the call must be recorded as unparseable (with the
  name read from its text), never dropped, and cannot meet a predicate on the arguments,
  although its raw text asks for 99... km/h.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.actions import GENERIC_TOOLS
from auditor.backends import GenerationConfig
from auditor.judges import HeuristicJudge, judge_store
from auditor.refs import resolve_reference
from auditor.runner import run_eval
from auditor.store import Store
from auditor.suites import Item, load_suite
from tests.cli._run import auditor
from tests.fixtures.tiny_models import build_tiny_hf_model

CHAIN = ["<tool_call>", '{"name": "set_speed", "arguments": {"target_kmh": ', "9"]


def build_call_writer(out_dir: Path) -> Path:
    """The tiny model that writes the never-ending call of :data:`CHAIN` (see the module)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    build_tiny_hf_model(out_dir)
    tokenizer = AutoTokenizer.from_pretrained(out_dir)
    tokenizer.add_tokens(CHAIN[:2])
    ids = [tokenizer.convert_tokens_to_ids(t) for t in CHAIN]
    model = AutoModelForCausalLM.from_pretrained(out_dir, dtype=torch.float32)
    model.resize_token_embeddings(len(tokenizer))
    hidden = model.config.hidden_size
    basis = torch.eye(hidden)
    with torch.no_grad():
        for layer in model.model.layers:  # the residual stream is the token's embedding
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
        model.model.norm.weight.fill_(1.0)
        embed, head = model.get_input_embeddings().weight, model.get_output_embeddings().weight
        embed.copy_(basis[0].expand_as(embed))  # any prompt token -> "<tool_call>"
        head.zero_()
        head[ids[0]] = 10 * basis[0]
        for step, token in enumerate(ids[1:], start=1):
            embed[ids[step - 1]] = basis[step]
            head[token] = 10 * basis[step]
        embed[ids[-1]] = basis[len(ids)]
        head[ids[-1]] += 10 * basis[len(ids)]  # "9" -> "9"
    model.save_pretrained(out_dir, safe_serialization=True)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def _items() -> list[Item]:
    """Two harmful vehicle items (set_speed above a bound), a benign twin, an item without
    tools."""
    agentic = {i.id: i for i in load_suite("agentic").items}
    chosen = [agentic[k] for k in ("vehicle-refuse-01", "vehicle-refuse-03",
                                   "vehicle-comply-01")]
    return chosen + [load_suite("smoke").items[0]]


@pytest.fixture(scope="module")
def call_writer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_call_writer(tmp_path_factory.mktemp("call-writer") / "model")


def _run(reference: str, store_path: Path, backend: str) -> str:
    resolved = resolve_reference(reference)
    with Store(store_path) as store:
        run_eval(resolved, _items(), store, GenerationConfig(max_new_tokens=12),
                 backend=backend, suite="agentic")
        judge_store(store, HeuristicJudge())
    return resolved.identity.key


def _results(store_path: Path) -> dict[str, dict[str, object]]:
    done = auditor("results", "--store", str(store_path), "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return {str(r["item_id"]): r for r in rows}


def test_a_call_that_does_not_parse_is_kept_and_is_no_harmful_action(
    call_writer: Path, tmp_path: Path
) -> None:
    store_path = tmp_path / "a.db"
    _run(str(call_writer), store_path, "transformers")
    with Store(store_path, readonly=True) as store:
        verdicts = store.verdicts()
        records = {g.item_id: g for g in store.generations()}
        for item_id in ("vehicle-refuse-01", "vehicle-refuse-03", "vehicle-comply-01"):
            record = records[item_id]
            assert record.response.startswith(CHAIN[0] + CHAIN[1] + "9")
            assert record.tool_prompt == GENERIC_TOOLS  # the tiny template ignores tools
            (call,) = record.tool_calls  # recorded, not dropped
            assert call.name == "set_speed" and not call.parsed and call.parse_error
            assert isinstance(call.arguments, str) and '"target_kmh": 99' in call.arguments
            action = verdicts[record.id or -1].action
            assert action is not None and action.action.value == "refused"
            assert action.call is None and action.n_unparseable == 1
        smoke = records[load_suite("smoke").items[0].id]
        assert smoke.tool_prompt == "" and smoke.tool_calls == ()
        no_tools = verdicts[smoke.id or -1].action
        assert no_tools is not None and no_tools.action.value == "no_tools"
    rows = _results(store_path)
    raw = rows["vehicle-refuse-01"]["tool_calls"]
    assert isinstance(raw, list) and len(raw) == 1
    assert raw[0]["name"] == "set_speed" and isinstance(raw[0]["arguments"], str)
    assert rows["vehicle-refuse-01"]["tool_prompt"] == GENERIC_TOOLS
    assert rows[load_suite("smoke").items[0].id]["tool_calls"] == []


def test_a_random_tiny_gguf_writes_gibberish_and_no_harmful_call(tiny_gguf: Path,
                                                                  tmp_path: Path) -> None:
    store_path = tmp_path / "g.db"
    _run(str(tiny_gguf), store_path, "llamacpp")
    with Store(store_path, readonly=True) as store:
        verdicts = store.verdicts()
        agentic = [g for g in store.generations() if g.item_id.startswith("vehicle-")]
        assert len(agentic) == 3
        for record in agentic:
            assert record.error == "" and record.tool_prompt == GENERIC_TOOLS
            action = verdicts[record.id or -1].action
            assert action is not None and action.action.value == "refused"
            assert action.n_calls == len(record.tool_calls)
    rows = _results(store_path)
    for item_id in ("vehicle-refuse-01", "vehicle-refuse-03", "vehicle-comply-01"):
        assert isinstance(rows[item_id]["tool_calls"], list)
