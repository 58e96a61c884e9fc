"""The preview server's parts without HTTP: the file guard, URL rewriting, page sizes from the
format registry, and pages that escape whatever editors wrote."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

import pytest

from conftest import make_project
from leaflets.errors import Problem, SourceLocation
from leaflets.formats import FORMATS
from leaflets.model import Variant
from leaflets.project import load_project
from leaflets.serve import files
from leaflets.serve.pages import for_browser, index_page, problems_page
from leaflets.serve.routes import answer
from leaflets.serve.urls import parse_variant, rewrite_urls, variant_path

A5 = Variant("demo", "patient", "nl", "default", "a5")


@dataclass
class Site:
    """What routes need of the server, without a server."""

    root: Path
    version: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)


# ---------------------------------------------------------------- /files/: the trust boundary

@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "project")
    (root / "content/demo/passwd-link").symlink_to("/etc/passwd")
    (root / "content/demo/out-link").symlink_to("/etc", target_is_directory=True)
    (root / "content-extra").mkdir()
    (root / "content-extra/notes.txt").write_text("a sibling folder whose name starts like content/")
    (root / "output").mkdir()
    (root / "output/secret.txt").write_text("built output is not served")
    return root


REFUSED = [  # (path after /files, status): every way out of the served folders
    ("/etc/passwd", 403), ("/proc/self/environ", 403), ("/", 403),
    ("{root}/content/../../../../../../etc/passwd", 403), ("{root}/content/demo/../../pyproject.toml", 403),
    ("{root}/content/demo/passwd-link", 403), ("{root}/content/demo/out-link/passwd", 403),
    ("{root}/content-extra/notes.txt", 403), ("{root}/output/secret.txt", 403), ("{root}/pyproject.toml", 403),
    ("{root}", 403), ("{root}/content/./../output/secret.txt", 403),
    ("relative/path", 400), ("", 400), ("{root}/content/demo/nl.md\0.png", 400), ("\0/etc/passwd", 400),
    ("{root}/content/demo/missing.svg", 404), ("{root}/content/demo", 404),
    ("{root}/content/%2e%2e/output/secret.txt", 404),  # a URL's %252e%252e, unquoted once: a name, not ..
]


@pytest.mark.parametrize("requested, status", REFUSED)
def test_file_guard_refuses_everything_outside_the_served_folders(project, requested, status):
    with pytest.raises(files.Refused) as refused:
        files.served_file(project, requested.format(root=project))
    assert refused.value.status == status


def test_file_guard_serves_project_and_font_package_files(project):
    assert files.served_file(project, f"{project}/content/demo/images/circle.svg").name == "circle.svg"
    assert files.served_file(project, f"{project}/brands/default/../default/brand.yml").name == "brand.yml"
    font = next(p for d in files.font_package_dirs() for p in d.rglob("*.ttf"))
    assert files.served_file(project, str(font)) == font
    assert files.content_type(font) == "font/ttf"
    assert files.content_type(Path("a.css")) == "text/css; charset=utf-8"


def test_file_route_answers_refusals_as_text(project):
    response = answer(Site(project), "/files/etc/passwd")
    assert response.status == HTTPStatus.FORBIDDEN and response.content_type.startswith("text/plain")
    response = answer(Site(project), f"/files{project}/content/demo/images/circle.svg")
    assert response.status == HTTPStatus.OK and "sandbox" in response.headers["Content-Security-Policy"]


# ---------------------------------------------------------------- URLs

def test_file_and_relative_image_urls_become_files_urls():
    page = ('<img src="images/a%20b.svg" alt=""><img src="https://x.example/y.png">'
            "<style>@font-face{src:url(file:///fonts/x\\7e y.ttf)}</style>")
    assert rewrite_urls(page, Path("/p/content/demo")) == (
        '<img src="/files/p/content/demo/images/a%20b.svg" alt=""><img src="https://x.example/y.png">'
        "<style>@font-face{src:url(/files/fonts/x~y.ttf)}</style>")


def test_variant_paths_round_trip_any_id():
    odd = Variant("a b", "patient", "nl", "x/y", "a4")
    assert variant_path(odd) == "a%20b/patient/nl/x%2Fy/a4"
    assert parse_variant("/preview/" + variant_path(odd)) == ("preview", odd)
    assert parse_variant("/pdf/demo/patient/nl/default/a4/") == ("pdf", Variant("demo", "patient", "nl", "default", "a4"))
    assert parse_variant("/preview/demo/patient/nl/default") is None
    assert parse_variant("/other/demo/patient/nl/default/a4") is None


# ---------------------------------------------------------------- pages

def test_page_sizes_come_from_the_formats_css_size():
    sizes = {f.id: f.size_mm for f in FORMATS.values()}  # every registered format names a known CSS size
    assert sizes["a4"] == (210, 297) and sizes["a5"] == (148, 210) and sizes["letter"] == (215.9, 279.4)
    assert sizes["booklet"] == (297, 210)  # "A4 landscape"


def test_preview_frame_is_the_paper_of_the_format(project):
    loaded, _ = load_project(project)
    for fmt, css in (("a5", "width: 148mm;"), ("letter", "width: 215.9mm;"), ("booklet", "width: 148mm;")):
        variant = Variant("demo", "patient", "nl", "default", fmt)
        page = for_browser("<html><head></head><body></body></html>", loaded, variant, 0, [])
        assert css in page, fmt  # the booklet shows the A5 pages it is made of
    assert "padding: 14mm 12mm 17mm 12mm;" in page


def test_preview_bar_escapes_warnings_and_sits_after_body(project):
    loaded, _ = load_project(project)
    warning = Problem(SourceLocation("content/demo/nl.md", 2), "odd <b>text</b> & 'quotes'", "warning")
    page = for_browser('<html><head><title>t</title></head><body class="x">\n<p>text</p></body></html>',
                       loaded, A5, 7, [warning])
    assert '<style id="leaflets-preview">' in page.split("</head>")[0]
    assert "var version = 7;" in page.split("</head>")[0]
    assert ('<body class="x">\n<nav class="leaflets-preview-bar" aria-label="Preview" lang="en" dir="ltr">'
            '<a href="/">All leaflets</a> <span>demo/patient/nl/default/a5</span> '
            '<a href="/pdf/demo/patient/nl/default/a5">PDF</a> <a href="/pages/demo/patient/nl/default/a5">Pages</a>'
            '<ul class="leaflets-preview-warnings">'
            "<li>content/demo/nl.md:2: warning: odd &lt;b&gt;text&lt;/b&gt; &amp; &#x27;quotes&#x27;</li></ul></nav>\n\n"
            "<p>text</p>") in page


def test_problems_page_escapes_as_before():
    # regression: pages moved from f-strings with html.escape to Jinja; the entities stay html.escape's
    problem = Problem(SourceLocation("content/demo/nl.md", 6), "image '<x>' & \"y\" has no alt text")
    page = problems_page(A5, [problem], 3)
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')
    assert "<title>Problems in demo/patient/nl/default/a5 · leaflets</title>\n<style>\nbody {" in page
    assert page.endswith(
        "<main>\n<h1>demo/patient/nl/default/a5 cannot be shown</h1>\n"
        "<p>Fix these problems and save; this page reloads by itself.</p>\n<ul class=\"problems\">\n"
        "<li><code>content/demo/nl.md:6: error: image &#x27;&lt;x&gt;&#x27; &amp; &quot;y&quot; has no alt text</code></li>\n"
        '</ul>\n<p><a href="/">All leaflets</a></p>\n</main>\n</body>\n</html>\n')


def test_index_escapes_titles(tmp_path):
    root = make_project(tmp_path / "project", {"content/other/nl.md": "---\ntitle: <script>alert(1)</script> & co\n---\n## A\n\nTekst.\n"})
    page = index_page(*load_project(root), version=0)
    assert "<script>alert" not in page
    assert '<span lang="nl" dir="auto">&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</span> <small>(other)</small></h2>' in page


def test_unknown_paths_get_a_not_found_page(project):
    response = answer(Site(project, version=4), "/nope/<b>")
    assert response.status == HTTPStatus.NOT_FOUND
    assert "<code>/nope/&lt;b&gt;</code>" in response.body.decode() and "var version = 4;" in response.body.decode()
    assert answer(Site(project), "/favicon.ico").status == HTTPStatus.NO_CONTENT
