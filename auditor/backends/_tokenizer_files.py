"""Read a chat template from a tokenizer folder without importing transformers."""

from __future__ import annotations

from pathlib import Path

from auditor.errors import InputError
from auditor.safeio import TOKENIZER_CONFIG, parse_json, read_text


def template_from_folder(folder: Path) -> str | None:
    """The chat template in ``chat_template.jinja``, ``chat_template.json`` or
    ``tokenizer_config.json`` (the ``default`` one when several are named), else None.

    Read through the bounded reader: a template file that is not a regular UTF-8 file within
    the cap is an InputError; an unreadable or malformed JSON file is skipped."""
    jinja = folder / "chat_template.jinja"
    if jinja.is_file():
        return read_text(jinja, TOKENIZER_CONFIG)
    for name in ("chat_template.json", "tokenizer_config.json"):
        path = folder / name
        if not path.is_file():
            continue
        try:
            data = parse_json(read_text(path, TOKENIZER_CONFIG), path)
        except InputError:
            continue
        value = data.get("chat_template") if isinstance(data, dict) else None
        if isinstance(value, str) and value:
            return value
        if isinstance(value, list):
            named = {t.get("name"): t.get("template") for t in value if isinstance(t, dict)}
            chosen = named.get("default") or next(iter(named.values()), None)
            if isinstance(chosen, str):
                return chosen
    return None
