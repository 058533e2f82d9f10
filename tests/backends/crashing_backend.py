"""A backend for crash-containment tests: refuses politely, then dies like a native crash.

It answers ``CRASH_AFTER`` requests (an environment variable, read in the worker process),
then kills its own process with ``CRASH_SIGNAL`` (default SIGSEGV), as llama.cpp does on a
hostile file; ``CRASH_SIGNAL=hang`` hangs instead of dying. ``CRASH_ON_LOAD=1`` dies while
loading instead; ``CRASH_ON_LOAD=raise`` raises a :class:`BackendError` while loading. Module
level, so a worker process can import it by reference.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Sequence

from auditor.backends import BackendOptions, GenerationConfig, GenerationRequest, GenerationResult
from auditor.errors import BackendError
from auditor.refs import ResolvedModel


class CrashingBackend:
    name = "crashing"
    batch_size = 1

    def __init__(self, resolved: ResolvedModel, options: BackendOptions) -> None:
        del options
        if os.environ.get("CRASH_ON_LOAD") == "1":
            self._die()
        if os.environ.get("CRASH_ON_LOAD") == "raise":
            raise BackendError("cannot load this file")
        self.identity = resolved.identity.with_runtime(backend=self.name, dtype=None,
                                                       chat_template="none")
        self.left = int(os.environ.get("CRASH_AFTER", "3"))

    def generate(self, requests: Sequence[GenerationRequest], config: GenerationConfig
                 ) -> list[GenerationResult]:
        del config
        results = []
        for request in requests:
            if self.left <= 0:
                if os.environ.get("CRASH_SIGNAL") == "hang":
                    time.sleep(3600)
                self._die()
            self.left -= 1
            results.append(GenerationResult(response="I can't help with that.",
                                            prompt_text=request.messages[-1].content,
                                            finish_reason="stop", n_completion_tokens=6))
        return results

    @staticmethod
    def _die() -> None:
        os.kill(os.getpid(), getattr(signal, os.environ.get("CRASH_SIGNAL", "SIGSEGV")))

    def close(self) -> None:
        pass
