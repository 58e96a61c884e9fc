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
7. A word hyphenated at a line end is read whole: the two lines' sequences get /ActualText.

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

Modules, by what they do (each names the gap(s) it closes):

- `content`: a page's content stream, its MCID sequences and their text (ToUnicode)
- `tree`: the structure tree as values, read from the PDF; `write`: written back, with the
  renumbered MCIDs, /MCR, ParentTree and RoleMap
- `artifacts`: 1 and 5, margin boxes and leaders as artifacts
- `joins`: 2, elements cut at page breaks joined again
- `roles`: 3, roles and the role map
- `links`: 5 and 6, nested Links folded into one, link annotations' /Contents; links to another
  leaflet's PDF as relative GoToR actions
- `hints`: 4, and the `structure_hints()` hook that 3 and exact joins need
- `hyphens`: 7, words hyphenated at a line end
- `errors`: `PostprocessError`
"""
from __future__ import annotations

from io import BytesIO

import pikepdf

from .artifacts import margin_artifacts
from .bleed import PrintBoxes, add_bleed, set_bleed_boxes
from .content import PageContent
from .errors import PostprocessError
from .fonts import stable_font_programs
from .hints import structure_hints
from .hyphens import hyphenated_words, join_hyphenated
from .joins import join_cut_elements
from .links import describe_links, flatten_links, relative_file_links
from .roles import assign_roles
from .tree import drop_empty, read_tree
from .write import write_tree

__all__ = ["postprocess", "structure_hints", "PostprocessError", "PrintBoxes", "add_bleed"]


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
        written = hyphenated_words(doc)  # read before write_tree removes the structure hints
        artifacts = margin_artifacts(doc, tree, pages)
        generated = flatten_links(tree, pages, artifacts)
        join_cut_elements(tree.root, tree.hinted)
        if tree.hinted:
            assign_roles(tree.root)
        drop_empty(tree.root)
        write_tree(doc, tree, pages, artifacts)
        describe_links(tree.root, generated, pages)
        relative_file_links(doc)
        join_hyphenated(doc, str(doc.Root.get("/Lang", language)), written)  # reads the final MCIDs: after write_tree
        if not str(doc.Root.get("/Lang", "")).strip():
            doc.Root.Lang = pikepdf.String(language)
        if bleed_pt:
            set_bleed_boxes(doc, bleed_pt)
        stable_font_programs(doc)
        out = BytesIO()
        doc.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()
