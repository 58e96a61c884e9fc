"""Find and load everything a build reads: content/, brands/, the format registry.

Guarantees: `load_project` never raises on bad input; it returns the valid parts and every
problem found, each with file and line.
"""
from __future__ import annotations

import re
from pathlib import Path

from .brand import load_brand
from .errors import Problem, SourceLocation, relative
from .formats import FORMATS
from .model import Leaflet, Project
from .i18n import known_language
from .read import load_yaml, read_markdown
from .validate import validate_document, validate_leaflet_meta

LANGUAGE_FILE = re.compile(r"^[a-z]{2,3}\.md$")


def load_project(root: Path) -> tuple[Project, list[Problem]]:
    root = root.resolve()
    problems: list[Problem] = []
    content = root / "content"
    folders = sorted(p for p in content.iterdir() if p.is_dir()) if content.is_dir() else []
    if not folders:
        problems.append(Problem(SourceLocation(relative(content, root)), "no leaflets found (expected content/<leaflet>/leaflet.yaml)"))
    ids = {f.name for f in folders}
    leaflets = []
    for folder in folders:
        leaflet, found = load_leaflet(folder, root, ids)
        problems += found
        if leaflet is not None:
            leaflets.append(leaflet)
    brands = []
    for folder in sorted(p for p in (root / "brands").iterdir() if p.is_dir()) if (root / "brands").is_dir() else []:
        brand, found = load_brand(folder, root)
        problems += found
        if brand is not None:
            brands.append(brand)
    return Project(root, tuple(leaflets), tuple(brands), tuple(FORMATS.values())), problems


def load_leaflet(folder: Path, root: Path, leaflet_ids: set[str]) -> tuple[Leaflet | None, list[Problem]]:
    meta_path = folder / "leaflet.yaml"
    shown = relative(meta_path, root)
    if not meta_path.is_file():
        return None, [Problem(SourceLocation(shown), "missing leaflet.yaml (version, dates, owner, sources)")]
    located, problems = load_yaml(meta_path.read_text(encoding="utf-8"), shown)
    meta, found = validate_leaflet_meta(folder.name, located)
    problems += found
    if meta is None:
        return None, problems
    keys = {s.key for s in meta.sources}
    documents = []
    for path in sorted(folder.glob("*.md")):
        if not LANGUAGE_FILE.match(path.name):
            problems.append(Problem(SourceLocation(relative(path, root)),
                                    "not a language file (expected <language>.md, e.g. nl.md): ignored", "warning"))
            continue
        if not known_language(path.stem):
            problems.append(Problem(SourceLocation(relative(path, root)),
                                    f"unknown language code '{path.stem}' (use an ISO 639-1 code such as nl, en, ar)"))
            continue
        raw, found = read_markdown(path, relative(path, root))
        document, more = validate_document(raw, folder.name, path.stem, path, keys, leaflet_ids)
        problems += found + more
        if document is not None:
            documents.append(document)
    if not any(p.stem == meta.source_language for p in folder.glob("*.md")):
        problems.append(Problem(SourceLocation(shown, located.lines.get(("source_language",), 1)),
                                f"source language file {meta.source_language}.md is missing"))
    return Leaflet(meta, tuple(documents), folder), problems
