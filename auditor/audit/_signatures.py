"""OpenSSF model-signing results recorded in a finished report's model provenance.

Each evaluated model that lives in a local folder (a model folder, or the folder holding a
GGUF file) or was downloaded from the Hub is checked with
:func:`auditor.attest.check_model_signature`; the label (``signed-valid``,
``signed-invalid (...)``, ``unsigned``, ``unverifiable (...)``) goes to
``provenance.models[].signature``, which the HTML report shows and ``auditor attest``
carries. Remote inference servers (``openai:``) have no weights here: left ``None``.

A Hub model's ``model.sig`` is fetched through :mod:`auditor.hub` at the revision evaluated
into the same snapshot folder as the files the evaluation downloaded, and checked there.
Without a public key a signature cannot be checked offline (a certificate signature needs
Sigstore and the network): ``unverifiable (no public key given)``. A Hub model whose answers
were all reused from the store downloaded nothing in this run, and its signature is not fetched
either (a reused audit makes no download): left ``None``, "not checked".
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from auditor.errors import AuditorError, RepoNotFoundError
from reports import ModelProvenance, Report

log = logging.getLogger(__name__)

SIGNATURE_FILE = "model.sig"  # model_signing's default signature name (its CLI's --signature)


def model_folder(model: ModelProvenance) -> Path | None:
    """The local folder whose files a model's weights are (None: not local)."""
    ref = model.reference or ""
    if not ref or ref.startswith("openai:") or model.backend == "openai":
        return None
    path = Path(ref).expanduser()
    try:
        if path.is_dir():
            return path
        if path.is_file():
            return path.parent
    except OSError:
        return None
    return None


def _hub_signature(repo_id: str, revision: str | None) -> Path | None:
    """``model.sig`` of a Hub repo at ``revision``, downloaded into its snapshot (None: the
    repo has none)."""
    from huggingface_hub import hf_hub_download

    from auditor.hub import check_repo_file, hub_request, resolve_endpoint

    rev = revision or "main"
    where = f"{repo_id}/{SIGNATURE_FILE}@{rev[:12]}"
    check_repo_file(SIGNATURE_FILE, where)
    endpoint = resolve_endpoint()
    try:
        return Path(hub_request(
            lambda: str(hf_hub_download(repo_id, SIGNATURE_FILE, revision=rev,
                                        endpoint=endpoint)),
            what=where))
    except RepoNotFoundError:
        return None


def signature_label(
    model: ModelProvenance, public_key: Path | None, *, fetch_from_hub: bool = True
) -> str | None:
    """The signature label of one evaluated model (None: not checked, e.g. a server, or a Hub
    model when ``fetch_from_hub`` is off)."""
    from auditor.attest import check_model_signature

    folder = model_folder(model)
    signature: Path | None = None
    if folder is None and model.repo_id and model.backend != "openai":
        if not fetch_from_hub:
            return None
        try:
            signature = _hub_signature(model.repo_id, model.revision)
        except AuditorError as exc:  # the Hub unreachable: say so, never fail the report
            return f"unverifiable (model.sig not fetched: {exc})"
        if signature is None:
            return "unsigned"
        folder = signature.parent
    if folder is None:
        return None
    try:
        return check_model_signature(folder, public_key, signature=signature).label()
    except AuditorError as exc:
        return f"unverifiable ({exc})"


def with_signatures(
    report: Report, public_key: Path | None, *, reused: frozenset[str] = frozenset()
) -> Report:
    """``report`` with each model's ``provenance.models[].signature`` filled in; Hub models
    whose store key is in ``reused`` (every answer reused from the store) are not fetched."""
    models = []
    for model in report.provenance.models:
        label = signature_label(model, public_key, fetch_from_hub=model.key not in reused)
        log.info("model signature of %s: %s", model.id, label)
        models.append(replace(model, signature=label))
    return replace(report, provenance=replace(report.provenance, models=tuple(models)))
