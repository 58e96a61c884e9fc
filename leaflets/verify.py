"""Verify stage: read a written PDF back and check the PDF/UA-1 properties the product promises.

Each finding names the ISO 14289-1 clause it comes from. `verify_pdf` never raises on a bad
PDF: an unreadable file is itself a finding.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pikepdf
from pikepdf import Name


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
    headings: tuple[str, ...]  # structure types H1..H6 in reading order
    bookmarks: int


def verify_pdf(data: bytes | Path) -> tuple[PdfFacts | None, list[Finding]]:
    try:
        pdf = pikepdf.open(BytesIO(data) if isinstance(data, bytes) else data)
    except pikepdf.PdfError as exc:
        return None, [Finding("5", f"not a readable PDF: {exc}")]
    with pdf:
        findings: list[Finding] = []
        root = pdf.Root
        findings += _identification(pdf)
        findings += _tagged(root)
        language = str(root.get("/Lang", ""))
        if not language:
            findings.append(Finding("7.2", "document has no /Lang (natural language)"))
        title = _title(pdf, findings)
        headings, figures_without_alt = _walk_structure(root)
        findings += [Finding("7.3", f"Figure without /Alt text (structure element {i + 1})") for i in figures_without_alt]
        findings += _heading_order(headings)
        findings += _fonts(pdf)
        bookmarks = _count_outlines(root)
        if headings and not bookmarks:
            findings.append(Finding("7.4", "document has headings but no bookmarks (outlines)"))
        return PdfFacts(len(pdf.pages), title, language, tuple(headings), bookmarks), findings


def _identification(pdf: pikepdf.Pdf) -> list[Finding]:
    meta = pdf.open_metadata()
    part = meta.get("pdfuaid:part")
    if str(part) != "1":
        return [Finding("5", f"XMP metadata lacks pdfuaid:part=1 (found {part!r})")]
    return []


def _tagged(root: pikepdf.Dictionary) -> list[Finding]:
    findings = []
    mark_info = root.get("/MarkInfo")
    if mark_info is None or not bool(mark_info.get("/Marked", False)):
        findings.append(Finding("7.1", "document is not marked as tagged (/MarkInfo /Marked true)"))
    tree = root.get("/StructTreeRoot")
    if tree is None or "/K" not in tree:
        findings.append(Finding("7.1", "document has no structure tree"))
    prefs = root.get("/ViewerPreferences")
    if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
        findings.append(Finding("7.1", "/ViewerPreferences /DisplayDocTitle is not true"))
    return findings


def _title(pdf: pikepdf.Pdf, findings: list[Finding]) -> str:
    meta = pdf.open_metadata()
    title = str(meta.get("dc:title") or "")
    if not title.strip():
        findings.append(Finding("7.1", "XMP metadata has no dc:title"))
    return title


def _walk_structure(root: pikepdf.Dictionary) -> tuple[list[str], list[int]]:
    """Structure types of headings in tree order, and indexes of Figures lacking Alt."""
    tree = root.get("/StructTreeRoot")
    role_map = tree.get("/RoleMap", {}) if tree is not None else {}
    headings: list[str] = []
    missing_alt: list[int] = []
    figures = 0
    stack = [tree.get("/K")] if tree is not None and "/K" in tree else []
    seen: set = set()
    order: list = []
    # depth-first, children in order
    def visit(node):
        nonlocal figures
        if isinstance(node, pikepdf.Array):
            for item in node:
                visit(item)
            return
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            return
        key = node.objgen
        if key != (0, 0):
            if key in seen:
                return
            seen.add(key)
        kind = str(node.S)
        kind = str(role_map.get(kind, kind)) if kind not in ("/Figure",) else kind
        if re.fullmatch(r"/H[1-6]", kind):
            headings.append(kind[1:])
        if kind == "/Figure":
            if not str(node.get("/Alt", "")).strip() and not str(node.get("/ActualText", "")).strip():
                missing_alt.append(figures)
            figures += 1
        if "/K" in node:
            visit(node.K)
    for item in stack:
        visit(item)
    return headings, missing_alt


def _heading_order(headings: list[str]) -> list[Finding]:
    findings = []
    previous = 0
    for index, heading in enumerate(headings):
        level = int(heading[1])
        if level > previous + 1:
            findings.append(Finding("7.4", f"heading {heading} (#{index + 1}) skips a level after H{previous}"))
        previous = level
    return findings


def _fonts(pdf: pikepdf.Pdf) -> list[Finding]:
    findings = []
    seen = set()
    for page in pdf.pages:
        resources = page.obj.get("/Resources", {})
        for _name, font in (resources.get("/Font") or {}).items():
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            base = str(font.get("/BaseFont", "?"))
            descendants = font.get("/DescendantFonts")
            target = descendants[0] if descendants is not None else font
            descriptor = target.get("/FontDescriptor")
            if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                findings.append(Finding("7.21.4.1", f"font {base} is not embedded"))
            if "/ToUnicode" not in font and str(font.get("/Encoding", "")) not in ("/WinAnsiEncoding", "/MacRomanEncoding"):
                findings.append(Finding("7.21.7", f"font {base} has no ToUnicode map"))
    return findings


def _count_outlines(root: pikepdf.Dictionary) -> int:
    outlines = root.get("/Outlines")
    if outlines is None or "/First" not in outlines:
        return 0
    count, stack = 0, [outlines.First]
    while stack:
        item = stack.pop()
        count += 1
        if "/Next" in item:
            stack.append(item.Next)
        if "/First" in item:
            stack.append(item.First)
    return count
