"""Post-process stage: close WeasyPrint 70's PDF/UA-1 tagging gaps in the PDF it wrote.

`postprocess(pdf, language)` runs on the bytes of `write_pdf`, before verification. For a PDF
that WeasyPrint 70 tagged (pdf_variant="pdf/ua-1") it guarantees:

1. Running headers and footers (@page margin boxes) are /Pagination artifacts, not Spans that
   only the ParentTree knows: every marked-content sequence is in the structure tree or an artifact.
2. One logical structure: the `Part` that WeasyPrint starts on every page for <main> is one Part,
   and an element that a page break cut in two (section, list, list item, paragraph, link …) is
   one element again. Elements spread over pages reach their other pages' content through
   marked-content references (/MCR); /StructParents and the ParentTree are rebuilt to match.
3. Meaningful roles instead of NonStruct: aside → Aside (role-mapped to Div), header → Div,
   nav → Sect holding a TOC of TOCI items, figure → Div holding its Figure (with /Alt) and
   Caption; a definition list's dt/dd pair becomes one LI with Lbl and LBody.
4. Elements with an HTML `lang` attribute (e.g. <span lang="en"> in Dutch text) carry /Lang;
   text blocks in right-to-left languages carry /ActualText with their text in logical order.
5. Leaders drawn by CSS `leader()` are /Layout artifacts; the page number after them stays text.
   A link's generated content (a::after) is part of the one Link element, not a nested Link.
6. Link annotations' /Contents is the link's visible text, not the raw anchor or URL.

Content is never dropped: only marked-content operators change in the page content, and the
stage checks that each sequence ends up either in the tree or an artifact. Same bytes in, same
bytes out: the first /ID element is WeasyPrint's, the second is derived from the content.

Items 3 and 4, and exact joining of cut elements, need to know which HTML element each
structure element came from; WeasyPrint 70 does not write that down. `structure_hints()` is the
smallest hook that keeps it: while active, it wraps WeasyPrint's tag builder so each structure
element records its element and tag (and /Lang from the element's `lang` attribute), and this
stage removes those records again. Without hints, items 1, 5 and 6 are done in full, item 2
for <main>'s Parts and the cuts that can be told from the structure alone (a section that
continues without a heading, a list, a list item without its label), and items 3 and 4 not.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO

import pikepdf
from pikepdf import Array, Dictionary, Name

HINT_ELEMENT = "LeafletsElement"  # number of the HTML element (and pseudo-element) it came from
HINT_TAG = "LeafletsTag"          # its HTML tag, e.g. 'aside', 'dt', 'a::after', 'a::after::leader'
HINT_MARGIN = "LeafletsMargin"    # the @page margin box it was drawn in, e.g. '@bottom-left'
HINT_KEYS = tuple("/" + key for key in (HINT_ELEMENT, HINT_TAG, HINT_MARGIN))

ROLE_MAP = {"/Aside": "/Div"}  # custom types we write, mapped to PDF 1.7 standard types
LEADER_GLYPHS = frozenset(".·…_-‒–—  \u2002\u2003\u2009")
HEADINGS = frozenset(("/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"))


class PostprocessError(ValueError):
    """The PDF is not laid out the way WeasyPrint 70 writes it; nothing was changed."""


# ---------------------------------------------------------------- the entry point

def postprocess(pdf: bytes, language: str, bleed_pt: float = 0.0) -> bytes:
    """Return `pdf` with WeasyPrint 70's tagging gaps closed (see the module docstring).

    With `bleed_pt`, each page's BleedBox is set to the TrimBox plus that much on every side:
    the media box is larger (room for crop marks outside the bleed), and WeasyPrint would put
    the BleedBox up to 10 pt out."""
    with pikepdf.open(BytesIO(pdf)) as doc:
        if "/StructTreeRoot" not in doc.Root:
            raise PostprocessError("PDF has no structure tree (was it written with pdf_variant='pdf/ua-1'?)")
        pages = [PageContent(index, page) for index, page in enumerate(doc.pages)]
        tree = read_tree(doc, pages)
        artifacts = margin_artifacts(doc, tree, pages)
        generated = flatten_links(tree, pages, artifacts)
        join_cut_elements(tree.root, tree.hinted)
        if tree.hinted:
            assign_roles(tree.root)
        drop_empty(tree.root)
        write_tree(doc, tree, pages, artifacts)
        describe_links(tree.root, generated, pages)
        if not str(doc.Root.get("/Lang", "")).strip():
            doc.Root.Lang = pikepdf.String(language)
        if bleed_pt:
            set_bleed_boxes(doc, bleed_pt)
        out = BytesIO()
        doc.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def set_bleed_boxes(doc: pikepdf.Pdf, bleed_pt: float) -> None:
    for page in doc.pages:
        if "/TrimBox" in page.obj:
            x0, y0, x1, y1 = (float(v) for v in page.obj.TrimBox)
            page.obj.BleedBox = pikepdf.Array([round(x0 - bleed_pt, 4), round(y0 - bleed_pt, 4),
                                               round(x1 + bleed_pt, 4), round(y1 + bleed_pt, 4)])


# ---------------------------------------------------------------- page content

_MARK = re.compile(rb"/([^\s/<>\[\]()%]+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC(?!\w)|(?<![/\w])(BDC|BMC|EMC)(?!\w)")
_TEXT = re.compile(rb"/([^\s/<>\[\]()%]+)\s+[-+\d.]+\s+Tf(?!\w)|\[([^\]]*)\]\s*TJ(?!\w)|<([0-9A-Fa-f]*)>\s*Tj(?!\w)")
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")
_TM = re.compile(rb"[-+\d.]+\s+[-+\d.]+\s+[-+\d.]+\s+[-+\d.]+\s+[-+\d.]+\s+([-+\d.]+)\s+Tm(?!\w)")


@dataclass
class Sequence:
    """One marked-content sequence with an MCID: where its BDC operator is, and its body."""

    tag: bytes
    start: int  # of '/Tag <</MCID n>> BDC'
    end: int
    body_end: int  # where its EMC starts


class PageContent:
    """A page's content stream, its MCID sequences in content order, and their text (lazily)."""

    def __init__(self, index: int, page: pikepdf.Page):
        self.index, self.page = index, page
        contents = page.obj.get("/Contents")
        parts = contents if isinstance(contents, Array) else [contents] if contents is not None else []
        self.data = b"\n".join(part.read_bytes() for part in parts)
        self.sequences: dict[int, Sequence] = {}
        self._fonts: dict[str, tuple[int, dict[int, str]]] = {}
        self._scan()

    def _scan(self) -> None:
        stack: list[Sequence | None] = []
        for match in _MARK.finditer(self.data):
            if match[3] == b"EMC":
                if not stack:
                    raise PostprocessError(f"page {self.index + 1}: EMC without BDC/BMC")
                sequence = stack.pop()
                if sequence is not None:
                    sequence.body_end = match.start()
            elif match[2] is not None:
                mcid = int(match[2])
                if mcid in self.sequences:
                    raise PostprocessError(f"page {self.index + 1}: MCID {mcid} used twice")
                sequence = Sequence(match[1], match.start(), match.end(), -1)
                self.sequences[mcid] = sequence
                stack.append(sequence)
            else:
                stack.append(None)
        if stack:
            raise PostprocessError(f"page {self.index + 1}: unbalanced marked content")

    def text(self, mcid: int) -> str:
        sequence = self.sequences.get(mcid)
        if sequence is None:
            return ""
        out, font = [], (2, {})
        for match in _TEXT.finditer(self.data, sequence.end, sequence.body_end):
            if match[1] is not None:
                font = self._font(match[1].decode("latin-1"))
                continue
            strings = _HEX.findall(match[2]) if match[2] is not None else [match[3]]
            width, cmap = font
            for string in strings:
                codes = bytes.fromhex(string.decode("ascii"))
                out += [cmap.get(int.from_bytes(codes[i:i + width], "big"), "") for i in range(0, len(codes), width)]
        return "".join(out)

    def line(self, mcid: int) -> float | None:
        """The baseline of a sequence's first text (its Tm), to tell where a line ends."""
        sequence = self.sequences.get(mcid)
        match = _TM.search(self.data, sequence.end, sequence.body_end) if sequence else None
        return float(match[1]) if match else None

    def _font(self, name: str) -> tuple[int, dict[int, str]]:
        if name not in self._fonts:
            fonts = self.page.obj.get("/Resources", {}).get("/Font", {})
            font = fonts.get("/" + name)
            self._fonts[name] = _to_unicode(font) if font is not None else (2, {})
        return self._fonts[name]

    def rewrite(self, replacements: dict[int, bytes]) -> bytes:
        """The content with each MCID sequence's opening operator replaced."""
        pieces, last = [], 0
        for mcid, sequence in sorted(self.sequences.items(), key=lambda item: item[1].start):
            pieces += [self.data[last:sequence.start], replacements[mcid]]
            last = sequence.end
        pieces.append(self.data[last:])
        return b"".join(pieces)


def _to_unicode(font: pikepdf.Dictionary) -> tuple[int, dict[int, str]]:
    """(bytes per code, code → text) from a font's ToUnicode CMap."""
    width = 2 if font.get("/Subtype") == "/Type0" else 1
    if "/ToUnicode" not in font:
        return width, {}
    data = font.ToUnicode.read_bytes()
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for source, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            mapping[int(source, 16)] = _utf16(target)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block):
            low, high = int(low, 16), int(high, 16)
            if target.startswith(b"["):
                for code, item in zip(range(low, high + 1), _HEX.findall(target)):
                    mapping[code] = _utf16(item)
            else:
                first = _utf16(target[1:-1])
                for offset, code in enumerate(range(low, high + 1)):
                    mapping[code] = first[:-1] + chr(ord(first[-1]) + offset) if first else ""
    return width, mapping


def _utf16(hex_digits: bytes) -> str:
    return bytes.fromhex(hex_digits.decode("ascii")).decode("utf-16-be", "replace")


# ---------------------------------------------------------------- the structure tree as values

@dataclass(eq=False)
class Content:
    """A marked-content sequence (page index, MCID as WeasyPrint wrote it)."""

    page: int
    mcid: int


@dataclass(eq=False)
class Annot:
    """An object reference (OBJR) to a link annotation."""

    objr: pikepdf.Dictionary


@dataclass(eq=False)
class Opaque:
    """A kid this stage does not interpret (e.g. an MCR into a form XObject); kept as it is."""

    obj: pikepdf.Object


@dataclass(eq=False)
class Node:
    """A structure element. `element`/`tag` come from structure hints, when there were any."""

    kind: str
    kids: list = field(default_factory=list)
    page: int | None = None
    obj: pikepdf.Dictionary | None = None
    element: int | None = None
    tag: str | None = None
    first: int | None = None  # first and last page with content below this element
    last: int | None = None

    def nodes(self) -> Iterator[Node]:
        """This element and every element below it, in reading order. An element's kids are
        read after it is yielded, so a caller may replace them on the way."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack += [kid for kid in reversed(node.kids) if isinstance(kid, Node)]

    def contents(self) -> Iterator[Content]:
        """The marked content below this element, in reading order."""
        stack = [self]
        while stack:
            item = stack.pop()
            if isinstance(item, Content):
                yield item
            elif isinstance(item, Node):
                stack += reversed(item.kids)


@dataclass
class Tree:
    root: Node  # stands for the StructTreeRoot; its kids are the top-level elements
    hinted: bool
    reachable: set[tuple[int, int]]  # (page, mcid) of every Content in the tree


def read_tree(doc: pikepdf.Pdf, pages: list[PageContent]) -> Tree:
    page_index = {page.page.obj.objgen: page.index for page in pages}
    seen: set[tuple[int, int]] = set()
    root = Node("/StructTreeRoot")
    root.kids = _read_kids(doc.Root.StructTreeRoot.get("/K"), None, page_index, seen)
    reachable = {(c.page, c.mcid) for c in root.contents()}
    for page, mcid in reachable:
        if mcid not in pages[page].sequences:
            raise PostprocessError(
                f"page {page + 1}: the structure tree refers to MCID {mcid}, which is not in the page's content "
                "stream (WeasyPrint draws content with CSS opacity into a form XObject; that is not supported)")
    hinted = any(node.element is not None for node in root.nodes())
    _update_pages(root)
    return Tree(root, hinted, reachable)


def _read_kids(k, page: int | None, page_index: dict, seen: set) -> list:
    items = k if isinstance(k, Array) else [] if k is None else [k]
    kids: list = []
    for item in items:
        if isinstance(item, int):
            if page is None:
                raise PostprocessError(f"MCID {item} in a structure element without /Pg")
            kids.append(Content(page, item))
        elif not isinstance(item, Dictionary):
            continue  # e.g. null
        elif item.get("/Type") == "/MCR" and "/Stm" not in item:
            pg = item.get("/Pg")
            kids.append(Content(page_index[pg.objgen] if pg is not None else page, int(item.MCID)))
        elif item.get("/Type") == "/OBJR":
            kids.append(Annot(item))
        elif "/S" in item:
            kids.append(_read_node(item, page, page_index, seen))
        else:
            kids.append(Opaque(item))
    return kids


def _read_node(obj: pikepdf.Dictionary, page: int | None, page_index: dict, seen: set) -> Node:
    if obj.objgen in seen and obj.objgen != (0, 0):
        raise PostprocessError("a structure element appears twice in the tree")
    seen.add(obj.objgen)
    pg = obj.get("/Pg")
    if pg is not None:
        page = page_index.get(pg.objgen, page)
    node = Node(str(obj.S), page=page, obj=obj)
    hint = obj.get("/" + HINT_ELEMENT)
    if hint is not None:
        node.element, node.tag = int(hint), str(obj.get("/" + HINT_TAG))
    node.kids = _read_kids(obj.get("/K"), page, page_index, seen)
    return node


def _update_pages(node: Node) -> None:
    """Set first/last page with content for `node` and all elements below it."""
    first = last = None
    for kid in node.kids:
        if isinstance(kid, Node):
            _update_pages(kid)
            low, high = kid.first, kid.last
        elif isinstance(kid, Content):
            low = high = kid.page
        else:
            continue
        if low is not None:
            first = low if first is None else min(first, low)
            last = high if last is None else max(last, high)
    node.first = first if first is not None else node.page
    node.last = last if last is not None else node.page


# ---------------------------------------------------------------- gap 1: running headers and footers

def margin_artifacts(doc: pikepdf.Pdf, tree: Tree, pages: list[PageContent]) -> dict[tuple[int, int], bytes]:
    """Marked content outside the tree (WeasyPrint's margin boxes) → /Pagination artifacts."""
    artifacts = {}
    for page in pages:
        orphans = [mcid for mcid in page.sequences if (page.index, mcid) not in tree.reachable]
        if not orphans:
            continue
        owners = _parent_tree_array(doc, page.page.obj.get("/StructParents"))
        for mcid in orphans:
            owner = owners[mcid] if owners is not None and mcid < len(owners) else None
            artifacts[(page.index, mcid)] = _pagination(_margin_of(owner))
    return artifacts


def _parent_tree_array(doc: pikepdf.Pdf, key) -> pikepdf.Array | None:
    if key is None or "/ParentTree" not in doc.Root.StructTreeRoot:
        return None
    for number, value in _number_tree(doc.Root.StructTreeRoot.ParentTree):
        if number == int(key):
            return value if isinstance(value, Array) else None
    return None


def _number_tree(node: pikepdf.Dictionary) -> Iterator[tuple[int, pikepdf.Object]]:
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums) - 1, 2):
            yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", []):
        yield from _number_tree(kid)


def _margin_of(element) -> str | None:
    for _ in range(4):  # text Span → the margin box's block → …
        if not isinstance(element, Dictionary):
            return None
        if "/" + HINT_MARGIN in element:
            return str(element.get("/" + HINT_MARGIN))
        element = element.get("/P")
    return None


def _pagination(margin: str | None) -> bytes:
    subtype = b""
    if margin and margin.startswith("@top"):
        subtype = b" /Subtype /Header"
    elif margin and margin.startswith("@bottom"):
        subtype = b" /Subtype /Footer"
    return b"/Artifact <</Type /Pagination" + subtype + b">> BDC"


LAYOUT_ARTIFACT = b"/Artifact <</Type /Layout>> BDC"


# ---------------------------------------------------------------- gaps 5 and 6: leaders, nested links

def flatten_links(tree: Tree, pages: list[PageContent], artifacts: dict) -> set[Content]:
    """Make leaders artifacts; fold nested (pseudo-element) Links into their Link.

    Returns the content that came from the nested Links: generated text such as ' (page 7)'."""
    generated: set[Content] = set()
    for node in tree.root.nodes():
        if node.kind == "/Link":
            node.kids = _fold(node, tree.hinted, pages, artifacts, generated, nested=False)
        elif _is_leader(node, tree.hinted, pages):
            for content in node.contents():
                artifacts[(content.page, content.mcid)] = LAYOUT_ARTIFACT
            node.kids = [kid for kid in node.kids if not isinstance(kid, Content)]
    return generated


def _fold(node: Node, hinted: bool, pages, artifacts, generated: set, nested: bool) -> list:
    kids = []
    for kid in node.kids:
        if isinstance(kid, Node) and _is_leader(kid, hinted, pages):
            for content in kid.contents():
                artifacts[(content.page, content.mcid)] = LAYOUT_ARTIFACT
            kids += [k for k in kid.kids if isinstance(k, Annot)]
        elif isinstance(kid, Node) and kid.kind == "/Link":
            kids += _fold(kid, hinted, pages, artifacts, generated, nested=True)
        else:
            kids.append(kid)
            if nested:
                generated.update([kid] if isinstance(kid, Content) else kid.contents() if isinstance(kid, Node) else [])
    return kids


def _is_leader(node: Node, hinted: bool, pages: list[PageContent]) -> bool:
    if node.tag is not None:
        return node.tag.endswith("::leader")
    if hinted or node.kind != "/Link":
        return False
    texts = [pages[c.page].text(c.mcid) for c in node.contents()]
    return bool(texts) and all(t.strip() and set(t) <= LEADER_GLYPHS for t in texts)


def describe_links(root: Node, generated: set[Content], pages: list[PageContent]) -> None:
    """Set each link annotation's /Contents to its Link's visible text (without a::after's)."""
    for link in root.nodes():
        if link.kind != "/Link":
            continue
        contents = list(link.contents())
        description = _text([c for c in contents if c not in generated], pages) \
            or _text(contents, pages) or _alt(link)
        if not description:
            continue
        for kid in link.kids:
            if isinstance(kid, Annot) and isinstance(kid.objr.get("/Obj"), Dictionary) and _raw_contents(kid.objr.Obj):
                kid.objr.Obj.Contents = pikepdf.String(description)


def _raw_contents(annotation: pikepdf.Dictionary) -> bool:
    """Is /Contents missing or WeasyPrint's copy of the target (so not a description yet)?"""
    contents = str(annotation.get("/Contents", "")).strip()
    action = annotation.get("/A")
    targets = {str(annotation.get("/Dest", "")), str(action.get("/URI", "")) if action is not None else ""}
    return not contents or contents in targets


def _text(contents: list[Content], pages: list[PageContent]) -> str:
    """The text of `contents` as read: a space at line ends, hyphenation undone."""
    text, line = "", None
    for content in contents:
        piece = pages[content.page].text(content.mcid)
        here = (content.page, pages[content.page].line(content.mcid))
        if line is not None and here != line and text and piece:
            text = _join_lines(text, piece)
        else:
            text += piece
        line = here
    return " ".join(text.split())


def _join_lines(before: str, after: str) -> str:
    """Join text across a line break. 'kinder-' + 'wens' → 'kinderwens', but 'MS-' + 'verpleeg…'
    and 'www.uniek-' + 'sporten.nl' keep their hyphen (a hyphen after a capital or in an address)."""
    if before.endswith(" ") or after.startswith(" "):
        return before + after
    if before.endswith("-"):
        word = before.split()[-1] if before.split() else ""
        hyphenated = len(before) > 1 and before[-2].islower() and after[:1].islower() \
            and not any(mark in word for mark in (".", "/", "@"))
        return before[:-1] + after if hyphenated else before + after
    return before + " " + after


def _alt(node: Node) -> str:
    for element in node.nodes():
        if element.obj is not None and "/Alt" in element.obj:
            return str(element.obj.Alt).strip()
    return ""


# ---------------------------------------------------------------- gap 2: one logical structure

def join_cut_elements(node: Node, hinted: bool) -> None:
    """Join siblings that are two pieces of one element cut by a page break, at every depth."""
    kids: list = []
    for kid in node.kids:
        previous = kids[-1] if kids else None
        if isinstance(kid, Node) and isinstance(previous, Node) and _continues(previous, kid, hinted):
            previous.kids += kid.kids
            previous.last = kid.last
        else:
            kids.append(kid)
    node.kids = kids
    for kid in kids:
        if isinstance(kid, Node):
            join_cut_elements(kid, hinted)


def _continues(before: Node, after: Node, hinted: bool) -> bool:
    """Is `after` the rest of `before`, cut by a page break (or, for inline elements, a line break)?"""
    if before.kind != after.kind:
        return False
    if hinted:
        # WeasyPrint makes one structure element per box, and a box per page and per line.
        return before.element is not None and (before.element, before.tag) == (after.element, after.tag)
    if before.kind == "/Link":
        return _target(before) is not None and _target(before) == _target(after)  # a link cut by a line break
    if before.last is None or after.first is None or before.last >= after.first:
        return False
    if before.kind == "/Part":
        return True  # WeasyPrint's Part is <main>; there is one
    first = next((kid for kid in after.kids if isinstance(kid, Node)), None)
    if before.kind == "/Sect":
        return first is not None and first.kind not in HEADINGS  # a new section starts with its heading
    if before.kind == "/L":
        return True
    if before.kind == "/LI":
        return _has_label(before) and not _has_label(after)  # only the first piece draws the marker
    return False


def _target(link: Node) -> str | None:
    """Where a Link's (last) annotation goes: its /Dest, or its action's /URI or /D."""
    for kid in reversed(link.kids):
        if isinstance(kid, Annot) and isinstance(kid.objr.get("/Obj"), Dictionary):
            annotation = kid.objr.Obj
            action = annotation.get("/A")
            target = annotation.get("/Dest") or (action.get("/URI") or action.get("/D") if action is not None else None)
            return None if target is None else repr(target)
    return None


def _has_label(item: Node) -> bool:
    return any(isinstance(kid, Node) and kid.kind == "/Lbl" for kid in item.kids)


# ---------------------------------------------------------------- gap 3: roles

def assign_roles(root: Node) -> None:
    for node in list(root.nodes()):
        if node.kind == "/NonStruct" and node.tag in ROLES:
            ROLES[node.tag](node)
        elif node.kind == "/L" and node.tag == "dl":
            _definition_list(node)


def _aside(node: Node) -> None:
    node.kind = "/Aside"


def _header(node: Node) -> None:
    node.kind = "/Div"


def _nav(node: Node) -> None:
    """nav → Sect; a list of links in it → TOC of TOCI, each holding a Reference to its entry."""
    node.kind = "/Sect"
    for kid in node.kids:
        if isinstance(kid, Node) and kid.kind == "/L" and _all_items_link(kid):
            _to_toc(kid)


def _all_items_link(lst: Node) -> bool:
    items = [kid for kid in lst.kids if isinstance(kid, Node)]
    return bool(items) and all(
        (item.kind == "/LI" and any(n.kind == "/Link" for n in item.nodes())) or (item.kind == "/L" and _all_items_link(item))
        for item in items)


def _to_toc(lst: Node) -> None:
    lst.kind = "/TOC"
    for item in lst.kids:
        if not isinstance(item, Node):
            continue
        if item.kind == "/L":
            _to_toc(item)
            continue
        item.kind = "/TOCI"
        for part in item.kids:
            if isinstance(part, Node) and part.kind == "/LBody":
                part.kind = "/Reference"


def _figure(node: Node) -> None:
    """figure → Div holding the Figure(s) and the Caption; a P around an image is dropped."""
    node.kind = "/Div"
    kids = []
    for kid in node.kids:
        if isinstance(kid, Node) and kid.kind == "/P" and kid.kids and all(
                isinstance(k, Node) and k.kind == "/Figure" for k in kid.kids):
            kids += kid.kids
        else:
            kids.append(kid)
    node.kids = kids


def _definition_list(lst: Node) -> None:
    """LI(dt) LI(dd) … → one LI per term: Lbl (the dt) and LBody (its dd or dds)."""
    items: list = []
    term: Node | None = None
    for item in lst.kids:
        if not (isinstance(item, Node) and item.kind == "/LI" and item.tag in ("dt", "dd")):
            items.append(item)
            term = None
        elif item.tag == "dt":
            for kid in item.kids:
                if isinstance(kid, Node) and kid.kind == "/LBody":
                    kid.kind = "/Lbl"
            items.append(item)
            term = item
        elif term is None:
            items.append(item)  # a dd without a term stays an LI with an LBody
        else:
            body = next((kid for kid in term.kids if isinstance(kid, Node) and kid.kind == "/LBody"), None)
            for kid in item.kids:
                if body is not None and isinstance(kid, Node) and kid.kind == "/LBody":
                    body.kids += kid.kids  # a second dd for the same term
                else:
                    term.kids.append(kid)
                    body = kid if isinstance(kid, Node) and kid.kind == "/LBody" else body
    lst.kids = items


ROLES = {"aside": _aside, "header": _header, "nav": _nav, "figure": _figure}


def drop_empty(node: Node) -> None:
    """Remove elements with nothing in them (e.g. a decorative, empty <div>), at every depth."""
    for kid in node.kids:
        if isinstance(kid, Node):
            drop_empty(kid)
    node.kids = [kid for kid in node.kids if not (isinstance(kid, Node) and not kid.kids and not _named(kid))]


def _named(node: Node) -> bool:
    """Elements that others may point to or that say something by themselves are kept."""
    return node.obj is not None and any(key in node.obj for key in ("/ID", "/Alt", "/ActualText"))


# ---------------------------------------------------------------- writing it back

def write_tree(doc: pikepdf.Pdf, tree: Tree, pages: list[PageContent], artifacts: dict) -> None:
    """Write the tree back: page content, structure elements, ParentTree, RoleMap."""
    _update_pages(tree.root)
    owners = _owners(tree.root, artifacts)
    numbers = _renumber(pages, owners, artifacts)
    for page in pages:
        operators = {mcid: artifacts[(page.index, mcid)] if (page.index, mcid) not in numbers
                     else b"/" + sequence.tag + b" <</MCID %d>> BDC" % numbers[(page.index, mcid)]
                     for mcid, sequence in page.sequences.items()}
        page.page.obj.Contents = doc.make_stream(page.rewrite(operators))
    page_objs = [page.page.obj for page in pages]
    struct_root = doc.Root.StructTreeRoot
    for parent in tree.root.nodes():
        for kid in parent.kids:
            if isinstance(kid, Node):
                if kid.obj is None:
                    kid.obj = doc.make_indirect(Dictionary(Type=Name.StructElem))
                _write_node(kid, struct_root if parent is tree.root else parent.obj, page_objs, numbers)
    struct_root.K = Array([kid.obj for kid in tree.root.kids if isinstance(kid, (Node, Opaque))])
    _write_parent_tree(doc, tree.root, pages, owners, numbers)
    if any(node.kind in ROLE_MAP for node in tree.root.nodes()):
        role_map = struct_root.get("/RoleMap") or Dictionary()
        for custom, standard in ROLE_MAP.items():
            role_map[custom] = Name(standard)
        struct_root.RoleMap = role_map


def _owners(root: Node, artifacts: dict) -> dict[tuple[int, int], Node]:
    """(page, MCID) → the element whose content it is; checks nothing is tagged twice."""
    owners: dict[tuple[int, int], Node] = {}
    for node in root.nodes():
        for kid in node.kids:
            if isinstance(kid, Content):
                key = (kid.page, kid.mcid)
                if key in owners or key in artifacts or node is root:
                    raise PostprocessError(f"page {kid.page + 1}: MCID {kid.mcid} would be tagged twice or at the root")
                owners[key] = node
    return owners


def _renumber(pages: list[PageContent], owners: dict, artifacts: dict) -> dict[tuple[int, int], int]:
    """New MCIDs, dense per page in content order; every sequence is tagged or an artifact."""
    numbers = {}
    for page in pages:
        count = 0
        for mcid, sequence in sorted(page.sequences.items(), key=lambda item: item[1].start):
            key = (page.index, mcid)
            if key in owners:
                numbers[key] = count
                count += 1
            elif key not in artifacts:
                raise PostprocessError(f"page {page.index + 1}: MCID {mcid} would be neither tagged nor an artifact")
    return numbers


def _write_node(node: Node, parent: pikepdf.Dictionary, page_objs: list, numbers: dict) -> None:
    obj = node.obj
    for key in HINT_KEYS:
        if key in obj:
            del obj[key]
    obj.S = Name(node.kind)
    obj.P = parent
    if node.first is not None:
        obj.Pg = page_objs[node.first]
    kids = []
    for kid in node.kids:
        if isinstance(kid, Content):
            mcid = numbers[(kid.page, kid.mcid)]
            kids.append(mcid if kid.page == node.first else Dictionary(Type=Name.MCR, Pg=page_objs[kid.page], MCID=mcid))
        elif isinstance(kid, Annot):
            kids.append(kid.objr)
        else:
            kids.append(kid.obj)
    obj.K = Array(kids)


def _write_parent_tree(doc: pikepdf.Pdf, root: Node, pages: list[PageContent], owners: dict, numbers: dict) -> None:
    """A new ParentTree: each page's MCIDs → their elements, each link annotation → its Link."""
    by_page: dict[int, list[tuple[int, Node]]] = {}
    for key, owner in owners.items():
        by_page.setdefault(key[0], []).append((numbers[key], owner))
    annotations = [(kid.objr.Obj, node) for node in root.nodes() for kid in node.kids
                   if isinstance(kid, Annot) and isinstance(kid.objr.get("/Obj"), Dictionary)]
    used = [int(page.page.obj.StructParents) for page in pages if "/StructParents" in page.page.obj]
    used += [int(annotation.StructParent) for annotation, _ in annotations if "/StructParent" in annotation]
    next_key = max(used, default=-1) + 1
    entries: dict[int, pikepdf.Object] = {}
    for page in pages:
        tagged = sorted(by_page.get(page.index, []), key=lambda item: item[0])
        if not tagged and "/StructParents" not in page.page.obj:
            continue
        if "/StructParents" not in page.page.obj:
            page.page.obj.StructParents, next_key = next_key, next_key + 1
        entries[int(page.page.obj.StructParents)] = doc.make_indirect(Array([owner.obj for _, owner in tagged]))
    for annotation, node in annotations:
        if "/StructParent" not in annotation:
            annotation.StructParent, next_key = next_key, next_key + 1
        entries[int(annotation.StructParent)] = node.obj
    nums = Array()
    for key in sorted(entries):
        nums.extend([key, entries[key]])
    root_dict = doc.Root.StructTreeRoot
    root_dict.ParentTree = doc.make_indirect(Dictionary(Nums=nums))
    root_dict.ParentTreeNextKey = next_key


# ---------------------------------------------------------------- the structure hints hook

_hint_lock = threading.Lock()
_hint_users = 0
_original_build = None


def _hinted_build(box, parent, pdf, page_number, nums, annotations, tags):
    """WeasyPrint's `_build_box_tree`, noting on each structure element where it came from."""
    import pydyf
    from weasyprint.formatting_structure import boxes

    state = pdf.__dict__.setdefault("_leaflets_hints", {"ids": {}, "margin": None})
    source = getattr(box, "_box", box)  # an AbsolutePlaceholder wraps the real box
    if isinstance(source, boxes.MarginBox):
        state["margin"] = source.at_keyword
        try:
            yield from _original_build(box, parent, pdf, page_number, nums, annotations, tags)
        finally:
            state["margin"] = None
        return
    for element in _original_build(box, parent, pdf, page_number, nums, annotations, tags):
        # Elements passed up from html/body/page boxes were noted by the call that made them.
        if HINT_TAG not in element and HINT_MARGIN not in element:
            if state["margin"]:
                element[HINT_MARGIN] = pydyf.String(state["margin"])
            elif source.element is not None and not isinstance(source, boxes.PageBox) \
                    and source.element_tag not in ("html", "body"):
                tag = source.element_tag + ("::leader" if source.is_leader else "")
                ids = state["ids"]
                element[HINT_ELEMENT] = ids.setdefault((id(source.element), tag), len(ids) + 1)
                element[HINT_TAG] = pydyf.String(tag)
                lang = source.element.get("lang")
                if lang and "::" not in tag:
                    element["Lang"] = pydyf.String(lang)
                if tag in _TEXT_BLOCKS and source.style["direction"] == "rtl":
                    # Right-to-left runs are drawn in visual order, and readers differ in how they
                    # put marks and ligatures back; /ActualText gives them the text as written.
                    text = " ".join("".join(source.element.itertext()).split())
                    if text:
                        element["ActualText"] = pydyf.String(text)
        yield element


_TEXT_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption", "caption", "th", "td"}


@contextmanager
def structure_hints() -> Iterator[None]:
    """While active, WeasyPrint's structure elements note the HTML element they came from.

    Wrap `document.write_pdf(...)` in it, then run `postprocess`, which reads and removes the
    notes. Safe to nest and to use from several threads (the patch stays while anyone uses it).
    """
    global _hint_users, _original_build
    from weasyprint.pdf import tags

    with _hint_lock:
        if _hint_users == 0:
            _original_build = tags._build_box_tree
            tags._build_box_tree = _hinted_build
        _hint_users += 1
    try:
        yield
    finally:
        with _hint_lock:
            _hint_users -= 1
            if _hint_users == 0:
                tags._build_box_tree = _original_build
