"""Verify stage: read a written PDF back and check it against PDF/UA-1 (ISO 14289-1).

The checks follow the machine-checkable failure conditions of the Matterhorn Protocol 1.1,
grouped by the clause of ISO 14289-1 they come from; `docs/verify.md` lists every check and the
agreement with the veraPDF test corpus (`scripts/corpus_agreement.py`).

Each `Finding` names the most specific clause it violates ("7.18.5", "7.21.4.1", ...).
`verify_pdf` never raises on a bad PDF: an unreadable file is itself a finding, and a check that
trips over a malformed object reports that as a finding of its clause instead of crashing.

Cost: one pass over the structure tree, one pass over each page's content stream (pikepdf
filters the operators in C++; form XObjects parsed once), fonts, CMaps and font programs read
once per object. A 30-page leaflet takes about 0.1 s.

Modules, by what they check (each names its clauses):

- `metadata`: 5, 7.1 and 7.2: XMP metadata (pdfuaid:part, dc:title) and the catalog entries
- `structure`: 7.1, 7.2, 7.3, 7.4, 7.7, 7.9, 7.18.4: the structure tree, role map, grouping,
  alternative text, headings, notes; `tables`: 7.2 table regularity and 7.5 table headers
- `language`: 7.2: /Lang on structure elements, bookmarks and form fields
- `content`: 7.1 and 7.2 in the content streams: tagged content versus artifacts
- `annotations`: 7.18
- `features`: 7.10, 7.11, 7.15, 7.16, 7.20
- `fonts`, `fontprogram`, `cmaps`: 7.21
- `pdfutil`: lenient readers of pikepdf objects that all of them share
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, Callable

import pikepdf
from pikepdf import Stream

from .annotations import AnnotationChecks
from .content import ContentChecks
from .features import FeatureChecks
from .fonts import FontChecks, _FontUse
from .language import LanguageChecks
from .metadata import MetadataChecks
from .structure import STANDARD_TYPES, StructureChecks, _Elem
from .tables import TableChecks

__all__ = ["Finding", "PdfFacts", "verify_pdf", "STANDARD_TYPES"]


@dataclass(frozen=True)
class Finding:
    clause: str
    message: str

    def __str__(self) -> str:
        return f"PDF/UA-1 {self.clause}: {self.message}"


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
    try:
        pdf = pikepdf.open(BytesIO(data) if isinstance(data, (bytes, bytearray)) else data)
    except pikepdf.PasswordError as exc:
        return None, [Finding("7.16", f"encrypted PDF cannot be opened without a password ({exc})")]
    except (pikepdf.PdfError, OSError, ValueError, RuntimeError) as exc:
        return None, [Finding("5", f"not a readable PDF: {exc}")]
    with pdf:
        checker = _Checker(pdf)
        checker.run()
        try:
            return checker.facts(), checker.findings
        except Exception as exc:  # e.g. a page tree too broken to count: still a finding, not a crash
            return None, checker.findings + [Finding("7.1", f"page tree cannot be read: {type(exc).__name__}: {exc}")]


class _Checker(MetadataChecks, StructureChecks, TableChecks, LanguageChecks, ContentChecks, AnnotationChecks,
               FeatureChecks, FontChecks):
    """The state the checks share (structure elements, catalog language, fonts met in content ...);
    each mixin adds the checks of its clauses, `run` calls them in order."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        self.root = pdf.Root
        self.findings: list[Finding] = []
        self._seen_findings: set[tuple[str, str]] = set()
        self.catalog_lang: str | None = None  # the catalog /Lang, when it is a valid language tag
        self.declared_lang = ""  # the catalog /Lang as written, for PdfFacts
        self.title = ""
        self.pdfua_part = ""
        self.headings: list[str] = []
        self.elements: list[_Elem] = []
        self.role_map: dict[str, Any] = {}
        self.class_map: Any = None
        self.mcid_owner: dict[tuple[Any, int], _Elem] = {}
        self.objr_owner: dict[Any, _Elem] = {}
        self.parent_tree: dict[int, Any] | None = None
        self.bookmarks = 0
        self.font_uses: dict[Any, _FontUse] = {}
        self.form_uses: Counter = Counter()
        self.forms_with_mcid: dict[Any, Stream] = {}
        self._parsed: dict[Any, list] = {}
        self._type_cache: dict[str, tuple[str | None, str]] = {}
        self._xmp_lang_alt_default = False

    # -- reporting ---------------------------------------------------------------------------

    def add(self, clause: str, message: str) -> None:
        if (clause, message) not in self._seen_findings:
            self._seen_findings.add((clause, message))
            self.findings.append(Finding(clause, message))

    def facts(self) -> PdfFacts:
        return PdfFacts(
            pages=len(self.pdf.pages),
            title=self.title,
            language=self.declared_lang,
            headings=tuple(self.headings),
            bookmarks=self.bookmarks,
            structure_elements=len(self.elements),
            pdfua_part=self.pdfua_part,
        )

    def run(self) -> None:
        checks: list[tuple[str, Callable[[], None]]] = [
            ("5", self.check_metadata),
            ("7.1", self.check_catalog),
            ("7.1", self.check_structure_tree),
            ("7.2", self.check_language_entries),
            ("7.1", self.check_content),
            ("7.2", self.check_outlines),
            ("7.18", self.check_annotations),
            ("7.2", self.check_form_fields),
            ("7.10", self.check_optional_content),
            ("7.11", self.check_embedded_files),
            ("7.15", self.check_xfa),
            ("7.16", self.check_encryption),
            ("7.20", self.check_xobjects),
            ("7.21", self.check_fonts),
        ]
        for clause, check in checks:
            try:
                check()
            except RecursionError:
                self.add(clause, f"{check.__name__.removeprefix('check_')} could not be checked: objects nest too deeply")
            except Exception as exc:  # a malformed object must become a finding, not a crash
                self.add(clause, f"{check.__name__.removeprefix('check_').replace('_', ' ')} could not be checked: "
                                 f"{type(exc).__name__}: {exc}")
