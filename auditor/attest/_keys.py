"""Signing keys from PEM files: a securesystemslib ``CryptoSigner`` to sign, an ``SSlibKey`` to
verify, and a key pair generator for people who have none.

Keys are read through the one bounded reader (a key file is small; a FIFO never blocks). Every
way a key file can be wrong (not PEM, encrypted, a public key where a private one is needed,
an unsupported curve) is one :class:`~auditor.errors.InputError` naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from auditor.errors import InputError, OutputError
from auditor.safeio import FileKind, read_bytes

if TYPE_CHECKING:
    from securesystemslib.signer import CryptoSigner, SSlibKey

KEY_FILE = FileKind("key file", 1 << 20)
KeyType = Literal["ed25519", "ecdsa", "rsa"]
KEY_TYPES: tuple[str, ...] = ("ed25519", "ecdsa", "rsa")


def _filing_import_error(exc: ImportError) -> InputError:
    return InputError(
        f"attestation needs securesystemslib with cryptography ({exc}); install the extra: "
        "pip install 'supply-chain-auditor[filing]'"
    )


def load_signer(path: str | Path) -> CryptoSigner:
    """A signer for an unencrypted PEM private key (ed25519, ECDSA P-256/384/521 or RSA)."""
    try:
        from cryptography.hazmat.primitives.serialization import load_pem_private_key
        from securesystemslib.signer import CryptoSigner
    except ImportError as exc:
        raise _filing_import_error(exc) from None
    data = read_bytes(path, KEY_FILE)
    try:
        private = load_pem_private_key(data, password=None)
    except TypeError:
        raise InputError(
            f"{path}: the private key is encrypted; decrypt it to a file only you can read "
            "(e.g. `openssl pkey -in KEY -out plain.pem`) and pass that"
        ) from None
    except (ValueError, UnicodeError) as exc:
        hint = " (this is a public key: sign with the private one)" if b"PUBLIC KEY" in data else ""
        raise InputError(f"{path}: not a PEM private key{hint} ({_first(exc)})") from None
    try:
        return CryptoSigner(private)  # type: ignore[arg-type]
    except (ValueError, TypeError) as exc:
        raise InputError(f"{path}: unsupported key for signing ({_first(exc)})") from None


def load_public_key(path: str | Path) -> SSlibKey:
    """A verification key from a PEM public key (or the public half of a PEM private key)."""
    try:
        from cryptography.hazmat.primitives.serialization import load_pem_public_key
        from securesystemslib.signer import SSlibKey
    except ImportError as exc:
        raise _filing_import_error(exc) from None
    data = read_bytes(path, KEY_FILE)
    if b"PRIVATE KEY" in data:
        return load_signer(path).public_key
    try:
        public = load_pem_public_key(data)
    except (ValueError, UnicodeError) as exc:
        raise InputError(f"{path}: not a PEM public key ({_first(exc)})") from None
    try:
        return SSlibKey.from_crypto(public)  # type: ignore[arg-type]
    except (ValueError, TypeError) as exc:
        raise InputError(f"{path}: unsupported public key ({_first(exc)})") from None


def generate_key_pair(private_path: str | Path, key_type: KeyType = "ed25519") -> Path:
    """Write a new private key (PKCS#8 PEM, mode 0600) and its public key beside it.

    The public key goes to ``<stem>.pub.pem`` (``key.pem`` -> ``key.pub.pem``); its path is
    returned. An existing file at either path is never overwritten: a private key lost to a
    typo cannot be recovered.
    """
    from cryptography.hazmat.primitives import serialization as ser
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    from auditor.outputs import atomic_write_text

    private_path = Path(private_path)
    public_path = public_key_path(private_path)
    for target in (private_path, public_path):
        if os.path.lexists(target):
            raise OutputError(f"refusing to overwrite {target}: move it away or choose --out")
    if key_type == "ed25519":
        key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = (
            ed25519.Ed25519PrivateKey.generate()
        )
    elif key_type == "ecdsa":
        key = ec.generate_private_key(ec.SECP256R1())
    elif key_type == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    else:
        raise InputError(f"unknown key type {key_type!r}; choose one of {', '.join(KEY_TYPES)}")
    private_pem = key.private_bytes(
        ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()
    ).decode()
    public_pem = key.public_key().public_bytes(
        ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    _create_private(private_path)
    atomic_write_text(private_path, private_pem)  # keeps the 0600 of the file just created
    atomic_write_text(public_path, public_pem)
    return public_path


def public_key_path(private_path: Path) -> Path:
    """``key.pem`` -> ``key.pub.pem``; ``signing`` -> ``signing.pub.pem``."""
    stem = private_path.name[:-4] if private_path.name.endswith(".pem") else private_path.name
    return private_path.with_name(f"{stem}.pub.pem")


def _create_private(path: Path) -> None:
    """Create the empty file with mode 0600 first, so no moment exists where others can read."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    os.close(fd)
    os.chmod(path, 0o600)  # whatever the umask


def _first(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
