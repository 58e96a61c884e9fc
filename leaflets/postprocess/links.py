"""Gaps 5 and 6: one Link element per link, and a description of it on its annotation; and
links to another leaflet's PDF made relative.

A link's generated content (a::after, e.g. ' (page 7)') is part of the one Link, not a nested
Link; its leader becomes a /Layout artifact (see `artifacts`) while the page number after it
stays text. Link annotations' /Contents is the link's visible text, not the raw anchor or URL.
"""
from __future__ import annotations

import pikepdf
from pikepdf import Dictionary

from ..boundary import SIBLING_PDF
from .artifacts import LAYOUT_ARTIFACT, _is_leader
from .content import PageContent
from .tree import Annot, Content, Node, Tree


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




def relative_file_links(doc: pikepdf.Pdf) -> None:
    """WeasyPrint writes `sibling:NAME.pdf` as a URI action; a PDF viewer needs a remote go-to
    (GoToR) with a file name relative to this PDF, so the link works wherever the output folder
    is copied and names no path of the build machine (ISO 32000-1 12.6.4.3)."""
    for page in doc.pages:
        for annotation in page.obj.get("/Annots", pikepdf.Array()):
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if isinstance(action, Dictionary) else ""
            if not SIBLING_PDF.match(uri):  # checked again here: only a bare file name of an edition
                continue
            name = pikepdf.String(uri.split(":", 1)[1])
            annotation.A = Dictionary(S=pikepdf.Name.GoToR, NewWindow=False,
                                      F=Dictionary(Type=pikepdf.Name.Filespec, F=name, UF=name),
                                      D=pikepdf.Array([0, pikepdf.Name.Fit]))
