"""Document identification: the XMP metadata stream and the catalog entries of a tagged PDF.

ISO 14289-1 clause 5 (PDF/UA identification, pdfuaid:part), 7.1 (XMP dc:title, /MarkInfo,
/StructTreeRoot, /ViewerPreferences /DisplayDocTitle) and 7.2 (the catalog /Lang, and the language
of x-default XMP text).
"""
from __future__ import annotations

import pikepdf
from pikepdf import Stream

from .pdfutil import _is_dict, _text, _valid_language

_NS_PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
_NS_DC = "http://purl.org/dc/elements/1.1/"
_NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class MetadataChecks:
    """Clauses 5 and 7.1 of the document as a whole; sets the title, PDF/UA part and catalog language."""

    # -- 5, 7.1: metadata --------------------------------------------------------------------

    def check_metadata(self) -> None:
        meta = self.root.get("/Metadata")
        if not isinstance(meta, Stream):
            self.add("7.1", "the catalog has no /Metadata stream (XMP)")
            self.add("5", "no XMP metadata, so no PDF/UA identification (pdfuaid:part)")
            self.add("7.1", "XMP metadata has no dc:title")
            return
        try:
            raw = meta.read_bytes()
        except pikepdf.PdfError as exc:
            self.add("5", f"XMP metadata stream cannot be decoded: {exc}")
            return
        tree = _parse_xml(raw)
        if tree is None:
            self.add("5", "XMP metadata is not well-formed XML")
            self.add("7.1", "XMP metadata has no readable dc:title")
            return
        parts: list[str] = []
        wrong_prefix: list[str] = []
        titles: list[str] = []
        title_present = False
        for desc in tree.iter(f"{{{_NS_RDF}}}Description"):
            for attr, value in desc.attrib.items():
                if attr.startswith(f"{{{_NS_PDFUAID}}}"):
                    local = attr.split("}", 1)[1]
                    prefix = _attr_prefix(desc, _NS_PDFUAID)
                    if prefix != "pdfuaid":
                        wrong_prefix.append(f"{prefix}:{local}")
                    if local == "part":
                        parts.append(value.strip())
                elif attr == f"{{{_NS_DC}}}title":
                    title_present = True
                    titles.append(value)
            for child in desc:
                if not isinstance(child.tag, str):
                    continue
                if child.tag.startswith(f"{{{_NS_PDFUAID}}}"):
                    local = child.tag.split("}", 1)[1]
                    if child.prefix != "pdfuaid":
                        wrong_prefix.append(f"{child.prefix}:{local}")
                    if local == "part":
                        parts.append("".join(child.itertext()).strip())
                elif child.tag == f"{{{_NS_DC}}}title":
                    title_present = True
                    items = list(child.iter(f"{{{_NS_RDF}}}li"))
                    if items:
                        default = [li for li in items if li.get(_XML_LANG) == "x-default"]
                        titles.extend("".join(li.itertext()) for li in (default or items))
                    else:
                        titles.append("".join(child.itertext()))
        for alt in tree.iter(f"{{{_NS_RDF}}}Alt"):
            # an x-default text is in an undetermined language unless a sibling names a language
            langs = {li.get(_XML_LANG) for li in alt.iter(f"{{{_NS_RDF}}}li")}
            if "x-default" in langs and not any(lang and lang != "x-default" for lang in langs):
                self._xmp_lang_alt_default = True
        if not parts:
            self.add("5", "XMP metadata lacks the PDF/UA identification pdfuaid:part")
        else:
            self.pdfua_part = parts[0]
            if any(p != "1" for p in parts):
                self.add("5", f"pdfuaid:part is {', '.join(parts)}; a PDF/UA-1 file declares 1")
        if wrong_prefix:
            self.add("5", f"PDF/UA identification properties must use the prefix pdfuaid, found {', '.join(sorted(set(wrong_prefix)))}")
        self.title = next((t.strip() for t in titles if t.strip()), "")
        if not title_present:
            self.add("7.1", "XMP metadata has no dc:title")
        elif not self.title:
            self.add("7.1", "XMP dc:title is empty, so it does not identify the document")

    # -- 7.1: catalog ------------------------------------------------------------------------

    def check_catalog(self) -> None:
        root = self.root
        mark_info = root.get("/MarkInfo")
        if not _is_dict(mark_info) or mark_info.get("/Marked") is not True:
            self.add("7.1", "document is not marked as tagged (/MarkInfo /Marked true)")
        if _is_dict(mark_info) and mark_info.get("/Suspects") is True:
            self.add("7.1", "/MarkInfo /Suspects is true: the tagging is flagged as unreliable")
        if not _is_dict(root.get("/StructTreeRoot")):
            self.add("7.1", "document has no structure tree (/StructTreeRoot)")
        prefs = root.get("/ViewerPreferences")
        if not _is_dict(prefs) or prefs.get("/DisplayDocTitle") is not True:
            self.add("7.1", "/ViewerPreferences /DisplayDocTitle is not true")
        lang = root.get("/Lang")
        if lang is not None:
            value = _text(lang)
            self.declared_lang = value or ""
            if value is None or not _valid_language(value):
                self.add("7.2", f"catalog /Lang {value!r} is not a valid language identifier (RFC 3066)")
            else:
                self.catalog_lang = value
        if self._xmp_lang_alt_default and not self.catalog_lang:
            self.add("7.2", "the language of the XMP metadata (x-default entries such as dc:title) "
                            f"cannot be determined: {self._no_catalog_lang()}")

    def _no_catalog_lang(self) -> str:
        return "the catalog /Lang is not valid" if "/Lang" in self.root else "the catalog has no /Lang"


def _parse_xml(raw: bytes):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(raw.strip(b"\x00 \t\r\n"), parser)
    except etree.XMLSyntaxError:
        return None


def _attr_prefix(element, namespace: str) -> str | None:
    for prefix, uri in element.nsmap.items():
        if uri == namespace:
            return prefix
    return None
