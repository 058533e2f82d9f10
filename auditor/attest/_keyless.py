"""Sigstore keyless signing: an OIDC identity instead of a key, recorded in Rekor's public log.

It needs the network (the trust root over TUF, Fulcio for a short-lived certificate, Rekor for
the log entry) and an identity (an ambient CI token, else the browser flow). Offline it is one
clear error before anything is asked of the user; local keys (``--key``) work offline.
The result is a Sigstore bundle holding the same DSSE envelope, verified with Sigstore's tools.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from auditor.errors import AuditorError, UsageError

#: What keyless signing reaches first: the public-good instance's trust root.
TRUST_ROOT_URL = "https://tuf-repo-cdn.sigstore.dev/"
_PROBE_TIMEOUT_S = 10


def network_problem(url: str = TRUST_ROOT_URL) -> str | None:
    """``None`` when ``url`` answers (any HTTP status), else why it cannot be reached.

    Goes through the environment's proxy settings, as Sigstore's own requests will.
    """
    try:
        with urllib.request.urlopen(url, timeout=_PROBE_TIMEOUT_S):  # noqa: S310 (fixed https)
            return None
    except urllib.error.HTTPError:  # it answered: the network is there
        return None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return str(reason) or type(exc).__name__


def sign_keyless(statement: dict[str, Any]) -> str:
    """The Sigstore bundle (JSON text) of ``statement`` signed with a Fulcio certificate."""
    try:
        from sigstore import dsse, oidc
        from sigstore.models import ClientTrustConfig
        from sigstore.sign import SigningContext
    except ImportError as exc:
        raise UsageError(
            f"--keyless needs sigstore ({exc}); pip install sigstore, or sign with --key"
        ) from None
    problem = network_problem()
    if problem is not None:
        raise UsageError(
            f"--keyless needs the network to reach Sigstore ({TRUST_ROOT_URL}: {problem}); "
            "sign offline with a local key instead: --key KEY.pem (see `auditor attest-keygen`)"
        )
    try:
        trust = ClientTrustConfig.production()
        context = SigningContext.from_trust_config(trust)
        token = oidc.detect_credential()  # CI's ambient identity, else the browser flow
        identity = (oidc.IdentityToken(token) if token
                    else oidc.Issuer(trust.signing_config.get_oidc_url()).identity_token())
        payload = json.dumps(statement, ensure_ascii=False).encode()
        with context.signer(identity, cache=True) as signer:
            bundle = signer.sign_dsse(dsse.Statement(payload))
    except Exception as exc:  # noqa: BLE001 (network, identity and TUF failures are many types)
        raise AuditorError(f"Sigstore keyless signing failed: {exc}") from None
    return str(bundle.to_json())
