"""Model families served by the Hub stand-in in lineage tests."""

from __future__ import annotations

from tests.lineage.hub_server import HubServer


def gemma_family(hub: HubServer) -> None:
    """A small realistic family: base -> it (root) -> GGUF, fine-tune, LoRA, merge."""
    hub.add_model("google/gemma-3-270m", card={"license": "gemma"},
                  files=["model.safetensors"], downloads=50_000, likes=300)
    hub.add_model("google/gemma-3-270m-it", base_model="google/gemma-3-270m",
                  card={"license": "gemma"}, files=["model.safetensors"], downloads=90_000)
    hub.add_model("unsloth/gemma-3-270m-it-GGUF", base_model="google/gemma-3-270m-it",
                  files=["gemma-3-270m-it-Q4_K_M.gguf", "gemma-3-270m-it-Q8_0.gguf"],
                  downloads=4000)
    hub.add_model("alice/gemma-chat", base_model="google/gemma-3-270m-it",
                  files=["model.safetensors"], downloads=120)
    hub.add_model("bob/gemma-lora", base_model="google/gemma-3-270m-it",
                  files=["adapter_config.json", "adapter_model.safetensors"], downloads=30,
                  library_name="peft")
    hub.add_model("other/model", files=["model.safetensors"], downloads=10)
    hub.add_model("carol/gemma-merge", base_model=["google/gemma-3-270m-it", "other/model"],
                  files=["mergekit_config.yml", "model.safetensors"], downloads=5)
    hub.add_model("dave/gemma-chat-GGUF", base_model="alice/gemma-chat",
                  files=["chat.Q4_K_M.gguf"], downloads=7)
