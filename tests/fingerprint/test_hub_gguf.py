"""GGUF files on the Hub fingerprinted by ranged reads against the local Hub stand-in: the same
verdict as the local file, the header read in growing prefixes, only the sampled blocks after
it, a hostile header refused before it is fetched, and the ``repo@rev:file.gguf`` syntax."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.fingerprint import verify_edge
from auditor.fingerprint._hub import HubFiles
from auditor.fingerprint._hub_gguf import FIRST_READ, parse_hub_gguf_ref, read_gguf_layout
from tests.fingerprint.hub_files import ranged_bytes
from tests.lineage.gguf_files import write_gguf
from tests.lineage.hub_server import HubServer


def test_hub_gguf_edge_matches_the_local_file(hub: HubServer,
                                              fp_family: dict[str, Path]) -> None:
    sha = hub.repos["org/tiny-gguf"].sha
    remote = verify_edge(f"org/tiny-GGUF@{sha}:tiny.Q4_K_M.gguf", "org/tiny")
    local = verify_edge(str(fp_family["Q4_K_M"]), "org/tiny")
    assert (remote.verdict, remote.relation_guess) == ("confirmed", "quantization")
    assert remote.evidence["median_rel_l2"] == local.evidence["median_rel_l2"]
    assert remote.evidence["child"]["ref"] == f"org/tiny-GGUF@{sha}:tiny.Q4_K_M.gguf"
    size = fp_family["Q4_K_M"].stat().st_size
    fetched = ranged_bytes(hub, "org/tiny-GGUF")
    # a tiny model (hidden 256): 32 of 256 rows per matrix and 4 KB merge gaps reach most
    # blocks (measured: 73% of the file, the local read 60%); the count shows the file was
    # never read whole, and that the remote read costs the local one plus a header
    assert 0 < fetched < 0.8 * size
    assert fetched <= local.evidence["child"]["bytes_read"] + 256 * 1024
    assert remote.evidence["child"]["bytes_read"] == fetched


def test_one_gguf_needs_no_file_name_several_do(hub: HubServer) -> None:
    result = verify_edge("org/tiny-one-GGUF", "org/tiny")
    assert (result.verdict, result.relation_guess) == ("confirmed", "quantization")
    with pytest.raises(InputError, match=r"holds 2 GGUF files .*name one as "
                                         r"org/tiny-GGUF@main:FILE\.gguf"):
        verify_edge("org/tiny-GGUF", "org/tiny")
    with pytest.raises(InputError, match="must be a .gguf file"):
        verify_edge("org/tiny-GGUF:README.md", "org/tiny")


def test_header_is_read_in_growing_prefixes(hub: HubServer, tmp_path: Path) -> None:
    big = write_gguf(tmp_path / "big.gguf", vocab=60_000)  # a ~1.3 MB header
    data = big.read_bytes()
    hub.add_model("org/big-GGUF", contents={"big.gguf": data})
    files = HubFiles("org/big-GGUF", "main", None)
    layout, prefix = read_gguf_layout(files, "big.gguf", len(data))
    assert [t.name for t in layout.tensors] == ["w"]
    reads = [r for r in hub.requests if r.path.endswith("/big.gguf")]
    assert len(reads) >= 2 and reads[0].headers["Range"] == f"bytes=0-{FIRST_READ - 1}"
    assert layout.data_offset <= files.bytes_read == len(prefix) <= len(data)


def test_header_over_the_limit_is_refused_unfetched(hub: HubServer) -> None:
    key = b"k"
    hostile = (b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1 << 40) + key
               + bytes(2 * FIRST_READ))  # a key "1 TB long", then padding
    hub.add_model("org/hostile-GGUF", contents={"x.gguf": hostile})
    with pytest.raises(InputError, match="refusing to read it"):
        verify_edge("org/hostile-GGUF:x.gguf", "org/tiny")
    assert ranged_bytes(hub, "org/hostile-GGUF") == FIRST_READ


def test_ref_syntax() -> None:
    assert parse_hub_gguf_ref("org/x-GGUF@abc:sub/x.Q8_0.gguf") == (
        "org/x-GGUF", "abc", "sub/x.Q8_0.gguf")
    assert parse_hub_gguf_ref("org/x") == ("org/x", None, None)
    assert parse_hub_gguf_ref("./x.gguf") is None
    assert parse_hub_gguf_ref("x.gguf") is None
