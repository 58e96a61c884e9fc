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
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

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


# --------------------------------------------------------------------------------------------
# Reference data

#: ISO 32000-1:2008, 14.8.4: the standard structure types of PDF 1.7.
STANDARD_TYPES = frozenset(
    "Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private "
    "P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot "
    "Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP "
    "Figure Formula Form".split()
)
_HEADING = re.compile(r"H([1-6])")
#: Grouping elements that are transparent when checking what an element contains or sits in
#: (a TR wrapped in a Div is still a row of its Table), as veraPDF treats them.
_PASS_THROUGH = frozenset({"NonStruct", "Div", "Part"})
#: ISO 32000-1 14.9.2 language identifiers: RFC 3066 Language-Tag syntax.
_LANGUAGE_TAG = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")

_NS_PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
_NS_DC = "http://purl.org/dc/elements/1.1/"
_NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: ISO 32000-1:2008, 9.7.5.2, Table 118: predefined CMaps, which need not be embedded.
_PREDEFINED_CMAPS = frozenset(
    """GB-EUC-H GB-EUC-V GBpc-EUC-H GBpc-EUC-V GBK-EUC-H GBK-EUC-V GBKp-EUC-H GBKp-EUC-V
    GBK2K-H GBK2K-V UniGB-UCS2-H UniGB-UCS2-V UniGB-UTF16-H UniGB-UTF16-V B5pc-H B5pc-V
    HKscs-B5-H HKscs-B5-V ETen-B5-H ETen-B5-V ETenms-B5-H ETenms-B5-V CNS-EUC-H CNS-EUC-V
    UniCNS-UCS2-H UniCNS-UCS2-V UniCNS-UTF16-H UniCNS-UTF16-V 83pv-RKSJ-H 90ms-RKSJ-H
    90ms-RKSJ-V 90msp-RKSJ-H 90msp-RKSJ-V 90pv-RKSJ-H Add-RKSJ-H Add-RKSJ-V EUC-H EUC-V
    Ext-RKSJ-H Ext-RKSJ-V H V UniJIS-UCS2-H UniJIS-UCS2-V UniJIS-UCS2-HW-H UniJIS-UCS2-HW-V
    UniJIS-UTF16-H UniJIS-UTF16-V KSC-EUC-H KSC-EUC-V KSCms-UHC-H KSCms-UHC-V KSCms-UHC-HW-H
    KSCms-UHC-HW-V KSCpc-EUC-H UniKS-UCS2-H UniKS-UCS2-V UniKS-UTF16-H UniKS-UTF16-V
    Identity-H Identity-V""".split()
)
_UNICODE_COLLECTIONS = frozenset({"GB1", "CNS1", "Japan1", "Korea1"})
_PREDEFINED_SIMPLE_ENCODINGS = frozenset({"WinAnsiEncoding", "MacRomanEncoding", "MacExpertEncoding"})

_PATH_PAINT = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"})
#: The content-stream operators the checks look at (pikepdf filters the rest out in C++).
_OPERATORS = "BDC BMC EMC Tf Tr Tj TJ ' \" q Q Do EI sh S s f F f* B B* b b*"
_TEXT_SHOW = frozenset({"Tj", "TJ", "'", '"'})
_ANNOT_EXEMPT_FROM_ANNOT_TAG = frozenset({"Widget", "Popup", "Link", "PrinterMark"})
_MAX_FORM_DEPTH = 12
_MAX_EXAMPLES = 3


# --------------------------------------------------------------------------------------------
# Small helpers


def _name(obj: Any) -> str | None:
    """A PDF name (or, leniently, a string) without its slash; None for anything else."""
    if isinstance(obj, Name):
        return str(obj)[1:]
    if isinstance(obj, pikepdf.String):
        return str(obj)
    return None


def _text(obj: Any) -> str | None:
    """A text string's value, or None when `obj` is not a string."""
    if isinstance(obj, pikepdf.String):
        try:
            return str(obj)
        except UnicodeDecodeError:
            return bytes(obj).decode("latin-1")
    return None


def _int(obj: Any) -> int | None:
    if isinstance(obj, bool):
        return None
    if isinstance(obj, int):
        return obj
    if isinstance(obj, pikepdf.Object) and obj._type_code == pikepdf.ObjectType.integer:
        return int(obj)
    return None


def _number(obj: Any) -> float | None:
    try:
        if isinstance(obj, pikepdf.Object) and obj._type_code in (pikepdf.ObjectType.integer, pikepdf.ObjectType.real):
            return float(obj)
        if isinstance(obj, (int, float)) and not isinstance(obj, bool):
            return float(obj)
        from decimal import Decimal

        if isinstance(obj, Decimal):
            return float(obj)
    except (TypeError, ValueError):
        return None
    return None


def _key(obj: Any) -> Any:
    """A hashable identity: the object number for indirect objects; for direct objects their
    serialised form (an id() would be reused once pikepdf's temporary wrapper is freed)."""
    try:
        gen = obj.objgen
    except (AttributeError, TypeError, ValueError):
        return ("python", id(obj))
    if gen != (0, 0):
        return gen
    try:
        return ("direct", bytes(obj.unparse()))
    except (AttributeError, TypeError, ValueError, pikepdf.PdfError):
        return ("python", id(obj))


def _is_dict(obj: Any) -> bool:
    return isinstance(obj, (Dictionary, Stream))


def _array(obj: Any) -> list:
    if isinstance(obj, Array):
        return list(obj)
    if obj is None:
        return []
    return [obj]


def _valid_language(value: str) -> bool:
    return bool(_LANGUAGE_TAG.fullmatch(value))


def _examples(items: Iterable[str]) -> str:
    """The first few distinct items, and how many more there are."""
    unique = list(dict.fromkeys(items))
    shown = ", ".join(unique[:_MAX_EXAMPLES])
    return shown + (f" and {len(unique) - _MAX_EXAMPLES} more" if len(unique) > _MAX_EXAMPLES else "")


def _inherited(node: Any, key: str, limit: int = 64) -> Any:
    """A page attribute, looked up through /Parent (Resources, CropBox, MediaBox are inheritable)."""
    while _is_dict(node) and limit:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        limit -= 1
    return None


# --------------------------------------------------------------------------------------------
# Structure tree model


class _Elem:
    """One structure element, with what the checks need precomputed."""

    __slots__ = ("obj", "raw", "std", "parent", "kids", "lang", "index", "objrs", "mcids")

    def __init__(self, obj: Dictionary, raw: str, std: str | None, parent: "_Elem | None", index: int):
        self.obj = obj
        self.raw = raw
        self.std = std
        self.parent = parent
        self.kids: list[_Elem] = []
        self.lang: str | None = None  # effective language: own /Lang or inherited from ancestors
        self.index = index
        self.objrs: list[Any] = []
        self.mcids = 0

    def label(self) -> str:
        shown = self.raw if self.std == self.raw or self.std is None else f"{self.raw} (as {self.std})"
        return f"{shown} #{self.index}"

    def significant_kids(self) -> list["_Elem"]:
        """Children, with NonStruct/Div grouping elements replaced by their own children."""
        out: list[_Elem] = []
        stack = list(reversed(self.kids))
        while stack:
            kid = stack.pop()
            if kid.std in _PASS_THROUGH:
                stack.extend(reversed(kid.kids))
            else:
                out.append(kid)
        return out

    def kid_types(self) -> list[str]:
        return [k.std for k in self.significant_kids() if k.std is not None]

    def parent_type(self) -> str | None:
        node = self.parent
        while node is not None and node.std in _PASS_THROUGH:
            node = node.parent
        return None if node is None else node.std


@dataclass
class _FontUse:
    font: Any
    codes: set = field(default_factory=set)
    rendered: bool = False  # used with a text rendering mode other than 3 (invisible)
    pages: set = field(default_factory=set)


@dataclass
class _Frame:
    """One open marked-content sequence (BMC/BDC ... EMC), with what it inherits from enclosing ones."""

    tag: str
    lang: str | None  # effective language: own /Lang, its structure element's, or the enclosing one's
    in_artifact: bool  # this or an enclosing sequence is an Artifact
    in_tagged: bool  # this or an enclosing sequence has an MCID
    covered: bool  # real content (MCID found in the structure tree) or an artifact


# --------------------------------------------------------------------------------------------


class _Checker:
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

    # -- 7.1, 7.2, 7.3, 7.4, 7.5, 7.7, 7.9: structure tree ------------------------------------

    def standard_type(self, raw: str) -> tuple[str | None, str]:
        """(standard type or None, problem) following the role map; problem is '', 'unmapped',
        'circular' or 'remapped' (a standard type that the role map redefines)."""
        cached = self._type_cache.get(raw)
        if cached is not None:
            return cached
        if raw in STANDARD_TYPES:
            result = (raw, "remapped" if raw in self.role_map else "")
        else:
            seen = [raw]
            current = raw
            result = (None, "unmapped")
            while True:
                target = _name(self.role_map.get(current))
                if target is None or target == "":
                    result = (None, "unmapped")
                    break
                if target in seen:
                    result = (None, "circular")
                    break
                if target in STANDARD_TYPES:
                    result = (target, "")
                    break
                seen.append(target)
                current = target
        self._type_cache[raw] = result
        return result

    def check_structure_tree(self) -> None:
        tree = self.root.get("/StructTreeRoot")
        if not _is_dict(tree):
            return
        self.class_map = tree.get("/ClassMap")
        role_map = tree.get("/RoleMap")
        if _is_dict(role_map):
            self.role_map = {str(k)[1:]: v for k, v in role_map.items()}
        self._read_parent_tree(tree)
        self._walk_tree(tree)
        if not self.elements:
            self.add("7.1", "the structure tree has no structure elements")
        self._check_types()
        self._check_grouping()
        self._check_alternatives()
        self._check_headings()
        self._check_tables()
        self._check_notes()
        self._check_forms()

    def _read_parent_tree(self, tree: Dictionary) -> None:
        """The /ParentTree number tree as {key: value}; a fallback when the tree walk misses an MCID."""
        parent_tree = tree.get("/ParentTree")
        result: dict[int, Any] = {}
        stack = [parent_tree] if _is_dict(parent_tree) else []
        seen: set = set()
        while stack:
            node = stack.pop()
            k = _key(node)
            if k in seen:
                continue
            seen.add(k)
            nums = node.get("/Nums")
            if isinstance(nums, Array):
                for i in range(0, len(nums) - 1, 2):
                    index = _int(nums[i])
                    if index is not None:
                        result[index] = nums[i + 1]
            for kid in _array(node.get("/Kids")):
                if _is_dict(kid):
                    stack.append(kid)
        self.parent_tree = result

    def _walk_tree(self, tree: Dictionary) -> None:
        seen: set = set()
        # (node, parent elem, inherited /Pg)
        stack: list[tuple[Any, _Elem | None, Any]] = [(k, None, None) for k in reversed(_array(tree.get("/K")))]
        while stack:
            node, parent, page = stack.pop()
            mcid = _int(node)
            if mcid is not None:
                if parent is not None:
                    parent.mcids += 1
                    if page is not None:
                        self.mcid_owner.setdefault((_key(page), mcid), parent)
                continue
            if not _is_dict(node):
                continue
            kind = _name(node.get("/Type"))
            if "/S" not in node and (kind == "MCR" or "/MCID" in node):
                number = _int(node.get("/MCID"))
                owner = node.get("/Stm") if "/Stm" in node else node.get("/Pg", page)
                if parent is not None and number is not None:
                    parent.mcids += 1
                    if owner is not None:
                        self.mcid_owner.setdefault((_key(owner), number), parent)
                continue
            if "/S" not in node and (kind == "OBJR" or "/Obj" in node):
                target = node.get("/Obj")
                if parent is not None and target is not None:
                    parent.objrs.append(target)
                    self.objr_owner.setdefault(_key(target), parent)
                continue
            if "/S" not in node:
                continue
            k = _key(node)
            if k in seen:
                self.add("7.1", "the structure tree contains a loop (an element is its own descendant or is used twice)")
                continue
            seen.add(k)
            raw = _name(node.get("/S")) or ""
            std, _problem = self.standard_type(raw)
            elem = _Elem(node, raw, std, parent, len(self.elements) + 1)
            self.elements.append(elem)
            if parent is not None:
                parent.kids.append(elem)
            own_lang = _text(node.get("/Lang")) if "/Lang" in node else None
            elem.lang = own_lang if own_lang else (parent.lang if parent is not None else None)
            pg = node.get("/Pg", page)
            for kid in reversed(_array(node.get("/K"))):
                stack.append((kid, elem, pg))

    def _check_types(self) -> None:
        problems: dict[str, list[str]] = defaultdict(list)
        for elem in self.elements:
            _std, problem = self.standard_type(elem.raw)
            if problem:
                problems[problem].append(elem.raw)
        for raw in sorted(set(problems["unmapped"])):
            target = _name(self.role_map.get(raw))
            via = f" (role map ends at {target!r})" if target is not None else ""
            self.add("7.1", f"non-standard structure type {raw!r} is not role-mapped to a standard type{via}")
        for raw in self.role_map:  # the role map itself, used or not (Matterhorn 02-003, 02-004)
            _std, problem = self.standard_type(raw)
            if problem in ("circular", "remapped"):
                problems[problem].append(raw)
        for raw in sorted(set(problems["circular"])):
            self.add("7.1", f"the role map for structure type {raw!r} is circular")
        for raw in sorted(set(problems["remapped"])):
            target = _name(self.role_map.get(raw))
            self.add("7.1", f"standard structure type {raw!r} is remapped to {target!r} in the role map")

    def _check_grouping(self) -> None:
        """7.2 (ISO 32000-1 14.8.4.3): what tables, lists and TOCs may contain and sit in."""
        bad: dict[str, list[str]] = defaultdict(list)
        for elem in self.elements:
            std = elem.std
            if std is None:
                continue
            if std in ("Table", "TR", "THead", "TBody", "TFoot", "TH", "TD", "L", "LI", "LBody", "TOC", "TOCI"):
                kids = elem.kid_types()
                parent = elem.parent_type()
                label = elem.label()
                if std == "Table":
                    body = [k for k in kids if k != "Caption"]
                    captions = [i for i, k in enumerate(kids) if k == "Caption"]
                    if any(k not in ("TR", "THead", "TBody", "TFoot") for k in body):
                        bad["a Table may contain only TR, THead, TBody, TFoot and one Caption"].append(label)
                    if len(captions) > 1 or (captions and captions[0] not in (0, len(kids) - 1)):
                        bad["a Table Caption must be the single first or last child"].append(label)
                    if kids.count("THead") > 1:
                        bad["a Table has more than one THead"].append(label)
                    if kids.count("TFoot") > 1:
                        bad["a Table has more than one TFoot"].append(label)
                    if ("THead" in kids or "TFoot" in kids) and "TBody" not in kids:
                        bad["a Table with THead or TFoot needs a TBody"].append(label)
                elif std == "TR":
                    if parent not in ("Table", "THead", "TBody", "TFoot"):
                        bad["TR must be inside Table, THead, TBody or TFoot"].append(f"{label} in {parent}")
                    if any(k not in ("TH", "TD") for k in kids):
                        bad["TR may contain only TH and TD"].append(label)
                elif std in ("THead", "TBody", "TFoot"):
                    if parent != "Table":
                        bad[f"{std} must be inside Table"].append(f"{label} in {parent}")
                    if any(k != "TR" for k in kids):
                        bad[f"{std} may contain only TR"].append(label)
                elif std in ("TH", "TD"):
                    if parent != "TR":
                        bad[f"{std} must be inside TR"].append(f"{label} in {parent}")
                elif std == "L":
                    if any(k not in ("L", "LI", "Caption") for k in kids) or "Caption" in kids[1:]:
                        bad["L may contain only LI, L and one leading Caption"].append(label)
                elif std == "LI":
                    if parent != "L":
                        bad["LI must be inside L"].append(f"{label} in {parent}")
                    if any(k not in ("Lbl", "LBody") for k in kids):
                        bad["LI may contain only Lbl and LBody"].append(label)
                elif std == "LBody":
                    if parent != "LI":
                        bad["LBody must be inside LI"].append(f"{label} in {parent}")
                elif std == "TOC":
                    if any(k not in ("TOC", "TOCI", "Caption") for k in kids) or "Caption" in kids[1:]:
                        bad["TOC may contain only TOCI, TOC and one leading Caption"].append(label)
                elif std == "TOCI":
                    if parent != "TOC":
                        bad["TOCI must be inside TOC"].append(f"{label} in {parent}")
        for rule, where in bad.items():
            self.add("7.2", f"{rule}: {_examples(where)}")

    def _check_alternatives(self) -> None:
        missing: dict[str, list[str]] = defaultdict(list)
        no_lang: dict[str, list[str]] = defaultdict(list)
        for elem in self.elements:
            obj = elem.obj
            if elem.std in ("Figure", "Formula"):
                alt = _text(obj.get("/Alt"))
                if not (alt and alt.strip()) and "/ActualText" not in obj:
                    missing[elem.std].append(elem.label())
            if not self.catalog_lang and not elem.lang:
                for key in ("/Alt", "/ActualText", "/E"):
                    if key in obj:
                        no_lang[key[1:]].append(elem.label())
        if missing["Figure"]:
            self.add("7.3", f"Figure without alternative text (/Alt) or /ActualText: {_examples(missing['Figure'])}")
        if missing["Formula"]:
            self.add("7.7", f"Formula without alternative text (/Alt) or /ActualText: {_examples(missing['Formula'])}")
        for key, where in no_lang.items():
            self.add("7.2", f"the language of /{key} text cannot be determined (no /Lang on the element, "
                            f"its ancestors or the catalog): {_examples(where)}")

    def _check_headings(self) -> None:
        numbered: list[_Elem] = []
        plain: list[_Elem] = []
        for elem in self.elements:
            if elem.std is None:
                continue
            match = _HEADING.fullmatch(elem.std)
            if match:
                numbered.append(elem)
                self.headings.append(elem.std)
            elif elem.std == "H":
                plain.append(elem)
            if elem.kid_types().count("H") > 1:
                self.add("7.4.4", f"{elem.label()} contains more than one H heading")
        if numbered and plain:
            self.add("7.4.4", f"document mixes unnumbered H ({len(plain)}) and numbered H1-H6 "
                              f"({len(numbered)}) headings")
        previous = 0
        for elem in numbered:
            level = int(elem.std[1])
            if level > previous + 1:
                if previous == 0:
                    self.add("7.4.2", f"the first heading is {elem.std} ({elem.label()}), not H1")
                else:
                    self.add("7.4.2", f"heading {elem.std} ({elem.label()}) skips a level after H{previous}")
            previous = level

    def _check_notes(self) -> None:
        ids: Counter = Counter()
        missing: list[str] = []
        for elem in self.elements:
            if elem.std != "Note":
                continue
            value = elem.obj.get("/ID")
            ident = bytes(value) if isinstance(value, pikepdf.String) else None
            if not ident:
                missing.append(elem.label())
            else:
                ids[ident] += 1
        if missing:
            self.add("7.9", f"Note without a non-empty /ID: {_examples(missing)}")
        duplicated = [i.decode("latin-1") for i, n in ids.items() if n > 1]
        if duplicated:
            self.add("7.9", f"Note /ID values are not unique: {_examples(duplicated)}")

    def _check_forms(self) -> None:
        """7.18.4 (ISO 32000-1 Table 340): a Form element without a Role attribute has exactly one
        child, an object reference to its widget annotation."""
        bad: list[str] = []
        for elem in self.elements:
            if elem.std != "Form" or _attribute(elem.obj, "PrintField", "/Role", self.class_map) is not None:
                continue
            children = _array(elem.obj.get("/K"))
            only = children[0] if len(children) == 1 else None
            target = only.get("/Obj") if _is_dict(only) and "/S" not in only else None
            if not (_is_dict(target) and _name(target.get("/Subtype")) == "Widget"):
                bad.append(elem.label())
        if bad:
            self.add("7.18.4", f"Form element without a Role attribute must hold exactly one widget annotation "
                               f"reference: {_examples(bad)}")

    # -- tables: 7.2 regularity, 7.5 headers ----------------------------------------------------

    def _check_tables(self) -> None:
        for elem in self.elements:
            if elem.std == "Table":
                self._check_table(elem)

    def _check_table(self, table: _Elem) -> None:
        rows: list[_Elem] = []
        for kid in table.significant_kids():
            if kid.std == "TR":
                rows.append(kid)
            elif kid.std in ("THead", "TBody", "TFoot"):
                rows.extend(k for k in kid.significant_kids() if k.std == "TR")
        if not rows:
            return
        cells_of = [[c for c in row.significant_kids() if c.std in ("TH", "TD")] for row in rows]
        columns = sum(self._span(c, "/ColSpan") for c in cells_of[0])
        if columns == 0:
            return
        n_rows = len(rows)
        grid: list[list[_Elem | None]] = [[None] * columns for _ in range(n_rows)]
        origin: dict[int, tuple[int, int]] = {}
        irregular = ""
        for r, cells in enumerate(cells_of):
            c = 0
            for cell in cells:
                colspan, rowspan = self._span(cell, "/ColSpan"), self._span(cell, "/RowSpan")
                while c < columns and grid[r][c] is not None:
                    c += 1
                if c + colspan > columns:
                    irregular = f"row {r + 1} has more cells than the first row ({columns} columns)"
                    break
                if r + rowspan > n_rows:
                    irregular = f"{cell.label()} spans {rowspan} rows past the end of the table"
                    break
                for i in range(rowspan):
                    for j in range(colspan):
                        if grid[r + i][c + j] is not None:
                            irregular = f"{cell.label()} overlaps another cell"
                            break
                        grid[r + i][c + j] = cell
                    if irregular:
                        break
                if irregular:
                    break
                origin[id(cell)] = (r, c)
                c += colspan
            if irregular:
                break
        if not irregular:
            for r in range(n_rows):
                empty = sum(1 for x in grid[r] if x is None)
                if empty:
                    irregular = f"row {r + 1} has {columns - empty} of {columns} columns"
                    break
        if irregular:
            self.add("7.2", f"irregular table {table.label()}: {irregular}")
            return
        # 7.5: headers must be determinable, via Scope on every TH or Headers/IDs (or scoped THs) for every TD
        ids: set[bytes] = set()
        all_scoped = True
        for row in grid:
            for cell in row:
                if cell is not None and cell.std == "TH":
                    ident = cell.obj.get("/ID")
                    if isinstance(ident, pikepdf.String) and bytes(ident):
                        ids.add(bytes(ident))
                    if _attribute(cell.obj, "Table", "/Scope", self.class_map) is None:
                        all_scoped = False
        if all_scoped:
            return
        for (r, c) in sorted(set(origin.values())):
            cell = grid[r][c]
            if cell is None or cell.std != "TD":
                continue
            headers = _attribute(cell.obj, "Table", "/Headers", self.class_map)
            names = [bytes(h) for h in _array(headers) if isinstance(h, pikepdf.String)]
            if names and all(n in ids for n in names):
                continue
            if self._scoped_header(grid, r, c, self._span(cell, "/RowSpan"), self._span(cell, "/ColSpan")):
                continue
            self.add("7.5", f"table {table.label()}: data cell {cell.label()} (row {r + 1}, column {c + 1}) "
                            "has no header: TH cells need /Scope, or TD cells /Headers naming TH /IDs")
            return

    def _span(self, cell: _Elem, key: str) -> int:
        value = _int(_attribute(cell.obj, "Table", key, self.class_map))
        return value if value is not None and value > 0 else 1

    def _scoped_header(self, grid, row: int, col: int, rowspan: int, colspan: int) -> bool:
        def scope(cell: _Elem | None) -> str | None:
            if cell is None or cell.std != "TH":
                return None
            return _name(_attribute(cell.obj, "Table", "/Scope", self.class_map))

        def header_along(cells, scopes: tuple[str, ...]) -> bool:
            """Walking away from the cell: a TH with a matching /Scope before the TH run ends."""
            found_th = False
            for cell in cells:
                if scope(cell) in scopes:
                    return True
                if cell is not None and cell.std == "TH":
                    found_th = True
                elif found_th:
                    break
            return False

        above = any(header_along((grid[r][c] for r in range(row - 1, -1, -1)), ("Column", "Both"))
                    for c in range(col, min(col + colspan, len(grid[0]))))
        left = any(header_along((grid[r][c] for c in range(col - 1, -1, -1)), ("Row", "Both"))
                   for r in range(row, min(row + rowspan, len(grid))))
        if above or left:
            return True
        return False

    # -- 7.2: language identifiers ---------------------------------------------------------------

    def check_language_entries(self) -> None:
        bad: list[str] = []
        for elem in self.elements:
            if "/Lang" in elem.obj:
                value = _text(elem.obj.get("/Lang"))
                if value is None or not _valid_language(value):
                    bad.append(f"{value!r} on {elem.label()}")
        if bad:
            self.add("7.2", f"/Lang is not a valid language identifier (RFC 3066): {_examples(bad)}")

    # -- 7.1, 7.2, 7.20: content streams ----------------------------------------------------------

    def check_content(self) -> None:
        self.untagged: dict[int, Counter] = defaultdict(Counter)
        self.no_lang_pages: set[int] = set()
        self.artifact_in_tagged: set[int] = set()
        self.tagged_in_artifact: set[int] = set()
        self.orphan_mcids: dict[int, set[int]] = defaultdict(set)
        self.mc_lang_bad: list[str] = []
        self.span_no_lang: dict[str, set[int]] = defaultdict(set)
        for number, page in enumerate(self.pdf.pages, 1):
            obj = page.obj
            try:
                instructions = self._parse(obj, page)
            except pikepdf.PdfError as exc:
                self.add("7.1", f"page {number}: content stream cannot be parsed ({exc})")
                continue
            resources = _inherited(obj, "/Resources")
            struct_parents = _int(obj.get("/StructParents"))
            self._walk_content(instructions, resources, obj, struct_parents, [], number, 0, set())
        if self.untagged:
            kinds: Counter = Counter()
            for counter in self.untagged.values():
                kinds.update(counter)
            what = ", ".join(f"{n} {k}" for k, n in kinds.most_common())
            note = ""
            if self.orphan_mcids and self.elements:
                first = min(self.orphan_mcids)
                total = sum(len(v) for v in self.orphan_mcids.values())
                ids = ", ".join(str(i) for i in sorted(self.orphan_mcids[first])[:_MAX_EXAMPLES])
                note = (f"; {total} marked-content sequence(s) have an MCID that no structure element references "
                        f"(e.g. page {first} MCID {ids}): mark running headers/footers as /Artifact")
            self.add("7.1", f"content on page(s) {_pages(self.untagged)} is neither tagged nor marked as an artifact "
                            f"({what}){note}")
        if self.artifact_in_tagged:
            self.add("7.1", f"artifact marked content inside tagged content on page(s) {_pages(self.artifact_in_tagged)}")
        if self.tagged_in_artifact:
            self.add("7.1", f"tagged content (MCID) inside an artifact on page(s) {_pages(self.tagged_in_artifact)}")
        if self.no_lang_pages:
            self.add("7.2", f"the language of text on page(s) {_pages(self.no_lang_pages)} cannot be determined: "
                            "no /Lang in the catalog, the structure element or the marked content")
        if self.mc_lang_bad:
            self.add("7.2", f"marked-content /Lang is not a valid language identifier (RFC 3066): "
                            f"{_examples(sorted(set(self.mc_lang_bad)))}")
        for key, pages in self.span_no_lang.items():
            self.add("7.2", f"the language of /{key} on a Span marked-content sequence cannot be determined "
                            f"(page(s) {_pages(pages)})")

    def _parse(self, stream_owner: Any, page: Any = None) -> list:
        k = _key(stream_owner)
        cached = self._parsed.get(k)
        if cached is None:
            cached = pikepdf.parse_content_stream(page if page is not None else stream_owner, _OPERATORS)
            self._parsed[k] = cached
        return cached

    def _resolve_mcid(self, owner_key: Any, struct_parents: int | None, mcid: int) -> _Elem | None:
        elem = self.mcid_owner.get((owner_key, mcid))
        if elem is not None:
            return elem
        if struct_parents is None or not self.parent_tree:
            return None
        entry = self.parent_tree.get(struct_parents)
        if isinstance(entry, Array) and 0 <= mcid < len(entry):
            elem = self._elem_for(entry[mcid])
            if elem is not None:
                self.mcid_owner[(owner_key, mcid)] = elem
            return elem
        return None

    def _elem_for(self, obj: Any) -> _Elem | None:
        """The structure element (met in the tree walk) that is this dictionary."""
        by_key = self.__dict__.get("_elem_by_key")
        if by_key is None:
            by_key = self._elem_by_key = {_key(e.obj): e for e in self.elements}
        return by_key.get(_key(obj)) if _is_dict(obj) else None

    def _walk_content(self, instructions: list, resources: Any, owner: Any, struct_parents: int | None,
                      frames: list[_Frame], page_no: int, depth: int, active_forms: set) -> bool:
        """Walk one content stream; returns whether it holds marked content with an MCID."""
        fonts = resources.get("/Font") if _is_dict(resources) else None
        xobjects = resources.get("/XObject") if _is_dict(resources) else None
        properties = resources.get("/Properties") if _is_dict(resources) else None
        owner_key = _key(owner)
        selected: dict[str | None, tuple[_FontUse | None, _FontInfo | None]] = {}  # font resource name -> use
        gstack: list[tuple[Any, Any, int]] = []
        font: _FontUse | None = None
        info: _FontInfo | None = None
        render_mode = 0
        base = len(frames)
        own_mcids = False
        catalog_lang = self.catalog_lang
        for instruction in instructions:
            op = str(instruction.operator)
            if op == "EMC":
                if len(frames) > base:
                    frames.pop()
            elif op in _TEXT_SHOW:
                top = frames[-1] if frames else None
                if top is None or not top.covered:
                    self.untagged[page_no]["text"] += 1
                if not (catalog_lang or (top is not None and top.lang)):
                    self.no_lang_pages.add(page_no)
                if font is not None:
                    if render_mode != 3:
                        font.rendered = True
                    operand = instruction.operands[-1] if instruction.operands else None
                    if isinstance(operand, Array):
                        data = _array_string_bytes(operand)
                    elif isinstance(operand, pikepdf.String):
                        data = bytes(operand)
                    else:
                        data = b""
                    if data:
                        font.codes.update(info.codes(data))
            elif op == "BDC" or op == "BMC":
                own_mcids |= self._open_marked_content(instruction, op, properties, owner_key, struct_parents,
                                                        frames, page_no)
            elif op == "Tf":
                operands = instruction.operands
                resource = str(operands[0]) if operands and isinstance(operands[0], Name) else None
                if resource not in selected:
                    raw = fonts.get(resource) if resource and _is_dict(fonts) else None
                    selected[resource] = (self._font_use(raw), self._font_info(raw)) if _is_dict(raw) else (None, None)
                font, info = selected[resource]
                if font is not None:
                    font.pages.add(page_no)
            elif op == "q":
                gstack.append((font, info, render_mode))
            elif op == "Q":
                if gstack:
                    font, info, render_mode = gstack.pop()
            elif op == "Tr":
                value = _int(instruction.operands[0]) if instruction.operands else None
                render_mode = value if value is not None else render_mode
            elif op in _PATH_PAINT:
                self._content_item(frames, "path", page_no)
            elif op == "sh":
                self._content_item(frames, "shading", page_no)
            elif op == "EI":
                self._content_item(frames, "inline image", page_no)
            elif op == "Do":
                operands = instruction.operands
                xobject = None
                if operands and isinstance(operands[0], Name) and _is_dict(xobjects):
                    xobject = xobjects.get(str(operands[0]))
                if not isinstance(xobject, Stream):
                    continue
                subtype = _name(xobject.get("/Subtype"))
                if subtype == "Image":
                    self._content_item(frames, "image", page_no)
                elif subtype == "Form":
                    k = _key(xobject)
                    self.form_uses[k] += 1
                    if k in active_forms or depth >= _MAX_FORM_DEPTH:
                        continue
                    try:
                        form_instructions = self._parse(xobject)
                    except pikepdf.PdfError as exc:
                        self.add("7.1", f"page {page_no}: form XObject content cannot be parsed ({exc})")
                        continue
                    form_resources = xobject.get("/Resources", resources)
                    form_sp = _int(xobject.get("/StructParents"))
                    active_forms.add(k)
                    had = self._walk_content(form_instructions, form_resources, xobject,
                                             form_sp if form_sp is not None else struct_parents,
                                             frames, page_no, depth + 1, active_forms)
                    active_forms.discard(k)
                    if had:
                        self.forms_with_mcid[k] = xobject
        del frames[base:]
        return own_mcids

    def _open_marked_content(self, instruction, op: str, properties: Any, owner_key: Any,
                             struct_parents: int | None, frames: list[_Frame], page_no: int) -> bool:
        operands = instruction.operands
        tag = (_name(operands[0]) if operands else "") or ""
        props = None
        if op == "BDC" and len(operands) > 1:
            props = operands[1]
            if isinstance(props, Name) and _is_dict(properties):
                props = properties.get(str(props))
            if not _is_dict(props):
                props = None
        mcid = _int(props.get("/MCID")) if props is not None else None
        lang = None
        if props is not None and "/Lang" in props:
            lang = _text(props.get("/Lang"))
            if lang is None or not _valid_language(lang):
                self.mc_lang_bad.append(f"{lang!r} on page {page_no}")
                lang = None
        top = frames[-1] if frames else None
        in_artifact = top is not None and top.in_artifact
        in_tagged = top is not None and top.in_tagged
        is_artifact = tag == "Artifact"
        if is_artifact and in_tagged:
            self.artifact_in_tagged.add(page_no)
        if mcid is not None and in_artifact:
            self.tagged_in_artifact.add(page_no)
        elem = None
        if mcid is not None:
            elem = self._resolve_mcid(owner_key, struct_parents, mcid)
            if elem is None and not in_artifact:
                self.orphan_mcids[page_no].add(mcid)
        inherited = lang or (elem.lang if elem is not None else None) or (top.lang if top is not None else None)
        if tag == "Span" and props is not None and not (inherited or self.catalog_lang):
            for key in ("/ActualText", "/Alt", "/E"):
                if key in props:
                    self.span_no_lang[key[1:]].add(page_no)
        frames.append(_Frame(
            tag=tag,
            lang=inherited,
            in_artifact=in_artifact or is_artifact,
            in_tagged=in_tagged or mcid is not None,
            covered=(top is not None and top.covered) or is_artifact or elem is not None,
        ))
        return mcid is not None

    def _content_item(self, frames: list[_Frame], kind: str, page_no: int) -> None:
        if not frames or not frames[-1].covered:
            self.untagged[page_no][kind] += 1

    # -- 7.2: outlines ----------------------------------------------------------------------------

    def check_outlines(self) -> None:
        outlines = self.root.get("/Outlines")
        if not _is_dict(outlines) or "/First" not in outlines:
            return
        count, stack, seen = 0, [outlines.get("/First")], set()
        while stack:
            item = stack.pop()
            if not _is_dict(item) or _key(item) in seen:
                continue
            seen.add(_key(item))
            count += 1
            stack.append(item.get("/Next"))
            stack.append(item.get("/First"))
        self.bookmarks = count
        if count and not self.catalog_lang:
            self.add("7.2", f"the language of the bookmark (outline) titles cannot be determined: {self._no_catalog_lang()}")

    # -- 7.18: annotations --------------------------------------------------------------------------

    def _struct_parent(self, annot: Dictionary) -> _Elem | None:
        elem = self.objr_owner.get(_key(annot))
        if elem is not None:
            return elem
        index = _int(annot.get("/StructParent"))
        if index is None or not self.parent_tree:
            return None
        return self._elem_for(self.parent_tree.get(index))

    def check_annotations(self) -> None:
        no_tabs: list[int] = []
        problems: dict[tuple[str, str], list[str]] = defaultdict(list)
        for number, page in enumerate(self.pdf.pages, 1):
            obj = page.obj
            annots = [a for a in _array(obj.get("/Annots")) if _is_dict(a)]
            if not annots:
                continue
            if _name(obj.get("/Tabs")) != "S":
                no_tabs.append(number)
            crop = _rect(_inherited(obj, "/CropBox")) or _rect(_inherited(obj, "/MediaBox"))
            for annot in annots:
                self._check_annotation(annot, number, crop, problems)
        if no_tabs:
            self.add("7.18.3", f"page(s) {_pages(no_tabs)} have annotations but no /Tabs /S (structure order)")
        for (clause, rule), where in problems.items():
            self.add(clause, f"{rule}: {_examples(where)}")

    def _check_annotation(self, annot: Dictionary, page_no: int, crop, problems) -> None:
        subtype = _name(annot.get("/Subtype")) or "?"
        flags = _int(annot.get("/F")) or 0
        rect = _rect(annot.get("/Rect"))
        hidden = bool(flags & 2)
        outside = crop is not None and rect is not None and (
            rect[0] >= crop[2] or rect[2] <= crop[0] or rect[1] >= crop[3] or rect[3] <= crop[1])
        elem = self._struct_parent(annot)
        parent_type = elem.std if elem is not None else None
        where = f"{subtype} annotation on page {page_no}"
        contents = _text(annot.get("/Contents"))
        if "/Lang" in annot:
            value = _text(annot.get("/Lang"))
            if value is None or not _valid_language(value):
                problems[("7.2", "annotation /Lang is not a valid language identifier")].append(where)
        if contents is not None and not (self.catalog_lang or (elem is not None and elem.lang)
                                         or _text(annot.get("/Lang"))):
            problems[("7.2", "the language of an annotation's /Contents cannot be determined")].append(where)
        if subtype == "TrapNet" and not (hidden or outside):
            problems[("7.18.2", "TrapNet annotations are not permitted")].append(where)
        if subtype == "PrinterMark":
            if elem is not None and not (hidden or outside):
                problems[("7.18.8", "a PrinterMark annotation is included in the structure tree; it must be an artifact")].append(where)
            return
        if subtype == "FileAttachment":
            spec = annot.get("/FS")
            if _is_dict(spec) and "/EF" in spec and not (_text(spec.get("/F")) and _text(spec.get("/UF"))):
                problems[("7.18.7", "file attachment's embedded file specification lacks a non-empty /F and /UF")].append(where)
        if hidden or outside:
            return
        if subtype not in _ANNOT_EXEMPT_FROM_ANNOT_TAG:
            if parent_type != "Annot":
                problems[("7.18.1", "annotation is not nested in an Annot structure element")].append(
                    f"{where} (in {elem.raw if elem is not None else 'no structure element'})")
            alt = _text(elem.obj.get("/Alt")) if elem is not None else None
            if not (contents or alt):
                problems[("7.18.1", "annotation has neither /Contents nor /Alt on its structure element")].append(where)
        if subtype == "Widget":
            field_dict = annot if ("/T" in annot or "/FT" in annot or not _is_dict(annot.get("/Parent"))) else annot.get("/Parent")
            tu = _text(field_dict.get("/TU")) if _is_dict(field_dict) else None
            alt = _text(elem.obj.get("/Alt")) if elem is not None else None
            if not (tu or alt):
                problems[("7.18.1", "form field has neither a /TU name nor /Alt on its structure element")].append(where)
            if parent_type != "Form":
                problems[("7.18.4", "Widget annotation is not nested in a Form structure element")].append(
                    f"{where} (in {elem.raw if elem is not None else 'no structure element'})")
        if subtype == "Link":
            if parent_type != "Link":
                problems[("7.18.5", "Link annotation is not nested in a Link structure element")].append(
                    f"{where} (in {elem.raw if elem is not None else 'no structure element'})")
            if not contents:
                problems[("7.18.5", "Link annotation has no /Contents alternate description")].append(where)
            elif contents.strip() == _link_destination_name(annot):
                problems[("7.18.5", "Link /Contents is the raw destination id, not a description of the link")].append(
                    f"{where} ({contents.strip()!r})")
        for clip in _media_clips(annot):
            if "/CT" not in clip:
                problems[("7.18.6.2", "media clip data has no /CT content type")].append(where)
            alt = clip.get("/Alt")
            items = _array(alt) if isinstance(alt, Array) else None
            if not items or len(items) % 2 or not all(isinstance(i, pikepdf.String) for i in items) \
                    or not any(_text(i) for i in items[1::2]):
                problems[("7.18.6.2", "media clip data has no /Alt alternate description")].append(where)

    def check_form_fields(self) -> None:
        form = self.root.get("/AcroForm")
        if not _is_dict(form):
            return
        stack = list(_array(form.get("/Fields")))
        seen: set = set()
        missing: list[str] = []
        while stack:
            node = stack.pop()
            if not _is_dict(node) or _key(node) in seen:
                continue
            seen.add(_key(node))
            stack.extend(_array(node.get("/Kids")))
            if "/TU" not in node or self.catalog_lang or _text(node.get("/Lang")):
                continue
            widgets = [node] + [k for k in _array(node.get("/Kids")) if _is_dict(k)]
            if any((e := self._struct_parent(w)) is not None and e.lang for w in widgets):
                continue
            missing.append(repr(_text(node.get("/T")) or "?"))
        if missing:
            self.add("7.2", f"the language of form field /TU names cannot be determined: {_examples(missing)}")

    # -- 7.10, 7.11, 7.15, 7.16, 7.20 -----------------------------------------------------------------

    def check_optional_content(self) -> None:
        props = self.root.get("/OCProperties")
        if not _is_dict(props):
            return
        configs = [props.get("/D")] + _array(props.get("/Configs"))
        for index, config in enumerate(configs):
            if not _is_dict(config):
                continue
            which = "the default configuration (/D)" if index == 0 else f"configuration {index} in /Configs"
            name = _text(config.get("/Name"))
            if not name:
                self.add("7.10", f"optional content {which} has no non-empty /Name")
            if "/AS" in config:
                self.add("7.10", f"optional content {which} has an /AS entry")

    def check_embedded_files(self) -> None:
        bad: list[str] = []
        for spec in self._file_specs():
            if "/EF" in spec and not (_text(spec.get("/F")) and _text(spec.get("/UF"))):
                bad.append(repr(_text(spec.get("/UF")) or _text(spec.get("/F")) or "?"))
        if bad:
            self.add("7.11", f"embedded file specification lacks a non-empty /F and /UF: {_examples(bad)}")

    def _file_specs(self) -> Iterator[Dictionary]:
        seen: set = set()
        for obj in self.pdf.objects:
            if isinstance(obj, Dictionary) and "/EF" in obj:
                seen.add(_key(obj))
                yield obj
        for page in self.pdf.pages:
            for annot in _array(page.obj.get("/Annots")):
                if _is_dict(annot):
                    spec = annot.get("/FS")
                    if _is_dict(spec) and _key(spec) not in seen:
                        seen.add(_key(spec))
                        yield spec
        names = self.root.get("/Names")
        tree = names.get("/EmbeddedFiles") if _is_dict(names) else None
        for _name_, spec in _name_tree(tree):
            if _is_dict(spec) and _key(spec) not in seen:
                seen.add(_key(spec))
                yield spec

    def check_xfa(self) -> None:
        form = self.root.get("/AcroForm")
        xfa = form.get("/XFA") if _is_dict(form) else None
        if xfa is None:
            return
        streams = [xfa] if isinstance(xfa, Stream) else [s for s in _array(xfa) if isinstance(s, Stream)]
        for stream in streams:
            data = stream.read_bytes()
            if re.search(rb"<(?:[\w.-]+:)?dynamicRender\b[^>]*>\s*required\s*</(?:[\w.-]+:)?dynamicRender\s*>", data):
                self.add("7.15", "the document uses a dynamic XFA form (dynamicRender required)")
                return

    def check_encryption(self) -> None:
        encrypt = self.pdf.trailer.get("/Encrypt")
        if not _is_dict(encrypt):
            return
        p = _int(encrypt.get("/P"))
        if p is None:
            self.add("7.16", "the encryption dictionary has no /P permissions")
        elif not p & 512:
            self.add("7.16", "encryption denies assistive technology access (bit 10 of /P is not set)")

    def check_xobjects(self) -> None:
        refs = 0
        for obj in self.pdf.objects:
            if isinstance(obj, Stream) and obj.get("/Subtype") == Name.Form and "/Ref" in obj:
                refs += 1
        if refs:
            self.add("7.20", f"the document contains {refs} reference XObject(s) (/Ref)")
        for k, form in self.forms_with_mcid.items():
            if self.form_uses[k] > 1:
                self.add("7.20", f"a form XObject with tagged content (MCIDs) is painted {self.form_uses[k]} times")

    # -- 7.21: fonts ------------------------------------------------------------------------------------

    def _font_use(self, font: Any) -> _FontUse:
        k = _key(font)
        use = self.font_uses.get(k)
        if use is None:
            use = self.font_uses[k] = _FontUse(font)
        return use

    def _font_info(self, font: Any) -> "_FontInfo":
        cache = self.__dict__.setdefault("_font_infos", {})
        k = _key(font)
        info = cache.get(k)
        if info is None:
            info = cache[k] = _FontInfo(font)
        return info

    def check_fonts(self) -> None:
        for use in self.font_uses.values():
            info = self._font_info(use.font)
            pages = _pages(use.pages) if use.pages else "?"
            for clause, message in info.problems(use.codes, use.rendered):
                self.add(clause, f"font {info.base_name} (page(s) {pages}): {message}")


# --------------------------------------------------------------------------------------------
# Fonts


class _FontInfo:
    """What the 7.21 checks need to know about one font dictionary, computed once."""

    def __init__(self, font: Any):
        self.font = font
        self.subtype = _name(font.get("/Subtype")) if _is_dict(font) else None
        self.base_name = _name(font.get("/BaseFont")) if _is_dict(font) else None
        self.base_name = self.base_name or "(unnamed)"
        self.descendant = None
        if self.subtype == "Type0":
            kids = _array(font.get("/DescendantFonts"))
            self.descendant = kids[0] if kids and _is_dict(kids[0]) else None
        self.encoding = font.get("/Encoding") if _is_dict(font) else None
        self._ranges: list[tuple[int, bytes, bytes]] | None = None
        self._to_unicode: dict[int, str] | None = None
        self._cid_map: dict[int, int] | None = None
        self._init_decoding()

    # decoding character codes
    def _init_decoding(self) -> None:
        if self.subtype != "Type0":
            return
        enc = self.encoding
        if isinstance(enc, Stream):
            try:
                data = enc.read_bytes()
            except pikepdf.PdfError:
                data = b""
            self._ranges = _codespace_ranges(data)
            self._cid_map = _cid_ranges(data)
        else:
            name = _name(enc) or ""
            if "RKSJ" in name:
                self._ranges = [(1, b"\x00", b"\x80"), (2, b"\x81\x40", b"\x9f\xfc"), (1, b"\xa0", b"\xdf"),
                                (2, b"\xe0\x40", b"\xfc\xfc")]
            elif name and not any(t in name for t in ("Identity", "UCS2", "UTF16")) and name not in ("H", "V"):
                self._ranges = [(1, b"\x00", b"\x80"), (2, b"\x81\x40", b"\xfe\xfe")]

    def codes(self, data: bytes) -> Iterable[int]:
        if self.subtype != "Type0":
            return data  # iterating bytes yields ints
        ranges = self._ranges
        if not ranges:
            return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data) - 1, 2)]
        out, i, n = [], 0, len(data)
        while i < n:
            for length, lo, hi in ranges:
                chunk = data[i:i + length]
                if len(chunk) == length and all(lo[j] <= chunk[j] <= hi[j] for j in range(length)):
                    out.append(int.from_bytes(chunk, "big"))
                    i += length
                    break
            else:
                length = min((r[0] for r in ranges), default=1)
                out.append(int.from_bytes(data[i:i + length], "big"))
                i += max(length, 1)
        return out

    def to_unicode(self) -> dict[int, str] | None:
        if self._to_unicode is None:
            stream = self.font.get("/ToUnicode")
            if isinstance(stream, Stream):
                try:
                    self._to_unicode = _parse_to_unicode(stream.read_bytes())
                except pikepdf.PdfError:
                    self._to_unicode = {}
            else:
                self._to_unicode = None
                return None
        return self._to_unicode

    def problems(self, codes: set[int], rendered: bool) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        font = self.font
        if not _is_dict(font):
            return [("7.21", "font resource is not a dictionary")]
        # 7.21.4.1: embedding (Type3 glyphs are content streams; Type0 is checked via its CIDFont)
        if rendered and self.subtype != "Type3":
            target = self.descendant if self.subtype == "Type0" else font
            descriptor = target.get("/FontDescriptor") if _is_dict(target) else None
            if not _is_dict(descriptor) or not any(
                    isinstance(descriptor.get(k), Stream) for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                out.append(("7.21.4.1", "font program is not embedded"))
        if self.subtype == "Type0":
            out += self._composite_problems()
        elif self.subtype == "TrueType":
            out += self._truetype_encoding_problems()
        out += self._unicode_problems(codes)
        out += self._program_problems(codes, rendered)
        return out

    # -- checks that need the embedded font program (fontTools) --------------------------------

    def _descriptor(self) -> Any:
        target = self.descendant if self.subtype == "Type0" else self.font
        descriptor = target.get("/FontDescriptor") if _is_dict(target) else None
        return descriptor if _is_dict(descriptor) else None

    def program(self) -> "_FontProgram | None":
        if "_program" not in self.__dict__:
            descriptor = self._descriptor()
            self._program = _FontProgram.load(descriptor) if descriptor is not None else None
        return self._program

    def _program_problems(self, codes: set[int], rendered: bool) -> list[tuple[str, str]]:
        with _quiet_fonttools():
            return self._program_problems_quietly(codes, rendered)

    def _program_problems_quietly(self, codes: set[int], rendered: bool) -> list[tuple[str, str]]:
        if self.subtype == "Type3":
            return []
        descriptor = self._descriptor()
        program = self.program()
        if descriptor is None or program is None:
            return []
        out: list[tuple[str, str]] = []
        subset = bool(re.match(r"[A-Z]{6}\+", self.base_name))
        # 7.21.4.2: CharSet / CIDSet of subset fonts list every glyph in the program
        if subset and self.subtype in ("Type1", "MMType1") and "/CharSet" in descriptor:
            listed = set(re.findall(r"/([^/\s]+)", _text(descriptor.get("/CharSet")) or "")) - {".notdef"}
            present = program.glyph_names() - {".notdef"}
            if present and listed != present:
                detail = []
                if present - listed:
                    detail.append(f"omits {_examples(sorted(present - listed))}")
                if listed - present:
                    detail.append(f"lists absent {_examples(sorted(listed - present))}")
                out.append(("7.21.4.2", f"/CharSet does not match the glyphs in the font program ({'; '.join(detail)})"))
        if subset and self.subtype == "Type0" and isinstance(descriptor.get("/CIDSet"), Stream):
            try:
                bitmap = descriptor.get("/CIDSet").read_bytes()
            except pikepdf.PdfError:
                bitmap = b""
            present = self._program_cids(program)
            missing = sorted(c for c in present if c // 8 >= len(bitmap) or not bitmap[c // 8] & (0x80 >> (c % 8)))
            if missing:
                out.append(("7.21.4.2", f"/CIDSet omits CID(s) {_examples([str(c) for c in missing])} "
                                        "present in the font program"))
        if self.subtype == "TrueType":
            out += program.truetype_cmap_problems(symbolic=not self._nonsymbolic())
            differences, _base = self._simple_glyph_names()
            if differences and self._nonsymbolic() and program.kind == "truetype" and (3, 1) not in program._cmaps():
                out.append(("7.21.6", "non-symbolic TrueType font has a /Differences array but its program has no "
                                      "Microsoft Unicode (3,1) 'cmap' subtable"))
        if not codes:
            return out
        absent, notdef, widths = [], [], []
        for code in sorted(codes):
            glyph = self._glyph(program, code)
            if glyph is None:
                continue
            if glyph == ".notdef" or glyph == 0:
                notdef.append(hex(code))
                continue
            if not program.has_glyph(glyph):
                absent.append(hex(code))
                continue
            if not rendered:
                continue
            expected = self._dictionary_width(code)
            actual = program.width(glyph)
            if expected is not None and actual is not None and abs(expected - actual) > 1:
                widths.append(f"{hex(code)}: {expected:g} vs {actual:g}")
        if notdef:
            out.append(("7.21.8", f"character code(s) {_examples(notdef)} select the .notdef glyph"))
        if absent and rendered:
            out.append(("7.21.4.1", f"glyph(s) for character code(s) {_examples(absent)} are missing from the "
                                    "embedded font program"))
        if widths:
            out.append(("7.21.5", f"glyph widths in the font dictionary differ from the font program "
                                  f"({_examples(widths)})"))
        return out

    def _program_cids(self, program: "_FontProgram") -> set[int]:
        if program.kind == "cff":
            cids = set()
            for name in program.glyph_names():
                if name.startswith("cid") and name[3:].isdigit():
                    cids.add(int(name[3:]))
                elif name == ".notdef":
                    cids.add(0)
            return cids
        count = program.glyph_count()
        mapping = self.descendant.get("/CIDToGIDMap") if _is_dict(self.descendant) else None
        if isinstance(mapping, Stream):
            try:
                table = mapping.read_bytes()
            except pikepdf.PdfError:
                return set()
            return {i // 2 for i in range(0, len(table) - 1, 2)
                    if int.from_bytes(table[i:i + 2], "big") < count and (i == 0 or table[i:i + 2] != b"\0\0")}
        return set(range(count))

    def _cid(self, code: int) -> int | None:
        enc = self.encoding
        if isinstance(enc, Name) and _name(enc) in ("Identity-H", "Identity-V"):
            return code
        if isinstance(enc, Stream):
            if self._cid_map is not None and code in self._cid_map:
                return self._cid_map[code]
            return None
        return None  # a predefined CJK CMap: the CID is not known without the CMap file

    def _glyph(self, program: "_FontProgram", code: int) -> Any:
        """The glyph a character code selects: a glyph name, a glyph id, or None when unknown."""
        if self.subtype == "Type0":
            cid = self._cid(code)
            if cid is None:
                return None
            if cid == 0:
                return ".notdef"
            if program.kind == "cff":
                return program.cid_glyph_name(cid)
            mapping = self.descendant.get("/CIDToGIDMap") if _is_dict(self.descendant) else None
            if isinstance(mapping, Stream):
                table = self.__dict__.get("_cid_to_gid")
                if table is None:
                    try:
                        table = self._cid_to_gid = mapping.read_bytes()
                    except pikepdf.PdfError:
                        table = self._cid_to_gid = b""
                if 2 * cid + 1 >= len(table):
                    return 0
                return int.from_bytes(table[2 * cid:2 * cid + 2], "big")
            return cid
        differences, base = self._simple_glyph_names()
        if self.subtype == "TrueType":
            name = differences.get(code) or _encoding_glyph_name(base, code)
            return program.truetype_glyph(code, name, symbolic=not self._nonsymbolic() or base is None and not differences)
        name = differences.get(code)
        if name is None:
            name = _encoding_glyph_name(base, code) if base else program.builtin_glyph_name(code)
        return name

    def _dictionary_width(self, code: int) -> float | None:
        font = self.font
        if self.subtype == "Type0":
            cid = self._cid(code)
            if cid is None or not _is_dict(self.descendant):
                return None
            widths = self.__dict__.get("_cid_widths")
            if widths is None:
                widths = self._cid_widths = _cid_width_table(self.descendant.get("/W"))
            if cid in widths:
                return widths[cid]
            default = _number(self.descendant.get("/DW"))
            return default if default is not None else 1000.0
        first = _int(font.get("/FirstChar"))
        table = font.get("/Widths")
        if first is None or not isinstance(table, Array) or not first <= code < first + len(table):
            return None
        return _number(table[code - first])

    def _composite_problems(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        cid_font = self.descendant
        enc = self.encoding
        if not _is_dict(cid_font):
            return [("7.21.3.1", "Type0 font has no descendant CIDFont")]
        cid_info = cid_font.get("/CIDSystemInfo")
        # 7.21.3.3: CMaps must be predefined (Table 118) or embedded; WMode consistent; no non-standard usecmap
        cmap_name = None
        cmap_info = None
        if isinstance(enc, Name):
            cmap_name = _name(enc)
            if cmap_name not in _PREDEFINED_CMAPS:
                out.append(("7.21.3.3", f"CMap {cmap_name} is neither predefined nor embedded"))
        elif isinstance(enc, Stream):
            cmap_name = _name(enc.get("/CMapName"))
            cmap_info = enc.get("/CIDSystemInfo")
            try:
                data = enc.read_bytes()
            except pikepdf.PdfError:
                data = b""
            match = re.search(rb"/WMode\s+(\d+)\s+def", data)
            stream_wmode = int(match.group(1)) if match else 0
            dict_wmode = _int(enc.get("/WMode")) or 0
            if stream_wmode != dict_wmode:
                out.append(("7.21.3.3", f"embedded CMap WMode {stream_wmode} differs from its dictionary's /WMode {dict_wmode}"))
            use = enc.get("/UseCMap")
            used = _name(use) if isinstance(use, Name) else (_name(use.get("/CMapName")) if isinstance(use, Stream) else None)
            for m in re.finditer(rb"/([^\s/\[\]<>()]+)\s+usecmap", data):
                used = used or m.group(1).decode("latin-1")
            if used is not None and used not in _PREDEFINED_CMAPS:
                out.append(("7.21.3.3", f"CMap references the non-predefined CMap {used}"))
        # 7.21.3.1: CIDSystemInfo of CIDFont and CMap compatible (unless Identity-H/V)
        if cmap_name not in ("Identity-H", "Identity-V"):
            if _is_dict(cmap_info) and _is_dict(cid_info):
                reg_a, reg_b = _text(cid_info.get("/Registry")), _text(cmap_info.get("/Registry"))
                ord_a, ord_b = _text(cid_info.get("/Ordering")), _text(cmap_info.get("/Ordering"))
                sup_a, sup_b = _int(cid_info.get("/Supplement")), _int(cmap_info.get("/Supplement"))
                if reg_a != reg_b or ord_a != ord_b:
                    out.append(("7.21.3.1", f"CIDFont uses {reg_a}-{ord_a} but the CMap {reg_b}-{ord_b}"))
                elif sup_a is None or sup_b is None or sup_a > sup_b:
                    out.append(("7.21.3.1", f"CIDFont Supplement {sup_a} exceeds the CMap's Supplement {sup_b}"))
            elif isinstance(enc, Name) and _is_dict(cid_info) and cmap_name in _PREDEFINED_CMAPS:
                registry = _text(cid_info.get("/Registry")) or ""
                ordering = _text(cid_info.get("/Ordering")) or ""
                expected = _predefined_ordering(cmap_name)
                if expected and (registry, ordering) != ("Adobe", expected):
                    out.append(("7.21.3.1", f"CIDFont uses {registry}-{ordering} but CMap {cmap_name} is Adobe-{expected}"))
        # 7.21.3.2: embedded CIDFontType2 needs a CIDToGIDMap (stream or /Identity)
        if _name(cid_font.get("/Subtype")) == "CIDFontType2":
            descriptor = cid_font.get("/FontDescriptor")
            embedded = _is_dict(descriptor) and any(isinstance(descriptor.get(k), Stream)
                                                   for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            mapping = cid_font.get("/CIDToGIDMap")
            if embedded and not (isinstance(mapping, Stream) or _name(mapping) == "Identity"):
                out.append(("7.21.3.2", "Type 2 CIDFont has no valid /CIDToGIDMap (stream or /Identity)"))
        return out

    def _truetype_encoding_problems(self) -> list[tuple[str, str]]:
        descriptor = self.font.get("/FontDescriptor")
        flags = _int(descriptor.get("/Flags")) if _is_dict(descriptor) else None
        symbolic = bool((flags or 0) & 4)
        enc = self.encoding
        if symbolic:
            if enc is not None:
                return [("7.21.6", "symbolic TrueType font has an /Encoding entry")]
            return []
        base = _name(enc) if isinstance(enc, Name) else (_name(enc.get("/BaseEncoding")) if _is_dict(enc) else None)
        if base not in ("MacRomanEncoding", "WinAnsiEncoding"):
            return [("7.21.6", f"non-symbolic TrueType font has encoding {base or 'none'}, "
                               "not MacRomanEncoding or WinAnsiEncoding")]
        if _is_dict(enc):
            names = [_name(d) for d in _array(enc.get("/Differences")) if isinstance(d, Name)]
            unknown = [n for n in names if n and not _glyph_unicode(n)]
            if unknown:
                return [("7.21.6", f"non-symbolic TrueType font's /Differences use glyph names outside the Adobe "
                                   f"Glyph List: {_examples(unknown)}")]
        return []

    def _simple_glyph_names(self) -> tuple[dict[int, str], str | None]:
        enc = self.encoding
        differences: dict[int, str] = {}
        base = _name(enc) if isinstance(enc, Name) else None
        if _is_dict(enc):
            base = _name(enc.get("/BaseEncoding"))
            code = 0
            for item in _array(enc.get("/Differences")):
                number = _int(item)
                if number is not None:
                    code = number
                elif isinstance(item, Name):
                    differences[code] = _name(item) or ""
                    code += 1
        return differences, base

    def _unicode_problems(self, codes: set[int]) -> list[tuple[str, str]]:
        if not codes:
            return []
        out: list[tuple[str, str]] = []
        to_unicode = self.to_unicode() or {}
        bad_values = sorted(c for c in codes if c in to_unicode and any(ch in "\x00\ufeff\ufffe" for ch in to_unicode[c]))
        if bad_values:
            out.append(("7.21.7", f"ToUnicode maps character code(s) {_examples([hex(c) for c in bad_values])} "
                                  "to U+0000, U+FEFF or U+FFFE"))
        unmapped = [c for c in codes if c not in to_unicode]
        if not unmapped:
            return out
        missing = [c for c in unmapped if not self._has_implicit_unicode(c)]
        if missing:
            how = "no ToUnicode map" if self.font.get("/ToUnicode") is None else "the ToUnicode map misses them"
            codes_text = _examples([hex(c) for c in sorted(missing)])
            out.append(("7.21.7", f"character code(s) {codes_text} cannot be mapped to Unicode ({how}, and the "
                                  "font qualifies for no other mapping)"))
            # Matterhorn 10-001 files the same failure under 7.2 (text shall be mappable to Unicode)
            out.append(("7.2", f"text shown with character code(s) {codes_text} has no Unicode equivalent"))
        notdef = []
        if self.subtype in ("Type1", "MMType1", "Type3", "TrueType"):
            differences, _ = self._simple_glyph_names()
            notdef = sorted(c for c in codes if differences.get(c) == ".notdef")
        if notdef:
            out.append(("7.21.8", f"character code(s) {_examples([hex(c) for c in notdef])} use the .notdef glyph"))
        return out

    def _has_implicit_unicode(self, code: int) -> bool:
        """ISO 14289-1 7.21.7: exemptions from ToUnicode for a used character code."""
        subtype = self.subtype
        if subtype == "Type0":
            info = self.descendant.get("/CIDSystemInfo") if _is_dict(self.descendant) else None
            return (_is_dict(info) and _text(info.get("/Registry")) == "Adobe"
                    and _text(info.get("/Ordering")) in _UNICODE_COLLECTIONS)
        differences, base = self._simple_glyph_names()
        if code in differences:
            name = differences[code]
            if subtype == "TrueType":
                return self._nonsymbolic() or bool(_glyph_unicode(name))
            return bool(_glyph_unicode(name))
        if base in _PREDEFINED_SIMPLE_ENCODINGS:
            return True
        if subtype == "TrueType":
            return self._nonsymbolic()
        if subtype in ("Type1", "MMType1"):
            return True  # StandardEncoding or the font's built-in encoding: glyph names from the font program
        return False

    def _nonsymbolic(self) -> bool:
        descriptor = self.font.get("/FontDescriptor")
        flags = _int(descriptor.get("/Flags")) if _is_dict(descriptor) else None
        return flags is not None and not flags & 4


def _predefined_ordering(cmap: str) -> str | None:
    """The Adobe character collection of a predefined CMap (ISO 32000-1 Table 118)."""
    if cmap in ("Identity-H", "Identity-V"):
        return None
    if "GB" in cmap:
        return "GB1"
    if "CNS" in cmap or "B5" in cmap:
        return "CNS1"
    if "KS" in cmap or "UHC" in cmap:
        return "Korea1"
    if "JIS" in cmap or "RKSJ" in cmap or cmap in ("H", "V", "EUC-H", "EUC-V"):
        return "Japan1"
    return None


def _cid_width_table(w: Any) -> dict[int, float]:
    out: dict[int, float] = {}
    items = _array(w) if isinstance(w, Array) else []
    i = 0
    while i < len(items):
        first = _int(items[i])
        if first is None:
            break
        nxt = items[i + 1] if i + 1 < len(items) else None
        if isinstance(nxt, Array):
            for j, value in enumerate(nxt):
                number = _number(value)
                if number is not None:
                    out[first + j] = number
            i += 2
        else:
            last = _int(nxt)
            value = _number(items[i + 2]) if i + 2 < len(items) else None
            if last is None or value is None or last - first > 0xFFFF:
                break
            for cid in range(first, last + 1):
                out[cid] = value
            i += 3
    return out


_ENCODING_TABLES: dict[str, list[str | None]] = {}


def _encoding_glyph_name(encoding: str | None, code: int) -> str | None:
    """The glyph name a predefined simple-font encoding gives a code (Annex D of ISO 32000-1)."""
    if encoding is None or not 0 <= code < 256:
        return None
    table = _ENCODING_TABLES.get(encoding)
    if table is None:
        table = [None] * 256
        try:
            if encoding == "MacRomanEncoding":
                from fontTools.encodings.MacRoman import MacRoman
                table = [n if n != ".notdef" else None for n in MacRoman]
            elif encoding == "StandardEncoding":
                from fontTools.encodings.StandardEncoding import StandardEncoding
                table = [n if n != ".notdef" else None for n in StandardEncoding]
            elif encoding == "WinAnsiEncoding":
                from fontTools.agl import UV2AGL
                for c in range(32, 256):
                    try:
                        char = bytes([c]).decode("cp1252")
                    except UnicodeDecodeError:
                        continue
                    table[c] = UV2AGL.get(ord(char))
                table[0xA0], table[0xAD] = "space", "hyphen"
        except ImportError:
            pass
        _ENCODING_TABLES[encoding] = table
    return table[code]


class _quiet_fonttools:
    """fontTools logs warnings about odd but harmless font tables; verification reports its own findings."""

    def __enter__(self):
        import logging

        self.logger = logging.getLogger("fontTools")
        self.level = self.logger.level
        self.logger.setLevel(logging.ERROR)

    def __exit__(self, *exc):
        self.logger.setLevel(self.level)
        return False


class _FontProgram:
    """An embedded font program, read with fontTools (a WeasyPrint dependency) when possible."""

    def __init__(self, kind: str, font: Any, extra: Any = None):
        self.kind = kind  # "truetype" (TTFont, glyf or CFF based), "cff" (bare CFF) or "type1"
        self.font = font
        self.extra = extra
        self._names: set[str] | None = None

    @classmethod
    def load(cls, descriptor: Any) -> "_FontProgram | None":
        with _quiet_fonttools():
            return cls._load(descriptor)

    @classmethod
    def _load(cls, descriptor: Any) -> "_FontProgram | None":
        try:
            if isinstance(descriptor.get("/FontFile2"), Stream):
                from fontTools.ttLib import TTFont

                return cls("truetype", TTFont(BytesIO(descriptor.get("/FontFile2").read_bytes()), lazy=True))
            stream = descriptor.get("/FontFile3")
            if isinstance(stream, Stream):
                data = stream.read_bytes()
                if _name(stream.get("/Subtype")) == "OpenType":
                    from fontTools.ttLib import TTFont

                    return cls("truetype", TTFont(BytesIO(data), lazy=True))
                from fontTools.cffLib import CFFFontSet

                fontset = CFFFontSet()
                fontset.decompile(BytesIO(data), None)
                return cls("cff", fontset[fontset.fontNames[0]])
            stream = descriptor.get("/FontFile")
            if isinstance(stream, Stream):
                from fontTools.t1Lib import T1Font

                t1 = T1Font.__new__(T1Font)
                t1.data, t1.encoding = stream.read_bytes(), "ascii"
                t1.parse()
                return cls("type1", t1.font)
        except Exception:  # an unreadable program: the program-level checks are skipped, not guessed
            return None
        return None

    def glyph_names(self) -> set[str]:
        if self._names is None:
            try:
                if self.kind == "truetype":
                    self._names = set(self.font.getGlyphOrder())
                elif self.kind == "cff":
                    self._names = set(self.font.charset)
                else:
                    self._names = set(self.font["CharStrings"].keys())
            except Exception:
                self._names = set()
        return self._names

    def glyph_count(self) -> int:
        try:
            if self.kind == "truetype":
                return self.font["maxp"].numGlyphs
        except Exception:
            return 0
        return len(self.glyph_names())

    def cid_glyph_name(self, cid: int) -> str | None:
        names = self.glyph_names()
        for candidate in (f"cid{cid:05d}", f"cid{cid}"):
            if candidate in names:
                return candidate
        return f"cid{cid:05d}"

    def has_glyph(self, glyph: Any) -> bool:
        if isinstance(glyph, int):
            return 0 <= glyph < self.glyph_count()
        return glyph in self.glyph_names()

    def builtin_glyph_name(self, code: int) -> str | None:
        try:
            if self.kind == "type1":
                encoding = self.font.get("Encoding")
                if isinstance(encoding, list) and code < len(encoding):
                    return encoding[code]
                return _encoding_glyph_name("StandardEncoding", code)
            if self.kind == "cff":
                encoding = getattr(self.font, "Encoding", "StandardEncoding")
                if isinstance(encoding, list):
                    return encoding[code] if code < len(encoding) else None
                return _encoding_glyph_name(encoding, code) if encoding == "StandardEncoding" else None
        except Exception:
            return None
        return None

    def _cmaps(self) -> dict[tuple[int, int], dict[int, str]]:
        if "_cmap_tables" not in self.__dict__:
            tables: dict[tuple[int, int], dict[int, str]] = {}
            try:
                for table in self.font["cmap"].tables:
                    tables.setdefault((table.platformID, table.platEncID), table.cmap)
            except Exception:
                pass
            self._cmap_tables = tables
        return self._cmap_tables

    def truetype_glyph(self, code: int, name: str | None, symbolic: bool) -> Any:
        """ISO 32000-1 9.6.6.4: the glyph a simple TrueType font selects for a code (name or gid)."""
        if self.kind != "truetype":
            return name
        cmaps = self._cmaps()
        if not symbolic and name:
            uni = _glyph_unicode(name)
            if (3, 1) in cmaps and uni and len(uni) == 1:
                glyph = cmaps[(3, 1)].get(ord(uni))
                if glyph is not None:
                    return glyph
            if (1, 0) in cmaps:
                from fontTools.encodings.MacRoman import MacRoman

                if name in MacRoman:
                    glyph = cmaps[(1, 0)].get(MacRoman.index(name))
                    if glyph is not None:
                        return glyph
            if name in self.glyph_names():
                return name
            return None
        if (3, 0) in cmaps:
            for offset in (0, 0xF000, 0xF100, 0xF200):
                glyph = cmaps[(3, 0)].get(code + offset)
                if glyph is not None:
                    return glyph
        if (1, 0) in cmaps:
            glyph = cmaps[(1, 0)].get(code)
            if glyph is not None:
                return glyph
        return None

    def width(self, glyph: Any) -> float | None:
        """Advance width of a glyph in 1/1000 text space units."""
        try:
            if self.kind == "truetype":
                font = self.font
                name = font.getGlyphName(glyph) if isinstance(glyph, int) else glyph
                if "hmtx" not in font:
                    return None
                advance = font["hmtx"][name][0]
                return advance * 1000.0 / font["head"].unitsPerEm
            from fontTools.pens.basePen import NullPen

            if self.kind == "cff":
                charstring = self.font.CharStrings[glyph]
                charstring.draw(NullPen())
                scale = (getattr(self.font, "FontMatrix", None) or [0.001])[0]
                return charstring.width * scale * 1000.0
            charstring = self.font["CharStrings"][glyph]
            charstring.draw(NullPen())
            scale = (self.font.get("FontMatrix") or [0.001])[0]
            return charstring.width * scale * 1000.0
        except Exception:
            return None

    def truetype_cmap_problems(self, symbolic: bool) -> list[tuple[str, str]]:
        """7.21.6: the 'cmap' subtables a TrueType font program needs."""
        if self.kind != "truetype":
            return []
        cmaps = self._cmaps()
        if not cmaps and "cmap" not in self.font:
            return [("7.21.6", "TrueType font program has no 'cmap' table")]
        has30 = (3, 0) in cmaps
        if symbolic:
            if len(cmaps) != 1 and not has30:
                return [("7.21.6", "symbolic TrueType font program has several 'cmap' subtables but no (3,0)")]
        elif not (len(cmaps) > 1 if has30 else cmaps):
            return [("7.21.6", "non-symbolic TrueType font program has no non-symbolic 'cmap' subtable")]
        return []


_GLYPH_CACHE: dict[str, str] = {}


def _glyph_unicode(name: str) -> str:
    """Unicode for a glyph name per the Adobe Glyph List (uniXXXX/uXXXXX forms included)."""
    if name in _GLYPH_CACHE:
        return _GLYPH_CACHE[name]
    try:
        from fontTools.agl import toUnicode  # shipped with WeasyPrint's fontTools dependency
        value = toUnicode(name)
    except Exception:  # fontTools missing or a malformed name: treat as unmapped
        value = ""
    _GLYPH_CACHE[name] = value
    return value


_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_STRING_TOKEN = re.compile(rb"<([0-9A-Fa-f\s]*)>|\(((?:[^\\()]|\\.)*)\)", re.S)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|[\s\S])")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"\r\n": b"", b"\n": b"", b"\r": b""}


def _unescape(raw: bytes) -> bytes:
    if b"\\" not in raw:
        return raw

    def one(m: re.Match) -> bytes:
        token = m.group(1)
        if token[:1].isdigit():
            return bytes([int(token, 8) & 0xFF])
        return _ESCAPES.get(token, token)

    return _ESCAPE.sub(one, raw)


def _array_string_bytes(array: Array) -> bytes:
    """The bytes of all strings in a TJ array. Parsing qpdf's unparsed form is ~5x faster than
    touching every element through pikepdf."""
    raw = array.unparse()
    if b"(" not in raw:  # the usual case: qpdf writes hex strings, numbers in between
        try:
            return bytes.fromhex(b"".join(_HEX.findall(raw)).decode("ascii"))
        except ValueError:
            pass
    out = []
    for m in _STRING_TOKEN.finditer(raw):
        out.append(_hex_bytes(m.group(1)) if m.group(1) is not None else _unescape(m.group(2)))
    return b"".join(out)


def _cmap_sections(data: bytes, begin: bytes, end: bytes) -> Iterator[bytes]:
    for m in re.finditer(rb"\b" + begin + rb"\b(.*?)\b" + end + rb"\b", data, re.S):
        yield m.group(1)


def _hex_bytes(token: bytes) -> bytes:
    digits = re.sub(rb"\s", b"", token)
    if len(digits) % 2:
        digits += b"0"
    return bytes.fromhex(digits.decode("ascii"))


def _utf16(raw: bytes) -> str:
    if len(raw) % 2:
        raw = raw + b"\x00"
    return raw.decode("utf-16-be", errors="surrogatepass")


def _parse_to_unicode(data: bytes) -> dict[int, str]:
    out: dict[int, str] = {}
    for section in _cmap_sections(data, b"beginbfchar", b"endbfchar"):
        tokens = re.findall(rb"<[0-9A-Fa-f\s]*>|/[^\s<\[/]+", section)
        for i in range(0, len(tokens) - 1, 2):
            src, dst = tokens[i], tokens[i + 1]
            if src.startswith(b"<") and dst.startswith(b"<"):
                out[int.from_bytes(_hex_bytes(src[1:-1]), "big")] = _utf16(_hex_bytes(dst[1:-1]))
            elif src.startswith(b"<"):
                out[int.from_bytes(_hex_bytes(src[1:-1]), "big")] = _glyph_unicode(dst[1:].decode("latin-1")) or "\ufffd"
    for section in _cmap_sections(data, b"beginbfrange", b"endbfrange"):
        for m in re.finditer(rb"<([0-9A-Fa-f\s]*)>\s*<([0-9A-Fa-f\s]*)>\s*(<[0-9A-Fa-f\s]*>|\[[^\]]*\])", section):
            lo = int.from_bytes(_hex_bytes(m.group(1)), "big")
            hi = int.from_bytes(_hex_bytes(m.group(2)), "big")
            if hi < lo or hi - lo > 0xFFFF:
                continue
            dst = m.group(3)
            if dst.startswith(b"["):
                for offset, item in enumerate(_HEX.findall(dst)):
                    if lo + offset > hi:
                        break
                    out[lo + offset] = _utf16(_hex_bytes(item))
            else:
                start = _hex_bytes(dst[1:-1])
                if not start:
                    for code in range(lo, hi + 1):
                        out[code] = ""
                    continue
                prefix, last = start[:-2], int.from_bytes(start[-2:], "big")
                for code in range(lo, hi + 1):
                    value = last + (code - lo)
                    out[code] = _utf16(prefix + (value & 0xFFFF).to_bytes(2, "big"))
    return out


def _codespace_ranges(data: bytes) -> list[tuple[int, bytes, bytes]]:
    ranges = []
    for section in _cmap_sections(data, b"begincodespacerange", b"endcodespacerange"):
        tokens = _HEX.findall(section)
        for i in range(0, len(tokens) - 1, 2):
            lo, hi = _hex_bytes(tokens[i]), _hex_bytes(tokens[i + 1])
            if lo and len(lo) == len(hi):
                ranges.append((len(lo), lo, hi))
    ranges.sort(key=lambda r: r[0])
    return ranges


def _cid_ranges(data: bytes) -> dict[int, int]:
    out: dict[int, int] = {}
    for section in _cmap_sections(data, b"begincidchar", b"endcidchar"):
        for m in re.finditer(rb"<([0-9A-Fa-f\s]*)>\s*(\d+)", section):
            out[int.from_bytes(_hex_bytes(m.group(1)), "big")] = int(m.group(2))
    for section in _cmap_sections(data, b"begincidrange", b"endcidrange"):
        for m in re.finditer(rb"<([0-9A-Fa-f\s]*)>\s*<([0-9A-Fa-f\s]*)>\s*(\d+)", section):
            lo = int.from_bytes(_hex_bytes(m.group(1)), "big")
            hi = int.from_bytes(_hex_bytes(m.group(2)), "big")
            if 0 <= hi - lo <= 0xFFFF:
                for code in range(lo, hi + 1):
                    out[code] = int(m.group(3)) + code - lo
    return out


# --------------------------------------------------------------------------------------------
# Misc helpers


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


def _attribute(obj: Dictionary, owner: str, key: str, class_map: Any = None) -> Any:
    """A structure attribute of the given owner (/O), from /A (dictionary or array, newest last
    wins per ISO 32000-1 14.7.5) or else from the classes named by /C in the ClassMap."""
    found = None
    attrs = obj.get("/A")
    for attr in _array(attrs) if isinstance(attrs, Array) else [attrs]:
        if _is_dict(attr) and _name(attr.get("/O")) == owner and key in attr:
            found = attr.get(key)
    if found is not None or not _is_dict(class_map) or "/C" not in obj:
        return found
    classes = obj.get("/C")
    for name in _array(classes) if isinstance(classes, Array) else [classes]:
        if not isinstance(name, Name):
            continue
        entry = class_map.get(str(name))
        for attr in _array(entry) if isinstance(entry, Array) else [entry]:
            if _is_dict(attr) and _name(attr.get("/O")) == owner and key in attr:
                found = attr.get(key)
    return found


def _rect(value: Any) -> tuple[float, float, float, float] | None:
    if not isinstance(value, Array) or len(value) != 4:
        return None
    numbers = [_number(v) for v in value]
    if any(n is None for n in numbers):
        return None
    x1, y1, x2, y2 = numbers  # type: ignore[misc]
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _pages(numbers: Iterable[int]) -> str:
    """Page numbers as ranges: "1-3, 7"."""
    ordered = sorted(set(numbers))
    runs: list[str] = []
    start = previous = None
    for n in ordered + [None]:
        if start is not None and n == previous + 1:
            previous = n
            continue
        if start is not None:
            runs.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = n
    return ", ".join(runs)


def _media_clips(annot: Dictionary) -> Iterator[Dictionary]:
    """Media clip data dictionaries reachable from an annotation's actions (Screen annotations)."""
    stack: list[tuple[Any, int]] = [(annot.get("/A"), 0)]
    additional = annot.get("/AA")
    if _is_dict(additional):
        stack.extend((v, 0) for v in additional.values())
    seen: set = set()
    while stack:
        node, depth = stack.pop()
        if depth > 8:
            continue
        if isinstance(node, Array):
            stack.extend((v, depth + 1) for v in node)
            continue
        if not _is_dict(node) or _key(node) in seen:
            continue
        seen.add(_key(node))
        if _name(node.get("/S")) == "MCD" or _name(node.get("/Type")) == "MediaClip":
            yield node
            continue
        for key in ("/R", "/C", "/Next"):
            if key in node:
                stack.append((node.get(key), depth + 1))


def _link_destination_name(annot: Dictionary) -> str | None:
    """The named destination a link jumps to (/Dest, or a GoTo action's /D), if it is a name."""
    dest = annot.get("/Dest")
    action = annot.get("/A")
    if dest is None and _is_dict(action) and _name(action.get("/S")) == "GoTo":
        dest = action.get("/D")
    if isinstance(dest, Name):
        return _name(dest)
    return _text(dest)


def _name_tree(node: Any, depth: int = 0) -> Iterator[tuple[Any, Any]]:
    if not _is_dict(node) or depth > 32:
        return
    names = node.get("/Names")
    if isinstance(names, Array):
        for i in range(0, len(names) - 1, 2):
            yield names[i], names[i + 1]
    for kid in _array(node.get("/Kids")):
        yield from _name_tree(kid, depth + 1)
