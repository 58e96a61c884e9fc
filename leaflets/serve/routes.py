"""URL → answer: one function per route of the table in the package docstring, each returning
a `Response` that server.py then sends. (`/events` is a stream, which server.py writes itself.)

Work on the project (load, render, build) runs under the site's lock, because each page first
empties the file caches (`caches.clear_caches`), which must not happen while another thread
renders from them; the lock is let go before anything is sent, so a slow browser holds nothing. The project is loaded again, caches emptied, for every page, so an edit shows at once.
"""
from __future__ import annotations

import base64
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

from ..caches import clear_caches
from ..errors import Problem
from ..expand import Selection, expand
from ..model import Project, Variant
from ..editorial import translation_problems
from ..project import load_project
from ..render import render
from . import files
from .pages import for_browser, index_page, not_found_page, pdf_pages_page, problems_page
from .urls import parse_variant, variant_path

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


class Site(Protocol):
    """What a route needs of the server: the project folder, the lock, the reload count."""

    root: Path
    lock: AbstractContextManager  # held while the project is loaded, rendered or built

    @property
    def version(self) -> int: ...


@dataclass(frozen=True)
class Response:
    status: HTTPStatus
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def answer(site: Site, path: str) -> Response:
    """The response for the URL path `path` (still %-encoded)."""
    if path == "/":
        return index(site)
    if path == "/favicon.ico":
        return Response(HTTPStatus.NO_CONTENT, b"", "text/plain")
    if path.startswith("/files/"):
        return file(site.root, unquote(path[len("/files"):]))
    kind, variant = parse_variant(path) or (None, None)
    if kind == "preview":
        return preview(site, variant)
    if kind == "pdf":
        return pdf(site, variant)
    if kind == "pages":
        return pages(site, variant)
    return page(HTTPStatus.NOT_FOUND, not_found_page(path, site.version))


def page(status: HTTPStatus, html: str) -> Response:
    return Response(status, html.encode("utf-8"), HTML)


def text(status: HTTPStatus, message: str) -> Response:
    return Response(status, message.encode("utf-8"), TEXT)


def index(site: Site) -> Response:
    version = site.version  # read first: a change during the work still reloads the page
    with site.lock:
        project, problems = load(site.root)
        return page(HTTPStatus.OK, index_page(project, problems, version))


def preview(site: Site, variant: Variant) -> Response:
    version = site.version
    with site.lock:
        return page(*preview_page(site.root, variant, version))


def pdf(site: Site, variant: Variant) -> Response:
    with site.lock:
        return pdf_response(site.root, variant)


def pages(site: Site, variant: Variant) -> Response:
    version = site.version
    with site.lock:
        return pages_response(site.root, variant, version)


def file(root: Path, requested: str) -> Response:
    try:
        path = files.served_file(root, requested)
    except files.Refused as refused:
        return text(refused.status, refused.reason)
    return Response(HTTPStatus.OK, path.read_bytes(), files.content_type(path), files.HEADERS)


# ---------------------------------------------------------------- the work (under the lock)

def preview_page(root: Path, variant: Variant, version: int) -> tuple[HTTPStatus, str]:
    """The variant's HTML made for the browser, or a page listing what is wrong."""
    project, problems = load(root)
    errors = [p for p in relevant(problems, variant) if p.is_error]
    if errors:
        return HTTPStatus.INTERNAL_SERVER_ERROR, problems_page(variant, errors, version)
    if variant not in expand(project, Selection()):
        return HTTPStatus.NOT_FOUND, problems_page(variant, unknown(project, variant), version)
    try:
        html = render(project, variant).html
    except Exception as exc:  # a bug or an odd input must not take the server down
        failure = Problem(variant, f"rendering failed: {type(exc).__name__}: {exc}")
        return HTTPStatus.INTERNAL_SERVER_ERROR, problems_page(variant, [failure], version)
    warnings = [p for p in relevant(problems, variant) if not p.is_error]
    return HTTPStatus.OK, for_browser(html, project, variant, version, warnings)


def pdf_response(root: Path, variant: Variant) -> Response:
    """Build this one variant into the normal output folder; the PDF, or the problems as text."""
    built = built_pdf(root, variant)
    if isinstance(built, Response):
        return built
    return Response(HTTPStatus.OK, built.read_bytes(), "application/pdf",
                    {"Content-Disposition": f'inline; filename="{built.name}"'})


def pages_response(root: Path, variant: Variant, version: int) -> Response:
    """The variant's real pages, as the PDF prints them (built as for /pdf/, then drawn by
    PyMuPDF): page breaks, empty bands and the cover as a reader will see them."""
    built = built_pdf(root, variant)
    if isinstance(built, Response):
        return built
    return page(HTTPStatus.OK, pdf_pages_page(variant, variant_path(variant), page_images(built), version))


def page_images(pdf: Path, dpi: int = 72) -> list[str]:
    """Every page of a PDF as a PNG data: URL (72 dpi: one CSS pixel per point, sharp enough to
    judge a page, about 60 KB each)."""
    import pymupdf  # comes with pdfimpose; imported only when pages are asked for

    with pymupdf.open(pdf) as document:
        return ["data:image/png;base64," + base64.b64encode(p.get_pixmap(dpi=dpi).tobytes("png")).decode("ascii")
                for p in document]


def built_pdf(root: Path, variant: Variant) -> Path | Response:
    """Build this one variant into the normal output folder: its PDF, or the problems as a text
    response."""
    from ..pipeline import build  # WeasyPrint takes half a second to import: only when asked

    project, _ = load(root)
    if unknown_ids := only(variant).unknown(project):
        return text(HTTPStatus.NOT_FOUND, "\n".join(unknown_ids) + "\n")
    try:
        report = build(root, only(variant), jobs=1)
    except Exception as exc:  # reported on the page, like a failed build: the server keeps running
        return text(HTTPStatus.INTERNAL_SERVER_ERROR, f"{variant}: error: build failed: {type(exc).__name__}: {exc}\n")
    pdf = project.root / "output" / variant.output_path
    if (variant in report.built or variant in report.skipped) and pdf.is_file():
        return pdf
    errors = [p for p in report.problems if p.is_error]
    lines = [str(p) for p in (relevant(errors, variant) or errors)] or [f"{variant}: error: no PDF was made"]
    return text(HTTPStatus.INTERNAL_SERVER_ERROR, f"Could not build {variant}:\n\n" + "\n".join(lines) + "\n")


def load(root: Path) -> tuple[Project, list[Problem]]:
    """The project as it is on disk now (cached file contents forgotten, so edits show)."""
    clear_caches()
    project, problems = load_project(root)
    # Stale and missing translations show on the index and on their leaflet's pages, as in `check`.
    return project, problems + [p for leaflet in project.leaflets for p in translation_problems(leaflet)]


def relevant(problems: list[Problem], variant: Variant) -> list[Problem]:
    """Problems in this variant's leaflet or brand, or in no particular leaflet or brand."""
    own = (f"content/{variant.leaflet}/", f"brands/{variant.brand}/")
    other = ("content/", "brands/")
    return [p for p in problems
            if str(p.where).startswith(own) or not str(p.where).startswith(other)]


def only(variant: Variant) -> Selection:
    """The selection of exactly this variant, as the command line would make it."""
    return Selection((variant.leaflet,), (variant.audience,), (variant.language,), (variant.brand,), (variant.format,))


def unknown(project: Project, variant: Variant) -> list[str]:
    return only(variant).unknown(project) or [f"{variant}: this combination does not exist"]
