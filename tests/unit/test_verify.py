"""PDF/UA-1 verifier: one behaviour per test, on tiny PDFs built in memory with pikepdf.

Every test starts from `Doc()`, a minimal PDF that conforms (asserted by the first test), changes
one thing and checks that exactly that clause is reported, so each test fails if its check
disappears or fires on conforming input.
"""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from leaflets.verify import Finding, PdfFacts, verify_pdf

XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:{prefix}="http://www.aiim.org/pdfua/ns/id/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<{prefix}:part>{part}</{prefix}:part>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def _pdf_value(value):
    if isinstance(value, str):
        return Name(value) if value.startswith("/") else String(value)
    if isinstance(value, list):
        return Array([_pdf_value(v) for v in value])
    if isinstance(value, dict):
        return Dictionary({k: _pdf_value(v) for k, v in value.items()})
    return value


class Doc:
    """A one-page tagged PDF: Document > the given structure, each leaf painting a small square
    inside marked content with its own MCID."""

    def __init__(self, *tree, title: str = "Test leaflet", part: str = "1", prefix: str = "pdfuaid",
                 lang: str | None = "en"):
        self.pdf = pdf = pikepdf.new()
        pdf.add_blank_page(page_size=(200, 200))
        self.page = pdf.pages[0].obj
        self.page.StructParents = 0
        self.content: list[bytes] = []
        self.parents: list = []  # ParentTree entry for the page: MCID -> structure element
        self.root_elem = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
        self.tree = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([self.root_elem])))
        self.tree.ParentTree = pdf.make_indirect(Dictionary(Nums=Array([0, Array()])))
        self.root_elem.P = self.tree
        for node in tree or (("P", {}, None),):
            self.add(node, self.root_elem)
        root = pdf.Root
        root.MarkInfo = Dictionary(Marked=True)
        root.StructTreeRoot = self.tree
        root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        if lang is not None:
            root.Lang = String(lang)
        root.Metadata = pdf.make_stream(XMP.format(title=title, part=part, prefix=prefix).encode())
        root.Metadata.Type, root.Metadata.Subtype = Name.Metadata, Name.XML

    def add(self, node, parent) -> Dictionary:
        kind, attrs, kids = node
        elem = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + kind), P=parent, K=Array()))
        for key, value in attrs.items():
            elem[key] = _pdf_value(value)
        parent.K.append(elem)
        if kids is None:
            self.mark(kind, elem)
        else:
            for kid in kids:
                self.add(kid, elem)
        return elem

    def mark(self, tag: str, elem, drawing: bytes = b"0 0 10 10 re f") -> int:
        mcid = len(self.parents)
        elem.Pg = self.page
        elem.K.append(mcid)
        self.parents.append(elem)
        self.content.append(b"/%s <</MCID %d>> BDC %s EMC" % (tag.encode(), mcid, drawing))
        return mcid

    def set_role_map(self, **mapping) -> None:
        self.tree.RoleMap = Dictionary({"/" + k: Name("/" + v) if v else Name("/") for k, v in mapping.items()})

    def use_font(self, font: Dictionary, text: bytes = b"(Hi) Tj", prefix: bytes = b"") -> None:
        """A paragraph of text in `font` (resource /F1)."""
        self.page.Resources = Dictionary(Font=Dictionary(F1=self.pdf.make_indirect(font)))
        elem = self.add(("P", {}, []), self.root_elem)
        self.mark("P", elem, b"BT " + prefix + b" /F1 12 Tf 10 10 Td " + text + b" ET")

    def bytes(self) -> bytes:
        self.tree.ParentTree.Nums[1] = Array(self.parents)
        self.tree.ParentTreeNextKey = 1
        self.page.Contents = self.pdf.make_stream(b"\n".join(self.content))
        out = BytesIO()
        self.pdf.save(out)
        return out.getvalue()

    def findings(self) -> list[Finding]:
        return verify_pdf(self.bytes())[1]


def clauses(findings: list[Finding]) -> set[str]:
    return {f.clause for f in findings}


def helvetica(**extra) -> Dictionary:
    return Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica,
                      Encoding=Name.WinAnsiEncoding, **extra)


# -- the baseline -------------------------------------------------------------------------------


def test_minimal_tagged_pdf_conforms():
    facts, findings = verify_pdf(Doc(("H1", {}, None), ("Figure", {"/Alt": "A red square"}, None)).bytes())
    assert findings == []
    assert facts == PdfFacts(pages=1, title="Test leaflet", language="en", headings=("H1",), bookmarks=0,
                             structure_elements=3, pdfua_part="1")


def test_finding_reads_as_clause_and_message():
    assert str(Finding("7.3", "Figure without alt")) == "PDF/UA-1 7.3: Figure without alt"


def test_unreadable_file_is_a_finding_not_an_exception():
    facts, findings = verify_pdf(b"%PDF-1.7 this is not a PDF")
    assert facts is None
    assert clauses(findings) == {"5"}


def test_path_input_is_accepted(tmp_path: Path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(Doc().bytes())
    assert verify_pdf(path)[1] == []


def test_malformed_structure_does_not_raise():
    doc = Doc()
    doc.root_elem.K.append(String("not an element"))
    doc.root_elem.K.append(Dictionary(S=42))
    doc.tree.RoleMap = Dictionary(Foo=Array([1, 2]))
    facts, _findings = verify_pdf(doc.bytes())
    assert facts is not None


# -- 5 version identification ---------------------------------------------------------------------


def test_missing_pdfua_identification_is_clause_5():
    doc = Doc()
    doc.pdf.Root.Metadata = doc.pdf.make_stream(XMP.replace("<{prefix}:part>{part}</{prefix}:part>", "").format(
        title="T", prefix="pdfuaid").encode())
    assert clauses(doc.findings()) == {"5"}


def test_pdfuaid_part_other_than_1_is_clause_5():
    assert clauses(Doc(part="2").findings()) == {"5"}


def test_pdfua_identification_with_another_prefix_is_clause_5():
    assert clauses(Doc(prefix="pdfuaia").findings()) == {"5"}


# -- 7.1 general ----------------------------------------------------------------------------------


def test_untagged_document_is_7_1():
    doc = Doc()
    del doc.pdf.Root.MarkInfo
    findings = doc.findings()
    assert clauses(findings) == {"7.1"}
    assert any("/Marked" in f.message for f in findings)


def test_missing_structure_tree_is_7_1():
    doc = Doc()
    data = doc.bytes()
    with pikepdf.open(BytesIO(data)) as pdf:
        del pdf.Root.StructTreeRoot
        out = BytesIO()
        pdf.save(out)
    findings = verify_pdf(out.getvalue())[1]
    assert any(f.clause == "7.1" and "structure tree" in f.message for f in findings)


def test_content_neither_tagged_nor_artifact_is_7_1():
    doc = Doc()
    doc.content.append(b"0 0 5 5 re f")
    assert clauses(doc.findings()) == {"7.1"}


def test_content_marked_as_artifact_conforms():
    doc = Doc()
    doc.content.append(b"/Artifact BMC 0 0 5 5 re f EMC")
    assert doc.findings() == []


def test_orphan_mcid_is_reported_as_untagged_content():
    doc = Doc()
    doc.content.append(b"/Span <</MCID 99>> BDC 0 0 5 5 re f EMC")  # no structure element owns MCID 99
    findings = doc.findings()
    assert clauses(findings) == {"7.1"}
    assert "MCID 99" in findings[0].message


def test_artifact_inside_tagged_content_is_7_1():
    doc = Doc()
    doc.content[0] = doc.content[0].replace(b"EMC", b"/Artifact BMC 0 0 1 1 re f EMC EMC")
    assert clauses(doc.findings()) == {"7.1"}


def test_suspects_true_is_7_1():
    doc = Doc()
    doc.pdf.Root.MarkInfo.Suspects = True
    assert clauses(doc.findings()) == {"7.1"}


def test_display_doc_title_false_is_7_1():
    doc = Doc()
    doc.pdf.Root.ViewerPreferences.DisplayDocTitle = False
    assert clauses(doc.findings()) == {"7.1"}


def test_empty_dc_title_is_7_1():
    assert clauses(Doc(title="").findings()) == {"7.1"}


def test_unmapped_non_standard_type_is_7_1():
    findings = Doc(("Paragraph", {}, None)).findings()
    assert clauses(findings) == {"7.1"}
    assert "'Paragraph'" in findings[0].message


def test_non_standard_type_mapped_indirectly_to_standard_conforms():
    doc = Doc(("Body", {}, None))
    doc.set_role_map(Body="Text", Text="P")
    assert doc.findings() == []


def test_circular_role_map_is_7_1():
    doc = Doc(("Body", {}, None))
    doc.set_role_map(Body="Text", Text="Body")
    assert any("circular" in f.message for f in doc.findings() if f.clause == "7.1")


def test_remapped_standard_type_is_7_1():
    doc = Doc()
    doc.set_role_map(P="Span")
    assert any("remapped" in f.message for f in doc.findings() if f.clause == "7.1")


# -- 7.2 natural language and structure --------------------------------------------------------


def test_missing_catalog_lang_is_7_2():
    findings = Doc(lang=None).findings()
    assert clauses(findings) == {"7.2"}


def test_language_on_the_structure_element_is_enough_for_its_content():
    doc = Doc(("P", {"/Lang": "nl"}, None), lang=None)
    doc.pdf.Root.Metadata = doc.pdf.make_stream(XMP.replace('xml:lang="x-default"', 'xml:lang="nl"').format(
        title="T", part="1", prefix="pdfuaid").encode())
    assert doc.findings() == []


def test_malformed_catalog_lang_is_7_2():
    assert "7.2" in clauses(Doc(lang="en_GB").findings())


def test_malformed_lang_on_a_structure_element_is_7_2():
    assert clauses(Doc(("P", {"/Lang": "-nl"}, None)).findings()) == {"7.2"}


def test_malformed_lang_in_marked_content_is_7_2():
    doc = Doc()
    doc.content[0] = doc.content[0].replace(b"<</MCID 0>>", b"<</MCID 0 /Lang (english!)>>")
    assert clauses(doc.findings()) == {"7.2"}


def test_list_item_outside_a_list_is_7_2():
    assert clauses(Doc(("LI", {}, [("LBody", {}, None)])).findings()) == {"7.2"}


def test_list_inside_a_div_still_counts_as_the_list_items_parent():
    assert Doc(("L", {}, [("Div", {}, [("LI", {}, [("LBody", {}, None)])])])).findings() == []


# -- 7.3 graphics, 7.7 formulas, 7.9 notes --------------------------------------------------------


def test_figure_without_alt_is_7_3():
    assert clauses(Doc(("Figure", {}, None)).findings()) == {"7.3"}


def test_figure_with_empty_alt_is_7_3():
    assert clauses(Doc(("Figure", {"/Alt": ""}, None)).findings()) == {"7.3"}


def test_figure_with_actual_text_conforms():
    assert Doc(("Figure", {"/ActualText": "42"}, None)).findings() == []


def test_role_mapped_figure_needs_alt_too():
    doc = Doc(("Image", {}, None))
    doc.set_role_map(Image="Figure")
    assert clauses(doc.findings()) == {"7.3"}


def test_formula_without_alt_is_7_7():
    assert clauses(Doc(("Formula", {}, None)).findings()) == {"7.7"}


def test_note_without_id_is_7_9():
    assert clauses(Doc(("Note", {}, None)).findings()) == {"7.9"}


def test_duplicate_note_ids_are_7_9():
    assert clauses(Doc(("Note", {"/ID": "n1"}, None), ("Note", {"/ID": "n1"}, None)).findings()) == {"7.9"}


# -- 7.4 headings ---------------------------------------------------------------------------------


def test_heading_levels_may_go_back_up_and_repeat():
    facts, findings = verify_pdf(Doc(*[(h, {}, None) for h in ("H1", "H2", "H3", "H2", "H2", "H3", "H1")]).bytes())
    assert findings == []
    assert facts.headings == ("H1", "H2", "H3", "H2", "H2", "H3", "H1")


def test_skipped_heading_level_is_7_4_2():
    findings = Doc(("H1", {}, None), ("H3", {}, None)).findings()
    assert clauses(findings) == {"7.4.2"}
    assert "H3" in findings[0].message


def test_first_heading_must_be_h1():
    assert clauses(Doc(("H2", {}, None)).findings()) == {"7.4.2"}


def test_mixing_h_and_numbered_headings_is_7_4_4():
    assert clauses(Doc(("Sect", {}, [("H", {}, None)]), ("H1", {}, None)).findings()) == {"7.4.4"}


def test_two_h_headings_in_one_section_is_7_4_4():
    assert clauses(Doc(("Sect", {}, [("H", {}, None), ("H", {}, None)])).findings()) == {"7.4.4"}


# -- 7.5 tables -----------------------------------------------------------------------------------


def _table(th_attrs: dict, td_attrs: dict | None = None, extra_cell: bool = False):
    td_attrs = td_attrs or {}
    cells = [("TD", td_attrs, None), ("TD", td_attrs, None)] + ([("TD", {}, None)] if extra_cell else [])
    return ("Table", {}, [
        ("TR", {}, [("TH", th_attrs, None), ("TH", th_attrs, None)]),
        ("TR", {}, cells),
    ])


def test_table_headers_with_scope_conform():
    assert Doc(_table({"/A": {"/O": "/Table", "/Scope": "/Column"}})).findings() == []


def test_table_header_without_scope_or_headers_is_7_5():
    assert clauses(Doc(_table({})).findings()) == {"7.5"}


def test_table_cells_pointing_at_header_ids_conform():
    th = {"/ID": "h"}
    td = {"/A": {"/O": "/Table", "/Headers": ["h"]}}
    assert Doc(_table(th, td)).findings() == []


def test_irregular_table_is_7_2():
    assert clauses(Doc(_table({"/A": {"/O": "/Table", "/Scope": "/Column"}}, extra_cell=True)).findings()) == {"7.2"}


# -- 7.18 annotations -----------------------------------------------------------------------------


def _link(doc: Doc, *, contents: str | None = "Read more on the clinic's website", parent_type: str = "Link",
          tabs: bool = True) -> None:
    annot = doc.pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[10, 10, 50, 20],
                                             StructParent=1, A=Dictionary(S=Name.URI, URI=String("https://x.org"))))
    if contents is not None:
        annot.Contents = String(contents)
    elem = doc.add((parent_type, {}, []), doc.root_elem)
    elem.K.append(Dictionary(Type=Name.OBJR, Obj=annot, Pg=doc.page))
    doc.mark(parent_type, elem)
    doc.tree.ParentTree.Nums.extend([1, elem])
    doc.page.Annots = Array([annot])
    if tabs:
        doc.page.Tabs = Name.S


def test_tagged_link_with_contents_conforms():
    doc = Doc()
    _link(doc)
    assert doc.findings() == []


def test_link_without_contents_is_7_18_5():
    doc = Doc()
    _link(doc, contents=None)
    assert clauses(doc.findings()) == {"7.18.5"}


def test_link_contents_that_repeat_the_destination_id_are_7_18_5():
    doc = Doc()
    _link(doc, contents="side-effects")
    doc.page.Annots[0].Dest = String("side-effects")
    del doc.page.Annots[0].A
    assert clauses(doc.findings()) == {"7.18.5"}


def test_link_outside_a_link_element_is_7_18_5():
    doc = Doc()
    _link(doc, parent_type="P")
    assert clauses(doc.findings()) == {"7.18.5"}


def test_page_with_annotations_needs_tabs_s_7_18_3():
    doc = Doc()
    _link(doc, tabs=False)
    assert clauses(doc.findings()) == {"7.18.3"}


def test_untagged_text_annotation_is_7_18_1():
    doc = Doc()
    doc.page.Annots = Array([doc.pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Text, Rect=[10, 10, 20, 20], Contents=String("A note")))])
    doc.page.Tabs = Name.S
    assert clauses(doc.findings()) == {"7.18.1"}


def test_hidden_annotation_needs_no_tag():
    doc = Doc()
    doc.page.Annots = Array([doc.pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Text, Rect=[10, 10, 20, 20], F=2))])
    doc.page.Tabs = Name.S
    assert doc.findings() == []


# -- 7.21 fonts -----------------------------------------------------------------------------------


def test_font_not_embedded_is_7_21_4_1():
    doc = Doc()
    doc.use_font(helvetica())
    findings = doc.findings()
    assert clauses(findings) == {"7.21.4.1"}
    assert "Helvetica" in findings[0].message


def test_font_used_only_invisibly_need_not_be_embedded():
    doc = Doc()
    doc.use_font(helvetica(), prefix=b"3 Tr")
    assert doc.findings() == []


def test_type3_font_is_exempt_from_embedding_but_needs_unicode_7_21_7():
    doc = Doc()
    font = Dictionary(Type=Name.Font, Subtype=Name.Type3, FontBBox=[0, 0, 1000, 1000],
                      FontMatrix=[0.001, 0, 0, 0.001, 0, 0], FirstChar=65, LastChar=65, Widths=[500],
                      Encoding=Dictionary(Type=Name.Encoding, Differences=[65, Name("/g1")]),
                      CharProcs=Dictionary(g1=doc.pdf.make_stream(b"500 0 d0")))
    doc.use_font(font, text=b"(A) Tj")
    findings = doc.findings()
    assert clauses(findings) == {"7.21.7", "7.2"}  # Matterhorn 10-001 files it under 7.2 too
    assert all("0x41" in f.message for f in findings)


def test_tounicode_mapping_to_u0000_is_7_21_7():
    doc = Doc()
    cmap = doc.pdf.make_stream(b"begincmap 1 beginbfchar <48> <0000> endbfchar endcmap")
    doc.use_font(helvetica(ToUnicode=cmap))
    assert "7.21.7" in clauses(doc.findings())


def test_text_needs_a_language_7_2():
    doc = Doc(lang=None)
    doc.pdf.Root.Metadata = doc.pdf.make_stream(XMP.replace('xml:lang="x-default"', 'xml:lang="en"').format(
        title="T", part="1", prefix="pdfuaid").encode())
    doc.root_elem.Lang = String("en")  # the squares and text inherit this …
    doc.use_font(helvetica(), prefix=b"3 Tr")
    assert doc.findings() == []
    del doc.root_elem.Lang  # … and without it the text's language is unknown
    assert clauses(doc.findings()) == {"7.2"}


# -- the rest of clause 7 -------------------------------------------------------------------------


def test_encryption_without_accessibility_permission_is_7_16():
    doc = Doc()
    out = BytesIO()
    doc.bytes()
    no_access = pikepdf.Permissions(accessibility=False)  # qpdf honours this bit for revision 3
    doc.pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="", R=3, aes=False, metadata=False, allow=no_access))
    assert clauses(verify_pdf(out.getvalue())[1]) == {"7.16"}


def test_encryption_that_allows_accessibility_conforms():
    doc = Doc()
    out = BytesIO()
    doc.bytes()
    doc.pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="", R=3, aes=False, metadata=False))
    assert verify_pdf(out.getvalue())[1] == []


def test_optional_content_configuration_without_name_is_7_10():
    doc = Doc()
    group = doc.pdf.make_indirect(Dictionary(Type=Name.OCG, Name=String("Layer")))
    doc.pdf.Root.OCProperties = Dictionary(OCGs=[group], D=Dictionary(Order=[group]))
    assert clauses(doc.findings()) == {"7.10"}


def test_untagged_inline_image_is_7_1():
    doc = Doc()
    doc.content.append(b"q 10 0 0 10 0 0 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI Q")
    findings = doc.findings()
    assert clauses(findings) == {"7.1"}
    assert "inline image" in findings[0].message


def test_form_xobject_with_mcids_painted_twice_is_7_20():
    doc = Doc()
    form = doc.pdf.make_stream(b"/P <</MCID 0>> BDC 0 0 1 1 re f EMC", Type=Name.XObject, Subtype=Name.Form,
                               BBox=[0, 0, 10, 10])
    doc.page.Resources = Dictionary(XObject=Dictionary(Fm1=form))
    doc.content.append(b"/Fm1 Do")
    assert doc.findings() == []
    doc.content.append(b"/Fm1 Do")
    assert clauses(doc.findings()) == {"7.20"}
