"""Gap 3, meaningful roles instead of NonStruct (needs structure hints).

aside → Aside (role-mapped to Div), header → Div, nav → Sect holding a TOC of TOCI items,
figure → Div holding its Figure (with /Alt) and Caption; a definition list's dt/dd pair becomes
one LI with Lbl and LBody. `write` adds ROLE_MAP to the RoleMap when a custom type is used.
"""
from __future__ import annotations

from .tree import Node

ROLE_MAP = {"/Aside": "/Div"}  # custom types we write, mapped to PDF 1.7 standard types


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
