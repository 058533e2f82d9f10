"""``--executor ray`` (issue 17): the same audit fanned out over a local Ray cluster gives the
same verdicts, counts and stored rows as the local run; a worker that dies is retried once,
then its model is *not audited* with the reason. Doubles only at the edge: a scripted
OpenAI-compatible server and, for the crash, a backend that kills its own (Ray worker)
process."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from auditor.audit import AuditConfig, run_audit
from auditor.errors import UsageError
from tests.audit.scripted_server import ScriptedServer
from tests.audit.test_pipeline_scripted import _folder
from tests.audit.test_pipeline_tiny import _card
from tests.cli._run import auditor
from tests.executors._cluster import local_cluster, store_contents
from tests.fixtures.tiny_models import build_tiny_lora_adapter


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    pytest.importorskip("ray", reason="the ray extra is not installed (pip install "
                        "'supply-chain-auditor[ray]')")
    with local_cluster() as started:
        yield started


def _scripted_family(root: Path) -> list[Path]:
    return [_folder(root, "base", None), _folder(root, "ft-safe", "base"),
            _folder(root, "ft-unsafe", "base"), _folder(root, "ft-rambler", "base")]


def test_cli_ray_audit_matches_the_local_audit_row_by_row(
    cluster: Any, tmp_path: Path, server: ScriptedServer
) -> None:
    """The CLI joins the tests' local cluster by its address (``--ray-address``): a second
    cluster start on a small shared machine can miss Ray's fixed 15 s wait for its agents
    (ray-project/ray#65983); without an address the same ``ray.init`` path starts one, as
    the in-process tests below do."""
    family = _scripted_family(tmp_path / "models")
    common = [a for f in family for a in ("--local", str(f))] + [
        "--suite", "smoke", "--suite", "framing", "--limit", "12",
        "--override", f"base=openai:{server.base_url}#refuser",
        "--override", f"ft-safe=openai:{server.base_url}#refuser",
        "--override", f"ft-unsafe=openai:{server.base_url}#complier",
        "--override", f"ft-rambler=openai:{server.base_url}#rambler"]
    local = auditor("audit", *common, "--store", str(tmp_path / "local.db"),
                    "--out", str(tmp_path / "local"))
    fanned = auditor("audit", *common, "--store", str(tmp_path / "ray.db"),
                     "--out", str(tmp_path / "ray"), "--executor", "ray", "--ray-address",
                     cluster.get_runtime_context().gcs_address, timeout=600)
    assert local.returncode == fanned.returncode == 3, fanned.stderr
    assert store_contents(tmp_path / "local.db") == store_contents(tmp_path / "ray.db")
    reports = [json.loads((tmp_path / d / "report.json").read_text()) for d in ("local", "ray")]
    for report in reports:
        del report["generated_at"], report["provenance"]
    assert reports[0]["derivatives"] == reports[1]["derivatives"]
    assert reports[0] == reports[1]


def test_tiny_local_family_with_an_adapter_matches_the_local_audit(
    cluster: Any, tiny_hf_model: Path, tmp_path: Path
) -> None:
    base = tmp_path / "family" / "tiny-base"
    shutil.copytree(tiny_hf_model, base)
    _card(base, None, None)
    lora = build_tiny_lora_adapter(base, tmp_path / "family" / "tiny-base-lora",
                                   base_name="tiny-base")
    results = {}
    for executor in ("local", "ray"):
        config = AuditConfig(local=(base, lora), suites=("smoke",), limit=4,
                             store=tmp_path / f"{executor}.db", out=tmp_path / executor,
                             max_new_tokens=4, threads=1, executor=executor)
        results[executor] = run_audit(config)
    local, fanned = results["local"], results["ray"]
    assert [o.model_key for o in fanned.outcomes] == [o.model_key for o in local.outcomes]
    assert all(o.model_key for o in fanned.outcomes)
    assert fanned.counts == local.counts and fanned.exit_code == local.exit_code
    assert store_contents(tmp_path / "local.db") == store_contents(tmp_path / "ray.db")


def test_a_worker_that_dies_is_retried_once_then_its_model_is_not_audited(
    cluster: Any, tiny_hf_model: Path, tmp_path: Path, server: ScriptedServer
) -> None:
    models = tmp_path / "models"
    family = [_folder(models, "base", None), _folder(models, "ft-unsafe", "base"),
              _folder(models, "ft-crash", "base")]
    config = AuditConfig(
        local=tuple(family), suites=("smoke",), store=tmp_path / "a.db", out=tmp_path / "r",
        backend="crashing", executor="ray",
        overrides=(("base", f"openai:{server.base_url}#refuser"),
                   ("ft-unsafe", f"openai:{server.base_url}#complier"),
                   ("ft-crash", str(tiny_hf_model))),
    )
    result = run_audit(config)
    assert result.exit_code == 3  # decided by ft-unsafe; the dead worker does not end it
    assert [d.id for d in result.report.derivatives] == ["ft-unsafe"]
    reason = {n.id: n.reason for n in result.report.not_audited}["ft-crash"]
    assert "its Ray worker died 2 times" in reason and "worker died" in reason.lower()
    crashed = next(o for o in result.outcomes if o.target.id == "ft-crash")
    assert not crashed.model_key
    from auditor.store import Store

    with Store(tmp_path / "a.db", readonly=True) as store:
        kept = [g for g in store.generations() if "tiny" in g.model or "hf" in g.model]
    # 4 answers per try (CRASH_AFTER=4), at most the batch in flight lost to each crash:
    # more than one try's worth means the retry resumed from the rows the driver had written
    assert 4 < len(kept) <= 8


def test_ray_options_without_ray_or_with_early_stop_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--ray-address needs --executor ray"):
        AuditConfig(root="org/x", ray_address="10.0.0.1:6379").validate()
    with pytest.raises(UsageError, match="--early-stop needs the local executor"):
        AuditConfig(root="org/x", executor="ray", early_stop=True).validate()
    with pytest.raises(UsageError, match="--executor must be one of local, ray"):
        AuditConfig(root="org/x", executor="dask").validate()


def test_without_the_extra_executor_ray_is_one_error_naming_it(tmp_path: Path) -> None:
    family = _scripted_family(tmp_path / "models")[:2]
    hidden = "import sys; sys.modules['ray'] = None; from auditor.cli import main; main()"
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", hidden, "audit", "--local", str(family[0]), "--local",
         str(family[1]), "--store", str(tmp_path / "a.db"), "--out", str(tmp_path / "r"),
         "--executor", "ray"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert "pip install 'supply-chain-auditor[ray]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_toml_keys_set_the_executor_and_a_wrong_one_is_refused(tmp_path: Path) -> None:
    from auditor.audit import load_config_file

    path = tmp_path / "audit.toml"
    path.write_text('[audit]\nroot = "org/x"\nexecutor = "ray"\nray-address = "10.0.0.5:6379"\n',
                    encoding="utf-8")
    config = load_config_file(path)
    assert (config.executor, config.ray_address) == ("ray", "10.0.0.5:6379")
    path.write_text('[audit]\nroot = "org/x"\nexecutor = "dask"\n', encoding="utf-8")
    with pytest.raises(UsageError, match="executor"):
        load_config_file(path)
