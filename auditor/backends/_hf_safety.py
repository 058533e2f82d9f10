"""Checks before transformers touches a checkpoint: pickle weights and remote code."""

from __future__ import annotations

from pathlib import Path

from auditor.errors import InputError, UnsafeCheckpointError
from auditor.safeio import TOKENIZER_CONFIG, load_json_file

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")


def check_weights(folder: Path, *, allow_pickle: bool) -> bool:
    """True when the folder's weights are safetensors; refuse pickle-only folders unless allowed.

    Returns whether loading should insist on safetensors (``use_safetensors=True``).
    """
    names = [p.name for p in folder.iterdir() if p.is_file()]
    if any(n.endswith(".safetensors") for n in names):
        return not allow_pickle
    pickles = sorted(n for n in names if n.endswith(PICKLE_SUFFIXES))
    if pickles and not allow_pickle:
        raise UnsafeCheckpointError(
            f"{folder} has pickle weights only ({', '.join(pickles[:3])}): unpickling a "
            "checkpoint from an untrusted repository can run arbitrary code on this machine. "
            "Convert it to safetensors, or pass --allow-pickle if you trust its source."
        )
    return not allow_pickle


def remote_code_files(folder: Path) -> list[str]:
    """Why this folder would need ``trust_remote_code`` (``auto_map`` entries), if it does."""
    reasons = []
    for name in ("config.json", "tokenizer_config.json"):
        path = folder / name
        if not path.is_file():
            continue
        try:
            data = load_json_file(path, TOKENIZER_CONFIG)
        except InputError:
            continue
        auto_map = data.get("auto_map") if isinstance(data, dict) else None
        if auto_map:
            values = auto_map.values() if isinstance(auto_map, dict) else [auto_map]
            for value in values:
                for entry in value if isinstance(value, list) else [value]:
                    if isinstance(entry, str):
                        reasons.append(f"{name}: {entry}")
    return reasons


def check_remote_code(folder: Path, *, trust_remote_code: bool) -> None:
    """Refuse a checkpoint that ships its own Python code unless the user opted in."""
    reasons = remote_code_files(folder)
    if reasons and not trust_remote_code:
        raise UnsafeCheckpointError(
            f"{folder} needs code from the repository to load ({'; '.join(reasons[:3])}); "
            "running it would execute untrusted Python. Pass --trust-remote-code only after "
            "reviewing that code."
        )
