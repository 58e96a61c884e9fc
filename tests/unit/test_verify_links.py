"""Links between content and structure, checked from both sides (leaflets/verify/links.py), and the
Matterhorn condition each finding names (leaflets/verify/conditions.py). On the tiny PDFs of
test_verify.Doc: each test breaks one link and expects exactly that finding."""
from __future__ import annotations

from io import BytesIO

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from test_verify import Doc

from leaflets.verify import Finding, verify_pdf
from leaflets.verify.conditions import CONDITIONS, condition_of


def reported(doc: Doc) -> list[tuple[str, str]]:
    return [(f.clause, f.condition) for f in doc.findings()]


def test_a_page_without_struct_parents_hides_its_elements_from_the_content():
    # regression (issue #20): the tree still owned the MCIDs, so the missing link went unnoticed
    doc = Doc(("P", {}, None), ("P", {}, None))
    del doc.page["/StructParents"]
    findings = doc.findings()
    assert [(f.clause, f.condition) for f in findings] == [("7.1", "01-005")]
    assert "no /StructParents" in findings[0].message


def test_a_parent_tree_that_names_another_element_disagrees_with_the_tree():
    doc = Doc(("P", {}, None), ("H1", {}, None))
    first, second = doc.parents
    doc.parents[:] = [second, first]  # the ParentTree swaps the owners of MCID 0 and 1
    findings = doc.findings()
    assert reported(doc) == [("7.1", "01-005")]
    assert "name different elements" in findings[0].message


def test_a_parent_tree_entry_for_an_element_without_that_mcid_is_reported():
    doc = Doc(("P", {}, None))
    extra = doc.add(("Span", {}, []), doc.root_elem)  # an element that holds no content
    doc.content.append(b"/Span <</MCID 1>> BDC 0 0 5 5 re f EMC")
    doc.parents.append(extra)  # only the ParentTree says MCID 1 is the Span's
    assert ("7.1", "01-005") in reported(doc)


def test_an_element_whose_p_is_not_its_parent_is_reported():
    doc = Doc(("Sect", {}, [("P", {}, None)]))
    paragraph = doc.parents[0]
    paragraph.P = doc.root_elem  # its parent is the Sect
    findings = doc.findings()
    assert [(f.clause, f.condition) for f in findings] == [("7.1", "")]
    assert "P #3" in findings[0].message


def _with_link(doc: Doc, struct_parent: bool) -> pikepdf.Dictionary:
    annot = doc.pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 5, 5]),
                                             Contents=String("Home page"), A=Dictionary(S=Name.URI, URI=String("x"))))
    link = doc.add(("Link", {}, []), doc.root_elem)
    link.K.append(Dictionary(Type=Name.OBJR, Obj=annot, Pg=doc.page))
    doc.page.Annots = Array([annot])
    doc.page.Tabs = Name.S
    if struct_parent:
        annot.StructParent = 1
        doc.tree.ParentTree.Nums.extend([1, link])
    return annot


def test_a_tagged_link_without_struct_parent_is_reported_under_links():
    doc = Doc(("P", {}, None))
    _with_link(doc, struct_parent=False)
    findings = doc.findings()
    assert [(f.clause, f.condition) for f in findings] == [("7.18.5", "28-011")]
    assert "no /StructParent" in findings[0].message


def test_a_tagged_link_with_both_links_passes():
    doc = Doc(("P", {}, None))
    _with_link(doc, struct_parent=True)
    assert doc.findings() == []


def test_a_metadata_stream_without_subtype_xml_is_no_xmp_stream():
    doc = Doc()
    data = doc.bytes()
    with pikepdf.open(BytesIO(data)) as pdf:
        del pdf.Root.Metadata.stream_dict["/Subtype"]
        out = BytesIO()
        pdf.save(out, fix_metadata_version=False)  # pikepdf would put /Subtype /XML back
    findings = verify_pdf(out.getvalue())[1]
    assert [(f.clause, f.condition) for f in findings] == [("7.1", "06-001")]


def test_a_pdf_2_header_is_not_pdf_ua_1():
    data = Doc().bytes()
    with pikepdf.open(BytesIO(data)) as pdf:
        out = BytesIO()
        pdf.save(out, force_version="2.0")
    assert [(f.clause, f.condition) for f in verify_pdf(out.getvalue())[1]] == [("5", "")]


def test_a_finding_names_its_matterhorn_condition_but_is_equal_without_it():
    named = Finding("7.18.5", "Link annotation has no /Contents alternate description: x", "28-012")
    assert str(named) == "PDF/UA-1 7.18.5 (Matterhorn 28-012): Link annotation has no /Contents alternate description: x"
    assert named == Finding("7.18.5", "Link annotation has no /Contents alternate description: x")


def test_conditions_are_classified_by_clause_and_message():
    assert condition_of("7.18.5", "Link annotation is not nested in a Link structure element: …") == "28-011"
    assert condition_of("7.21.4.1", "font X (page(s) 1): font program is not embedded") == "31-008"
    assert condition_of("7.2", "font X (page(s) 2): text shown with character code(s) 0x1 has no Unicode "
                               "equivalent") == "10-001"
    assert condition_of("7.1", "something no condition describes") == ""


def test_every_condition_is_listed_once_under_one_clause():
    ids = [c.id for c in CONDITIONS]
    assert len(ids) == len(set(ids))
    assert all(c.clause and c.what for c in CONDITIONS)
