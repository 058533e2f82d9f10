#!/usr/bin/env bash
# Install llama-cpp-python at the version and sdist hash pinned in the lock, compiled with
# LLAMA_CMAKE_ARGS (the Makefile's default is a portable x86-64 build: see README,
# "Troubleshooting"). Usage: scripts/install-llama-cpp.sh PYTHON [LOCK]
#
# Built wheels are cached per (version, hash, build options, compiler, Python) under
# ${AUDITOR_BUILD_CACHE:-~/.cache/supply-chain-auditor/llama-cpp-wheels}: pip's own wheel cache
# is keyed by the sdist alone, so it would hand back a wheel built with other CMAKE_ARGS (for
# example a -march=native build that crashes on another CPU).
set -euo pipefail
PY=${1:?usage: install-llama-cpp.sh PYTHON [LOCK]}
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
