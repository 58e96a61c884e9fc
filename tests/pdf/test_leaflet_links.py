"""`leaflet:ID` links are real links to the other leaflet's PDF of the same edition: a relative
remote go-to, so they work wherever the output folder is copied, and name no build path."""
from __future__ import annotations

import pikepdf
import pytest

from conftest import struct_elements
from leaflets.expand import Selection
from leaflets.pipeline import build


def annotations(path):
    with pikepdf.open(path) as pdf:
        return [(str(a.A.S), {k: str(v) for k, v in a.A.F.items()} if "/F" in a.A else {}, str(a.get("/Contents", "")))
                for page in pdf.pages for a in page.obj.get("/Annots", []) if "/A" in a]


def test_a_leaflet_link_goes_to_the_other_leaflets_pdf_beside_it(project):
    report = build(project, Selection(leaflets=("demo", "other"), languages=("nl",), audiences=("patient",),
                                      formats=("a4", "a5")), jobs=1)
    assert report.ok, report.problems
    for fmt in ("a4", "a5"):
        path = project / f"output/default/nl/demo-patient-{fmt}.pdf"
        remote = [a for a in annotations(path) if a[0] == "/GoToR"]
        assert remote, annotations(path)
        for _, spec, contents in remote:
            assert spec == {"/Type": "/Filespec", "/F": f"other-patient-{fmt}.pdf", "/UF": f"other-patient-{fmt}.pdf"}
            assert contents  # described for screen readers, like every link
            assert (path.parent / spec["/F"]).is_file()  # relative to the PDF: the file is there
        with pikepdf.open(path) as pdf:  # each is tagged: a Link element owns it (the verifier passed too)
            links = [e for e in struct_elements(pdf) if e.get("/S") == "/Link"]
            owned = [k.Obj for e in links for k in e.K if isinstance(k, pikepdf.Dictionary) and "/Obj" in k]
            assert sum(1 for a in owned if "/A" in a and a.A.S == pikepdf.Name.GoToR) == len(remote)


def test_no_link_when_the_other_leaflet_has_no_pdf_of_this_edition(project):
    # `other` is written for patients only: the professional edition names it without a link
    report = build(project, Selection(leaflets=("demo",), languages=("nl",), audiences=("professional",),
                                      formats=("a4",)), jobs=1)
    assert report.ok, report.problems
    path = project / "output/default/nl/demo-professional-a4.pdf"
    assert not [a for a in annotations(path) if a[0] != "/URI" and a[0] != "/GoTo"]


@pytest.mark.parametrize("href", ["sibling:other-patient-a4.pdf", "SIBLING:x.pdf", "sibling:../../etc/passwd"])
def test_content_cannot_write_a_sibling_link_itself(project, href):
    nl = project / "content/demo/nl.md"
    nl.write_text(nl.read_text() + f"\nZie [dit bestand]({href}).\n")
    report = build(project, Selection(leaflets=("demo",), languages=("nl",), audiences=("patient",),
                                      formats=("a4",)), jobs=1)
    assert not report.built
    assert any("must be https://, http://, mailto:, #id or leaflet:id" in str(p) and "nl.md:" in str(p)
               for p in report.problems), report.problems
