"""DSSE envelopes: sign a statement, read one back and check its signature.

securesystemslib's :class:`~securesystemslib.dsse.Envelope` computes the pre-authentication
encoding (``DSSEv1 <len> <type> <len> <payload>``) and signs it. Verification tries the given
key on every signature, whatever ``keyid`` the signer wrote (DSSE says the key id is a hint;
envelopes from cosign and other tools leave it empty), and trusts the payload only after one
signature verified.
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.errors import InputError
from auditor.safeio import FileKind, parse_json, read_text

if TYPE_CHECKING:
    from securesystemslib.signer import Signer, SSlibKey

ENVELOPE_FILE = FileKind("attestation", 64 << 20)


def sign_statement(statement: dict[str, Any], signer: Signer, payload_type: str) -> dict[str, Any]:
    """The DSSE envelope (JSON-ready dict) of ``statement`` signed by ``signer``."""
    from securesystemslib.dsse import Envelope

    payload = json.dumps(statement, ensure_ascii=False, indent=None, sort_keys=False,
                         allow_nan=False).encode()
    envelope = Envelope(payload=payload, payload_type=payload_type, signatures={})
    envelope.sign(signer)
    return envelope.to_dict()


def read_envelope(path: str | Path) -> tuple[bytes, str, list[tuple[str, bytes]]]:
    """``(payload, payloadType, [(keyid, signature bytes)])`` of an envelope file.

    The file is untrusted: every malformed shape is an :class:`InputError` naming it.
    """
    data = parse_json(read_text(path, ENVELOPE_FILE), path)
    if not isinstance(data, dict):
        raise InputError(f"{path}: not a DSSE envelope (expected a JSON object)")
    if "dsseEnvelope" in data and "payload" not in data:
        raise InputError(
            f"{path}: this is a Sigstore bundle (keyless signing); verify it with "
            "`sigstore verify identity` or `cosign verify-blob-attestation --bundle`"
        )
    payload = _b64(data.get("payload"), path, "payload")
    payload_type = data.get("payloadType")
    signatures = data.get("signatures")
    if not isinstance(payload_type, str) or not isinstance(signatures, list) or not signatures:
        raise InputError(f"{path}: not a DSSE envelope (needs payload, payloadType, signatures)")
    found = []
    for i, entry in enumerate(signatures):
        if not isinstance(entry, dict):
            raise InputError(f"{path}: signatures[{i}] is not an object")
        keyid = entry.get("keyid", "")
        found.append((keyid if isinstance(keyid, str) else "",
                      _b64(entry.get("sig"), path, f"signatures[{i}].sig")))
    return payload, payload_type, found


def signature_verifies(
    payload: bytes, payload_type: str, signatures: list[tuple[str, bytes]], key: SSlibKey
) -> bool:
    """Whether ``key`` verifies one of the signatures over the envelope's PAE."""
    from securesystemslib.dsse import Envelope
    from securesystemslib.exceptions import UnverifiedSignatureError
    from securesystemslib.signer import Signature

    pae = Envelope(payload=payload, payload_type=payload_type, signatures={}).pae()
    for keyid, sig in signatures:
        try:
            key.verify_signature(Signature(keyid=keyid, sig=sig.hex()), pae)
        except UnverifiedSignatureError:
            continue
        return True
    return False


def _b64(value: object, path: str | Path, field: str) -> bytes:
    if not isinstance(value, str):
        raise InputError(f"{path}: {field} is missing or not a string")
    # DSSE allows standard or URL-safe base64, padded or not; anything else is refused
    standard = value.replace("-", "+").replace("_", "/")
    standard += "=" * (-len(standard) % 4)
    try:
        return base64.b64decode(standard, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"{path}: {field} is not base64") from None
