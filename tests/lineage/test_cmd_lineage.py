"""`auditor lineage` end to end, in subprocesses like a user runs it (HF_ENDPOINT honoured)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from lineage import load_graph
from tests.lineage.families import gemma_family
from tests.lineage.gguf_files import write_gguf


def run(args: list[str], env_extra: dict[str, str] | None = None, cwd: Path | None = None
        ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", **(env_extra or {})}
    code = "import sys; from auditor.cli import main; sys.argv[0] = 'auditor'; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def test_hub_crawl_writes_json_and_prints_tree(hub, tmp_path: Path) -> None:
    gemma_family(hub)
    out = tmp_path / "family.json"
    env = {"HF_ENDPOINT": hub.url, "AUDITOR_CACHE": str(tmp_path / "c")}
    proc = run(["lineage", "google/gemma-3-270m-it", "--depth", "2", "--out", str(out)], env)
    assert proc.returncode == 0, proc.stderr
    assert "google/gemma-3-270m-it" in proc.stdout and "quantized" in proc.stdout
    assert "wrote JSON lineage" in proc.stderr
    graph = load_graph(out)
    assert graph.options["endpoint"] == hub.url and len(graph.nodes) == 8
    assert (tmp_path / "c" / "lineage" / "hub-cache.sqlite").exists()
    hub.reset_counts()
    again = run(["lineage", "google/gemma-3-270m-it", "--depth", "2", "--format", "json"], env)
    assert json.loads(again.stdout)["root"] == "google/gemma-3-270m-it"
    assert hub.count() == 0  # answered from the cache
    run(["lineage", "google/gemma-3-270m-it", "--refresh", "--format", "json"], env)
    assert hub.count() > 0


def test_flags_reach_the_crawl(hub, tmp_path: Path) -> None:
    gemma_family(hub)
    env = {"HF_ENDPOINT": hub.url}
    args = ["lineage", "google/gemma-3-270m-it", "--format", "json", "--cache-dir",
            str(tmp_path / "cache"), "--no-ancestors", "--depth", "1", "--max-nodes", "50",
            "--relation", "quantized", "--relation", "adapter", "--min-downloads", "20"]
    proc = run(args, env)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {n["id"] for n in data["nodes"]} == {
        "google/gemma-3-270m-it", "unsloth/gemma-3-270m-it-GGUF", "bob/gemma-lora"}
    assert data["options"]["relations"] == ["adapter", "quantized"]
    assert (tmp_path / "cache" / "hub-cache.sqlite").exists()


def test_graphml_and_mermaid_outputs(hub, tmp_path: Path) -> None:
    gemma_family(hub)
    env = {"HF_ENDPOINT": hub.url, "AUDITOR_CACHE": str(tmp_path / "c")}
    out = tmp_path / "f.graphml"
    assert run(["lineage", "google/gemma-3-270m-it", "--format", "graphml", "--out", str(out)],
               env).returncode == 0
    assert out.read_text().startswith("<?xml")
    proc = run(["lineage", "google/gemma-3-270m-it", "--format", "mermaid"], env)
    assert proc.stdout.startswith("flowchart TD")


def test_errors_exit_2_with_a_message(hub, tmp_path: Path) -> None:
    env = {"HF_ENDPOINT": hub.url, "AUDITOR_CACHE": str(tmp_path / "c")}
    missing = run(["lineage", "nobody/nothing"], env)
    assert missing.returncode == 2 and "not found" in missing.stderr
    assert "Traceback" not in missing.stderr
    bad = run(["lineage", "org/x", "--format", "png"], env)
    assert bad.returncode == 2 and "--format" in bad.stderr
    bad_rel = run(["lineage", "org/x", "--relation", "clone"], env)
    assert bad_rel.returncode == 2 and "unknown relation" in bad_rel.stderr
    none = run(["lineage"], env)
    assert none.returncode == 2


def test_local_folders(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    (base / "model.safetensors").write_bytes(b"\0")
    quant = tmp_path / "quant"
    quant.mkdir()
    (quant / "README.md").write_text("---\nbase_model: ../base\n---\n")
    write_gguf(quant / "q.Q4_K_M.gguf")
    out = tmp_path / "local.json"
    proc = run(["lineage", "--local", str(base), str(quant), "--out", str(out)])
    assert proc.returncode == 0, proc.stderr
    assert "quantized quant" in proc.stdout
    graph = load_graph(out)
    assert graph.source == "local" and graph.root == "base"
    assert graph.node("quant").path == str(quant.resolve())
    named = run(["lineage", "quant", "--local", str(base), "--local", str(quant),
                 "--format", "json"])
    assert json.loads(named.stdout)["root"] == "quant"


def test_help_does_not_import_torch_or_transformers() -> None:
    code = (
        "import sys; sys.argv = ['auditor', 'lineage', '--help']\n"
        "from auditor.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'transformers', 'llama_cpp') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert "--max-nodes" in proc.stdout and "--local" in proc.stdout
    assert "HEAVY []" in proc.stdout


def test_token_never_printed_even_with_debug_logging(hub, tmp_path: Path) -> None:
    gemma_family(hub)
    secret = "hf_CLIsecretTOKEN0987654321zyxw"
    out = tmp_path / "f.json"
    env = {"HF_ENDPOINT": hub.url, "HF_TOKEN": secret, "AUDITOR_CACHE": str(tmp_path / "c")}
    proc = run(["-vv", "lineage", "google/gemma-3-270m-it", "--out", str(out)], env)
    assert proc.returncode == 0, proc.stderr
    assert "HTTP Request" in proc.stderr  # debug logging was on
    assert secret not in proc.stdout + proc.stderr
    assert secret not in out.read_text()
    for f in (tmp_path / "c").rglob("*"):
        if f.is_file():
            assert secret.encode() not in f.read_bytes()
    assert any(r.headers.get("authorization") == f"Bearer {secret}" for r in hub.requests)
