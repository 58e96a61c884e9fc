"""The web editions and the catalogue in a real browser (Debian's chromium through Playwright),
checked by axe-core (bundled by axe-playwright-python) against the WCAG 2.1 A and AA rules:
every web edition of the real content (every leaflet × audience × language × brand) and the
catalogue, with zero violations; each page also reflows to 320 px without horizontal scrolling,
stays whole with text at 200 %, shows the skip link on focus, loads its fonts from the output
folder and asks for nothing on the network. Under CI a missing browser or axe fails, never skips.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from conftest import CHROMIUM, REPO, make_project, require_browser
from leaflets.expand import Selection
from leaflets.pipeline import build
from leaflets.project import load_project
from leaflets.web import web_editions

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _browser_tools(api: str = "sync"):
    """Playwright's `api` (sync or async), axe and Debian's chromium, or a skip; under CI anything
    missing is a failure."""
    missing = []
    try:
        if api == "sync":
            from axe_playwright_python.sync_playwright import Axe
            from playwright.sync_api import sync_playwright as playwright
        else:
            from axe_playwright_python.async_playwright import Axe
            from playwright.async_api import async_playwright as playwright
    except ImportError as exc:
        missing.append(f"{exc.name} is not installed (pip install -e '.[test]')")
        Axe = playwright = None
    require_browser(missing)
    return playwright, Axe


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """Two output folders: every web edition of the real content (no PDFs: rendering only, ~10 s),
    and a fixture leaflet with its A4 PDFs and web pages, so the PDF links and the catalogue's
    thumbnails are there too."""
    real = tmp_path_factory.mktemp("real") / "output"
    report = build(REPO, Selection(formats=("web",)), jobs=1, output=real)
    assert report.ok and report.built, report.problems
    fixture = make_project(tmp_path_factory.mktemp("fixture") / "project", leaflets=("demo", "other"))
    report = build(fixture, Selection(leaflets=("demo", "other"), audiences=("patient",), formats=("a4", "web")),
                   jobs=2)
    assert report.ok, report.problems
    return {"real": real, "fixture": fixture / "output"}


@pytest.fixture(scope="module")
def browser_page(sites):
    sync_playwright, Axe = _browser_tools("sync")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            remote: list[str] = []

            def only_local(route):  # the pages must work with no network at all
                if route.request.url.startswith(("file:", "data:")):
                    route.continue_()
                else:
                    remote.append(route.request.url)
                    route.abort()
            page.route("**/*", only_local)
            yield page, Axe(), remote
        finally:
            browser.close()


def pages_of(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/*/*.html"))


async def only_local(route, remote: list[str]) -> None:
    """The pages must work with no network at all: anything but file: and data: is refused."""
    if route.request.url.startswith(("file:", "data:")):
        await route.continue_()
    else:
        remote.append(route.request.url)
        await route.abort()


async def browser_problems(page, axe, path: Path) -> list[str]:
    """axe's WCAG 2.1 A/AA violations, then reflow at 320 px and text at 200 %, for one page."""
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto(path.as_uri())
    results = await axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA},
                                           "resultTypes": ["violations"]})
    problems = [f"{v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes'][:3]]}"
                for v in results.response["violations"]]
    # WCAG 1.4.10 reflow: 320 CSS px wide (1280 px at 400 %), no scrolling in two directions
    await page.set_viewport_size({"width": 320, "height": 640})
    if overflow := await page.evaluate(OVERFLOW):
        problems.append(f"at 320 px the page scrolls sideways by {overflow} px")
    # WCAG 1.4.4 resize text: 200 % text on a 640 px window (1280 px at 200 % zoom), nothing cut off
    await page.set_viewport_size({"width": 640, "height": 900})
    await page.evaluate("document.documentElement.style.fontSize = '200%'")
    if overflow := await page.evaluate(OVERFLOW):
        problems.append(f"with text at 200 % the page scrolls sideways by {overflow} px")
    return problems


# How many CSS pixels the page is wider than the window (0: no horizontal scrolling).
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
TABS = 2  # pages checked at once: one per core; axe's colour-contrast rule is most of the time


async def check_all(files: list[Path]) -> tuple[dict[str, list[str]], list[str], int]:
    """Every page in one browser, TABS at a time: problems by page, remote requests, rules run."""
    playwright, Axe = _browser_tools("async")
    found: dict[str, list[str]] = {}
    remote: list[str] = []
    queue = list(files)
    async with playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000)
        try:
            async def tab() -> int:
                page = await browser.new_page()
                page.set_default_timeout(30_000)
                await page.route("**/*", lambda route: only_local(route, remote))
                axe = Axe()
                while queue:
                    path = queue.pop(0)
                    if problems := await browser_problems(page, axe, path):
                        found[str(path)] = problems
                await page.evaluate(axe.axe_script)  # the number of rules the tags select, for the record
                return await page.evaluate(f"axe.getRules({WCAG_21_AA}).length")
            rules = await asyncio.gather(*(tab() for _ in range(TABS)))
        finally:
            await browser.close()
    return found, remote, rules[0]


def test_every_web_edition_and_the_catalogue_pass_axe_reflow_and_text_resize(sites):
    files = pages_of(sites["real"]) + [sites["real"] / "index.html"] + pages_of(sites["fixture"]) + \
        [sites["fixture"] / "index.html"]
    # the full matrix: today 3 brands × (faq: 3 languages, exercise and therapies: 2) × 2 audiences = 42
    expected = web_editions(load_project(REPO)[0], Selection())
    assert expected and len(pages_of(sites["real"])) == len(expected)
    found, remote, rules = asyncio.run(check_all(files))
    assert found == {}
    assert remote == []
    assert rules >= 60  # axe 4.x has about 70 WCAG 2.1 A/AA rules: the tags selected them
    print(f"axe-core: {len(files)} pages × {rules} WCAG 2.1 A/AA rules, 0 violations")


def test_a_web_edition_has_its_fonts_skip_link_and_linked_citations(sites, browser_page):
    page, _, remote = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto((sites["real"] / "oostergouw/nl/therapies-professional.html").as_uri())
    fonts = page.evaluate("async () => { await document.fonts.ready;"
                          " return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family); }")
    assert any("Source Sans 3" in family for family in fonts), fonts
    page.keyboard.press("Tab")  # the first stop is the skip link, visible when focused
    skip = page.locator("a.skip-link")
    assert skip.evaluate("a => a === document.activeElement")
    assert skip.is_visible() and skip.bounding_box()["y"] >= 0
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    citation = page.locator("sup.cite a").first
    target = citation.get_attribute("href")
    assert target.startswith("#ref-") and page.locator(target).count() == 1
    verdicts = page.locator(".therapy .verdict strong").all_inner_texts()
    assert verdicts and all(v.strip() for v in verdicts)  # the verdict in words, not only the meter
    assert remote == []


def test_arabic_web_edition_reads_right_to_left_in_its_font(sites, browser_page):
    page, _, _ = browser_page
    page.goto((sites["real"] / "default/ar/faq-patient.html").as_uri())
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).direction") == "rtl"
    fonts = page.evaluate("async () => { await document.fonts.ready;"
                          " return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family); }")
    assert any("Tajawal" in family for family in fonts), fonts
