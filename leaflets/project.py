"""Find and load everything a build reads: content/, brands/, the format registry.

Guarantees: `load_project` never raises on bad input; it returns the valid parts and every
problem found, each with file and line. A leaflet, language file or brand with any error is
left out of the project, so nothing is built from it and its last good PDFs stay. Folders and
files that are symbolic links leading out of the project are refused, not followed.
"""
from __future__ import annotations

import re
from pathlib import Path

from .boundary import inside
from .brand import load_brand
from .errors import Problem, SourceLocation, relative
from .formats import FORMATS
from .deadline import TooSlow, deadline
from .limits import SECONDS_PER_FILE
from .model import Document, Leaflet, Project
from .i18n import known_language
from .read import load_yaml_file, read_markdown
from .validate import validate_document, validate_leaflet_meta

LANGUAGE_FILE = re.compile(r"^[a-z]{2,3}\.md$")
FOLDER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")  # it becomes part of file names and URLs


def folders(parent: Path, root: Path, what: str) -> tuple[list[Path], list[Problem]]:
    """The leaflet or brand folders under `parent` whose names can be ids and that stay inside
    the project; every other folder is a problem."""
    found, problems = [], []
    for folder in sorted(p for p in parent.iterdir() if p.is_dir()) if parent.is_dir() else []:
        where = SourceLocation(relative(folder, root))
        if not FOLDER_ID.match(folder.name):
            problems.append(Problem(where, f"{what} folder name '{folder.name}' must be lower-case letters, digits "
                                           "and '-' (it becomes part of file names)"))
        elif not inside(folder, root):
            problems.append(Problem(where, f"{what} folder is a symbolic link to a folder outside the project: refused"))
        else:
            found.append(folder)
    return found, problems


def load_project(root: Path) -> tuple[Project, list[Problem]]:
    root = root.resolve()
    problems: list[Problem] = []
    content = root / "content"
    leaflet_folders, problems = folders(content, root, "leaflet")
    if not leaflet_folders and not problems:
        problems.append(Problem(SourceLocation(relative(content, root)), "no leaflets found (expected content/<leaflet>/leaflet.yaml)"))
    ids = {f.name for f in leaflet_folders}
    leaflets = []
    for folder in leaflet_folders:
        leaflet, found = load_leaflet(folder, root, ids)
        problems += found
        if leaflet is not None:
            leaflets.append(leaflet)
    brands = []
    brand_folders, found = folders(root / "brands", root, "brand")
    problems += found
    for folder in brand_folders:
        brand, found = load_brand(folder, root)
        problems += found
        if brand is not None:
            brands.append(brand)
    return Project(root, tuple(leaflets), tuple(brands), tuple(FORMATS.values())), problems


def load_document(path: Path, root: Path, keys: set[str], leaflet_ids: set[str]) -> tuple[Document | None, list[Problem]]:
    """One `<lang>.md`, read and validated within the time limit. Any error in the file (an
    unclosed block too) keeps it out, so its last good PDFs stay."""
    shown = relative(path, root)
    try:
        with deadline(SECONDS_PER_FILE):
            raw, found = read_markdown(path, shown, path.parent)  # a linked file stays in its leaflet folder
            document, more = validate_document(raw, path.parent.name, path.stem, path, keys, leaflet_ids)
    except TooSlow as exc:
        return None, [Problem(SourceLocation(shown), f"{exc} to read and check: split long paragraphs and lists")]
    except RecursionError:
        return None, [Problem(SourceLocation(shown), "is nested too deeply to read (lists, quotes or emphasis)")]
    problems = found + more
    return (None if any(p.is_error for p in problems) else document), problems


def load_leaflet(folder: Path, root: Path, leaflet_ids: set[str]) -> tuple[Leaflet | None, list[Problem]]:
    meta_path = folder / "leaflet.yaml"
    shown = relative(meta_path, root)
    if not meta_path.is_file():
        return None, [Problem(SourceLocation(shown), "missing leaflet.yaml (version, dates, owner, sources)")]
    located, problems = load_yaml_file(meta_path, shown, folder)
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
        document, found = load_document(path, root, keys, leaflet_ids)
        problems += found
        if document is not None:
            documents.append(document)
    if not any(p.stem == meta.source_language for p in folder.glob("*.md")):
        problems.append(Problem(SourceLocation(shown, located.lines.get(("source_language",), 1)),
                                f"source language file {meta.source_language}.md is missing"))
    return Leaflet(meta, tuple(documents), folder), problems
