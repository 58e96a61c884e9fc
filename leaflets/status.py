"""`python build.py status`: one table of leaflets × languages × audiences."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .approval import edition
from .editorial import translation_state
from .expand import Selection, expand
from .inputs import InputHasher, imposition_key
from .project import load_project
from .readability import measure
from .web import pdf_links, web_editions, web_key
from .write import OutputStore


def status_table(root: Path, output: Path | None = None) -> str:
    project, problems = load_project(root)
    store = OutputStore.read_only(output or root / "output")
    hasher = InputHasher(project)
    table = Table(title="Leaflets", show_lines=False)
    for column in ("leaflet", "lang", "audience", "version", "review by", "translation", "approval", "readability",
                   "PDFs current", "web"):
        table.add_column(column)
    for leaflet in project.leaflets:
        for document in leaflet.documents:
            for audience in leaflet.meta.audiences:
                variants = expand(project, Selection(leaflets=(leaflet.meta.id,), audiences=(audience,),
                                                     languages=(document.language,)))
                current = sum(_is_current(project, hasher, store, v) for v in variants)
                pages = web_editions(project, Selection(leaflets=(leaflet.meta.id,), audiences=(audience,),
                                                        languages=(document.language,)))
                web_current = sum(store.up_to_date(v, web_key(hasher, v, pdf_links(project, store, v))) for v in pages)
                result = measure(document, audience) if audience == "patient" else None
                table.add_row(leaflet.meta.id, document.language, audience, leaflet.meta.version,
                              leaflet.meta.review_by.isoformat(), translation_state(leaflet, document),
                              _approval(leaflet, document),
                              str(result) if result else "–", f"{current}/{len(variants)}",
                              f"{web_current}/{len(pages)}")
    console = Console(width=140, record=True, force_terminal=False)
    with console.capture() as capture:
        console.print(table)
        if problems:
            console.print(f"{len(problems)} problems: run 'python build.py check'")
    return capture.get()


def _approval(leaflet, document) -> str:
    state = edition(leaflet, document)
    if state.approved:
        return f"approved {state.approval.date.isoformat()}"
    return "draft (changed)" if state.approval else "draft"


def _is_current(project, hasher: InputHasher, store: OutputStore, variant) -> bool:
    """What the build would decide: the same key and an intact PDF."""
    imposed_from = project.format(variant.format).imposed_from
    if imposed_from:
        source = store.record(replace(variant, format=imposed_from))
        if source is None:
            return False
        key = imposition_key(source.entry.sha256)
    else:
        key = hasher.key(variant)
    return store.up_to_date(variant, key)
