"""``auditor attest`` / ``attest-keygen`` / ``verify-attestation``: sign a finished report as
an in-toto statement and check it later (layout: docs/PROVENANCE.md, "Attestation")."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from auditor.cli._app import app, console, err_console

_STATUS = {"ok": "green", "not checked": "dim", "changed": "bold red", "missing": "bold red",
           "invalid": "bold red"}


@app.command("attest")
def attest_command(
    report: Annotated[Path, typer.Argument(metavar="REPORT.json", help="The audit's report.json.")],
    out: Annotated[
        Path, typer.Option("--out", help="Where to write the envelope.")
    ] = Path("audit.intoto.json"),
    key: Annotated[
        Path | None,
        typer.Option("--key", help="PEM private key (ed25519, ECDSA or RSA; see attest-keygen)."),
    ] = None,
    keyless: Annotated[
        bool,
        typer.Option("--keyless", help="Sign with Sigstore (OIDC identity, needs the network); "
                     "writes a Sigstore bundle."),
    ] = False,
) -> None:
    """Sign an in-toto statement of REPORT.json: its audited weights as subjects, the report's
    digest, suites, judge and verdicts as predicate."""
    from auditor.attest import attest_report
    from auditor.cli._text import shown
    from auditor.errors import UsageError
    from auditor.outputs import check_outputs

    if (key is None) == (not keyless):
        raise UsageError("give exactly one of --key KEY.pem or --keyless")
    check_outputs([out], [("the report", report), ("the key", key)])
    result = attest_report(report, out, key=key, keyless=keyless)
    for name in result.subjects:
        console.print(f"subject: {shown(name)}", highlight=False)
    for model in result.unattested:
        err_console.print(f"not a subject (no local file digest): {shown(model)}",
                          highlight=False)
    console.print(f"report sha256: {result.report_sha256}\nattestation: {result.path}",
                  highlight=False)


@app.command("attest-keygen")
def keygen_command(
    out: Annotated[
        Path, typer.Option("--out", help="Private key file (mode 0600); the public key is "
                           "written beside it as <name>.pub.pem.")
    ] = Path("attest-key.pem"),
    key_type: Annotated[
        str, typer.Option("--type", help="ed25519, ecdsa (P-256) or rsa (3072 bits).")
    ] = "ed25519",
) -> None:
    """Create a signing key pair for `auditor attest` (never overwrites a file)."""
    from auditor.attest import KEY_TYPES, generate_key_pair
    from auditor.errors import UsageError

    if key_type not in KEY_TYPES:
        raise UsageError(f"--type {key_type!r}: choose one of {', '.join(KEY_TYPES)}")
    public = generate_key_pair(out, key_type)  # type: ignore[arg-type]
    console.print(f"private key: {out} (keep it secret)\npublic key:  {public}", highlight=False)


@app.command("verify-attestation")
def verify_command(
    attestation: Annotated[
        Path, typer.Argument(metavar="ATTESTATION", help="The envelope `auditor attest` wrote.")
    ],
    key: Annotated[Path, typer.Option("--key", help="PEM public key of the signer.")],
    report: Annotated[
        Path | None,
        typer.Option("--report", help="The report to check (default: the file the statement "
                     "names, beside the attestation)."),
    ] = None,
    model_dir: Annotated[
        list[str] | None,
        typer.Option("--model-dir", metavar="ID=PATH",
                     help="Where model ID's weights are now (folder or file); repeatable. "
                     "Default: the model's local reference as the report recorded it."),
    ] = None,
) -> None:
    """Check the signature, the report's digest and the audited weights' digests.

    Exit 0 when the signature verifies and nothing found differs; 1 when the signature is bad or
    the report or a subject changed; 2 for unusable input."""
    from auditor.attest import verify_attestation
    from auditor.cli._text import shown

    result = verify_attestation(attestation, key, report=report,
                                model_dirs=_pairs(model_dir or []))
    for check in result.checks:
        style = _STATUS[check.status]
        console.print(f"[{style}]{check.status:>11}[/]  {shown(check.what)}: "
                      f"{shown(check.detail)}", highlight=False, soft_wrap=True)
    if not result.ok:
        err_console.print("[bold red]verification failed[/]")
        raise typer.Exit(1)
    console.print("verified")


def _pairs(values: list[str]) -> dict[str, str]:
    from auditor.errors import UsageError

    pairs: dict[str, str] = {}
    for value in values:
        model, sep, path = value.partition("=")
        if not sep or not model or not path:
            raise UsageError(f"--model-dir {value!r}: expected ID=PATH")
        pairs[model] = path
    return pairs
