"""Fingerprints of GGUF files on the Hub, by ranged reads only.

A reference picks the file after a colon: ``org/model-GGUF@rev:model.Q4_K_M.gguf`` (the
revision optional; a repo holding exactly one ``.gguf`` may leave the file out, one holding
several must name it). The file's size comes from one ``HEAD`` request; its header is read in
growing prefixes (:data:`FIRST_READ`, then at least double, or as far as the bounded reader
says it needs) and validated by the same checks as a local file (``validate_gguf_prefix``),
up to :data:`MAX_HEADER_BYTES`: a header that claims more is refused, never fetched. Then only
the quantization blocks holding the sampled positions are read (``_gguf.sample_gguf``). A
fingerprint pinned to a commit sha is cached per file.
"""

from __future__ import annotations

from auditor.errors import InputError
from auditor.fingerprint._gguf import sample_gguf
from auditor.fingerprint._hub import HubFiles, cache_path, cached_fingerprint
from auditor.fingerprint._local import MissingWeightsError
from auditor.fingerprint._record import Fingerprint
from auditor.gguf import GgufLayout, GgufTruncatedError, validate_gguf_prefix

#: The first ranged read of a header (Gemma 3 270M's header, 262k tokens, is ~4 MB: five
#: reads; a model without a vocabulary in its header, one).
FIRST_READ = 256 << 10
#: The largest header read: a GGUF whose header runs past this is refused.
MAX_HEADER_BYTES = 64 << 20


def parse_hub_gguf_ref(ref: str) -> tuple[str, str | None, str | None] | None:
    """``(repo, revision, file)`` of ``org/name[@rev][:file.gguf]``; None when ``ref`` is no
    such reference (a ``file`` that does not end in ``.gguf`` is an InputError)."""
    head, colon, filename = ref.partition(":")
    repo, _, revision = head.partition("@")
    if repo.count("/") != 1 or repo.startswith((".", "/", "~")) or not all(repo.split("/")):
        return None
    if colon and not filename.lower().endswith(".gguf"):
        raise InputError(f"{ref}: the file after ':' must be a .gguf file in the repo")
    return repo, revision or None, filename or None


def _gguf_files(repo: str, revision: str, token: str | None) -> list[str]:
    from auditor.hub import hub_api, hub_request

    info = hub_request(lambda: hub_api(token=token).model_info(repo, revision=revision),
                       what=f"{repo}@{revision[:12]}")
    return sorted(s.rfilename for s in info.siblings or [] if s.rfilename.endswith(".gguf"))


def pick_gguf(repo: str, revision: str, token: str | None) -> str:
    """The repo's only GGUF file (MissingWeightsError when none; InputError when several)."""
    names = _gguf_files(repo, revision, token)
    if not names:
        raise MissingWeightsError(f"{repo}@{revision} has neither safetensors weights nor a "
                                  "GGUF file to fingerprint")
    if len(names) > 1:
        shown = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
        raise InputError(f"{repo} holds {len(names)} GGUF files ({shown}): name one as "
                         f"{repo}@{revision}:FILE.gguf")
    return names[0]


def _file_size(repo: str, filename: str, revision: str, token: str | None) -> int:
    from huggingface_hub import get_hf_file_metadata, hf_hub_url

    from auditor.hub import hub_request, resolve_endpoint

    url = hf_hub_url(repo, filename, revision=revision, endpoint=resolve_endpoint())
    meta = hub_request(lambda: get_hf_file_metadata(url, token=token),
                       what=f"{repo}/{filename}@{revision[:12]}")
    if meta.size is None or meta.size < 1:
        raise InputError(f"{repo}/{filename}@{revision[:12]}: the Hub gave no file size")
    return int(meta.size)


class _PrefixFirst:
    """A range reader that answers from the header bytes already fetched where it can."""

    def __init__(self, files: HubFiles, filename: str, prefix: bytes) -> None:
        self.files, self.filename, self.prefix = files, filename, prefix

    @property
    def bytes_read(self) -> int:
        return self.files.bytes_read

    def __call__(self, filename: str, start: int, length: int) -> bytes:
        if filename == self.filename and start + length <= len(self.prefix):
            return self.prefix[start:start + length]
        return self.files(filename, start, length)


def read_gguf_layout(files: HubFiles, filename: str, size: int) -> tuple[GgufLayout, bytes]:
    """The validated header of ``filename`` (``size`` bytes), read in growing prefixes, and
    the bytes read."""
    name = f"{files.repo}/{filename}@{files.revision[:12]}"
    prefix = files(filename, 0, min(FIRST_READ, size))
    while True:
        try:
            return validate_gguf_prefix(prefix, name, size), prefix
        except GgufTruncatedError as exc:
            if len(prefix) >= size:
                raise  # the file itself ends inside its header
            if exc.needed > MAX_HEADER_BYTES:
                raise InputError(f"{name}: the GGUF header needs more than {MAX_HEADER_BYTES} "
                                 "bytes; refusing to read it") from None
            want = min(max(exc.needed, 2 * len(prefix)), size, MAX_HEADER_BYTES)
            if want <= len(prefix):
                raise InputError(f"{name}: the GGUF header is over {MAX_HEADER_BYTES} bytes; "
                                 "refusing to read it") from None
            prefix += files(filename, len(prefix), want - len(prefix))


def fingerprint_hub_gguf(repo: str, revision: str | None, filename: str | None, *,
                         token: str | None = None, use_cache: bool = True) -> Fingerprint:
    """The fingerprint of a GGUF file in ``repo`` at ``revision`` (default ``main``);
    ``filename`` None: the repo's only GGUF file."""
    rev = revision or "main"
    name = filename or pick_gguf(repo, rev, token)

    def compute() -> Fingerprint:
        files = HubFiles(repo, rev, token)
        layout, prefix = read_gguf_layout(files, name, _file_size(repo, name, rev, token))
        reader = _PrefixFirst(files, name, prefix)
        return sample_gguf(layout, reader, name, f"{repo}@{rev}:{name}", rev)

    return cached_fingerprint(cache_path(repo, rev, name, use_cache=use_cache), compute)
