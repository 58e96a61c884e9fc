"""Validate stage: raw structures → typed model, collecting *every* problem with its location.

Guarantees: a Document or LeafletMeta returned here satisfies the content rules (the schemas in
`schema`, the body rules in `body`: known block kinds and options, headings in order, unique
ids, alt text on every image, known citation keys and cross-reference targets). Problems are
never raised.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pydantic import ValidationError

from .body import BodyChecker
from .errors import Problem, SourceLocation
from .model import Approval, Document, LeafletMeta, Source
from .read import Located, RawDocument
from .schema import FrontMatter, LeafletFile, model_problems


def validate_leaflet_meta(leaflet_id: str, located: Located | None) -> tuple[LeafletMeta | None, list[Problem]]:
    if located is None:
        return None, []
    data = located.data if isinstance(located.data, dict) else {}
    try:
        parsed = LeafletFile.model_validate(data)
    except ValidationError as exc:
        return None, model_problems(exc, located, model=LeafletFile)
    problems = []
    if parsed.review_by <= parsed.published:
        problems.append(Problem(located.at("review_by"), "review_by must be after published"))
    keys = [s.key for s in parsed.sources]
    for index, key in enumerate(keys):
        if key in keys[:index]:
            problems.append(Problem(located.at("sources", index, "key"), f"source key '{key}' is used twice"))
    sources = tuple(Source(**s.model_dump(), where=located.at("sources", i)) for i, s in enumerate(parsed.sources))
    owner = parsed.owner if isinstance(parsed.owner, str) else tuple(sorted(parsed.owner.items()))
    approvals = tuple(Approval(language, a.by, a.role, a.date, a.text, located.at("approvals", language))
                      for language, a in sorted(parsed.approvals.items()))
    meta = LeafletMeta(leaflet_id, parsed.version, parsed.published, parsed.review_by, owner,
                       parsed.source_language, tuple(parsed.audiences), sources, SourceLocation(located.path, 1),
                       tuple(parsed.languages), located.lines.get(("review_by",), 0), located.lines.get(("owner",), 0),
                       approvals, located.lines.get(("approvals",), 0))
    return (None if problems else meta), problems


def validate_document(raw: RawDocument, leaflet_id: str, language: str, file: Path,
                      source_keys: set[str], leaflet_ids: set[str]) -> tuple[Document | None, list[Problem]]:
    """Front matter and body of one `<lang>.md`."""
    if raw.front is None:
        return None, []
    try:
        front = FrontMatter.model_validate(raw.front.data if isinstance(raw.front.data, dict) else {})
    except ValidationError as exc:
        problems = model_problems(exc, raw.front, model=FrontMatter)
        front = None
    else:
        problems = []
    checker = BodyChecker(raw.path, file.parent, source_keys, leaflet_ids)
    body = checker.nodes(raw.body, None)
    checker.finish()
    problems += sorted(checker.problems, key=lambda p: p.where.line)  # stable: same line keeps its order
    if front is None or any(p.is_error for p in problems):
        return None, problems
    data = file.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    return Document(leaflet_id, language, front.title, front.summary, tuple(front.keywords),
                    front.translation_of, body, file, SourceLocation(raw.path, 1), digest,
                    front.source_hash or "", front.summary_professional,
                    raw.front.lines.get(("source_hash",), 1), tuple(sorted(checker.images)),
                    tuple(sorted(checker.leaflet_refs)), tuple(front.source_sections.items()),
                    text_hash(data)), problems


BOOKKEEPING = re.compile(rb"\n(?:source_hash|source_sections)[ \t]*:[^\n]*")  # the line and its line break


def text_hash(data: bytes) -> str:
    """sha256 of a content file without the lines `translated` writes, and with Windows line
    endings read as the readers read them: marking a translation up to date, or a checkout that
    converts line endings, changes no word a reader sees, so neither undoes an approval."""
    data = data.replace(b"\r\n", b"\n")
    end = data.find(b"\n---", 3)
    front, rest = (data[:end], data[end:]) if data.startswith(b"---") and end > 0 else (b"", data)
    return hashlib.sha256(BOOKKEEPING.sub(b"", front) + rest).hexdigest()
