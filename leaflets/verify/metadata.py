"""Document identification: the XMP metadata stream and the catalog entries of a tagged PDF.

ISO 14289-1 clause 5 (PDF/UA identification, pdfuaid:part), 7.1 (XMP dc:title, /MarkInfo,
/StructTreeRoot, /ViewerPreferences /DisplayDocTitle) and 7.2 (the catalog /Lang, and the language
of x-default XMP text).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

import pikepdf
from lxml import etree
from pikepdf import Dictionary, Stream

from .findings import Finding
from .language import no_catalog_lang
from .pdfutil import _is_dict, _text

if TYPE_CHECKING:
    from .index import PdfIndex

_NS_PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
_NS_DC = "http://purl.org/dc/elements/1.1/"
_NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Xmp:
    """What the catalog's XMP metadata says, as far as clause 5 and 7.1 care."""

    problem: str = ""  # "missing", "undecodable", "malformed", or "unread" (reading failed, reported already)
    detail: str = ""  # why it is undecodable
    parts: tuple[str, ...] = ()  # every pdfuaid:part value
    wrong_prefixes: tuple[str, ...] = ()  # pdfuaid properties written with another prefix, as prefix:name
    titles: tuple[str, ...] = ()  # dc:title texts, the x-default entry first where there is one
    title_present: bool = False
    default_only_lang: bool = False  # an rdf:Alt has only an x-default entry: its language is unknown

    @property
    def title(self) -> str:
        return next((t.strip() for t in self.titles if t.strip()), "")


def read_xmp(root: Dictionary) -> Xmp:
    meta = root.get("/Metadata")
    if not isinstance(meta, Stream):
        return Xmp(problem="missing")
    try:
        raw = meta.read_bytes()
    except pikepdf.PdfError as exc:
        return Xmp(problem="undecodable", detail=str(exc))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        tree = etree.fromstring(raw.strip(b"\x00 \t\r\n"), parser)
    except etree.XMLSyntaxError:
        return Xmp(problem="malformed")
    descriptions = list(tree.iter(f"{{{_NS_RDF}}}Description"))
    return Xmp(
        parts=tuple(value for d in descriptions for _name, value, _prefix in _pdfuaid(d) if _name == "part"),
        wrong_prefixes=tuple(f"{p}:{n}" for d in descriptions for n, _v, p in _pdfuaid(d) if p != "pdfuaid"),
        titles=tuple(t for d in descriptions for t in _titles(d)),
        title_present=any(_has_title(d) for d in descriptions),
        default_only_lang=any(_default_only(alt) for alt in tree.iter(f"{{{_NS_RDF}}}Alt")),
    )


def _pdfuaid(desc: Any) -> Iterator[tuple[str, str, str | None]]:
    """(local name, value, prefix) of each pdfuaid property, attribute form first."""
    for attr, value in desc.attrib.items():
        if attr.startswith(f"{{{_NS_PDFUAID}}}"):
            yield attr.split("}", 1)[1], value.strip(), _attr_prefix(desc, _NS_PDFUAID)
    for child in desc:
        if isinstance(child.tag, str) and child.tag.startswith(f"{{{_NS_PDFUAID}}}"):
            yield child.tag.split("}", 1)[1], "".join(child.itertext()).strip(), child.prefix


def _has_title(desc: Any) -> bool:
    return f"{{{_NS_DC}}}title" in desc.attrib or any(child.tag == f"{{{_NS_DC}}}title" for child in desc)


def _titles(desc: Any) -> Iterator[str]:
    if f"{{{_NS_DC}}}title" in desc.attrib:
        yield desc.attrib[f"{{{_NS_DC}}}title"]
    for child in desc:
        if child.tag != f"{{{_NS_DC}}}title":
            continue
        items = list(child.iter(f"{{{_NS_RDF}}}li"))
        default = [li for li in items if li.get(_XML_LANG) == "x-default"]
        if items:
            yield from ("".join(li.itertext()) for li in (default or items))
        else:
            yield "".join(child.itertext())


def _default_only(alt: Any) -> bool:
    """An x-default text is in an undetermined language unless a sibling names a language."""
    langs = {li.get(_XML_LANG) for li in alt.iter(f"{{{_NS_RDF}}}li")}
    return "x-default" in langs and not any(lang and lang != "x-default" for lang in langs)


def _attr_prefix(element: Any, namespace: str) -> str | None:
    return next((prefix for prefix, uri in element.nsmap.items() if uri == namespace), None)


def check_metadata(index: PdfIndex) -> list[Finding]:
    """5: the XMP declares PDF/UA-1 with the pdfuaid prefix; 7.1: it has a dc:title."""
    xmp = index.xmp
    if xmp.problem:
        return _unreadable(xmp)
    out = []
    if not xmp.parts:
        out.append(Finding("5", "XMP metadata lacks the PDF/UA identification pdfuaid:part"))
    elif any(p != "1" for p in xmp.parts):
        out.append(Finding("5", f"pdfuaid:part is {', '.join(xmp.parts)}; a PDF/UA-1 file declares 1"))
    if xmp.wrong_prefixes:
        out.append(Finding("5", "PDF/UA identification properties must use the prefix pdfuaid, found "
                                f"{', '.join(sorted(set(xmp.wrong_prefixes)))}"))
    if not xmp.title_present:
        out.append(Finding("7.1", "XMP metadata has no dc:title"))
    elif not xmp.title:
        out.append(Finding("7.1", "XMP dc:title is empty, so it does not identify the document"))
    return out


def _unreadable(xmp: Xmp) -> list[Finding]:
    if xmp.problem == "missing":
        return [Finding("7.1", "the catalog has no /Metadata stream (XMP)"),
                Finding("5", "no XMP metadata, so no PDF/UA identification (pdfuaid:part)"),
                Finding("7.1", "XMP metadata has no dc:title")]
    if xmp.problem == "unread":
        return []
    if xmp.problem == "malformed":
        return [Finding("5", "XMP metadata is not well-formed XML"), Finding("7.1", "XMP metadata has no readable dc:title")]
    return [Finding("5", f"XMP metadata stream cannot be decoded: {xmp.detail}")]


def check_catalog(index: PdfIndex) -> list[Finding]:
    """7.1: the catalog marks the file as tagged and shows the title; 7.2: its /Lang is valid."""
    root = index.root
    mark_info = root.get("/MarkInfo")
    prefs = root.get("/ViewerPreferences")
    rules = (
        (not _is_dict(mark_info) or mark_info.get("/Marked") is not True,
         "document is not marked as tagged (/MarkInfo /Marked true)"),
        (_is_dict(mark_info) and mark_info.get("/Suspects") is True,
         "/MarkInfo /Suspects is true: the tagging is flagged as unreliable"),
        (not _is_dict(root.get("/StructTreeRoot")), "document has no structure tree (/StructTreeRoot)"),
        (not _is_dict(prefs) or "/DisplayDocTitle" not in prefs,
         "/ViewerPreferences has no /DisplayDocTitle entry (it must be true)"),
        (_is_dict(prefs) and "/DisplayDocTitle" in prefs and prefs.get("/DisplayDocTitle") is not True,
         "/ViewerPreferences /DisplayDocTitle is not true"),
    )
    out = [Finding("7.1", message) for broken, message in rules if broken]
    if root.get("/Lang") is not None and index.catalog_lang is None:
        value = _text(root.get("/Lang"))
        out.append(Finding("7.2", f"catalog /Lang {value!r} is not a valid language identifier (RFC 3066)"))
    if index.xmp.default_only_lang and not index.catalog_lang:
        out.append(Finding("7.2", "the language of the XMP metadata (x-default entries such as dc:title) "
                                  f"cannot be determined: {no_catalog_lang(index)}"))
    return out


def check_metadata_stream(index: PdfIndex) -> list[Finding]:
    """7.1 (06-001): the catalog /Metadata is an XMP metadata stream, /Type /Metadata /Subtype /XML
    (ISO 32000-1 14.3.2, Table 315); a reader looks for XMP by that subtype."""
    meta = index.root.get("/Metadata")
    if not isinstance(meta, Stream):
        return []  # no stream at all: check_metadata reports it
    kind, subtype = _text_name(meta.get("/Type")), _text_name(meta.get("/Subtype"))
    if (kind, subtype) == ("Metadata", "XML"):
        return []
    return [Finding("7.1", f"the catalog /Metadata stream is not an XMP metadata stream (/Type {kind or 'missing'}, "
                           f"/Subtype {subtype or 'missing'}; needs /Type /Metadata /Subtype /XML)", "06-001")]


def _text_name(value: Any) -> str | None:
    return str(value)[1:] if isinstance(value, pikepdf.Name) else None


def check_version(index: PdfIndex) -> list[Finding]:
    """5: a PDF/UA-1 file is an ISO 32000-1 file, so its header (and any catalog /Version) says
    PDF 1.x. Not a Matterhorn condition; a disputed reading (veraPDF does not check it)."""
    header = str(index.pdf.pdf_version)
    declared = _text_name(index.root.get("/Version"))
    bad = [f"header %PDF-{header}"] if not header.startswith("1.") else []
    bad += [f"catalog /Version {declared}"] if declared is not None and not declared.startswith("1.") else []
    if not bad:
        return []
    return [Finding("5", f"the file declares {' and '.join(bad)}; a PDF/UA-1 file is an ISO 32000-1 (PDF 1.x) file")]
