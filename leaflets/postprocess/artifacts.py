"""Gap 1 and the artifact half of gap 5: content that is not text of the document.

Running headers and footers (@page margin boxes) are only Spans the ParentTree knows, outside
the structure tree: they become /Pagination artifacts (/Header or /Footer when the structure
hints tell the margin box). Leaders drawn by CSS `leader()` are /Layout artifacts; `links`
decides which elements are leaders while it folds links.
"""
from __future__ import annotations

from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary

from .content import PageContent
from .hints import HINT_MARGIN
from .tree import Node, Tree

LEADER_GLYPHS = frozenset(".·…_-‒–—  \u2002\u2003\u2009")


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


def _is_leader(node: Node, hinted: bool, pages: list[PageContent]) -> bool:
    if node.tag is not None:
        return node.tag.endswith("::leader")
    if hinted or node.kind != "/Link":
        return False
    texts = [pages[c.page].text(c.mcid) for c in node.contents()]
    return bool(texts) and all(t.strip() and set(t) <= LEADER_GLYPHS for t in texts)
