"""The preview server's pages, from the Jinja templates in leaflets/templates/preview/: its own
index, problems and not-found pages, and the print HTML dressed for the browser.

Values only: nothing here reads files or knows about HTTP; `routes.py` decides which page to show.
"""
from __future__ import annotations

import re

from ..errors import Problem
from ..expand import Selection, expand
from ..htmlpages import render_page
from ..model import Leaflet, Project, Variant
from .urls import rewrite_urls, variant_path
from .watcher import WATCHED

def index_page(project: Project, problems: list[Problem], version: int) -> str:
    """Every leaflet × language × audience × brand × format, with links to its preview and PDF."""
    brands = [b.id for b in project.brands]
    return render_page("preview/index.html.j2", version=version, root=project.root,
                       variants=len(expand(project, Selection())), watched=WATCHED, problems=problems,
                       errors=sum(p.is_error for p in problems), brands=brands,
                       formats=[f.id for f in project.formats],
                       leaflets=[_leaflet(l) for l in project.leaflets if l.documents and brands],
                       link=lambda *ids: variant_path(Variant(*ids)))


def _leaflet(leaflet: Leaflet) -> dict:
    main = leaflet.document(leaflet.meta.source_language) or leaflet.documents[0]
    return {"id": leaflet.meta.id, "anchor": re.sub(r"[^A-Za-z0-9_-]+", "-", leaflet.meta.id),
            "language": leaflet.meta.source_language, "title": main.title,
            "documents": leaflet.documents, "audiences": leaflet.meta.audiences}


def problems_page(variant: Variant, problems: list, version: int) -> str:
    """Why a variant cannot be shown; it reloads by itself once the files are fixed."""
    return render_page("preview/problems.html.j2", version=version, variant=variant, problems=problems)


def pdf_pages_page(variant: Variant, path: str, images: list[str], version: int) -> str:
    """A variant's printed pages side by side (`images`: one PNG data: URL per page)."""
    return render_page("preview/pdf-pages.html.j2", version=version, variant=variant, path=path, images=images)


def not_found_page(path: str, version: int) -> str:
    return render_page("preview/not-found.html.j2", version=version, path=path)


def for_browser(page: str, project: Project, variant: Variant, version: int, warnings: list[Problem]) -> str:
    """The print HTML, made to load through this server, look like paper and reload on edits."""
    page = rewrite_urls(page, project.leaflet(variant.leaflet).folder.resolve())
    head = render_page("preview/head.html.j2", version=version, **_paper(project, variant.format))
    bar = render_page("preview/bar.html.j2", variant=variant, path=variant_path(variant), warnings=warnings)
    page = page.replace("</head>", head + "</head>", 1)
    return re.sub(r"(<body\b[^>]*>)", lambda m: m[1] + "\n" + bar, page, count=1)


def _paper(project: Project, format_id: str) -> dict[str, str]:
    """The sheet one page is printed on, as CSS: an imposed format shows the pages it is made of."""
    fmt = project.format(format_id)
    paper = project.format(fmt.imposed_from) if fmt.imposed_from else fmt
    width, height = paper.size_mm
    top, right, bottom, left = paper.margins_mm
    return {"width": f"{width:g}mm", "height": f"{height:g}mm", "padding": f"{top}mm {right}mm {bottom}mm {left}mm"}
