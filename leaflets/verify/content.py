"""Content streams: every painted item is either real content (marked content whose MCID a
structure element owns) or an artifact, and every text has a determinable language.

`walk_content` reads every page's content stream once (form XObjects walked in place, parsed
once) into `ContentFacts`: what was painted outside tagged content or artifacts, where languages
are missing, which fonts showed which character codes (for 7.21), which form XObjects hold MCIDs
and how often they are painted (for 7.20). `check_content` turns them into findings of ISO
14289-1 7.1 (content tagged or an artifact; artifacts and tagged content not nested in each other)
and 7.2 (language of text, marked-content /Lang, Span /ActualText, /Alt, /E).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

from .findings import Finding
from .fonts import FontTally, FontUse, read_font
from .pdfutil import (_HEX, _MAX_EXAMPLES, _examples, _hex_bytes, _inherited, _int, _is_dict, _key, _name, _pages,
                      _text, _valid_language)
from .structure import StructElem, StructTree

if TYPE_CHECKING:
    from .index import PdfIndex

_PATH_PAINT = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"})
#: The content-stream operators the walk looks at (pikepdf filters the rest out in C++).
_OPERATORS = "BDC BMC EMC Tf Tr Tj TJ ' \" q Q Do EI sh S s f F f* B B* b b*"
_TEXT_SHOW = frozenset({"Tj", "TJ", "'", '"'})
_INVISIBLE = 3  # text rendering mode 3: neither fill nor stroke
_MAX_FORM_DEPTH = 12
_STRING_TOKEN = re.compile(rb"<([0-9A-Fa-f\s]*)>|\(((?:[^\\()]|\\.)*)\)", re.S)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|[\s\S])")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"\r\n": b"", b"\n": b"", b"\r": b""}


@dataclass(frozen=True)
class ContentFacts:
    """What the content streams paint, gathered in one walk. Pages are 1-based numbers."""

    unparsable: tuple[str, ...] = ()  # "page 3: content stream cannot be parsed (...)", in walk order
    untagged: dict[int, Counter] = field(default_factory=dict)  # page -> kind of item -> count
    orphan_mcids: dict[int, set[int]] = field(default_factory=dict)  # page -> MCIDs no element owns
    artifact_in_tagged: frozenset[int] = frozenset()
    tagged_in_artifact: frozenset[int] = frozenset()
    text_without_lang: frozenset[int] = frozenset()  # text with no /Lang from marked content or element
    bad_langs: tuple[str, ...] = ()  # marked-content /Lang that is not a language tag: "'x' on page 2"
    span_without_lang: dict[str, set[int]] = field(default_factory=dict)  # "ActualText"/"Alt"/"E" -> pages
    fonts: dict[Any, FontUse] = field(default_factory=dict)  # font dictionary key -> how it was used
    form_uses: Counter = field(default_factory=Counter)  # form XObject key -> times painted
    forms_with_mcid: dict[Any, Stream] = field(default_factory=dict)
    marked: tuple[Marked, ...] = ()  # every MCID met outside artifacts, in content order (for links.py)


@dataclass(frozen=True)
class Marked:
    """One marked-content sequence with an MCID, as the content side sees it: where it is and the
    /StructParents key of its stream (the page's, or the form XObject's own), which leads through
    the ParentTree to the element that owns it."""

    page_no: int
    owner_key: Any  # the page or form XObject whose MCID it is
    struct_parents: int | None  # the stream's own /StructParents (a form does not inherit the page's)
    mcid: int
    in_form: bool


@dataclass
class _Frame:
    """One open marked-content sequence (BMC/BDC ... EMC), with what it inherits from enclosing ones."""

    tag: str
    lang: str | None  # effective language: own /Lang, its structure element's, or the enclosing one's
    in_artifact: bool  # this or an enclosing sequence is an Artifact
    in_tagged: bool  # this or an enclosing sequence has an MCID
    covered: bool  # real content (MCID found in the structure tree) or an artifact


@dataclass
class _Stream:
    """One content stream being walked: where its names resolve, and its own text state."""

    page_no: int
    owner_key: Any  # the page or form XObject whose MCIDs these are
    struct_parents: int | None
    resources: Any
    frames: list[_Frame]  # shared with the stream that paints this one: marked content spans a Do
    depth: int = 0
    base: int = 0  # frames already open when the stream began; it closes only its own
    selected: dict[str | None, FontTally | None] = field(default_factory=dict)  # font resource -> tally
    font: FontTally | None = None
    render_mode: int = 0
    saved: list[tuple[FontTally | None, int]] = field(default_factory=list)  # q/Q stack
    has_mcid: bool = False
    own_parents: int | None = None  # the stream's own /StructParents (None for a form without one)
    in_form: bool = False

    def __post_init__(self) -> None:
        self.base = len(self.frames)

    def resource(self, category: str, name: Any) -> Any:
        """A named resource (/Font, /XObject, /Properties), or None."""
        group = self.resources.get(category) if _is_dict(self.resources) else None
        return group.get(str(name)) if isinstance(name, Name) and _is_dict(group) else None


def walk_content(pages: tuple[Dictionary, ...], tree: StructTree) -> ContentFacts:
    walk = _Walk(tree)
    for number, page in enumerate(pages, 1):
        walk.page(number, page)
    return walk.facts()


class _Walk:
    """The one pass over all content; collects what `ContentFacts` holds."""

    def __init__(self, tree: StructTree):
        self.tree = tree
        self.parsed: dict[Any, list] = {}  # form XObject key -> instructions: painted often, parsed once
        self.owners: dict[tuple[Any, int], StructElem] = {}  # MCIDs resolved through the ParentTree
        self.active: set = set()  # forms being walked: a form that paints itself is not followed
        self.fonts: dict[Any, FontTally] = {}
        self.unparsable: list[str] = []
        self.untagged: dict[int, Counter] = defaultdict(Counter)
        self.orphan_mcids: dict[int, set[int]] = defaultdict(set)
        self.artifact_in_tagged: set[int] = set()
        self.tagged_in_artifact: set[int] = set()
        self.text_without_lang: set[int] = set()
        self.bad_langs: list[str] = []
        self.span_without_lang: dict[str, set[int]] = defaultdict(set)
        self.form_uses: Counter = Counter()
        self.forms_with_mcid: dict[Any, Stream] = {}
        self.marked: list[Marked] = []

    def facts(self) -> ContentFacts:
        return ContentFacts(
            tuple(self.unparsable), dict(self.untagged), dict(self.orphan_mcids), frozenset(self.artifact_in_tagged),
            frozenset(self.tagged_in_artifact), frozenset(self.text_without_lang), tuple(self.bad_langs),
            dict(self.span_without_lang), {k: t.freeze() for k, t in self.fonts.items()}, self.form_uses,
            self.forms_with_mcid, tuple(self.marked))

    def page(self, number: int, page: Dictionary) -> None:
        try:
            instructions = pikepdf.parse_content_stream(page, _OPERATORS)
        except pikepdf.PdfError as exc:
            self.unparsable.append(f"page {number}: content stream cannot be parsed ({exc})")
            return
        self.active = set()
        parents = _int(page.get("/StructParents"))
        stream = _Stream(number, _key(page), parents, _inherited(page, "/Resources"), [], own_parents=parents)
        self.stream(instructions, stream)

    def stream(self, instructions: list, s: _Stream) -> bool:
        """Walk one content stream; returns whether it holds marked content with an MCID."""
        for instruction in instructions:
            handler = _HANDLERS.get(str(instruction.operator))
            if handler is not None:
                handler(self, s, instruction)
        del s.frames[s.base:]
        return s.has_mcid

    # -- marked content ------------------------------------------------------------------------

    def end_marked(self, s: _Stream, _instruction: Any) -> None:
        if len(s.frames) > s.base:
            s.frames.pop()

    def begin_marked(self, s: _Stream, instruction: Any) -> None:
        operands = instruction.operands
        tag = (_name(operands[0]) if operands else "") or ""
        props = _properties(s, instruction)
        mcid = _int(props.get("/MCID")) if props is not None else None
        top = s.frames[-1] if s.frames else None
        in_artifact, in_tagged = top is not None and top.in_artifact, top is not None and top.in_tagged
        if tag == "Artifact" and in_tagged:
            self.artifact_in_tagged.add(s.page_no)
        if mcid is not None and in_artifact:
            self.tagged_in_artifact.add(s.page_no)
        elem = self.owner(s, mcid, in_artifact) if mcid is not None else None
        if mcid is not None and not in_artifact:
            self.marked.append(Marked(s.page_no, s.owner_key, s.own_parents, mcid, s.in_form))
        lang = self.own_lang(props, s.page_no) or (elem.lang if elem is not None else None) or (top and top.lang)
        if tag == "Span" and props is not None and not lang:
            for key in ("/ActualText", "/Alt", "/E"):
                if key in props:
                    self.span_without_lang[key[1:]].add(s.page_no)
        covered = (top is not None and top.covered) or tag == "Artifact" or elem is not None
        s.frames.append(_Frame(tag, lang, in_artifact or tag == "Artifact", in_tagged or mcid is not None, covered))
        s.has_mcid |= mcid is not None

    def own_lang(self, props: Any, page_no: int) -> str | None:
        """A marked-content /Lang when it is a language tag; an invalid one is recorded."""
        if props is None or "/Lang" not in props:
            return None
        lang = _text(props.get("/Lang"))
        if lang is None or not _valid_language(lang):
            self.bad_langs.append(f"{lang!r} on page {page_no}")
            return None
        return lang

    def owner(self, s: _Stream, mcid: int, in_artifact: bool) -> StructElem | None:
        """The element owning an MCID: from the tree walk, else through /StructParents and the ParentTree."""
        key = (s.owner_key, mcid)
        elem = self.tree.mcid_owner.get(key) or self.owners.get(key)
        entry = self.tree.parent_tree.get(s.struct_parents) if elem is None and s.struct_parents is not None else None
        if isinstance(entry, Array) and 0 <= mcid < len(entry):
            elem = self.tree.element_for(entry[mcid])
            if elem is not None:
                self.owners[key] = elem
        if elem is None and not in_artifact:
            self.orphan_mcids[s.page_no].add(mcid)
        return elem

    # -- painting ------------------------------------------------------------------------------

    def item(self, s: _Stream, kind: str) -> None:
        if not s.frames or not s.frames[-1].covered:
            self.untagged[s.page_no][kind] += 1

    def paint_path(self, s: _Stream, _instruction: Any) -> None:
        self.item(s, "path")

    def paint_shading(self, s: _Stream, _instruction: Any) -> None:
        self.item(s, "shading")

    def paint_inline_image(self, s: _Stream, _instruction: Any) -> None:
        self.item(s, "inline image")

    def show_text(self, s: _Stream, instruction: Any) -> None:
        top = s.frames[-1] if s.frames else None
        self.item(s, "text")
        if not (top is not None and top.lang):
            self.text_without_lang.add(s.page_no)
        if s.font is None:
            return
        if s.render_mode != _INVISIBLE:
            s.font.rendered = True
        data = _shown_bytes(instruction.operands[-1] if instruction.operands else None)
        if data:
            s.font.codes.update(s.font.info.codes(data))

    def paint_xobject(self, s: _Stream, instruction: Any) -> None:
        xobject = s.resource("/XObject", instruction.operands[0] if instruction.operands else None)
        if not isinstance(xobject, Stream):
            return
        subtype = _name(xobject.get("/Subtype"))
        if subtype == "Image":
            self.item(s, "image")
        elif subtype == "Form":
            self.form(s, xobject)

    def form(self, s: _Stream, xobject: Stream) -> None:
        """Walk a form XObject in place, inside the marked content open where it is painted."""
        k = _key(xobject)
        self.form_uses[k] += 1
        if k in self.active or s.depth >= _MAX_FORM_DEPTH:
            return
        try:
            instructions = self.parsed[k] if k in self.parsed else pikepdf.parse_content_stream(xobject, _OPERATORS)
        except pikepdf.PdfError as exc:
            self.unparsable.append(f"page {s.page_no}: form XObject content cannot be parsed ({exc})")
            return
        self.parsed[k] = instructions
        struct_parents = _int(xobject.get("/StructParents"))
        inner = _Stream(s.page_no, k, struct_parents if struct_parents is not None else s.struct_parents,
                        xobject.get("/Resources", s.resources), s.frames, s.depth + 1,
                        own_parents=struct_parents, in_form=True)
        self.active.add(k)
        if self.stream(instructions, inner):
            self.forms_with_mcid[k] = xobject
        self.active.discard(k)

    # -- text state ----------------------------------------------------------------------------

    def select_font(self, s: _Stream, instruction: Any) -> None:
        name = instruction.operands[0] if instruction.operands else None
        resource = str(name) if isinstance(name, Name) else None
        if resource not in s.selected:
            raw = s.resource("/Font", name)
            s.selected[resource] = self.tally(raw) if _is_dict(raw) else None
        s.font = s.selected[resource]
        if s.font is not None:
            s.font.pages.add(s.page_no)

    def tally(self, font: Dictionary) -> FontTally:
        k = _key(font)
        if k not in self.fonts:
            self.fonts[k] = FontTally(read_font(font))
        return self.fonts[k]

    def save(self, s: _Stream, _instruction: Any) -> None:
        s.saved.append((s.font, s.render_mode))

    def restore(self, s: _Stream, _instruction: Any) -> None:
        if s.saved:
            s.font, s.render_mode = s.saved.pop()

    def rendering_mode(self, s: _Stream, instruction: Any) -> None:
        value = _int(instruction.operands[0]) if instruction.operands else None
        s.render_mode = value if value is not None else s.render_mode


_HANDLERS: dict[str, Callable[[_Walk, _Stream, Any], None]] = {
    "EMC": _Walk.end_marked, "BDC": _Walk.begin_marked, "BMC": _Walk.begin_marked,
    **{op: _Walk.show_text for op in _TEXT_SHOW},
    "Tf": _Walk.select_font, "q": _Walk.save, "Q": _Walk.restore, "Tr": _Walk.rendering_mode,
    **{op: _Walk.paint_path for op in _PATH_PAINT},
    "sh": _Walk.paint_shading, "EI": _Walk.paint_inline_image, "Do": _Walk.paint_xobject,
}


def _properties(s: _Stream, instruction: Any) -> Any:
    """The property list of a BDC (inline, or named in the /Properties resources), or None."""
    operands = instruction.operands
    if str(instruction.operator) != "BDC" or len(operands) < 2:
        return None
    props = operands[1]
    if isinstance(props, Name):
        props = s.resource("/Properties", props)
    return props if _is_dict(props) else None


def _shown_bytes(operand: Any) -> bytes:
    if isinstance(operand, Array):
        return _array_string_bytes(operand)
    return bytes(operand) if isinstance(operand, pikepdf.String) else b""


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


# -- checks ----------------------------------------------------------------------------------


def check_content(index: PdfIndex) -> list[Finding]:
    """7.1: content is tagged or an artifact, and the two do not nest; 7.2: text has a language."""
    facts = index.content
    out = [Finding("7.1", message) for message in facts.unparsable]
    if facts.untagged:
        out.append(Finding("7.1", _untagged(facts, bool(index.structure.elements))))
    if facts.artifact_in_tagged:
        out.append(Finding("7.1", f"artifact marked content inside tagged content on page(s) {_pages(facts.artifact_in_tagged)}"))
    if facts.tagged_in_artifact:
        out.append(Finding("7.1", f"tagged content (MCID) inside an artifact on page(s) {_pages(facts.tagged_in_artifact)}"))
    if facts.text_without_lang and not index.catalog_lang:
        out.append(Finding("7.2", f"the language of text on page(s) {_pages(facts.text_without_lang)} cannot be "
                                  "determined: no /Lang in the catalog, the structure element or the marked content"))
    if facts.bad_langs:
        out.append(Finding("7.2", "marked-content /Lang is not a valid language identifier (RFC 3066): "
                                  f"{_examples(sorted(set(facts.bad_langs)))}"))
    if not index.catalog_lang:
        out += [Finding("7.2", f"the language of /{key} on a Span marked-content sequence cannot be determined "
                               f"(page(s) {_pages(pages)})") for key, pages in facts.span_without_lang.items()]
    return out


def _untagged(facts: ContentFacts, has_elements: bool) -> str:
    kinds: Counter = Counter()
    for counter in facts.untagged.values():
        kinds.update(counter)
    what = ", ".join(f"{n} {k}" for k, n in kinds.most_common())
    message = f"content on page(s) {_pages(facts.untagged)} is neither tagged nor marked as an artifact ({what})"
    if not (facts.orphan_mcids and has_elements):
        return message
    first = min(facts.orphan_mcids)
    total = sum(len(v) for v in facts.orphan_mcids.values())
    ids = ", ".join(str(i) for i in sorted(facts.orphan_mcids[first])[:_MAX_EXAMPLES])
    return (f"{message}; {total} marked-content sequence(s) have an MCID that no structure element references "
            f"(e.g. page {first} MCID {ids}): mark running headers/footers as /Artifact")
