"""The report in a real browser (headless Chromium): no console errors, no injected script ran,
no table cell or verdict badge clipped at a desktop or a narrow width.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them) and selenium
(the ``[dev]`` extra); skipped with the reason when any is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.store import Store
from lineage import load_graph
from reports import write_report
from tests.reports._payloads import ALL, PAYLOADS
from tests.reports._sample import sample_report
from tests.reports._store import (
    add_model,
    identity,
    lineage_dict,
    report_from_store,
    write_lineage,
)

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


# Every cell and badge must be fully visible: not cut by its own box (overflow hidden with
# scrollWidth > clientWidth), nor lying past the visible box of any ancestor that clips or
# scrolls (a .tablewrap, the page), nor a badge sticking out of its cell.
CLIPPED_CELLS_JS = """
const found = [];
const right = c => c === document.documentElement
  ? window.innerWidth
  : c.getBoundingClientRect().left + c.clientLeft + c.clientWidth;
for (const el of document.querySelectorAll('td, th, .badge')) {
  if (!el.getClientRects().length) continue;  // not rendered (closed details, print only)
  const box = el.getBoundingClientRect(), style = getComputedStyle(el);
  const name = `#${(el.closest('section') || {}).id} ${el.tagName} "${el.textContent.trim()
    .slice(0, 40)}"`;
  if (style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1)
    found.push(`${name}: overflows its own box`);
  for (let a = el.parentElement; a; a = a.parentElement) {
    if (a !== document.documentElement && getComputedStyle(a).overflowX === 'visible') continue;
    const past = box.right - right(a);
    if (past > 0.5) {
      found.push(`${name}: ${Math.round(past)} px past ${a.className || a.tagName}`);
      break;
    }
  }
  const cell = el.classList.contains('badge') ? el.closest('td, th') : null;
  if (cell) {
    const c = cell.getBoundingClientRect();
    if (box.right > c.right + 0.5 || box.left < c.left - 0.5) found.push(`${name}: past its cell`);
  }
}
return found;
"""

LONG_ROOT = "organisation-with-a-rather-long-name/base-model-7b-instruct"
LONG_CHILDREN = {  # id suffix: (harmful items answered, benign items refused)
    "-uncensored-abliterated-v2": (lambda i: i % 25 == 0 or i % 4 == 1, lambda i: i < 30),
    "-Q4_K_M-GGUF": (lambda i: i % 25 == 0, lambda i: i < 6),
    "-slightly-different-finetune": (lambda i: i % 25 == 0 or i % 20 == 3, lambda i: i < 9),
}
LONG_GRANDCHILD = LONG_ROOT + "-uncensored-abliterated-v2-Q8_0-GGUF"


@pytest.fixture(scope="module")
def long_labels_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A family whose tables show every verdict, the longest labels included, through the real
    store -> compare_family -> build_report -> write_report pipeline ("No meaningful rise",
    "Not degraded")."""
    tmp = tmp_path_factory.mktemp("long-labels")
    kids = {LONG_ROOT + suffix: rates for suffix, rates in LONG_CHILDREN.items()}
    edges = [(LONG_ROOT, kid, "finetune") for kid in kids]
    edges.append((LONG_ROOT + "-uncensored-abliterated-v2", LONG_GRANDCHILD, "quantized"))
    with Store(tmp / "audit.db") as store:
        add_model(store, identity(LONG_ROOT), unsafe=lambda i: i % 25 == 0)
        for kid, (unsafe, over_refuse) in kids.items():
            add_model(
                store,
                identity(kid),
                unsafe=unsafe,
                over_refuse=over_refuse,
                traces=lambda i: (i % 2 == 0, True),
            )
        first, (unsafe, over_refuse) = next(iter(kids.items()))
        add_model(
            store,
            identity(LONG_GRANDCHILD, file="model.Q8_0.gguf", fmt="gguf"),
            unsafe=unsafe,
            over_refuse=over_refuse,
        )
        graph = load_graph(write_lineage(tmp / "lineage.json", lineage_dict(edges, LONG_ROOT)))
        report = report_from_store(store, graph, margin=0.1, alpha=0.05)
    write_report(report, tmp / "report")
    return tmp / "report"


@pytest.mark.parametrize("width", [1280, 800])
def test_no_table_cell_or_badge_is_clipped(driver, long_labels_report: Path, width: int) -> None:  # type: ignore[no-untyped-def]
    try:
        driver.set_window_size(width, 1000)  # headless: no frame, the page gets all of it
        assert _load(driver, long_labels_report) == []
        assert driver.execute_script("return window.innerWidth") == width
        badges = driver.execute_script(
            "return [...document.querySelectorAll('section[id] .badge')].map("
            " b => b.closest('section').id + ': ' + b.textContent)"
        )
        for shown in (  # the longest labels really are in the tables checked below
            "summary: Not degraded",
            "unsafe: Not degraded",
            "unsafe: Degraded",
            "over-refusal: No meaningful rise",
            "over-refusal: Refuses more",
            "over-refusal: Inconclusive",
        ):
            assert shown in badges, (shown, badges)
        assert driver.find_elements("css selector", "#reasoning table tbody tr")
        assert len(driver.find_elements("css selector", "#unsafe table.forest")) == 2
        clipped = driver.execute_script(CLIPPED_CELLS_JS)
        assert clipped == [], "\n".join(clipped)
    finally:
        driver.set_window_size(1300, 1000)


@pytest.fixture(scope="module")
def action_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report with the action-layer section (issue 15): a refusing root and a derivative
    that warns and calls the harmful tool, through the scripted tool-calling server."""
    from auditor.compare import compare_family
    from reports import build_report
    from tests.reports.test_action_layer import agentic_store

    tmp = tmp_path_factory.mktemp("actions")
    refuser, _ = agentic_store(tmp / "a.db")
    with Store(tmp / "a.db") as store:
        report = build_report(compare_family(store, root=refuser))
    write_report(report, tmp / "report")
    return tmp / "report"


AGENTIC_CATEGORIES = {"phishing", "shell", "payments", "doxxing", "harassment", "robot_arm",
                      "vehicle", "drone"}


@pytest.mark.parametrize("width", [1280, 800])
def test_the_action_layer_section_is_not_clipped(driver, action_report: Path, width: int) -> None:  # type: ignore[no-untyped-def]
    try:
        driver.set_window_size(width, 1000)
        assert _load(driver, action_report) == []
        assert driver.find_elements("css selector", "#action-layer table tbody tr")
        driver.execute_script("document.querySelectorAll('#action-layer details')"
                              ".forEach(d => d.open = true)")
        # the by-category heatmap gains the 8 agentic categories (it was cut at 800 px)
        heads = driver.execute_script("return [...document.querySelectorAll("
                                      "'#categories th.cat')].map(t => t.title)")
        assert set(heads) >= AGENTIC_CATEGORIES, heads
        clipped = driver.execute_script(CLIPPED_CELLS_JS)
        assert [c for c in clipped if c.startswith(("#action-layer", "#categories"))] == []
    finally:
        driver.set_window_size(1280, 1000)


@pytest.fixture(scope="module")
def beyond_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report with the issue-14 sections: conditions, erosion, languages, blind refusal."""
    from reports import build_report
    from tests.reports.test_report_beyond import _family, _with_erosion

    tmp = tmp_path_factory.mktemp("beyond")
    write_report(build_report(_with_erosion(_family(tmp))), tmp / "report")
    return tmp / "report"


BEYOND_SECTIONS = ("#conditions", "#erosion", "#languages", "#blind-refusal")


@pytest.mark.parametrize("width", [1280, 800])
def test_the_beyond_single_turn_sections_are_not_clipped(  # type: ignore[no-untyped-def]
    driver, beyond_report: Path, width: int
) -> None:
    try:
        driver.set_window_size(width, 1000)
        assert _load(driver, beyond_report) == []
        for section in BEYOND_SECTIONS:
            assert driver.find_elements("css selector", f"{section} table tbody tr"), section
        assert driver.find_elements("css selector", "#erosion svg.survival polyline")
        clipped = driver.execute_script(CLIPPED_CELLS_JS)
        assert [c for c in clipped if c.startswith(BEYOND_SECTIONS)] == []
    finally:
        driver.set_window_size(1280, 1000)
