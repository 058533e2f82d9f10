"""The report in a real browser (headless Chromium): no console errors, no injected script ran.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them) and selenium
(the ``[dev]`` extra); skipped with the reason when any is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reports import write_report
from tests.reports._payloads import ALL, PAYLOADS
from tests.reports._sample import sample_report

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    if not CHROMIUM or not CHROMEDRIVER:
        pytest.skip("headless Chromium is not installed (apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-sync",
        "--disable-component-update",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1300,1000",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    try:
        yield drv
    finally:
        drv.quit()


def _load(driver, report_dir: Path):  # type: ignore[no-untyped-def]
    driver.get((report_dir / "report.html").as_uri())
    return driver.get_log("browser")


def test_clean_report_has_no_console_errors(driver, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_report(sample_report(), tmp_path)
    logs = _load(driver, tmp_path)
    assert logs == [], logs
    assert driver.title.startswith("Safety regression audit")
    # the page really drew: every lineage node, one forest row per derivative
    assert len(driver.find_elements("css selector", "svg.lineage g.node")) == 8
    forest = driver.find_elements("css selector", "#unsafe table.forest")
    assert len(forest) == 2  # against the parent, and against the root for the grandchild
    assert len(forest[0].find_elements("css selector", "tbody tr")) == 5
    # examples stay behind the content notice until the reader opens them
    notices = driver.find_elements("css selector", "details.notice")
    assert notices and not any(n.get_attribute("open") for n in notices)
    assert not notices[0].find_element("css selector", "pre").is_displayed()


def test_injected_payloads_do_not_run(driver, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_report(sample_report(payload=ALL), tmp_path)
    logs = _load(driver, tmp_path)
    # an escaped payload requests nothing, so the CSP never has to block anything
    assert logs == [], logs
    state = driver.execute_script(
        "return {xss: window.__xss === undefined ? null : window.__xss,"
        " scripts: document.scripts.length,"
        " handlers: [...document.querySelectorAll('*')].filter(e =>"
        "   [...e.attributes].some(a => a.name.startsWith('on'))).length,"
        " iframes: document.querySelectorAll('iframe, img, textarea, object, embed').length,"
        " body: getComputedStyle(document.body).display}"
    )
    assert state == {"xss": None, "scripts": 0, "handlers": 0, "iframes": 0, "body": "block"}
    driver.find_element("css selector", "details.notice summary").click()
    shown = driver.find_element("css selector", "details.notice pre").text
    assert PAYLOADS[0] in shown  # the reader sees the hostile text as text
    assert driver.execute_script("return window.__xss === undefined")
