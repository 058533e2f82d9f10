#!/usr/bin/env bash
# Install llama-cpp-python at the version and sdist hash pinned in the lock, compiled with
# LLAMA_CMAKE_ARGS (the Makefile's default is a portable x86-64 build: see README,
# "Troubleshooting"). Usage: scripts/install-llama-cpp.sh PYTHON [LOCK]
#
# Built wheels are cached per (version, hash, build options, compiler, Python) under
# ${AUDITOR_BUILD_CACHE:-~/.cache/supply-chain-auditor/llama-cpp-wheels}: pip's own wheel cache
# is keyed by the sdist alone, so it would hand back a wheel built with other CMAKE_ARGS (for
# example a -march=native build that crashes on another CPU).
#
# The converter (convert_hf_to_gguf.py, its conversion/ package, the vendored gguf-py and the
# chat templates it reads) is extracted from the same hash-checked sdist into
# <cache>/llama-cpp-convert/<version>-<key> and copied into the venv at
# <venv>/share/auditor/llama.cpp-convert/<version>/, where `auditor --quantize` finds it
# (AUDITOR_LLAMA_CONVERT overrides). LLAMA_SDIST=path/to/llama_cpp_python-<version>.tar.gz
# uses a local sdist (its sha256 must be one the lock pins) instead of downloading it;
# --convert-only runs this step alone.
set -euo pipefail
convert_only=0
if [[ ${1:-} == --convert-only ]]; then convert_only=1; shift; fi
PY=${1:?usage: install-llama-cpp.sh [--convert-only] PYTHON [LOCK]}
LOCK=${2:-requirements.lock}
: "${LLAMA_CMAKE_ARGS:=-DGGML_NATIVE=OFF}"

block=$(awk '/^llama-cpp-python==/{on=1} on{print} on&&!/\\$/{exit}' "$LOCK")
version=$(sed -n 's/^llama-cpp-python==\([^ ]*\).*/\1/p' <<<"$block")
hashes=$(grep -o 'sha256:[0-9a-f]*' <<<"$block" | sed 's/^/--hash=/' | tr '\n' ' ')
if [[ -z "$version" || -z "$hashes" ]]; then
    echo "error: $LOCK pins no llama-cpp-python with a hash: run 'make lock'" >&2
    exit 1
fi
compiler=$( (${CC:-cc} --version 2>/dev/null || true) | head -1)
pyver=$("$PY" -c 'import sys; print(sys.implementation.cache_tag)')
key=$(printf '%s\n' "$version" "$hashes" "$LLAMA_CMAKE_ARGS" "$compiler" "$pyver" \
      | sha256sum | cut -c1-16)
cache=${AUDITOR_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/supply-chain-auditor/llama-cpp-wheels}
dir="$cache/$version-$key"

# llama.cpp's converter, from the sdist the lock pins (see the header).
install_converter() {
    local root key_c store dest sdist work_c
    root=${AUDITOR_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/supply-chain-auditor/llama-cpp-wheels}
    key_c=$(printf '%s\n' "$version" "$hashes" | sha256sum | cut -c1-16)
    store="$(dirname "$root")/llama-cpp-convert/$version-$key_c"
    dest="$("$PY" -c 'import sys; print(sys.prefix)')/share/auditor/llama.cpp-convert/$version"
    if [[ ! -f "$store/VERSION.json" ]]; then
        work_c=$(mktemp -d)
        if [[ -n "${LLAMA_SDIST:-}" ]]; then
            sdist=$LLAMA_SDIST
        else
            echo "llama-cpp-python==$version $hashes" > "$work_c/req.txt"
            "$PY" -m pip download -q --no-deps --no-binary :all: --require-hashes \
                -r "$work_c/req.txt" -d "$work_c/sdist"
            sdist=$(compgen -G "$work_c/sdist/*.tar.gz" | head -1)
        fi
        local digest
        digest=$(sha256sum "$sdist" | cut -d' ' -f1)
        if ! grep -q "sha256:$digest" <<<"$hashes"; then
            echo "error: $sdist (sha256 $digest) is not the llama-cpp-python sdist $LOCK pins" >&2
            rm -rf "$work_c"
            return 1
        fi
        local top="llama_cpp_python-$version/vendor/llama.cpp"
        tar -xzf "$sdist" -C "$work_c" --wildcards "$top/convert_hf_to_gguf.py" \
            "$top/conversion/*" "$top/gguf-py/gguf/*" "$top/gguf-py/LICENSE" \
            "$top/gguf-py/pyproject.toml" "$top/models/templates/*" "$top/LICENSE"
        local gguf_version
        gguf_version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$work_c/$top/gguf-py/pyproject.toml")
        printf '{"llama_cpp_python": "%s", "gguf_py": "%s", "sdist_sha256": "%s"}\n' \
            "$version" "$gguf_version" "$digest" > "$work_c/$top/VERSION.json"
        mkdir -p "$(dirname "$store")"
        rm -rf "$store.partial" && mv "$work_c/$top" "$store.partial" && mv "$store.partial" "$store"
        rm -rf "$work_c"
    fi
    rm -rf "$dest" && mkdir -p "$(dirname "$dest")" && cp -r "$store" "$dest"
    echo "llama.cpp converter $version installed in $dest"
}

if [[ $convert_only == 1 ]]; then
    install_converter
    exit 0
fi

if ! compgen -G "$dir/*.whl" >/dev/null; then
    echo "building llama-cpp-python $version from source (4-9 minutes on 2 cores)"
    echo "  CMAKE_ARGS=$LLAMA_CMAKE_ARGS"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    echo "llama-cpp-python==$version $hashes" > "$work/req.txt"
    CMAKE_ARGS="$LLAMA_CMAKE_ARGS" CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)} \
        "$PY" -m pip wheel -q --no-deps --no-cache-dir --require-hashes \
        --no-binary llama-cpp-python -r "$work/req.txt" -w "$work/wheel"
    mkdir -p "$cache"
    rm -rf "$dir.partial" && mv "$work/wheel" "$dir.partial" && mv "$dir.partial" "$dir"
    printf '%s\n' "$LLAMA_CMAKE_ARGS" > "$dir/CMAKE_ARGS"
fi
"$PY" -m pip install -q --no-deps --force-reinstall "$dir"/*.whl
echo "llama-cpp-python $version installed from $dir"
install_converter
