"""A scan whose families go to Ray without naming a cluster starts ONE local cluster for them
all (each family's audit uses the cluster the process is connected to), not one per family."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.audit import AuditConfig
from auditor.audit._scan import FamilyScan, ScanConfig, shares_a_local_ray_cluster
from tests.audit.scripted_server import ScriptedServer
from tests.audit.test_scan import _config
from tests.cli._run import auditor


def _scan(*configs: AuditConfig) -> ScanConfig:
    return ScanConfig(Path("out"), tuple(FamilyScan(f"f{i}", c) for i, c in enumerate(configs)))


def test_only_ray_families_without_an_address_share_a_local_cluster() -> None:
    local, ray = AuditConfig(root="o/a"), AuditConfig(root="o/b", executor="ray")
    assert shares_a_local_ray_cluster(_scan(local, ray, ray))
    assert not shares_a_local_ray_cluster(_scan(local, local))
    named = AuditConfig(root="o/c", executor="ray", ray_address="10.0.0.5:6379")
    assert not shares_a_local_ray_cluster(_scan(ray, named))  # each keeps its own cluster


@pytest.fixture
def ray_tmp() -> Iterator[Path]:
    """Ray's session folders, in a short path (its sockets must fit in 107 characters)."""
    folder = Path(tempfile.mkdtemp(prefix="ray", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_ray_scan_starts_one_cluster_for_every_family(tmp_path: Path, server: ScriptedServer,
                                                        ray_tmp: Path) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    path = _config(tmp_path, server)
    path.write_text(path.read_text().replace("[defaults]\n", '[defaults]\nexecutor = "ray"\n'),
                    encoding="utf-8")
    result = auditor("scan", str(path), timeout=900, env={"RAY_TMPDIR": str(ray_tmp)})
    assert result.returncode == 3, result.stderr  # family A degraded, "broken" an error
    sessions = [p for p in (ray_tmp / "ray").glob("session_*") if p.name != "session_latest"]
    assert len(sessions) == 1, sessions
    assert (tmp_path / "out" / "family-A" / "report.html").is_file()
    assert (tmp_path / "out" / "family-B" / "report.html").is_file()
