"""One cache root (``AUDITOR_CACHE``), one folder per use; the old variables still work, warned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.cache import cache_dir, cache_root, cache_variable
from auditor.demo import default_cache_dir as demo_cache
from auditor.errors import InputError
from auditor.refs import file_sha256
from lineage import default_cache_dir as lineage_cache

OLD = ("AUDITOR_CACHE", "AUDITOR_CACHE_DIR", "AUDITOR_DEMO_CACHE", "XDG_CACHE_HOME")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in OLD:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return monkeypatch


def test_root_defaults_to_xdg_then_home(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert cache_root() == tmp_path / "home" / ".cache" / "auditor"
    clean_env.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "auditor"
    clean_env.setenv("AUDITOR_CACHE", str(tmp_path / "root"))
    assert cache_root() == tmp_path / "root"
    assert cache_variable("lineage") == "AUDITOR_CACHE"


def test_cache_dir_is_a_subfolder_created_on_demand(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("AUDITOR_CACHE", str(tmp_path / "root"))
    assert cache_dir("suites", create=False) == tmp_path / "root" / "suites"
    assert not (tmp_path / "root").exists()
    assert cache_dir("fingerprints").is_dir()
    assert lineage_cache() == tmp_path / "root" / "lineage"
    assert demo_cache() == tmp_path / "root" / "demo"
    with pytest.raises(ValueError):
        cache_dir("../escape")


def test_unwritable_root_is_a_clear_error(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    clean_env.setenv("AUDITOR_CACHE", str(blocker))
    with pytest.raises(InputError, match="AUDITOR_CACHE"):
        cache_dir("hashes")


def test_old_cache_dir_variable_is_the_root_with_a_warning(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("AUDITOR_CACHE_DIR", str(tmp_path / "old"))
    with pytest.warns(DeprecationWarning, match="AUDITOR_CACHE_DIR.*AUDITOR_CACHE"):
        assert lineage_cache() == tmp_path / "old" / "lineage"  # where it was before
    assert cache_variable("lineage") == "AUDITOR_CACHE_DIR"
    clean_env.setenv("AUDITOR_CACHE", str(tmp_path / "new"))  # the new one wins, silently
    assert lineage_cache() == tmp_path / "new" / "lineage"


def test_old_demo_variable_is_the_demo_folder_itself_with_a_warning(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("AUDITOR_CACHE", str(tmp_path / "root"))
    clean_env.setenv("AUDITOR_DEMO_CACHE", str(tmp_path / "demo-here"))
    with pytest.warns(DeprecationWarning, match="AUDITOR_DEMO_CACHE.*AUDITOR_CACHE"):
        assert demo_cache() == tmp_path / "demo-here"
    assert cache_variable("demo") == "AUDITOR_DEMO_CACHE"


def test_hash_cache_moves_to_hashes_and_reads_the_old_file(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    clean_env.setenv("AUDITOR_CACHE", str(root))
    weights = tmp_path / "w.bin"
    weights.write_bytes(b"weights")
    stat = weights.resolve().stat()
    key = f"{weights.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    root.mkdir()
    # an old cache file at the root (where AUDITOR_CACHE held it) is still answered from
    (root / "sha256.json").write_text(json.dumps({key: "f" * 64}))
    assert file_sha256(weights) == "f" * 64
    other = tmp_path / "other.bin"
    other.write_bytes(b"other")
    file_sha256(other)  # the first write goes to hashes/ and carries the old entries over
    new = json.loads((root / "hashes" / "sha256.json").read_text())
    assert new[key] == "f" * 64 and len(new) == 2
