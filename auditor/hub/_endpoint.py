"""Which Hub to talk to, and the one way an ``HfApi`` client is built for it."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from huggingface_hub import HfApi

DEFAULT_ENDPOINT = "https://huggingface.co"


def resolve_endpoint(explicit: str | None = None) -> str:
    """The Hub URL without a trailing slash: ``explicit``, else ``HF_ENDPOINT`` read now (not
    when ``huggingface_hub`` was imported), else the public Hub."""
    return (explicit or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def hub_api(endpoint: str | None = None, token: str | None = None) -> HfApi:
    """An ``HfApi`` for :func:`resolve_endpoint` (``token`` None: the client's own, from
    ``HF_TOKEN`` or a saved login). The token goes to the client and nowhere else."""
    from huggingface_hub import HfApi

    return HfApi(endpoint=resolve_endpoint(endpoint), token=token)
