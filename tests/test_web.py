"""The web edition (leaflets/web.py): one page per leaflet × audience × language × brand, made
from the same model and block templates as the PDF, self-contained, checked before it is
written, cached like a PDF; and the printed leaflet's QR code to it (brand.yml web_base).
In a real browser with axe-core: tests/test_web_browser.py."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest

from conftest import make_project
from leaflets import web
from leaflets.expand import Selection, expand
from leaflets.model import WEB, Variant
from leaflets.pipeline import build
from leaflets.project import load_project
from leaflets.render import render
from leaflets.web import page_problems, web_editions

PAGE = "output/default/nl/demo-patient.html"


def built(project: Path, **selection) -> tuple:
    report = build(project, Selection(**selection), jobs=1)
    return report, project / "output"


def test_a_page_per_edition_beside_its_pdfs_linking_them_and_the_other_languages(project):
    report, output = built(project, leaflets=("demo", "other"), audiences=("patient",), formats=("a4", WEB))
    assert report.ok, report.problems
    assert sorted(str(v) for v in report.built if v.format == WEB) == [
        "demo/patient/en/default/web", "demo/patient/nl/default/web", "other/patient/nl/default/web"]
    html = (project / PAGE).read_text(encoding="utf-8")
    assert '<html lang="nl" dir="ltr">' in html
    assert '<a class="skip-link" href="#main">Naar de tekst</a>' in html and '<main id="main"' in html
    assert '<a href="demo-patient-a4.pdf" type="application/pdf">A4 (pdf)</a>' in html
    assert '<a href="../en/demo-patient.html" hreflang="en" lang="en" dir="ltr">English</a>' in html
    assert '<cite><a href="other-patient.html">Andere folder</a></cite>' in html  # leaflet:other: the other page
    assert '<sup class="cite"><a href="#ref-beta">[1]</a></sup>' in html and 'id="ref-beta"' in html
    assert '<strong>Enig bewijs</strong>' in html  # the verdict in words
    assert re.search(r'<img alt="Een blauwe cirkel" src="data:image/svg\+xml;base64,', html)  # embedded
    assert "file:" not in html and "<script" not in html and "sibling:" not in html
    assert page_problems(html) == []
    fonts = sorted(str(p.relative_to(output)) for p in (output / "fonts").rglob("*"))
    assert "fonts/atkinson-hyperlegible/LICENSE.txt" in fonts
    assert "fonts/atkinson-hyperlegible/atkinsonhyperlegible-regular.ttf" in fonts
    assert 'src:url("../../fonts/atkinson-hyperlegible/atkinsonhyperlegible-regular.ttf")' in html
    manifest = json.loads((output / "manifest.json").read_text())
    assert [e["path"] for e in manifest["web"]] == ["default/en/demo-patient.html", "default/nl/demo-patient.html",
                                                    "default/nl/other-patient.html"]
    assert all(e["path"].endswith(".pdf") for e in manifest["pdfs"])
    catalogue = (output / "index.html").read_text(encoding="utf-8")
    assert '<a href="default/nl/demo-patient.html" hreflang="nl">MS-informatie</a>' in catalogue


def test_the_page_says_what_the_pdf_says(project):
    loaded, _ = load_project(project)
    variant = Variant("demo", "professional", "en", "default", "a4")
    pdf_html = render(loaded, variant).html
    page = web.render_web(loaded, Variant("demo", "professional", "en", "default", WEB), []).html
    main = lambda html: re.search(r"<main>(.*?)</main>|<main [^>]*>(.*?)<section class=\"sources\"", html, re.S)
    pdf_body = main(pdf_html)[1]
    web_body = main(page)[2]
    normalise = lambda html: re.sub(r'src="[^"]*"|href="[^"]*"|\s+', " ", html).strip()
    assert normalise(web_body) == normalise(pdf_body)  # the same block templates, the same text


def test_arabic_page_is_right_to_left_in_its_script_font(tmp_path):
    project = make_project(tmp_path / "p", leaflets=("guide",))
    report, output = built(project, languages=("ar",), audiences=("patient",), formats=(WEB,))
    assert report.ok, report.problems
    html = (output / "default/ar/guide-patient.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert '--font:"Tajawal", "Atkinson Hyperlegible"' in html
    assert (output / "fonts/tajawal/tajawal-regular.ttf").is_file()


def test_format_web_selects_only_the_pages_and_other_formats_no_pages(project):
    loaded, _ = load_project(project)
    assert {v.format for v in web_editions(loaded, Selection(formats=(WEB,)))} == {WEB}
    assert web_editions(loaded, Selection(formats=("a4",))) == []
    # not per paper format: one page per leaflet × audience × language × brand
    assert web_editions(loaded, Selection()) == [replace(v, format=WEB) for v in expand(loaded, Selection(formats=("a4",)))]
    report, output = built(project, leaflets=("other",), formats=(WEB,))
    assert report.ok and not list(output.rglob("*.pdf"))
    assert [str(v) for v in report.built] == ["other/patient/nl/default/web"]


def test_unchanged_pages_are_skipped_and_a_stylesheet_edit_rebuilds_pages_not_pdfs(project):
    selection = dict(leaflets=("other",), formats=("a4", WEB))
    first, output = built(project, **selection)
    assert len(first.built) == 2
    again, _ = built(project, **selection)
    assert (again.built, len(again.skipped)) == ([], 2)
    css = project / "styles/web.css"
    css.write_text(css.read_text() + "\n.summary { letter-spacing: 0.01em; }\n")
    edited, _ = built(project, **selection)
    assert [str(v) for v in edited.built] == ["other/patient/nl/default/web"]
    assert ".summary { letter-spacing: 0.01em; }" in (output / "default/nl/other-patient.html").read_text()
    (output / "default/nl/other-patient.html").write_text("damaged")
    assert [str(v) for v in built(project, **selection)[0].built] == ["other/patient/nl/default/web"]


def test_a_page_that_fails_its_check_fails_the_variant_and_keeps_the_last_good_page(project, monkeypatch):
    selection = dict(leaflets=("other",), formats=(WEB,))
    built(project, **selection)
    page = project / "output/default/nl/other-patient.html"
    good = page.read_bytes()
    monkeypatch.setattr(web, "page_problems", lambda html: ["picture without alt text"])
    report = build(project, Selection(**selection), jobs=1, force=True)
    assert [str(v) for v in report.failed] == ["other/patient/nl/default/web"]
    assert [str(p) for p in report.problems] == ["other/patient/nl/default/web: error: web page: picture without alt text"]
    assert page.read_bytes() == good
    assert sorted(p.name for p in page.parent.iterdir()) == ["other-patient.html"]


def test_release_refuses_draft_pages_too(project):
    report = build(project, Selection(leaflets=("other",), formats=(WEB,)), jobs=1, release=True)
    assert [str(v) for v in report.failed] == ["other/patient/nl/default/web"]
    assert not (project / "output/default/nl/other-patient.html").exists()


HOSTILE = """---
title: Kwaad
---
## Deel

<script>alert(1)</script> <img src=x onerror=alert(1)> <style>body{background:url(https://x.example/p)}</style>
"""


def test_raw_html_in_content_reaches_the_page_as_text_never_as_markup(tmp_path):
    project = make_project(tmp_path / "p", {"content/other/nl.md": HOSTILE})
    report = build(project, Selection(leaflets=("other",), formats=(WEB,)), jobs=1)
    assert report.ok, report.problems
    html = (project / "output/default/nl/other-patient.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html
    assert "<img src=x" not in html and "<style>body" not in html
    assert page_problems(html) == []


@pytest.mark.parametrize("snippet, problem", [
    ("<script>alert(1)</script>", "element <script> is not allowed on a web page"),
    ('<img src="data:image/png;base64,AA" alt="x" onload="alert(1)">', "attribute onload on <img> is not allowed"),
    ('<p style="background:url(https://x.example/p)">x</p>', "attribute style on <p> is not allowed"),
    ('<img src="https://x.example/p.png" alt="x">', "pictures must be embedded"),
    ('<img src="data:image/png;base64,AA">', "picture without alt text"),
    ('<a href="file:///etc/passwd">x</a>', "must be https://, http://, mailto:, #id or a file beside the page"),
    ('<a href="javascript:alert(1)">x</a>', "must be https://"),
    ('<a href="#nowhere">x</a>', "link to '#nowhere', which is not on the page"),
    ('<iframe src="https://x.example"></iframe>', "element <iframe> is not allowed"),
    ('<h3>skipped</h3>', "heading level skipped: h1 followed by h3"),
    ('<p id="main">twice</p>', "ids used twice: main"),
    ('<meta http-equiv="refresh" content="0;url=https://x.example">', "<meta http-equiv='refresh'> is not allowed"),
    ("<style>@import url(https://x.example/a.css);</style>", "stylesheet reads 'https://x.example/a.css'"),
])
def test_the_page_check_refuses_what_a_page_must_not_carry(snippet, problem):
    page = ('<!DOCTYPE html><html lang="nl" dir="ltr"><head><title>t</title></head><body>'
            '<a href="#main">skip</a><h1>T</h1><main id="main">' + snippet + "</main></body></html>")
    assert page_problems(page.replace(snippet, "")) == []
    assert any(problem in found for found in page_problems(page)), page_problems(page)


WEB_BASE_BRAND = "brands/default/brand.yml"


def test_web_base_puts_a_qr_code_to_the_page_on_the_printed_leaflet(project):
    yml = project / WEB_BASE_BRAND
    yml.write_text(yml.read_text().replace("  language: nl", "  language: nl\n  web_base: https://folders.example/ms/"))
    loaded, problems = load_project(project)
    assert not [p for p in problems if p.is_error]
    html = render(loaded, Variant("other", "patient", "nl", "default", "a4")).html
    assert '<a class="link-url" href="https://folders.example/ms/nl/other-patient.html">' \
           "folders.example/ms/nl/other-patient.html</a>" in html
    assert "Lees deze folder online, in grote letters of in een andere taal" in html
    assert 'alt="QR-code voor folders.example/ms/nl/other-patient.html"' in html
    report, output = built(project, leaflets=("other",), formats=("a4",))
    assert report.ok, report.problems
    with pikepdf.open(output / "default/nl/other-patient-a4.pdf") as pdf:
        uris = [str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", []) if "/A" in a and "/URI" in a.A]
    assert "https://folders.example/ms/nl/other-patient.html" in uris


def test_without_web_base_the_printed_leaflet_has_no_qr_code(project):
    loaded, _ = load_project(project)
    assert "link-url" not in render(loaded, Variant("other", "patient", "nl", "default", "a4")).html.split(
        'class="colophon"')[1]


def test_status_counts_the_current_web_pages(project):
    from leaflets.status import status_table

    built(project, leaflets=("other",), formats=(WEB,))
    [row] = [line for line in status_table(project).splitlines() if line.startswith("│ other")]
    assert row.rstrip(" │").endswith("│ 0/6          │ 1/1")  # no PDFs of it, its one page current


def test_the_content_security_policy_allows_only_the_pages_own_stylesheet(project):
    import base64
    import hashlib

    loaded, _ = load_project(project)
    html = web.render_web(loaded, Variant("other", "patient", "nl", "default", WEB), []).html
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)[1]
    css = re.search(r"<style>(.*?)</style>", html, re.S)[1]
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert policy == (f"default-src 'none'; img-src data:; style-src 'sha256-{digest}'; font-src 'self'; "
                      "base-uri 'none'; form-action 'none'")
