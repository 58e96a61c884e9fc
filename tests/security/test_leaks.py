"""No file outside the project reaches a PDF, by any route (issue 13, "Leaks").

A secret is planted outside the project. Each route tries to bring it (or its absolute path)
into a PDF; the build must refuse the route with the file and line, keep the last good PDF, and
the secret must appear in no PDF's bytes, decompressed streams, extracted text or link
annotations. The second half feeds hostile HTML straight to the typesetting worker, past
validation, to show the worker's own guards hold on their own.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from conftest import make_project
from leaflets.expand import Selection
from leaflets.jobs import Job
from leaflets.pipeline import build
from leaflets.boundary import AllowedRoots
from leaflets.bundle import BlobStore, RefusedResource, Resources, collect
from leaflets.typeset import typeset

SECRET = "PLANTED-SECRET-4D1F"
OTHER = Selection(leaflets=("other",), formats=("a4",))
FRONT = "---\ntitle: Andere folder\n---\n## Alleen tekst\n\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A project with a good 'other' PDF already built: the last good PDF every route must keep."""
    root = make_project(tmp_path_factory.mktemp("built") / "p")
    (root / "content/other/images").mkdir()
    shutil.copy(root / "content/demo/images/circle.svg", root / "content/other/images/ok.svg")
    assert build(root, OTHER, jobs=1).ok
    return root


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder outside the project holding the secret as an SVG picture, a text file and a leaflet."""
    folder = tmp_path / "outside"
    (folder / "leaflet").mkdir(parents=True)
    (folder / "secret.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg' width='300' height='40'>"
                                       f"<text x='0' y='20'>{SECRET}</text></svg>")
    (folder / "secret.md").write_text(f"---\ntitle: {SECRET}\n---\n## Kop\n\n{SECRET}\n")
    shutil.copy(Path(__file__).parents[1] / "fixtures/other/leaflet.yaml", folder / "leaflet/leaflet.yaml")
    (folder / "leaflet/nl.md").write_text(f"---\ntitle: {SECRET}\n---\n## Kop\n\n{SECRET}\n")
    return folder


@pytest.fixture
def project(built, tmp_path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(built, root, symlinks=True)
    return root


def pdf_texts(output: Path) -> list[str]:
    """Everything a PDF could carry, as text: bytes, every stream decompressed, extracted text,
    link annotation targets."""
    found = []
    for path in sorted(output.rglob("*.pdf")):
        found.append(path.read_bytes().decode("latin-1"))
        with pikepdf.open(path) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    try:
                        found.append(obj.read_bytes().decode("latin-1"))
                    except pikepdf.PdfError:
                        pass  # an image codec pikepdf cannot decode; its raw bytes are in the file bytes above
            for page in pdf.pages:
                for annot in page.get("/Annots", []):
                    found.append(str(annot.get("/A", {}).get("/URI", "")))
        found.append(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout)
    assert found, "no PDF to inspect: the test would prove nothing"
    return found


def assert_nothing_leaked(root: Path, outside: Path, before: dict[str, bytes]) -> None:
    output = root / "output"
    for text in pdf_texts(output):
        assert SECRET not in text
        assert str(outside) not in text and "file://" not in text
    after = {str(p.relative_to(output)): p.read_bytes() for p in output.rglob("*.pdf")}
    assert after == before  # the last good PDF stayed, byte for byte


def last_good(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root / "output")): p.read_bytes() for p in (root / "output").rglob("*.pdf")}


# Each route: the body of content/other/nl.md (after FRONT), and the line the error must name.
CONTENT_ROUTES = {
    "reference-style image": ("![Geheim][ref]\n\n[ref]: {svg}\n", 8),
    "reference-style image, file: URL": ("![Geheim][ref]\n\n[ref]: file://{svg}\n", 8),
    "attribute list src": ('![Cirkel](images/ok.svg){{src="{svg}"}}\n', 6),
    "attribute list src without quotes": ("![Cirkel](images/ok.svg){{: src={svg} }}\n", 6),
    "absolute image path": ("![Geheim]({svg})\n", 6),
    "dot-dot image path": ("![Geheim](../../../outside/secret.svg)\n", 6),
    "image in a block title": ("/// callout | ![Geheim]({svg})\nTekst.\n///\n", 6),
    "image in a heading": ("### ![Geheim]({svg})\n", 6),
    "link to a file": ("[Geheim]({svg})\n", 6),
    "file: link": ("[Geheim](file://{svg})\n", 6),
    "link to a network share": ("[Share](//fileserver/share/secret.svg)\n", 6),
    "reference-style link": ("[Geheim][r]\n\n[r]: file://{svg}\n", 8),
    "autolink to a file": ("<file://{svg}>\n", 6),
    "attribute list href": ("[Web](https://example.org){{href=file://{svg}}}\n", 6),
    "link in a links block": ("/// links | Meer\n- [Geheim](file://{svg})\n///\n", 7),
}


@pytest.mark.parametrize("route", CONTENT_ROUTES)
def test_content_route_to_an_outside_file_is_refused_with_its_line(project, outside, route):
    body, line = CONTENT_ROUTES[route]
    before = last_good(project)
    (project / "content/other/nl.md").write_text(FRONT + body.format(svg=outside / "secret.svg"))
    report = build(project, OTHER, jobs=1)
    assert not report.ok and not report.built
    assert any(str(p).startswith(f"content/other/nl.md:{line}: error:") for p in report.problems), \
        [str(p) for p in report.problems]
    assert_nothing_leaked(project, outside, before)


def test_symlinked_image_that_leaves_the_leaflet_folder_is_refused(project, outside):
    before = last_good(project)
    os.symlink(outside / "secret.svg", project / "content/other/images/link.svg")
    (project / "content/other/nl.md").write_text(FRONT + "![Geheim](images/link.svg)\n")
    report = build(project, OTHER, jobs=1)
    assert [str(p) for p in report.problems if p.is_error] == [
        "content/other/nl.md:6: error: image 'images/link.svg' is outside the leaflet folder"]
    assert_nothing_leaked(project, outside, before)


def test_symlinked_language_file_is_refused(project, outside):
    before = last_good(project)
    (project / "content/other/nl.md").unlink()
    os.symlink(outside / "secret.md", project / "content/other/nl.md")
    report = build(project, OTHER, jobs=1)
    assert "content/other/nl.md: error: is a symbolic link to a file outside other/: refused" in [str(p) for p in report.problems]
    assert_nothing_leaked(project, outside, before)


def test_symlinked_leaflet_folder_is_refused(project, outside):
    before = last_good(project)
    os.symlink(outside / "leaflet", project / "content/evil")
    report = build(project, Selection(formats=("a4",)), jobs=1)
    assert "content/evil: error: leaflet folder is a symbolic link to a folder outside the project: refused" in \
        [str(p) for p in report.problems]
    assert not any(v.leaflet == "evil" for v in report.built)
    assert_nothing_leaked(project, outside, {**before, **{k: v for k, v in last_good(project).items() if k not in before}})


def test_symlinked_brand_folder_and_logo_are_refused(project, outside):
    before = last_good(project)
    shutil.copytree(project / "brands/default", outside / "brand")
    (outside / "brand/logo.svg").write_bytes((outside / "secret.svg").read_bytes())
    os.symlink(outside / "brand", project / "brands/evil")
    (project / "brands/default/logo.svg").unlink()
    os.symlink(outside / "secret.svg", project / "brands/default/logo.svg")
    report = build(project, OTHER, jobs=1)
    problems = [str(p) for p in report.problems]
    assert "brands/evil: error: brand folder is a symbolic link to a folder outside the project: refused" in problems
    assert "brands/default/brand.yml:7: error: logo 'logo.svg' must be a file inside the brand folder" in problems
    assert not report.built
    assert_nothing_leaked(project, outside, before)


# ---------------------------------------------------------------- the worker's own guards

HOSTILE_HTML = {
    "img src absolute path": '<img src="{svg}" alt="x">',
    "img src file URL": '<img src="file://{svg}" alt="x">',
    "link to a file": '<a href="file://{svg}">x</a>',
    "link by absolute path": '<a href="{svg}">x</a>',
    "link to a network share": '<a href="//fileserver/share/x">x</a>',
    "javascript link": '<a href="javascript:alert(1)">x</a>',
    "object data": '<object data="{svg}"></object>',
    "stylesheet link": '<link rel="stylesheet" href="{css}">',
    "inline svg image": '<svg xmlns="http://www.w3.org/2000/svg"><image href="{svg}" width="9" height="9"/></svg>',
    "css url in a style attribute": '<p style="background: url(file://{svg})">x</p>',
    "css import in a style element": '<style>@import url("file://{css}");</style><p>x</p>',
}


@pytest.mark.parametrize("case", HOSTILE_HTML)
def test_worker_refuses_hostile_html_that_skipped_validation(tmp_path, outside, case):
    (outside / "secret.css").write_text(f'body::before {{ content: "{SECRET}" }}')
    allowed = tmp_path / "leaflet"
    allowed.mkdir()
    snippet = HOSTILE_HTML[case].format(svg=outside / "secret.svg", css=outside / "secret.css")
    html = f"<!doctype html><html lang='nl'><head><title>T</title></head><body><h1>T</h1>{snippet}</body></html>"
    if not snippet.startswith("<a "):  # a link is never loaded; the rest the main process will not bundle
        with pytest.raises(RefusedResource, match="refused to load"):
            collect(html, allowed.as_uri() + "/", AllowedRoots.of([allowed]), BlobStore())
    # and a worker given the page anyway reads nothing it was not given
    job = Job(variant_id="x", html=html, html_with_toc=None, base_url=allowed.as_uri() + "/",
              resources=Resources(), guess_toc=False, language="nl")
    result = typeset(job, {})
    errors = [m for severity, m in result.messages if severity == "error"]
    assert any(m.startswith("refused") for m in errors), result.messages
    if result.pdf is not None:  # refused during layout: the PDF exists but the variant fails; still no secret
        assert SECRET.encode() not in result.pdf


def test_a_symlink_is_followed_before_it_is_compared_with_the_allowed_folders(tmp_path, outside):
    allowed = tmp_path / "leaflet"
    allowed.mkdir()
    os.symlink(outside / "secret.svg", allowed / "link.svg")
    html = f"<html><body><img src='link.svg' alt='x'></body></html>"
    with pytest.raises(RefusedResource, match="link.svg'.*outside"):
        collect(html, allowed.as_uri() + "/", AllowedRoots.of([allowed]), BlobStore())


@pytest.mark.parametrize("where, body", [
    ("content/other/images/hard.svg", "![Geheim](images/hard.svg)\n"),
    ("content/other/nl.md", None),
    ("brands/default/logo.svg", "Tekst.\n"),
])
def test_a_hard_link_to_an_outside_file_is_refused(project, outside, where, body):
    # regression: a hard link's path is inside the project, so every path check passed it
    before = last_good(project)
    source = outside / ("secret.md" if where.endswith(".md") else "secret.svg")
    (project / where).unlink(missing_ok=True)
    os.link(source, project / where)
    if body is not None:
        (project / "content/other/nl.md").write_text(FRONT + body)
    report = build(project, OTHER, jobs=1)
    assert any("hard link" in str(p) for p in report.problems), [str(p) for p in report.problems]
    assert not report.built
    assert_nothing_leaked(project, outside, before)


def test_a_links_block_item_is_checked_as_the_template_reads_it(project, outside):
    # regression: '[a\](file:…)' is no link to Markdown, but the links block's own reader took
    # the address as written: check passed and only the worker refused it
    (project / "content/other/nl.md").write_text(FRONT + f"/// links | Meer\n- [a\\](file://{outside}/secret.svg)\n///\n")
    report = build(project, OTHER, jobs=1)
    assert any(str(p).startswith("content/other/nl.md:7: error: link 'file://") for p in report.problems), \
        [str(p) for p in report.problems]


def test_a_language_file_linked_to_another_project_file_is_refused(project):
    # a project holds more than leaflets (.env, deploy keys): a content file may only be content
    (project / ".env").write_text(f"API_KEY={SECRET}\n")
    (project / "content/other/nl.md").unlink()
    os.symlink(project / ".env", project / "content/other/nl.md")
    report = build(project, OTHER, jobs=1)
    assert "content/other/nl.md: error: is a symbolic link to a file outside other/: refused" in \
        [str(p) for p in report.problems]
