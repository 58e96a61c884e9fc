"""Verify stage: read a written PDF back and check it against PDF/UA-1 (ISO 14289-1).

The checks follow the machine-checkable failure conditions of the Matterhorn Protocol 1.1,
grouped by the clause of ISO 14289-1 they come from; `docs/verify.md` lists every check and the
agreement with the veraPDF test corpus (`scripts/corpus_agreement.py`).

One shape, read top to bottom in `verify_pdf`:

    open (pikepdf) -> build_index (index.py) -> each check in CHECKS -> findings

- `build_index` reads the PDF once into a frozen `PdfIndex`: catalog, pages, XMP, the structure
  tree (elements with parent links, role map, ParentTree, MCID and OBJR owners), and one walk of
  every content stream (untagged content, languages, fonts with the codes they show, form
  XObjects). A part that cannot be read is left empty, with a finding.
- Each check is a plain function `check_<what>(index) -> list[Finding]` that only reads the
  index, so the checks are independent of each other and of their order in CHECKS (which only
  fixes the order findings are listed in). Parent/child nesting rules are a table (`nesting.py`).
- `findings.contained` is the one boundary that turns an unexpected exception into a finding of
  the clause being checked; everywhere else the specific exceptions of a malformed object are
  caught where it is read. `verify_pdf` never raises on a bad PDF.

Each `Finding` names the most specific clause it violates ("7.18.5", "7.21.4.1", ...).
Cost: one pass over the structure tree, one pass over each page's content stream (pikepdf
filters the operators in C++; form XObjects parsed once), fonts, CMaps and font programs read
once per object. A 30-page leaflet takes about 0.1 s.

Modules, by what they read or check (each names its clauses):

- `index`: the PdfIndex and its one builder; `findings`: Finding and the exception boundary
- `metadata`: 5, 7.1 and 7.2: XMP metadata (pdfuaid:part, dc:title) and the catalog entries
- `structure`: 7.1, 7.2, 7.3, 7.4, 7.7, 7.9, 7.18.4: the structure tree, role map, alternative
  text, headings, notes, forms; `nesting`: 7.2 what may contain what; `tables`: 7.2 table
  regularity and 7.5 table headers
- `language`: 7.2: /Lang on structure elements, bookmarks and form fields
- `content`: 7.1 and 7.2 in the content streams: tagged content versus artifacts
- `annotations`: 7.18
- `links`: 7.1 and 7.18: content and structure name each other (page /StructParents and
  annotation /StructParent through the ParentTree against MCR and OBJR; every element's /P)
- `conditions`: the Matterhorn failure conditions as data, and `classify`, which names each
  finding's condition
- `features`: 7.10, 7.11, 7.15, 7.16, 7.20
- `fonts`, `fontprogram`: 7.21; `cmaps`: CMap and encoding tables (the ToUnicode parser is
  shared with the post-processor)
- `pdfutil`: lenient readers of pikepdf objects that all of them share
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Callable

import pikepdf

from .annotations import check_annotations
from .content import check_content
from .features import check_embedded_files, check_encryption, check_optional_content, check_xfa, check_xobjects
from .fonts import check_fonts
from .language import check_form_fields, check_language_entries, check_outlines
from .links import check_annotation_links, check_content_links, check_parent_links
from .metadata import check_catalog, check_metadata, check_metadata_stream, check_version
from .nesting import check_grouping
from .structure import (check_alternatives, check_form_elements, check_headings, check_notes, check_role_map,
                        check_structure_tree)
from .tables import check_tables
from .conditions import classify
from .findings import Finding, contained, unique
from .index import PdfIndex, build_index
from .structure import STANDARD_TYPES, numbered_headings

__all__ = ["Finding", "PdfFacts", "verify_pdf", "STANDARD_TYPES"]

Check = Callable[[PdfIndex], list[Finding]]

#: Every check with the clause a failure of the check itself is filed under. The order is the
#: order findings are listed in, nothing more: each check reads only the index.
CHECKS: tuple[tuple[str, Check], ...] = (
    ("5", check_version),
    ("5", check_metadata),
    ("7.1", check_metadata_stream),
    ("7.1", check_catalog),
    ("7.1", check_structure_tree),
    ("7.1", check_parent_links),
    ("7.1", check_role_map),
    ("7.2", check_grouping),
    ("7.3", check_alternatives),
    ("7.4", check_headings),
    ("7.2", check_tables),
    ("7.9", check_notes),
    ("7.18.4", check_form_elements),
    ("7.2", check_language_entries),
    ("7.1", check_content),
    ("7.1", check_content_links),
    ("7.2", check_outlines),
    ("7.18", check_annotations),
    ("7.18", check_annotation_links),
    ("7.2", check_form_fields),
    ("7.10", check_optional_content),
    ("7.11", check_embedded_files),
    ("7.15", check_xfa),
    ("7.16", check_encryption),
    ("7.20", check_xobjects),
    ("7.21", check_fonts),
)


@dataclass(frozen=True)
class PdfFacts:
    """What verification learned, for the manifest and tests."""

    pages: int
    title: str
    language: str
    headings: tuple[str, ...]  # structure types H1..H6 (after role mapping) in reading order
    bookmarks: int
    structure_elements: int = 0
    pdfua_part: str = ""


def verify_pdf(data: bytes | Path) -> tuple[PdfFacts | None, list[Finding]]:
    """What the PDF is (None when it cannot be opened or its pages counted) and every finding."""
    try:
        pdf = pikepdf.open(BytesIO(data) if isinstance(data, (bytes, bytearray)) else data)
    except pikepdf.PasswordError as exc:
        return None, [Finding("7.16", f"encrypted PDF cannot be opened without a password ({exc})")]
    except (pikepdf.PdfError, OSError, ValueError, RuntimeError) as exc:
        return None, [Finding("5", f"not a readable PDF: {exc}")]
    with pdf:
        index, findings = build_index(pdf)
        return _facts(index), classify(unique(findings + run_checks(index, CHECKS)))


def run_checks(index: PdfIndex, checks: tuple[tuple[str, Check], ...]) -> list[Finding]:
    """The findings of each check in turn; a check that raises is a finding of its clause."""
    findings: list[Finding] = []
    for clause, check in checks:
        name = check.__name__.removeprefix("check_").replace("_", " ")
        found, problems = contained(clause, f"{name} could not be checked", partial(check, index), [])
        findings += found + problems
    return findings


def _facts(index: PdfIndex) -> PdfFacts | None:
    if not index.page_tree_read:
        return None
    return PdfFacts(
        pages=len(index.pages),
        title=index.xmp.title,
        language=index.declared_lang,
        headings=tuple(e.std for e in numbered_headings(index.structure) if e.std is not None),
        bookmarks=index.outlines,
        structure_elements=len(index.structure.elements),
        pdfua_part=index.xmp.parts[0] if index.xmp.parts else "",
    )
