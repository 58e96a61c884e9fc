"""Editorial checks beyond validity: translations, review dates, readability.

These need no rendering, so `check` runs them in well under a second. Dates are compared with
`today`, passed in, so the checks are testable and a build never depends on the clock.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import date, timedelta
from pathlib import Path

from .approval import approval_problems
from .errors import Problem, SourceLocation
from .model import Document, Leaflet, Project
from .readability import FORMULAS, TARGET_SCORE, TARGET_WORDS, measure
from .schema import FrontMatter
from .yamledit import edit_yaml

REVIEW_WARNING = timedelta(days=60)


def short_hash(document: Document) -> str:
    return document.source_hash[:12]


def translation_state(leaflet: Leaflet, document: Document) -> str:
    """'source', 'current', 'stale' or 'unrecorded' (a translation with no source_hash)."""
    if document.language == leaflet.meta.source_language:
        return "source"
    source = leaflet.document(leaflet.meta.source_language)
    if not document.translated_from_hash:
        return "unrecorded"
    return "current" if source is not None and document.translated_from_hash == short_hash(source) else "stale"


def editorial_problems(project: Project, today: date) -> list[Problem]:
    problems: list[Problem] = []
    for leaflet in project.leaflets:
        problems += _review(leaflet, today)
        problems += translation_problems(leaflet)
        problems += _per_language_fields(project, leaflet)
        problems += approval_problems(leaflet)
        for document in leaflet.documents:
            problems += _readability(document)
    return problems + _readability_coverage(project)


def _per_language_fields(project: Project, leaflet: Leaflet) -> list[Problem]:
    """Fields given per language that lack one of the leaflet's languages: the printed leaflet
    would fall back to another language's text without a word."""
    problems = []
    languages = [d.language for d in leaflet.documents]
    if not isinstance(leaflet.meta.owner, str):
        named = dict(leaflet.meta.owner)
        for language in languages:
            if language not in named:
                where = SourceLocation(leaflet.meta.where.path, leaflet.meta.owner_line)
                problems.append(Problem(where, f"owner has no name for '{language}' (has: {', '.join(named)}): the "
                                               f"{language} edition prints '{leaflet.meta.owner_in(language)}'", "warning"))
    for brand in project.brands:
        notes = dict(brand.disclaimer)
        for language in languages:
            if notes and language not in notes:
                where = SourceLocation(brand.where.path, brand.disclaimer_line)
                problems.append(Problem(where, f"leaflets.disclaimer has no note for '{language}' (has: "
                                               f"{', '.join(notes)}): the {leaflet.meta.id} {language} edition "
                                               "prints none", "warning"))
    return problems


def _readability_coverage(project: Project) -> list[Problem]:
    """Languages with no readability formula: say so once, instead of a silent '–'."""
    languages = sorted({d.language for l in project.leaflets for d in l.documents} - set(FORMULAS))
    return [Problem(SourceLocation("content"), f"no readability formula for '{language}' (formulas exist for: "
                                               f"{', '.join(sorted(FORMULAS))}): its patient editions are not "
                                               "checked against B1", "warning") for language in languages]


def _review(leaflet: Leaflet, today: date) -> list[Problem]:
    meta = leaflet.meta
    where = SourceLocation(meta.where.path, meta.review_by_line)
    if meta.review_by < today:
        return [Problem(where, f"review date {meta.review_by.isoformat()} has passed: review the leaflet and set a new review_by")]
    if meta.review_by - today <= REVIEW_WARNING:
        days = (meta.review_by - today).days
        return [Problem(where, f"review due in {days} days ({meta.review_by.isoformat()})", "warning")]
    return []


def translation_problems(leaflet: Leaflet, languages: set[str] | None = None) -> list[Problem]:
    """Missing, stale and unrecorded translations (warnings), for all or only some languages."""
    problems = []
    meta = leaflet.meta
    for language in meta.languages:
        if languages is not None and language not in languages:
            continue
        if leaflet.document(language) is None and not (leaflet.folder / f"{language}.md").exists():
            problems.append(Problem(SourceLocation(f"{Path(meta.where.path).parent}/{language}.md"),
                                    f"missing translation: leaflet.yaml lists language '{language}'", "warning"))
    for document in leaflet.documents:
        if languages is not None and document.language not in languages:
            continue
        state = translation_state(leaflet, document)
        where = SourceLocation(document.where.path, document.source_hash_line)
        command = f"python build.py translated {document.where.path}"
        if state == "stale":
            changed = _changed_sections(leaflet, document)
            problems.append(Problem(where, f"stale translation: {meta.source_language}.md changed since this was "
                                           f"translated{changed}; update it, then run '{command}'", "warning"))
        elif state == "unrecorded":
            problems.append(Problem(where, f"translation does not record which {meta.source_language}.md it follows; "
                                           f"run '{command}' when it is up to date", "warning"))
    return problems


SECTION = re.compile(r"^(?:##[ \t]+(?P<heading>.+)|/{3,}[ \t]*(?:category|links)[ \t]*\|(?P<block>.+))$")


def sections(text: str) -> list[tuple[str, int, str]]:
    """(title, line, 8-hex hash) of each section of a content file: the text from one `## ` heading
    or section block (category, links) to the next; what comes before the first is 'introduction'."""
    found: list[tuple[str, int, list[str]]] = [("introduction", 1, [])]
    for number, line in enumerate(text.split("\n"), 1):
        if match := SECTION.match(line):
            title = re.sub(r"\s*\{#[^}]*\}\s*$", "", (match["heading"] or match["block"]).strip()).rstrip("# ").strip()
            found.append((title, number, []))
        found[-1][2].append(line)
    return [(title, line, hashlib.sha256("\n".join(body).encode()).hexdigest()[:8]) for title, line, body in found]


def _changed_sections(leaflet: Leaflet, document: Document) -> str:
    """' (changed: 'A' at line 12; new: 'B')' against the sections recorded at translation time."""
    recorded = dict(document.translated_sections)
    source = leaflet.document(leaflet.meta.source_language)
    if not recorded or source is None:
        return ""
    now = sections(source.path.read_text(encoding="utf-8"))
    changed = [f"'{t}' at line {n}" for t, n, h in now if t in recorded and recorded[t] != h]
    new = [f"'{t}' at line {n}" for t, n, h in now if t not in recorded]
    gone = [f"'{t}'" for t in recorded if t not in {t for t, _, _ in now}]
    parts = [f"{label}: {', '.join(items)}" for label, items in (("changed", changed), ("new", new), ("removed", gone)) if items]
    return f" ({'; '.join(parts)})" if parts else ""


def _readability(document: Document) -> list[Problem]:
    result = measure(document, "patient")
    if result is None or result.meets_b1:
        return []
    return [Problem(document.where, f"patient edition is above B1: {result} (targets: {result.scale} ≥ {TARGET_SCORE:.0f}, "
                                    f"≤ {TARGET_WORDS:.0f} words/sentence)", "warning")]


def mark_translated(path: Path, source: Path) -> str:
    """Record in `path`'s front matter the hash of `source` and of each of its sections (a
    line each, replaced in place or added at the end of the front matter); returns the hash."""
    text = source.read_text(encoding="utf-8")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    recorded = {title: h for title, _, h in sections(text)}
    values = {"source_hash": digest, "source_sections": recorded}
    # JSON is YAML; quoted, a digest of only digits stays text (unquoted, YAML reads it as a number)
    written = {key: json.dumps(value, ensure_ascii=False) for key, value in values.items()}

    def edit(lines: list[str]) -> list[str]:
        for key, value in written.items():
            at = next((i for i, line in enumerate(lines) if re.match(rf"^{key}\s*:", line)), None)
            if at is None:
                lines.append(f"{key}: {value}")
            else:
                lines[at] = f"{key}: {value}"
        return lines

    edit_yaml(path, edit, lambda old: {**old, **values}, FrontMatter, front_matter=True,
              what="recording the translation")
    return digest
