"""The preview server (`build.py serve`): loopback only, safe file serving, problems instead of
crashes, one-variant PDFs, and live reload in a real browser (Debian's chromium via Playwright)."""
from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CHROMIUM, REPO, make_project, require_browser
from leaflets.expand import Selection, expand
from leaflets.project import load_project
from leaflets.serve import start

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PREVIEW = "/preview/demo/patient/nl/default/a4"
NO_ALT = "---\ntitle: X\n---\n## A\n\n![](images/circle.svg)\n"


@pytest.fixture
def server(tmp_path: Path):
    server = start(make_project(tmp_path / "project"))
    yield server
    server.stop()


def get(server, path: str, headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
    """A raw GET: the path is sent exactly as given (no `..` clean-up as in a browser)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# ---------------------------------------------------------------- without a browser

def test_binds_loopback_only(server):
    assert server.socket.getsockname()[0] == "127.0.0.1"
    assert server.url == f"http://127.0.0.1:{server.port}/"


def test_refuses_files_outside_the_served_folders(server):
    root = server.root
    (root / "content" / "demo" / "passwd-link").symlink_to("/etc/passwd")
    (root / "output").mkdir()
    (root / "output" / "secret.txt").write_text("built output is not served")
    for path in ("/files/etc/passwd",
                 f"/files{root}/content/../../../../../../etc/passwd",
                 f"/files{root}/content/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                 f"/files{root}/content/demo/passwd-link",      # a symlink out of content/
                 f"/files{root}/output/secret.txt",              # inside the project, not a served folder
                 f"/files{root}/pyproject.toml"):
        status, _, body = get(server, path)
        assert status == 403, path
        assert b"root:" not in body
    status, headers, body = get(server, f"/files{root}/content/demo/images/circle.svg")
    assert status == 200 and headers["Content-Type"] == "image/svg+xml" and b"<svg" in body


def test_answers_only_requests_addressed_to_loopback(server):
    """A web page cannot reach the server through DNS rebinding: other Host names get 403."""
    assert get(server, "/", {"Host": "evil.example"})[0] == 403
    assert get(server, "/", {"Host": f"localhost:{server.port}"})[0] == 200


def test_index_lists_every_variant_with_preview_and_pdf_links(server):
    status, _, body = get(server, "/")
    page = body.decode()
    assert status == 200
    assert '<html lang="en">' in page and "<title>" in page and "<h1>" in page
    variants = expand(load_project(server.root)[0], Selection())
    assert {v.leaflet for v in variants} == {"demo", "other"} and {v.language for v in variants} == {"nl", "en"}
    for variant in variants:
        assert f'href="/preview/{variant}"' in page and f'href="/pdf/{variant}"' in page
    assert page.count('href="/preview/') == len(variants)
    assert "error: " not in page  # warnings (readability, …) may be listed; the fixtures have no errors


def test_preview_loads_fonts_logo_and_images_through_the_server(server):
    status, _, body = get(server, PREVIEW)
    page = body.decode()
    assert status == 200
    assert "file://" not in page
    urls = set(re.findall(r'(/files/[^"\s)]+)', page))
    assert any(u.endswith(".ttf") for u in urls) and any("circle.svg" in u for u in urls)
    for url in urls:
        assert get(server, url)[0] == 200, url
    assert "new EventSource(" in page and "@media screen" in page


def test_invalid_content_shows_problems_not_a_crash(server):
    (server.root / "content/demo/nl.md").write_text(NO_ALT, encoding="utf-8")
    expected = "content/demo/nl.md:6: error: image &#x27;circle.svg&#x27; has no alt text"
    status, _, body = get(server, PREVIEW)
    assert status == 500 and expected in body.decode()
    assert "new EventSource(" in body.decode()  # fixing the file brings the preview back by itself
    status, _, body = get(server, "/")
    assert status == 200 and "Problems: 1 errors" in body.decode() and expected in body.decode()
    assert get(server, "/preview/other/patient/nl/default/a4")[0] == 200  # other leaflets still preview


def test_pdf_link_builds_that_one_variant(server):
    status, headers, body = get(server, "/pdf/demo/patient/nl/default/a4")
    assert status == 200 and headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    built = sorted(p.relative_to(server.root / "output").as_posix() for p in (server.root / "output").rglob("*.pdf"))
    assert built == ["default/nl/demo-patient-a4.pdf"]
    assert get(server, "/pdf/nope/patient/nl/default/a4")[0] == 404


def test_pages_show_the_pdf_pages_as_pictures(server):
    """#17: an editor sees the real page breaks while writing, drawn from the built PDF."""
    status, headers, body = get(server, "/pages/demo/patient/nl/default/a5")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    import pikepdf
    with pikepdf.open(server.root / "output/default/nl/demo-patient-a5.pdf") as pdf:
        pages = len(pdf.pages)
    assert page.count('<img src="data:image/png;base64,') == pages > 1
    assert 'alt="Page 1 of demo/patient/nl/default/a5"' in page and 'href="/pdf/demo/patient/nl/default/a5"' in page
    assert get(server, "/pages/nope/patient/nl/default/a5")[0] == 404


def test_pdf_failure_is_reported_as_text(server):
    (server.root / "content/demo/nl.md").write_text(NO_ALT, encoding="utf-8")
    status, headers, body = get(server, "/pdf/demo/patient/nl/default/a4")
    assert status == 500 and headers["Content-Type"].startswith("text/plain")
    assert "content/demo/nl.md:6: error: image 'circle.svg' has no alt text" in body.decode()


def test_event_stream_reports_a_change(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
    try:
        connection.request("GET", "/events?since=0")
        response = connection.getresponse()
        assert response.headers["Content-Type"] == "text/event-stream"
        assert response.readline() == b"retry: 1000\n"
        edit(server.root / "content/demo/nl.md", "title: Demofolder", "title: Andere titel")
        lines = [response.readline() for _ in range(3)]
        assert b"event: change\n" in lines and b"data: 1\n" in lines
    finally:
        connection.close()


def test_command_prints_loopback_url_and_stops_cleanly_on_ctrl_c(tmp_path):
    root = make_project(tmp_path / "project")
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--project", str(root), "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line
        events = http.client.HTTPConnection("127.0.0.1", int(match[1]), timeout=10)
        events.request("GET", "/events")  # an open event stream must not hold up the stop
        assert events.getresponse().status == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0  # an open event stream does not keep it running
        assert "Traceback" not in process.stderr.read()
        events.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# ---------------------------------------------------------------- in a real browser

def _playwright():
    """Playwright and Debian's chromium, or a skip; under CI a missing browser is a failure."""
    missing = []
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        missing.append("Playwright for Python is not installed (pip install -e '.[test]')")
        expect = sync_playwright = None
    require_browser(missing)
    return sync_playwright, expect


def test_preview_in_browser_reloads_when_content_changes(server):
    sync_playwright, expect = _playwright()
    markdown = server.root / "content/demo/nl.md"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=15_000)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            failed: list[str] = []
            page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

            page.goto(server.url)
            expect(page).to_have_title(re.compile("Leaflet previews"))
            expect(page.get_by_role("heading", name="Demofolder (demo)", level=2)).to_be_visible()
            page.get_by_role("link", name="HTML preview of demo, patient, nl, brand default, a4").click()

            expect(page).to_have_url(server.url + PREVIEW.lstrip("/"))
            title = page.get_by_role("heading", level=1)
            expect(title).to_have_text("Demofolder")
            expect(title).to_be_visible()
            assert page.locator("img[alt='Een blauwe cirkel']").evaluate("img => img.complete && img.naturalWidth > 0")
            fonts = page.evaluate("async () => { await document.fonts.ready;"
                                  " return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family); }")
            assert any("Atkinson" in family for family in fonts), fonts

            edit(markdown, "title: Demofolder", "title: Nieuwe titel")
            expect(title).to_have_text("Nieuwe titel", timeout=15_000)

            markdown.write_text(NO_ALT, encoding="utf-8")  # broken content: the problems, not a crash
            expect(page.get_by_text("content/demo/nl.md:6: error: image 'circle.svg' has no alt text")).to_be_visible(
                timeout=15_000)
            failed = [f for f in failed if not f.endswith(PREVIEW)]  # that page answers 500 on purpose
            assert not failed
        finally:
            browser.close()
