"""Editorial checks beyond validity: translations, review dates, readability.

These need no rendering, so `check` runs them in well under a second. Dates are compared with
`today`, passed in, so the checks are testable and a build never depends on the clock.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from .errors import Problem, SourceLocation
from .model import Document, Leaflet, Project
from .readability import FORMULAS, TARGET_SCORE, TARGET_WORDS, measure

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
            problems.append(Problem(where, f"stale translation: {meta.source_language}.md changed since this was translated; "
                                           f"update it, then run '{command}'", "warning"))
        elif state == "unrecorded":
            problems.append(Problem(where, f"translation does not record which {meta.source_language}.md it follows; "
                                           f"run '{command}' when it is up to date", "warning"))
    return problems


def _readability(document: Document) -> list[Problem]:
    result = measure(document, "patient")
    if result is None or result.meets_b1:
        return []
    return [Problem(document.where, f"patient edition is above B1: {result} (targets: {result.scale} ≥ {TARGET_SCORE:.0f}, "
                                    f"≤ {TARGET_WORDS:.0f} words/sentence)", "warning")]


def mark_translated(path: Path, source: Path) -> str:
    """Record in `path`'s front matter the hash of `source`; returns the hash."""
    import hashlib

    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    lines = path.read_text(encoding="utf-8").split("\n")
    end = lines.index("---", 1)
    for index in range(1, end):
        if re.match(r"^source_hash\s*:", lines[index]):
            lines[index] = f"source_hash: {digest}"
            break
    else:
        lines.insert(end, f"source_hash: {digest}")
    path.write_text("\n".join(lines), encoding="utf-8")
    return digest
