"""The print-shop PDF is derived from the A4 PDF (`postprocess.bleed`), not laid out again: it
must look like typesetting the print format directly, read like the A4 PDF, verify on its own,
and fail or stay up to date with its source."""
from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops

from conftest import make_project
from leaflets import worker
from leaflets.bundle import BlobStore
from leaflets.expand import Selection
from leaflets.model import Variant
from leaflets.pipeline import build, make_job
from leaflets.project import load_project
from leaflets.readout import read_out
from leaflets.verify import verify_pdf

DPI = 50
EDITIONS = [("default", "nl"), ("clinic", "en")]  # the clinic brand has a footer line: two top lines


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("derived") / "p", brands=("clinic",))
    report = build(root, Selection(leaflets=("demo",), audiences=("patient",), formats=("a4", "print")), jobs=2)
    assert report.ok and not report.problems, [str(p) for p in report.problems]
    return root


def typeset_directly(root: Path, variant: Variant) -> bytes:
    """The print format laid out by WeasyPrint from its own stylesheet, as before deriving."""
    project, _ = load_project(root)
    blobs = BlobStore()
    job = make_job(project, variant, blobs)
    assert not job.derived
    result = worker.run_job(job, blobs.local(job.resources.digests))
    assert result.pdf and not [m for s, m in result.messages if s == "error"], result.messages
    return result.pdf


def pages(pdf: Path, folder: Path, prefix: str) -> list[Image.Image]:
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), str(pdf), str(folder / prefix)], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(folder.glob(f"{prefix}-*.png"))]


def links(pdf: pikepdf.Pdf) -> list[str]:
    """Every link annotation: where it is and where it goes (a leaflet link names a sibling PDF)."""
    return [f"{page}: {[round(float(v)) for v in a.Rect]} {a.get('/A', a.get('/Dest'))!r}"
            for page, p in enumerate(pdf.pages) for a in p.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]


def boxes(pdf: pikepdf.Pdf, index: int = 0) -> dict[str, list[float]]:
    return {k: [round(float(v), 2) for v in pdf.pages[index].obj[k]] for k in ("/MediaBox", "/TrimBox", "/BleedBox")}


@pytest.mark.parametrize("brand,language", EDITIONS)
def test_the_derived_print_pdf_looks_like_typesetting_the_print_format_directly(built, tmp_path, brand, language):
    """Every page, pixel for pixel inside the bleed (text, band, top lines); the crop marks, which
    WeasyPrint antialiases a little differently, only where they should be."""
    derived = built / f"output/{brand}/{language}/demo-patient-print.pdf"
    direct = tmp_path / "direct.pdf"
    direct.write_bytes(typeset_directly(built, Variant("demo", "patient", language, brand, "print")))
    with pikepdf.open(derived) as a, pikepdf.open(direct) as b:
        assert len(a.pages) == len(b.pages) > 1
        assert all(boxes(a, i) == boxes(b, i) for i in range(len(a.pages)))
        assert links(a) == links(b)
        if language == "nl":  # the fixture's other leaflet is in Dutch only: a sibling link
            assert any("other-patient-print.pdf" in link for link in links(a))
        media, bleed = boxes(a)["/MediaBox"], boxes(a)["/BleedBox"]
    scale = DPI / 72
    inside = tuple(round(v * scale) for v in (bleed[0] - media[0] + 1, media[3] - bleed[3] + 1,
                                              bleed[2] - media[0] - 1, media[3] - bleed[1] - 1))
    ours, theirs = pages(derived, tmp_path, "derived"), pages(direct, tmp_path, "direct")
    for number, (mine, reference) in enumerate(zip(ours, theirs), 1):
        assert mine.size == reference.size
        difference = ImageChops.difference(mine.crop(inside), reference.crop(inside)).convert("L")
        assert difference.getextrema()[1] <= 48, f"page {number} differs inside the bleed at {difference.getbbox()}"
        for image in (mine, reference):  # a mark at each corner, in the outer half of the margin
            width, height = image.size
            trim, half = round((0 - media[0]) * scale) + 2, round((0 - media[0]) / 2 * scale)
            for box in ((0, 0, trim, half), (width - trim, 0, width, half),
                        (0, height - half, trim, height), (width - trim, height - half, width, height)):
                assert image.crop(box).convert("L").getextrema()[0] < 200, f"page {number}: no crop mark in {box}"


@pytest.mark.parametrize("brand,language", EDITIONS)
def test_the_derived_print_pdf_reads_like_the_a4_pdf_and_verifies_on_its_own(built, brand, language):
    folder = built / f"output/{brand}/{language}"
    a4, shop = (folder / f"demo-patient-{f}.pdf" for f in ("a4", "print"))
    assert read_out(shop).lines() == read_out(a4).lines()  # band and marks are artifacts
    facts, findings = verify_pdf(shop.read_bytes())
    assert findings == [] and facts.pages > 1
    with pikepdf.open(a4) as office, pikepdf.open(shop) as printed:
        assert boxes(printed)["/TrimBox"] == boxes(office)["/MediaBox"]
        assert [round(t - b, 1) for t, b in zip(boxes(printed)["/TrimBox"], boxes(printed)["/BleedBox"])] == \
               [8.5, 8.5, -8.5, -8.5]  # 3 mm
        assert office.trailer.ID[0] != printed.trailer.ID[0]  # two files, two identities


def test_the_manifest_says_which_pdf_the_print_pdf_has_the_pages_of(built):
    manifest = json.loads((built / "output/manifest.json").read_text())
    shop = next(e for e in manifest["pdfs"] if e["format"] == "print" and e["brand"] == "default"
                and e["language"] == "nl")
    assert shop["derived_from"] == "default/nl/demo-patient-a4.pdf"


SMALL = Selection(leaflets=("demo",), languages=("nl",), audiences=("patient",), brands=("default",))


def test_a_print_only_build_lays_the_pages_out_once_and_keeps_the_a4_pdf_it_came_from(project):
    told = []
    report = build(project, replace(SMALL, formats=("print",)), jobs=1,
                   progress=lambda message, done, total: told.append((message, done, total)))
    assert report.ok, [str(p) for p in report.problems]
    assert sorted(v.format for v in report.built) == ["a4", "print"]
    assert ("demo/patient/nl/default/a4 + print", 1, 1) in told  # one job made both


def test_a_missing_print_pdf_is_made_again_and_an_up_to_date_one_is_left_alone(project):
    selection = replace(SMALL, formats=("a4", "print"))
    assert build(project, selection, jobs=1).ok
    shop = project / "output/default/nl/demo-patient-print.pdf"
    a4_before = (project / "output/default/nl/demo-patient-a4.pdf").read_bytes()
    again = build(project, selection, jobs=1)
    assert again.built == [] and len(again.skipped) == 2
    shop.unlink()
    report = build(project, selection, jobs=1)
    assert sorted(v.format for v in report.built) == ["a4", "print"] and shop.is_file()
    assert (project / "output/default/nl/demo-patient-a4.pdf").read_bytes() == a4_before  # the same layout


def test_when_the_a4_layout_fails_the_print_pdf_fails_with_it_and_the_last_good_one_stays(project, monkeypatch):
    selection = replace(SMALL, formats=("a4", "print"))
    assert build(project, selection, jobs=1).ok
    shop = project / "output/default/nl/demo-patient-print.pdf"
    good = shop.read_bytes()

    def broken(job, blobs=None):
        return worker.JobResult(job.variant_id, None, messages=[("error", "typesetting failed: broken on purpose")])
    monkeypatch.setattr(worker, "typeset", broken)
    report = build(project, selection, jobs=1, force=True)  # jobs=1 runs in this process
    assert sorted(v.format for v in report.failed) == ["a4", "print"]
    assert "not made: its source demo/patient/nl/default/a4 failed" in [p.message for p in report.problems]
    assert shop.read_bytes() == good


@pytest.mark.parametrize("broken", [
    lambda *args: (_ for _ in ()).throw(pikepdf.PdfError("broken on purpose")),  # raises
    lambda *args: b"%PDF-1.7 broken on purpose",  # returns what the verifier cannot open
])
def test_when_deriving_fails_only_the_print_pdf_fails(project, monkeypatch, broken):
    monkeypatch.setattr(worker, "add_bleed", broken)
    report = build(project, replace(SMALL, formats=("a4", "print")), jobs=1)
    assert [v.format for v in report.failed] == ["print"] and [v.format for v in report.built] == ["a4"]
    assert any(p.message.startswith("deriving failed: PdfError") for p in report.problems), report.problems


def test_an_up_to_date_print_pdf_needs_no_a4_layout_even_when_the_a4_pdf_is_gone(project):
    assert build(project, replace(SMALL, formats=("a4", "print")), jobs=1).ok
    (project / "output/default/nl/demo-patient-a4.pdf").unlink()
    report = build(project, replace(SMALL, formats=("print",)), jobs=1)
    assert report.built == [] and [v.format for v in report.skipped] == ["print"]


def test_crop_marks_never_reach_into_the_bleed():
    from leaflets.jobs import PrintBoxes
    with pytest.raises(ValueError, match="crop marks need at least the bleed"):
        PrintBoxes(bleed_mm=3.0, marks_mm=2.0)
    with pytest.raises(ValueError, match="is not #rrggbb"):
        PrintBoxes(bleed_mm=3.0, marks_mm=9.0, band_rgb="#abc")
