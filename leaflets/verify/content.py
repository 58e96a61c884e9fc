"""Content streams: every painted item is either real content (marked content whose MCID a
structure element owns) or an artifact, and every text has a determinable language.

ISO 14289-1 7.1 (content tagged or an artifact; artifacts and tagged content not nested in each
other) and 7.2 (language of text, marked-content /Lang, Span /ActualText, /Alt, /E). The walk
also records, for 7.20 and 7.21, which form XObjects hold MCIDs and how often they are painted,
and which fonts show which character codes.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import pikepdf
from pikepdf import Array, Name, Stream

from .fonts import _FontInfo, _FontUse
from .pdfutil import (_HEX, _MAX_EXAMPLES, _examples, _hex_bytes, _inherited, _int, _is_dict, _key, _name, _pages,
                      _text, _valid_language)
from .structure import _Elem

_PATH_PAINT = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"})
#: The content-stream operators the checks look at (pikepdf filters the rest out in C++).
_OPERATORS = "BDC BMC EMC Tf Tr Tj TJ ' \" q Q Do EI sh S s f F f* B B* b b*"
_TEXT_SHOW = frozenset({"Tj", "TJ", "'", '"'})
_MAX_FORM_DEPTH = 12
_STRING_TOKEN = re.compile(rb"<([0-9A-Fa-f\s]*)>|\(((?:[^\\()]|\\.)*)\)", re.S)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|[\s\S])")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"\r\n": b"", b"\n": b"", b"\r": b""}


@dataclass
class _Frame:
    """One open marked-content sequence (BMC/BDC ... EMC), with what it inherits from enclosing ones."""

    tag: str
    lang: str | None  # effective language: own /Lang, its structure element's, or the enclosing one's
    in_artifact: bool  # this or an enclosing sequence is an Artifact
    in_tagged: bool  # this or an enclosing sequence has an MCID
    covered: bool  # real content (MCID found in the structure tree) or an artifact


class ContentChecks:
    """One pass over each page's content stream; form XObjects are parsed once and walked in place."""

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
