"""The structure tree as values: read once from the PDF into `Node`s that the other steps
rearrange, then written back by `write`.

Closes no gap by itself. Reading checks that every MCID the tree refers to is in its page's
content, picks up the structure hints (see `hints`), and notes the first and last page each
element has content on; `drop_empty` removes elements left with nothing in them.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary

from .content import PageContent
from .errors import PostprocessError
from .hints import HINT_ELEMENT, HINT_TAG


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


def drop_empty(node: Node) -> None:
    """Remove elements with nothing in them (e.g. a decorative, empty <div>), at every depth."""
    for kid in node.kids:
        if isinstance(kid, Node):
            drop_empty(kid)
    node.kids = [kid for kid in node.kids if not (isinstance(kid, Node) and not kid.kids and not _named(kid))]


def _named(node: Node) -> bool:
    """Elements that others may point to or that say something by themselves are kept."""
    return node.obj is not None and any(key in node.obj for key in ("/ID", "/Alt", "/ActualText"))
