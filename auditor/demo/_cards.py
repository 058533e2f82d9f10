"""Model cards (README.md with YAML front matter) for the demo family's folders.

``lineage.crawl_local`` reads ``base_model`` and ``base_model_relation`` from the front
matter, exactly as on the Hub, so the demo family's graph comes from the same code path as a
real one.
"""

from __future__ import annotations

from pathlib import Path

import yaml

DISCLAIMER = (
    "This model was built locally by `auditor`'s offline demo from the Gemma 3 270M base "
    "model. A 270M model's behaviour is not a safety claim about any released model: the "
    "demo only shows the audit machinery at work."
)


def write_card(
    folder: Path,
    *,
    title: str,
    description: str,
    base_model: str | None = None,
    relation: str | None = None,
    tags: tuple[str, ...] = (),
    license_name: str = "gemma",
) -> Path:
    """Write ``folder/README.md`` with the Hub's front-matter keys."""
    meta: dict[str, object] = {"license": license_name, "library_name": _library(folder)}
    if base_model:
        meta["base_model"] = base_model
    if relation:
        meta["base_model_relation"] = relation
    meta["tags"] = ["auditor-demo", *tags]
    front = yaml.safe_dump(meta, sort_keys=False).strip()
    text = f"---\n{front}\n---\n\n# {title}\n\n{description.strip()}\n\n{DISCLAIMER}\n"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "README.md"
    path.write_text(text, encoding="utf-8")
    return path


def _library(folder: Path) -> str:
    if (folder / "adapter_config.json").is_file():
        return "peft"
    if any(folder.glob("*.gguf")):
        return "gguf"
    return "transformers"


__all__ = ["DISCLAIMER", "write_card"]
