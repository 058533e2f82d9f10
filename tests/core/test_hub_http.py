"""The one bound on Hub time: huggingface_hub's client inside and outside ``hub_call``, the
retry caps, and the check on file names a repository lists.

huggingface_hub is called directly here (as refs/, suites/ and lineage/ do), against the
local stand-in and a server that never answers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from huggingface_hub import HfApi

from auditor.backoff import RetryPolicy
from auditor.errors import HubError, HubUnavailableError, SuiteError
from auditor.hub import check_repo_file, hub_call, hub_policy, hub_timeout
from tests.fixtures.hostile import within
from tests.fixtures.silent_server import SilentServer
from tests.lineage.hub_server import HubServer

FAST = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=1.0, jitter=0.0)
BOUND = 60.0


@pytest.fixture
def hub() -> Iterator[HubServer]:
    with HubServer() as server:
        yield server


def test_listing_with_timeout_none_is_bounded() -> None:
    """``list_models`` passes ``timeout=None``: without the clamp this never returns."""
    with SilentServer() as url:
        api = HfApi(endpoint=url)
        started = time.monotonic()
        with pytest.raises(HubUnavailableError) as info:
            within(BOUND, lambda: hub_call(lambda: list(api.list_models(filter="x")),
                                           what="listing", policy=FAST, timeout=1))
    assert time.monotonic() - started < BOUND
    message = str(info.value)
    assert message.startswith("listing failed after 3 attempts in ")
    assert "no answer from 127.0.0.1" in message and "within 1 s (read timeout)" in message


def test_huggingface_hub_does_not_retry_inside_a_scope(hub: HubServer) -> None:
    """Its own loop would sleep Retry-After + 1 s and try six times; ours decides."""
    hub.add_model("org/base")
    hub.fail("filter=", 429, times=100, headers={"Retry-After": "100000"})
    api = HfApi(endpoint=hub.url)
    started = time.monotonic()
    with pytest.raises(HubUnavailableError, match=r"asks to wait 100000 s \(27\.8 h\)"):
        within(BOUND, lambda: hub_call(lambda: list(api.list_models(filter="base_model:x")),
                                       what="listing", policy=FAST))
    assert time.monotonic() - started < BOUND
    assert hub.count("filter=") == 1


def test_waits_within_the_cap_are_honoured(hub: HubServer) -> None:
    hub.add_model("org/base")
    hub.fail("/api/models/org/base", 429, times=1, headers={"Retry-After": "1"})
    api = HfApi(endpoint=hub.url)
    started = time.monotonic()
    info = hub_call(lambda: api.model_info("org/base"), what="info", policy=FAST)
    assert info.id == "org/base" and time.monotonic() - started >= 0.9


def test_5xx_storm_ends_after_the_policys_attempts(hub: HubServer) -> None:
    hub.add_model("org/base")
    hub.fail("/api/models/org/base", 503, times=100_000)
    api = HfApi(endpoint=hub.url)
    with pytest.raises(HubUnavailableError, match=r"info failed after 3 attempts .*HTTP 503"):
        hub_call(lambda: api.model_info("org/base"), what="info", policy=FAST)
    assert hub.count("/api/models/org/base") == 3


def test_outside_a_scope_the_client_is_huggingface_hubs_own(hub: HubServer) -> None:
    from huggingface_hub.errors import HfHubHTTPError

    hub.add_model("org/base")
    hub.fail("/api/models/org/base", 503, times=1)
    with pytest.raises(HfHubHTTPError):  # model_info does not retry, and is not ours
        HfApi(endpoint=hub.url).model_info("org/base")


def test_a_deadline_bounds_the_whole_call(hub: HubServer) -> None:
    hub.add_model("org/base")
    hub.fail("/api/models/org/base", 503, times=100_000, headers={"Retry-After": "2"})
    api = HfApi(endpoint=hub.url)
    policy = RetryPolicy(max_attempts=50, base_delay=0.01, max_delay=5.0, deadline=3.0)
    started = time.monotonic()
    with pytest.raises(HubUnavailableError, match="would pass the 3 s deadline"):
        hub_call(lambda: api.model_info("org/base"), what="info", policy=policy)
    assert time.monotonic() - started < 10


def test_policy_and_timeout_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUDITOR_MAX_RETRY_WAIT", raising=False)
    monkeypatch.delenv("AUDITOR_HUB_TIMEOUT", raising=False)
    assert hub_policy().max_wait == 60 and hub_policy().deadline == 120
    assert hub_policy(RetryPolicy(max_wait=5)).max_wait == 5
    assert hub_timeout() == 30 and hub_timeout(2) == 2
    monkeypatch.setenv("AUDITOR_MAX_RETRY_WAIT", "7")
    monkeypatch.setenv("AUDITOR_HUB_TIMEOUT", "nonsense")
    assert hub_policy().max_wait == 7 and hub_timeout() == 30


@pytest.mark.parametrize("name", ["config.json", "sub/dir/model-00001-of-00002.safetensors",
                                  "caf\u00e9.gguf", "a" * 255])
def test_safe_repo_file_names(name: str) -> None:
    assert check_repo_file(name, "org/x") == name


@pytest.mark.parametrize(("name", "why"), [
    ("../../etc/passwd", "could leave the download folder"),
    ("a/./b", "path component"),
    ("a//b", "path component"),
    ("/etc/passwd", "absolute"),
    ("..\\evil", "backslash"),
    ("a\x00b", "control"),
    ("a\x1b[2J", "control"),
    ("a\u202eexe.txt", "format characters"),
    ("a" * 2000, "2000 characters long"),
    ("d/" + "b" * 300, "over 255 bytes"),
    ("", "no usable name"),
    (5, "no usable name"),
])
def test_unsafe_repo_file_names(name: object, why: str) -> None:
    with pytest.raises(HubError, match=why) as info:
        check_repo_file(name, "org/x")
    assert "\x1b" not in str(info.value) and "\x00" not in str(info.value)
    with pytest.raises(SuiteError):
        check_repo_file(name, "dataset org/x", error=SuiteError)
