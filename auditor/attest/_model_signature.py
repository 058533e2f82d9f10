"""OpenSSF model signing: does a model folder carry a valid ``model.sig``?

A model signed with the OpenSSF ``model_signing`` tool carries a Sigstore bundle (by
convention ``model.sig`` at the folder's top) whose DSSE payload lists every file's digest.
Verification re-hashes the folder the way the signing CLI does (the signature file and git
files ignored) and compares. Results:

- ``signed-valid``: the key verified the bundle and every file matches;
- ``signed-invalid``: the signature or a file does not match (the reason says which);
- ``unsigned``: no signature file;
- ``unverifiable``: a signature is there but cannot be checked here (no public key given,
  a certificate/keyless bundle, a key type ``model_signing`` cannot use, the library missing).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from auditor.errors import InputError
from auditor.safeio import FileKind, read_bytes, read_text

SIGNATURE_FILE = "model.sig"
_SIGNATURE = FileKind("model signature", 16 << 20)

SignatureStatus = Literal["signed-valid", "signed-invalid", "unsigned", "unverifiable"]


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """The outcome of checking one model's OpenSSF signature; ``reason`` says why."""

    status: SignatureStatus
    reason: str = ""
    signature_file: str | None = None

    def label(self) -> str:
        """``signed-valid``, or ``unverifiable (no public key given)``: the report's form."""
        if self.status in ("unverifiable", "signed-invalid") and self.reason:
            return f"{self.status} ({self.reason})"
        return self.status


def check_model_signature(
    path: str | Path,
    public_key: str | Path | None = None,
    *,
    signature: str | Path | None = None,
) -> SignatureCheck:
    """Check the OpenSSF model-signing signature of the model folder ``path``.

    ``signature`` defaults to ``path/model.sig`` (a Hub repo's signature lands there once its
    snapshot is downloaded). ``public_key``: the PEM public key (ECDSA) the signer published.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a model folder")
    sig = Path(signature) if signature is not None else folder / SIGNATURE_FILE
    if not sig.is_file():
        return SignatureCheck("unsigned")
    where = str(sig)
    try:
        bundle = json.loads(read_text(sig, _SIGNATURE))
        material = bundle["verificationMaterial"]
        assert isinstance(material, dict)
    except (InputError, ValueError, KeyError, TypeError, AssertionError):
        return SignatureCheck("signed-invalid", "the signature file is not a Sigstore bundle",
                              where)
    if "publicKey" not in material:
        return SignatureCheck("unverifiable", "a certificate (keyless) signature: verify it "
                              "with the signer's identity and the network", where)
    if public_key is None:
        return SignatureCheck("unverifiable", "no public key given", where)
    try:
        from model_signing import hashing, verifying
    except ImportError:
        return SignatureCheck("unverifiable", "model_signing is not installed", where)
    problem = _key_problem(Path(public_key))
    if problem:
        return SignatureCheck("unverifiable", problem, where)
    ignored = [sig.resolve().relative_to(folder.resolve())] if _inside(sig, folder) else []
    explicit = hashing.Config().set_ignored_paths(paths=ignored, ignore_git_paths=True)
    first_error = ""
    # First as the manifest says it was hashed (file or shard serialization, its own ignored
    # paths); then as the signing CLI hashes, the signature file ignored, for a signer that
    # wrote model.sig into the folder without recording it as ignored.
    for hashing_config in (None, explicit):
        try:
            verifier = verifying.Config().use_elliptic_key_verifier(public_key=Path(public_key))
            if hashing_config is not None:
                verifier.set_hashing_config(hashing_config)
            verifier.verify(folder, sig)
        except Exception as exc:  # noqa: BLE001 (bad key, signature or file: many types)
            first_error = first_error or _first(exc)
            continue
        return SignatureCheck("signed-valid", "", where)
    return SignatureCheck("signed-invalid", first_error, where)


def _key_problem(public_key: Path) -> str:
    """Why ``model_signing``'s key verifier cannot use this file ("" when it can)."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    from auditor.attest._keys import KEY_FILE

    try:
        key = load_pem_public_key(read_bytes(public_key, KEY_FILE))
    except (InputError, ValueError, UnicodeError) as exc:
        return f"unusable public key {public_key}: {_first(exc)}"
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return "model_signing verifies elliptic-curve (ECDSA) keys only"
    return ""


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _first(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
