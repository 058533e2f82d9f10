"""OpenSSF model signing: a tiny model folder signed by model_signing's own key-based signer,
then verified by ``check_model_signature`` (valid, tampered, wrong key, unsigned, no key)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec

from auditor.attest import check_model_signature
from auditor.errors import InputError


def _ec_pair(folder: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    private, public = folder / f"{name}.pem", folder / f"{name}.pub.pem"
    private.write_bytes(key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8,
                                          ser.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(ser.Encoding.PEM,
                                                     ser.PublicFormat.SubjectPublicKeyInfo))
    return private, public


def _sign(model: Path, private: Path, *, record_ignore: bool = True) -> None:
    """Sign as the model_signing CLI does: the signature file inside, ignored when hashing."""
    from model_signing import hashing, signing

    config = signing.Config().use_elliptic_key_signer(private_key=private)
    if record_ignore:
        config.set_hashing_config(
            hashing.Config().set_ignored_paths(paths=["model.sig"], ignore_git_paths=True))
    config.sign(model, model / "model.sig")


@pytest.fixture
def signed(tiny_hf_model: Path, tmp_path: Path) -> tuple[Path, Path]:
    model = shutil.copytree(tiny_hf_model, tmp_path / "model")
    private, public = _ec_pair(tmp_path, "signer")
    _sign(model, private)
    return model, public


def test_valid_signature(signed: tuple[Path, Path]) -> None:
    model, public = signed
    check = check_model_signature(model, public)
    assert check.status == "signed-valid" and check.label() == "signed-valid"
    assert check.signature_file == str(model / "model.sig")


def test_signature_written_without_recording_it_as_ignored(tiny_hf_model: Path,
                                                          tmp_path: Path) -> None:
    model = shutil.copytree(tiny_hf_model, tmp_path / "model")
    private, public = _ec_pair(tmp_path, "signer")
    _sign(model, private, record_ignore=False)
    assert check_model_signature(model, public).status == "signed-valid"


def test_changed_weights_are_invalid(signed: tuple[Path, Path]) -> None:
    model, public = signed
    weights = next(model.glob("*.safetensors"))
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    check = check_model_signature(model, public)
    assert check.status == "signed-invalid"
    assert weights.name in check.reason
    assert check.label().startswith("signed-invalid (")


def test_added_file_is_invalid(signed: tuple[Path, Path]) -> None:
    model, public = signed
    (model / "extra.py").write_text("print('hi')\n")
    assert check_model_signature(model, public).status == "signed-invalid"


def test_wrong_key_is_invalid(signed: tuple[Path, Path], tmp_path: Path) -> None:
    model, _ = signed
    _, other = _ec_pair(tmp_path, "other")
    assert check_model_signature(model, other).status == "signed-invalid"


def test_unsigned(tiny_hf_model: Path) -> None:
    check = check_model_signature(tiny_hf_model)
    assert check.status == "unsigned" and check.label() == "unsigned"


def test_no_public_key_is_unverifiable(signed: tuple[Path, Path]) -> None:
    model, _ = signed
    check = check_model_signature(model)
    assert check.status == "unverifiable"
    assert check.label() == "unverifiable (no public key given)"


def test_non_ec_key_is_unverifiable(signed: tuple[Path, Path], key_pairs) -> None:
    model, _ = signed
    check = check_model_signature(model, key_pairs["ed25519"][1])
    assert check.status == "unverifiable" and "elliptic" in check.reason


def test_garbage_signature_is_invalid(tiny_hf_model: Path, tmp_path: Path) -> None:
    model = shutil.copytree(tiny_hf_model, tmp_path / "model")
    (model / "model.sig").write_text("not a bundle")
    _, public = _ec_pair(tmp_path, "signer")
    assert check_model_signature(model, public).status == "signed-invalid"


def test_not_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a model folder"):
        check_model_signature(tmp_path / "absent")
