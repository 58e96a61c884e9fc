"""The shape of the verifier: one index, checks that only read it, nesting rules as a table, one
exception boundary."""
from __future__ import annotations

from io import BytesIO

import pikepdf
import pytest
from pikepdf import Dictionary, Name, String
from test_verify import Doc, clauses, helvetica

from leaflets.verify import CHECKS, Finding, run_checks, verify_pdf
from leaflets.verify.index import build_index
from leaflets.verify.nesting import NESTING


def index_of(doc: Doc):
    pdf = pikepdf.open(BytesIO(doc.bytes()))
    return build_index(pdf)[0]


def messy_doc() -> Doc:
    """A document that breaks many clauses at once, so many checks have something to say."""
    doc = Doc(("H2", {}, None), ("Figure", {}, None), ("LI", {}, None), ("Note", {}, None),
              ("Table", {}, [("TR", {}, [("TD", {}, None), ("TD", {}, None)]), ("TR", {}, [("TD", {}, None)])]),
              ("Foo", {"/Lang": "not a tag!"}, None), lang=None)
    doc.content.append(b"0 0 5 5 re f")
    doc.use_font(helvetica())
    return doc


def test_checks_in_another_order_give_the_same_findings():
    index = index_of(messy_doc())
    forward = run_checks(index, CHECKS)
    backward = run_checks(index, tuple(reversed(CHECKS)))
    assert len(forward) > 10
    assert sorted(forward, key=str) == sorted(backward, key=str)


def test_each_check_alone_finds_what_it_finds_among_all():
    index = index_of(messy_doc())
    together = run_checks(index, CHECKS)
    alone = [finding for check in CHECKS for finding in run_checks(index, (check,))]
    assert alone == together


def test_a_check_that_raises_becomes_a_finding_of_its_clause():
    def check_widgets(index) -> list[Finding]:
        raise KeyError("/Widgets")

    findings = run_checks(index_of(Doc()), (("7.18", check_widgets),))
    assert findings == [Finding("7.18", "widgets could not be checked: KeyError: '/Widgets'")]


def test_a_part_of_the_index_that_cannot_be_read_is_a_finding_and_left_empty(monkeypatch):
    def broken(root):
        raise pikepdf.PdfError("object 12 0 is damaged")

    monkeypatch.setattr("leaflets.verify.index.read_structure", broken)
    facts, findings = verify_pdf(Doc().bytes())
    assert facts is not None and facts.structure_elements == 0
    assert findings[0] == Finding("7.1", "structure tree could not be read: PdfError: object 12 0 is damaged")


@pytest.mark.parametrize("kind", sorted(k for k, rule in NESTING.items() if rule.parents))
def test_every_nesting_row_that_names_parents_is_enforced(kind: str):
    findings = Doc((kind, {}, None)).findings()  # directly under Document
    assert Finding("7.2", f"{NESTING[kind].inside_rule}: {kind} #2 in Document") in findings


@pytest.mark.parametrize("kind", sorted(k for k, rule in NESTING.items() if rule.kids))
def test_every_nesting_row_that_names_kids_is_enforced(kind: str):
    findings = Doc((kind, {}, [("P", {}, None)])).findings()
    assert any(f.message.startswith(NESTING[kind].kids_rule + ":") for f in findings)


def test_list_caption_must_lead():
    findings = Doc(("L", {}, [("LI", {}, [("LBody", {}, None)]), ("Caption", {}, None)])).findings()
    assert clauses(findings) == {"7.2"}
    assert "one leading Caption" in findings[0].message


def test_index_is_read_only():
    index = index_of(Doc())
    with pytest.raises(AttributeError):
        index.catalog_lang = "nl"  # type: ignore[misc]
    assert index.structure.elements[0].std == "Document"
    assert index.catalog_lang == "en" and index.xmp.title == "Test leaflet"


def test_string_structure_type_is_read_leniently():
    doc = Doc()
    doc.root_elem.K.append(Dictionary(Type=Name.StructElem, S=String("P"), P=doc.root_elem))
    assert index_of(doc).structure.elements[-1].std == "P"
