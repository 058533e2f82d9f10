"""Key files: the keygen convenience, and every way a key file can be wrong is one clear
error (exit status 2 through the CLI), never a traceback."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from auditor.attest import generate_key_pair, load_public_key, load_signer
from auditor.errors import InputError, OutputError
from tests.cli._run import auditor


def test_keygen_writes_a_private_key_only_its_owner_reads(tmp_path: Path) -> None:
    done = auditor("attest-keygen", "--out", str(tmp_path / "k.pem"), "--type", "ecdsa")
    assert done.returncode == 0, done.stderr
    private, public = tmp_path / "k.pem", tmp_path / "k.pub.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in private.read_bytes() and b"PUBLIC KEY" in public.read_bytes()
    signer = load_signer(private)
    assert signer.public_key.keyid == load_public_key(public).keyid


def test_keygen_never_overwrites(tmp_path: Path) -> None:
    generate_key_pair(tmp_path / "k.pem")
    before = (tmp_path / "k.pem").read_bytes()
    with pytest.raises(OutputError, match="refusing to overwrite"):
        generate_key_pair(tmp_path / "k.pem")
    assert (tmp_path / "k.pem").read_bytes() == before
    done = auditor("attest-keygen", "--out", str(tmp_path / "k.pem"))
    assert done.returncode == 2 and "refusing to overwrite" in done.stderr


@pytest.mark.parametrize("content, message", [
    (b"hello", "not a PEM private key"),
    (b"", "not a PEM private key"),
    (b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not a PEM private key"),
])
def test_bad_private_key_files(tmp_path: Path, content: bytes, message: str) -> None:
    key = tmp_path / "bad.pem"
    key.write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_signer(key)


def test_public_key_given_to_sign_says_so(key_pairs) -> None:
    with pytest.raises(InputError, match="public key"):
        load_signer(key_pairs["ed25519"][1])


def test_encrypted_private_key_says_so(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization as ser
    from cryptography.hazmat.primitives.asymmetric import ed25519

    key = tmp_path / "enc.pem"
    key.write_bytes(ed25519.Ed25519PrivateKey.generate().private_bytes(
        ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.BestAvailableEncryption(b"pw")))
    with pytest.raises(InputError, match="encrypted"):
        load_signer(key)


def test_bad_key_through_the_cli_is_exit_2(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text("{}")
    key = tmp_path / "bad.pem"
    key.write_text("not a key")
    done = auditor("attest", str(report), "--key", str(key), "--out", str(tmp_path / "a.json"))
    assert done.returncode == 2 and "error:" in done.stderr and "Traceback" not in done.stderr
    envelope = tmp_path / "env.json"
    envelope.write_text(json.dumps({"payload": "", "payloadType": "x", "signatures": []}))
    done = auditor("verify-attestation", str(envelope), "--key", str(key))
    assert done.returncode == 2 and "not a PEM public key" in done.stderr


def test_missing_key_file_is_exit_2(tmp_path: Path) -> None:
    envelope = tmp_path / "env.json"
    envelope.write_text("{}")
    done = auditor("verify-attestation", str(envelope), "--key", str(tmp_path / "absent.pem"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
