"""Read a chat template from a tokenizer folder without importing transformers."""

from __future__ import annotations

import json
from pathlib import Path


def template_from_folder(folder: Path) -> str | None:
    """The chat template in ``chat_template.jinja``, ``chat_template.json`` or
    ``tokenizer_config.json`` (the ``default`` one when several are named), else None."""
    jinja = folder / "chat_template.jinja"
    if jinja.is_file():
        return jinja.read_text()
    for name in ("chat_template.json", "tokenizer_config.json"):
        path = folder / name
        if not path.is_file():
            continue
        try:
            value = json.loads(path.read_text()).get("chat_template")
        except (ValueError, AttributeError):
            continue
        if isinstance(value, str) and value:
            return value
        if isinstance(value, list):
            named = {t.get("name"): t.get("template") for t in value if isinstance(t, dict)}
            chosen = named.get("default") or next(iter(named.values()), None)
            if isinstance(chosen, str):
                return chosen
    return None
