"""The parsed index of a PDF: everything the checks read, gathered once by `build_index`.

The readers run in the one order their data needs (the content walk asks the structure tree who
owns each MCID); the checks then only read the index, so none depends on another having run.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TypeVar

import pikepdf
from pikepdf import Dictionary

from .content import ContentFacts, walk_content
from .findings import Finding, contained
from .language import count_outlines, read_catalog_lang
from .metadata import Xmp, read_xmp
from .structure import StructTree, read_structure

T = TypeVar("T")


@dataclass(frozen=True)
class PdfIndex:
    """A PDF as the checks see it. Read-only: checks must not change what they are given."""

    pdf: pikepdf.Pdf
    root: Dictionary  # the document catalog
    pages: tuple[Dictionary, ...]  # page dictionaries in page order
    page_tree_read: bool  # False when the page tree could not be read (then `pages` is empty)
    xmp: Xmp
    declared_lang: str  # the catalog /Lang as written ("" when absent)
    catalog_lang: str | None  # the same when it is a valid language tag
    structure: StructTree
    content: ContentFacts
    outlines: int  # number of bookmarks


def build_index(pdf: pikepdf.Pdf) -> tuple[PdfIndex, list[Finding]]:
    """Read the PDF once. A part that cannot be read is left empty, with a finding saying so."""
    findings: list[Finding] = []

    def part(clause: str, what: str, read: Callable[[], T], empty: T) -> T:
        value, problems = contained(clause, f"{what} could not be read", read, empty)
        findings.extend(problems)
        return value

    root = pdf.Root
    pages = part("7.1", "page tree", lambda: tuple(page.obj for page in pdf.pages), None)
    structure = part("7.1", "structure tree", lambda: read_structure(root), StructTree())
    declared_lang, catalog_lang = part("7.2", "catalog /Lang", lambda: read_catalog_lang(root), ("", None))
    index = PdfIndex(
        pdf, root, pages or (), pages is not None,
        xmp=part("5", "XMP metadata", lambda: read_xmp(root), Xmp(problem="unread")),
        declared_lang=declared_lang, catalog_lang=catalog_lang, structure=structure,
        content=part("7.1", "content", lambda: walk_content(pages or (), structure), ContentFacts()),
        outlines=part("7.2", "outlines", lambda: count_outlines(root), 0),
    )
    return index, findings
