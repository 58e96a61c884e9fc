"""Writing the tree back: page content, structure elements, ParentTree, RoleMap.

Completes gaps 1 and 2 in the PDF: MCIDs are renumbered densely per page, each sequence is
checked to end up either in the tree or an artifact (content is never dropped, nothing is
tagged twice), elements spread over pages get /MCR for their other pages' content, and
/StructParents and the ParentTree are rebuilt to match. The structure hints are removed here.
"""
from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name

from .content import PageContent
from .errors import PostprocessError
from .hints import HINT_KEYS
from .roles import ROLE_MAP
from .tree import Annot, Content, Node, Opaque, Tree, _update_pages


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
