"""Attestation of a finished audit: an in-toto Statement v1 in a signed DSSE envelope.

``attest_report`` signs a statement whose subjects are the audited weights (the digests the
report records) and whose predicate carries the report's digest and verdicts;
``verify_attestation`` checks the signature and re-hashes what it can find. Keys are local PEM
files (``generate_key_pair``) or, online, Sigstore keyless. ``check_model_signature`` verifies
an OpenSSF model-signing signature (``model.sig``) that a model carries. Layout and how to
verify with standard tools: docs/PROVENANCE.md, "Attestation".
"""

from auditor.attest._attest import AttestResult, attest_report
from auditor.attest._keys import KEY_TYPES, generate_key_pair, load_public_key, load_signer
from auditor.attest._model_signature import SignatureCheck, check_model_signature
from auditor.attest._statement import (
    PAYLOAD_TYPE,
    PREDICATE_TYPE,
    STATEMENT_TYPE,
    build_statement,
    subject_name,
)
from auditor.attest._verify import Check, VerificationResult, verify_attestation

__all__ = [
    "KEY_TYPES",
    "PAYLOAD_TYPE",
    "PREDICATE_TYPE",
    "STATEMENT_TYPE",
    "AttestResult",
    "Check",
    "SignatureCheck",
    "VerificationResult",
    "attest_report",
    "build_statement",
    "check_model_signature",
    "generate_key_pair",
    "load_public_key",
    "load_signer",
    "subject_name",
    "verify_attestation",
]
