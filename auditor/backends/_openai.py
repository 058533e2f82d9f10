"""The ``openai`` backend: any OpenAI-compatible chat endpoint (vLLM, llama.cpp server, TGI,
hosted APIs). Requests run concurrently; 408/429/5xx are retried with backoff.

Credentials: the one a reference carried (``user:password@`` or ``?api_key=``/``token``...,
taken out by :func:`auditor.refs.parse_reference`) goes in the ``Authorization`` header,
Basic or Bearer; without one, ``OPENAI_API_KEY`` is sent as a Bearer token. Neither is ever
in the request URL, a log line or a stored error."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from auditor.actions import SERVER_TOOLS, calls_from_openai, parse_tool_calls, tools_to_openai
from auditor.backends._reasoning import split_reasoning
from auditor.backends._types import (
    BackendOptions,
    GenerationConfig,
    GenerationRequest,
    GenerationResult,
)
from auditor.backoff import RetryPolicy, call_with_backoff
from auditor.errors import UsageError
from auditor.redact import redact
from auditor.refs import ResolvedModel

log = logging.getLogger(__name__)

NO_PREFILL = (
    "the OpenAI-compatible chat API has no portable way to continue an assistant turn, so "
    "an answer prefill cannot be given"
)


class OpenAIBackend:
    """Chat completions against ``BASE_URL/chat/completions``; one request per prompt."""

    name = "openai"

    def __init__(
        self,
        resolved: ResolvedModel,
        options: BackendOptions,
        *,
        policy: RetryPolicy | None = None,
    ) -> None:
        identity = resolved.identity
        if identity.base_url is None or identity.remote_model is None:
            raise UsageError("the openai backend needs a reference openai:BASE_URL#model")
        self._url = _endpoint(identity.base_url)
        self._model = identity.remote_model
        self._policy = policy or RetryPolicy()
        headers = {"Content-Type": "application/json"}
        key = os.environ.get("OPENAI_API_KEY")
        if resolved.credentials is not None:
            headers.update(resolved.credentials.auth_headers())
        elif key:
            headers["Authorization"] = f"Bearer {key}"
        self._client = httpx.Client(headers=headers, timeout=options.request_timeout)
        self.batch_size = max(1, options.batch_size or options.concurrency)
        self._workers = max(1, options.concurrency)
        self.identity = identity.with_runtime(backend=self.name, dtype=None,
                                              chat_template="server")

    def generate(
        self, requests: Sequence[GenerationRequest], config: GenerationConfig
    ) -> list[GenerationResult]:
        if len(requests) == 1:
            return [self._one(requests[0], config)]
        with ThreadPoolExecutor(max_workers=min(self._workers, len(requests))) as pool:
            return list(pool.map(lambda r: self._one(r, config), requests))

    def _body(self, request: GenerationRequest, config: GenerationConfig) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self._model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "max_tokens": config.max_new_tokens,
            "temperature": config.temperature,
            "seed": request.seed,
            "n": 1,
        }
        if not config.greedy:
            body["top_p"] = config.top_p
        if config.enable_thinking:
            body["chat_template_kwargs"] = {"enable_thinking": True}
        if request.tools:
            body["tools"] = tools_to_openai(request.tools)
        return body

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        response = self._client.post(self._url, json=body)
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data

    def _one(self, request: GenerationRequest, config: GenerationConfig) -> GenerationResult:
        body = self._body(request, config)
        prompt_text = json.dumps(body["messages"], ensure_ascii=False)
        if request.prefill:  # never sent without it: that would be the plain condition
            return GenerationResult.unsupported(NO_PREFILL, prompt_text)
        try:
            data = call_with_backoff(lambda: self._post(body), policy=self._policy,
                                     what=f"POST {self._url}")
            choice = data["choices"][0]
            message = choice.get("message") or {}
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            error = redact(f"{type(exc).__name__}: {exc}")
            return GenerationResult("", prompt_text, error=error)
        content = message.get("content") or ""
        server_reasoning = message.get("reasoning_content") or message.get("reasoning") or ""
        inline_reasoning, response = split_reasoning(content)
        reasoning = "\n\n".join(r for r in (server_reasoning.strip(), inline_reasoning) if r)
        usage = data.get("usage") or {}
        return GenerationResult(
            response=response,
            prompt_text=prompt_text,
            reasoning=reasoning,
            finish_reason=str(choice.get("finish_reason") or ""),
            n_prompt_tokens=int(usage.get("prompt_tokens") or 0),
            n_completion_tokens=int(usage.get("completion_tokens") or 0),
            **_tool_fields(request, message, response),
        )

    def close(self) -> None:
        self._client.close()


def _tool_fields(request: GenerationRequest, message: dict[str, Any], response: str
                 ) -> dict[str, Any]:
    """``tool_calls`` and ``tool_prompt`` of a request with tools: the server's structured
    calls, else the calls written in the answer's text (servers without a tool parser)."""
    if not request.tools:
        return {}
    calls = calls_from_openai(message.get("tool_calls")) or parse_tool_calls(response)
    return {"tool_calls": calls, "tool_prompt": SERVER_TOOLS}


def _endpoint(base_url: str) -> str:
    """``BASE_URL/chat/completions``, keeping the base URL's query (e.g. ``api-version``)."""
    parts = urlsplit(base_url)
    path = parts.path.rstrip("/") + "/chat/completions"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))
