"""The Matterhorn Protocol 1.1 failure conditions the verifier checks, as data.

Each `Condition` names a machine-checkable failure condition, the clause of ISO 14289-1 it comes
from, and the finding messages that report it (a regular expression over `Finding.message`).
`classify` gives each finding its condition; checks that know it (links.py, the metadata stream
check) set it themselves. `UNCOVERED` lists the machine-checkable conditions the verifier does
not check, each with the reason. docs/verify.md publishes both tables, and
tests/pdf/test_verify_mutants.py proves every row of `CONDITIONS` on a mutated leaflet.

Numbering follows the Matterhorn Protocol 1.1 (PDF Association, 2021). Checkpoint 31 (fonts)
numbers from 31-008 on were written from memory of that table, not copied from it: they are
the likeliest numbers, to be checked against the published protocol.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable

from .findings import Finding


@dataclass(frozen=True)
class Condition:
    """One Matterhorn failure condition that the verifier reports."""

    id: str  # "28-011"
    clause: str  # the ISO 14289-1 clause its findings are filed under
    what: str  # the condition, in short
    pattern: re.Pattern[str]  # finding messages (of that clause) that report it


def _c(id_: str, clause: str, what: str, pattern: str) -> Condition:
    return Condition(id_, clause, what, re.compile(pattern))


CONDITIONS: tuple[Condition, ...] = (
    _c("01-003", "7.1", "content marked as Artifact is inside tagged content", r"^artifact marked content inside tagged"),
    _c("01-004", "7.1", "tagged content is inside content marked as Artifact", r"^tagged content \(MCID\) inside an artifact"),
    _c("01-005", "7.1", "content is neither marked as Artifact nor tagged as real content",
       r"is neither tagged nor marked as an artifact|no /StructParents|the ParentTree"),
    _c("01-007", "7.1", "/Suspects is true", r"/Suspects is true"),
    _c("02-001", "7.1", "a non-standard type's role mapping does not end in a standard type", r"is not role-mapped"),
    _c("02-002", "7.1", "a circular role mapping exists", r"is circular"),
    _c("02-003", "7.1", "a standard type is remapped", r"^standard structure type .* is remapped"),
    _c("06-001", "7.1", "no XMP metadata stream", r"no /Metadata stream|not an XMP metadata stream"),
    _c("06-002", "5", "the XMP metadata lacks the PDF/UA identifier",
       r"pdfuaid|PDF/UA identification|XMP metadata is not well-formed|XMP metadata stream cannot be decoded"),
    _c("06-003", "7.1", "the XMP metadata has no dc:title", r"dc:title"),
    _c("07-001", "7.1", "/ViewerPreferences has no /DisplayDocTitle", r"has no /DisplayDocTitle"),
    _c("07-002", "7.1", "/DisplayDocTitle is false", r"/DisplayDocTitle is not true"),
    _c("09-004", "7.2", "table elements break ISO 32000-1 Table 337",
       r"^(a )?(Table|TR|TH|TD|THead|TBody|TFoot)\b.*(may contain|must be inside|more than one|needs a TBody|Caption must)"),
    _c("09-005", "7.2", "list elements break ISO 32000-1 Table 336", r"^(L|LI|LBody) (may contain|must be inside)"),
    _c("09-006", "7.2", "TOC elements break ISO 32000-1 Table 333", r"^(TOC|TOCI) (may contain|must be inside)"),
    _c("09-007", "7.2", "Ruby elements break ISO 32000-1 Table 338", r"^(Ruby|RB|RT|RP) (may contain|must be inside)"),
    _c("09-008", "7.2", "Warichu elements break ISO 32000-1 Table 338", r"^(Warichu|WT|WP) (may contain|must be inside)"),
    _c("10-001", "7.2", "a character code cannot be mapped to Unicode", r"has no Unicode equivalent"),
    _c("11-001", "7.2", "the language of page text cannot be determined",
       r"language of text on page|^catalog /Lang .* not a valid|^/Lang is not a valid|^marked-content /Lang is not"),
    _c("11-002", "7.2", "the language of /Alt, /ActualText or /E cannot be determined",
       r"language of /(Alt|ActualText|E)\b"),
    _c("11-003", "7.2", "the language of bookmarks cannot be determined", r"bookmark \(outline\) titles"),
    _c("11-004", "7.2", "the language of an annotation's /Contents cannot be determined",
       r"annotation's /Contents cannot be determined|annotation /Lang is not a valid"),
    _c("11-005", "7.2", "the language of a form field's /TU cannot be determined", r"form field /TU names"),
    _c("11-006", "7.2", "the language of the XMP metadata cannot be determined", r"language of the XMP metadata"),
    _c("13-004", "7.3", "a Figure has no alternative text", r"^Figure without alternative text"),
    _c("14-002", "7.4.2", "the first numbered heading is not H1", r"^the first heading is"),
    _c("14-003", "7.4.2", "a numbered heading level is skipped", r"skips a level"),
    _c("14-006", "7.4.4", "an element holds more than one H", r"contains more than one H heading"),
    _c("14-007", "7.4.4", "the document uses both H and H1-H6", r"mixes unnumbered H"),
    _c("15-003", "7.5", "a table cell's headers cannot be determined (TH without Scope, no Headers/IDs)",
       r"has no header: TH cells need /Scope"),
    _c("17-002", "7.7", "a Formula has no alternative text", r"^Formula without alternative text"),
    _c("19-003", "7.9", "a Note has no /ID", r"^Note without a non-empty /ID"),
    _c("19-004", "7.9", "Note /IDs are not unique", r"^Note /ID values are not unique"),
    _c("20-001", "7.10", "an optional content configuration in /Configs has no /Name",
       r"configuration \d+ in /Configs has no non-empty /Name"),
    _c("20-002", "7.10", "the default optional content configuration has no /Name",
       r"default configuration \(/D\) has no non-empty /Name"),
    _c("20-003", "7.10", "an optional content configuration has /AS", r"has an /AS entry"),
    _c("21-001", "7.11", "an embedded file's specification lacks /F or /UF", r"^embedded file specification lacks"),
    _c("25-001", "7.15", "the file has a dynamic XFA form", r"dynamic XFA"),
    _c("26-001", "7.16", "the encryption dictionary has no /P", r"has no /P permissions"),
    _c("26-002", "7.16", "encryption denies assistive technology (bit 10 of /P)", r"bit 10 of /P is not set"),
    _c("28-002", "7.18.1", "an annotation is not nested in an Annot element",
       r"not nested in an Annot|annotation's /StructParent|tagged annotation|ParentTree names an element for the annotation"),
    _c("28-004", "7.18.1", "an annotation has neither /Contents nor /Alt", r"neither /Contents nor /Alt"),
    _c("28-005", "7.18.1", "a form field has neither /TU nor /Alt", r"neither a /TU name nor /Alt"),
    _c("28-007", "7.18.2", "a TrapNet annotation exists", r"TrapNet"),
    _c("28-008", "7.18.3", "a page with annotations has no /Tabs", r"but no /Tabs"),
    _c("28-009", "7.18.3", "a page with annotations has /Tabs other than /S", r"a /Tabs other than /S"),
    _c("28-010", "7.18.4", "a Widget annotation is not nested in a Form element",
       r"Widget annotation is not nested|annotation's /StructParent|tagged annotation|ParentTree names an element for the annotation"),
    _c("28-011", "7.18.5", "a Link annotation is not nested in a Link element",
       r"Link annotation is not nested|annotation's /StructParent|tagged annotation|ParentTree names an element for the annotation"),
    _c("28-012", "7.18.5", "a Link annotation has no /Contents description",
       r"no /Contents alternate description|raw destination id"),
    _c("28-014", "7.18.6.2", "media clip data has no /CT", r"no /CT content type"),
    _c("28-015", "7.18.6.2", "media clip data has no /Alt", r"media clip data has no /Alt"),
    _c("28-016", "7.18.7", "a file attachment's file specification lacks /F or /UF", r"file attachment's embedded file"),
    _c("28-017", "7.18.8", "a PrinterMark annotation is in the structure tree", r"PrinterMark annotation is included"),
    _c("28-018", "7.18.8", "a PrinterMark annotation's appearance is not an artifact", r"PrinterMark annotation's appearance"),
    _c("30-001", "7.20", "a reference XObject exists", r"reference XObject"),
    _c("30-002", "7.20", "a form XObject with MCIDs is painted more than once", r"with tagged content \(MCIDs\) is painted"),
    _c("31-001", "7.21.3.1", "CIDSystemInfo Registry differs between CIDFont and CMap", r"Registry differs"),
    _c("31-002", "7.21.3.1", "CIDSystemInfo Ordering differs between CIDFont and CMap", r"Ordering differs"),
    _c("31-003", "7.21.3.1", "the CIDFont's Supplement exceeds the CMap's", r"Supplement .* exceeds"),
    _c("31-004", "7.21.3.2", "a Type 2 CIDFont has no CIDToGIDMap", r"no valid /CIDToGIDMap"),
    _c("31-005", "7.21.3.3", "a CMap is neither predefined nor embedded", r"is neither predefined nor embedded"),
    _c("31-006", "7.21.3.3", "an embedded CMap's WMode differs from its dictionary's", r"WMode \d+ differs"),
    _c("31-007", "7.21.3.3", "a CMap uses a CMap that is not predefined", r"references the non-predefined CMap"),
    _c("31-008", "7.21.4.1", "a font used for rendering is not embedded", r"font program is not embedded"),
    _c("31-009", "7.21.4.1", "a glyph used is missing from the embedded font program", r"are missing from the"),
    _c("31-011", "7.21.4.2", "a Type 1 subset's /CharSet does not list its glyphs", r"/CharSet does not match"),
    _c("31-012", "7.21.4.2", "a CID subset's /CIDSet does not list its CIDs", r"/CIDSet omits"),
    _c("31-013", "7.21.5", "glyph widths differ between font dictionary and program", r"glyph widths in the font dictionary"),
    _c("31-014", "7.21.6", "a non-symbolic TrueType font's encoding is not MacRoman or WinAnsi",
       r"non-symbolic TrueType font has encoding"),
    _c("31-015", "7.21.6", "a non-symbolic TrueType font's /Differences use names outside the AGL",
       r"/Differences use glyph names outside"),
    _c("31-016", "7.21.6", "a non-symbolic TrueType program has no usable cmap subtable",
       r"no non-symbolic 'cmap' subtable|has a /Differences array but its program|has no 'cmap' table"),
    _c("31-017", "7.21.6", "a symbolic TrueType font has an /Encoding", r"symbolic TrueType font has an /Encoding"),
    _c("31-018", "7.21.6", "a symbolic TrueType program's cmap has neither one subtable nor (3,0)",
       r"several 'cmap' subtables but no \(3,0\)"),
    _c("31-027", "7.21.7", "a character code used cannot be mapped to Unicode", r"cannot be mapped to Unicode"),
    _c("31-028", "7.21.7", "ToUnicode maps a code to U+0000, U+FEFF or U+FFFE", r"to U\+0000, U\+FEFF or U\+FFFE"),
    _c("31-030", "7.21.8", ".notdef glyph is used", r"\.notdef glyph"),
)

#: Machine-checkable Matterhorn conditions the verifier does not check, and why.
UNCOVERED: tuple[tuple[str, str, str, str], ...] = (
    ("17-003", "7.7", "Unicode mapping requirements are not met for mathematical expressions",
     "all text is checked for Unicode mapping (10-001, 31-027); text inside a Formula is not told apart"),
    ("31-010", "7.21.4.1", "glyphs of a font subset are not all embedded",
     "reported as 31-009 (a glyph used is missing from the program), subset or not"),
)


def classify(findings: Iterable[Finding]) -> list[Finding]:
    """Each finding with its Matterhorn condition: the one its check set, else the first row of
    CONDITIONS with its clause whose pattern matches the message, else none ("")."""
    return [f if f.condition else replace(f, condition=condition_of(f.clause, f.message)) for f in findings]


def condition_of(clause: str, message: str) -> str:
    # Fonts findings start "font NAME (page(s) …): "; the condition is in what follows.
    text = message.split("): ", 1)[1] if message.startswith("font ") and "): " in message else message
    return next((c.id for c in CONDITIONS if c.clause == clause and c.pattern.search(text)), "")
