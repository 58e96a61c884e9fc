"""Nothing reaches patients unapproved: drafts are marked on every page (as an artifact), the
manifest and catalogue say so, `--release` refuses them, and `approve` records a sign-off that any
later change to the text undoes."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from conftest import page_texts
from leaflets.cli import main

PDF = "output/default/nl/demo-patient-a4.pdf"
SELECT = ("--leaflet", "demo", "--language", "nl", "--audience", "patient", "--format", "a4", "-q", "-j", "1")
MARK_NL = "CONCEPT — niet voor verspreiding"


def run(project: Path, *args: str) -> int:
    return main(["--project", str(project), *args])


def approve(project: Path, file: str = "content/demo/nl.md", *extra: str) -> int:
    return run(project, "approve", str(project / file), "--by", "Dr. A. Jansen", "--role", "neuroloog",
               "--date", "2026-11-20", *extra)


def without_artifacts(path: Path, target: Path) -> Path:
    """The PDF with every /Artifact marked-content sequence removed from its pages: what is left
    is the tagged content a screen reader is given."""
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            kept, depth = [], 0  # depth > 0: inside an artifact (marked content nests)
            for operands, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                if depth:
                    depth += {"BDC": 1, "BMC": 1, "EMC": -1}.get(name, 0)
                    continue
                if name in ("BDC", "BMC") and operands and operands[0] == pikepdf.Name.Artifact:
                    depth = 1
                    continue
                kept.append((operands, operator))
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
        pdf.save(target)
    return target


def text(path: Path) -> str:
    return " ".join(" ".join(page_texts(path)).split())


def test_an_unapproved_edition_prints_a_draft_mark_on_every_page_as_an_artifact(project, tmp_path, capsys):
    assert run(project, *SELECT) == 0
    pdf = project / PDF
    pages = page_texts(pdf)
    assert len(pages) >= 2
    assert all(MARK_NL in " ".join(page.split()) for page in pages)
    tagged = text(without_artifacts(pdf, tmp_path / "tagged.pdf"))
    assert MARK_NL not in tagged and "CONCEPT" not in tagged
    assert "Wandelen" in tagged  # the body is still there: only the artifacts went
    assert "1 edition not approved, printed as drafts: demo/nl" in capsys.readouterr().out


def test_approving_removes_the_mark_and_the_colophon_names_the_approver(project, capsys):
    assert approve(project) == 0
    assert "approved by Dr. A. Jansen (neuroloog) on 2026-11-20" in capsys.readouterr().out
    assert run(project, *SELECT) == 0
    printed = text(project / PDF)
    assert "CONCEPT" not in printed
    assert "Goedgekeurd door: Dr. A. Jansen, neuroloog, 20 november 2026" in printed
    manifest = json.loads((project / "output/manifest.json").read_text())
    assert [e["status"] for e in manifest["pdfs"]] == ["approved"]
    assert "draft" not in (project / "output/index.html").read_text()


def test_a_text_change_after_approval_makes_the_edition_a_draft_again(project, capsys):
    assert approve(project) == 0
    nl = project / "content/demo/nl.md"
    nl.write_text(nl.read_text().replace("Wandelen", "Fietsen", 1))
    assert run(project, *SELECT) == 0
    assert MARK_NL in text(project / PDF)
    manifest = json.loads((project / "output/manifest.json").read_text())
    assert [e["status"] for e in manifest["pdfs"]] == ["draft"]
    assert "<strong>draft</strong>: not approved" in (project / "output/index.html").read_text()
    capsys.readouterr()
    assert run(project, "check") == 0
    err = capsys.readouterr().err
    line = (project / "content/demo/leaflet.yaml").read_text().split("\n").index(
        next(l for l in (project / "content/demo/leaflet.yaml").read_text().split("\n") if l.startswith("  nl:"))) + 1
    assert f"content/demo/leaflet.yaml:{line}: warning: nl.md draft: changed since Dr. A. Jansen approved it on " \
           "2026-11-20" in err


def test_a_change_to_the_sources_also_undoes_the_approval(project, capsys):
    assert approve(project) == 0
    meta = project / "content/demo/leaflet.yaml"
    meta.write_text(meta.read_text().replace("Alpha study of walking", "Alpha study of running"))
    assert run(project, *SELECT, "--release") == 1
    assert "draft: changed since Dr. A. Jansen approved it" in capsys.readouterr().err


def test_release_refuses_a_draft_with_a_clear_message_and_a_non_zero_exit(project, capsys):
    assert run(project, *SELECT) == 0  # a draft built earlier stays: release never deletes a PDF
    before = (project / PDF).read_bytes()
    capsys.readouterr()
    assert run(project, *SELECT, "--release") == 1
    err = capsys.readouterr().err
    assert "demo/patient/nl/default/a4: error: draft: never approved: --release builds approved editions only; " \
           "after review run 'python build.py approve" in err
    assert (project / PDF).read_bytes() == before


def test_release_builds_an_approved_edition_and_refuses_only_the_drafts(project, capsys):
    assert approve(project) == 0
    capsys.readouterr()
    assert run(project, "--leaflet", "demo", "--audience", "patient", "--format", "a4", "-q", "-j", "1",
               "--release") == 1  # en is a draft
    assert (project / PDF).exists()
    assert not (project / "output/default/en/demo-patient-a4.pdf").exists()
    assert "demo/patient/en/default/a4: error: draft: never approved" in capsys.readouterr().err


def test_marking_a_translation_up_to_date_keeps_its_approval(project):
    assert approve(project, "content/demo/en.md") == 0
    assert run(project, "translated", str(project / "content/demo/en.md")) == 0  # rewrites its front matter
    assert run(project, "--leaflet", "demo", "--language", "en", "--audience", "patient", "--format", "a4",
               "-q", "-j", "1", "--release") == 0


def test_approve_keeps_the_rest_of_leaflet_yaml_and_replaces_its_own_entry(project):
    meta = project / "content/demo/leaflet.yaml"
    meta.write_text("# kept comment\n" + meta.read_text())
    assert approve(project) == 0
    assert approve(project, "content/demo/en.md") == 0
    assert run(project, "approve", str(project / "content/demo/nl.md"), "--by", "Prof. B. de Vries",
               "--role", "voorzitter", "--date", "2026-11-21") == 0
    written = meta.read_text()
    assert written.startswith("# kept comment\nversion: \"2.1\"")
    entries = re.findall(r"^  (\w+): \{by: \"([^\"]+)\"", written, re.MULTILINE)
    assert entries == [("nl", "Prof. B. de Vries"), ("en", "Dr. A. Jansen")]


def test_approve_refuses_invalid_text_and_a_file_that_is_not_a_language_file(project, capsys):
    nl = project / "content/demo/nl.md"
    nl.write_text(nl.read_text() + "\n![](images/missing.png)\n")
    assert approve(project) == 1
    err = capsys.readouterr().err
    assert "content/demo/nl.md: error: has errors (see above): only valid text can be approved" in err
    assert "approvals" not in (project / "content/demo/leaflet.yaml").read_text()
    assert approve(project, "content/demo/leaflet.yaml") == 1
    assert "not a language file of a known leaflet" in capsys.readouterr().err


@pytest.mark.parametrize("by", ["", " ", "a\nb", "x" * 121, "A\x7fB", "A\u009bB", "A\u0085B", "A\u2028B",
                                "A\u202eB", "\ufeffA", "Jos\udce9"])  # the last: a Latin-1 byte from a terminal
def test_approve_refuses_an_empty_or_unprintable_name(project, capsys, by):
    before = (project / "content/demo/leaflet.yaml").read_bytes()
    assert run(project, "approve", str(project / "content/demo/nl.md"), "--by", by, "--role", "r") == 1
    assert "--by must be 1 to 120 letters, digits, punctuation or spaces" in capsys.readouterr().err
    assert (project / "content/demo/leaflet.yaml").read_bytes() == before


@pytest.mark.parametrize("by", ['Dr. "Jansen"', "O'Neill: #1 {chair} [x]", "Émile Zoë — 神経科", "د. أحمد"])
def test_approve_writes_any_real_name_so_that_it_reads_back_the_same(project, capsys, by):
    assert run(project, "approve", str(project / "content/demo/nl.md"), "--by", by, "--role", "r: #2") == 0
    assert run(project, "check") == 0
    capsys.readouterr()
    assert run(project, "status") == 0
    assert approve(project) == 0  # and it replaces cleanly


def test_a_digest_of_only_digits_is_still_text(project, monkeypatch, capsys):
    # regression: `text: 334007971261` unquoted is a YAML number, and the leaflet left every build
    monkeypatch.setattr("leaflets.approval.digest", lambda document, meta: "334007971261")
    assert approve(project) == 0
    assert 'text: "334007971261"' in (project / "content/demo/leaflet.yaml").read_text()
    capsys.readouterr()
    assert run(project, "check") == 0


@pytest.mark.parametrize("existing", [
    "approvals:\n    nl: {by: A, role: B, date: 2026-01-01, text: \"0123456789ab\"}\n",  # four spaces
    "approvals:\n  nl:\n    by: A\n    role: B\n    date: 2026-01-01\n    text: \"0123456789ab\"\n  en: {by: C, role: D, "
    "date: 2026-01-01, text: \"0123456789ab\"}\n",  # block style
    "approvals:\n  nl: {by: A, role: B,\n       date: 2026-01-01, text: \"0123456789ab\"}\n",  # over two lines
    "approvals: {nl: {by: A, role: B, date: 2026-01-01, text: \"0123456789ab\"}}\n",  # flow on one line
])
def test_approve_refuses_to_edit_approvals_it_did_not_write_and_changes_nothing(project, capsys, existing):
    meta = project / "content/demo/leaflet.yaml"
    meta.write_text(meta.read_text() + existing)
    before = meta.read_bytes()
    assert approve(project) == 1
    assert "one entry per line" in capsys.readouterr().err
    assert meta.read_bytes() == before


def test_approve_keeps_line_endings_a_byte_order_mark_and_comments_inside_the_block(project, capsys):
    meta = project / "content/demo/leaflet.yaml"
    text = meta.read_text() + "approvals:  # signed off by the committee\n# the Dutch one\n" \
        "  en: {by: C, role: D, date: 2026-01-01, text: \"0123456789ab\"}\n"
    meta.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert approve(project) == 0
    written = meta.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf") and written.count(b"\r\n") == written.count(b"\n")
    lines = written.decode("utf-8-sig").split("\r\n")
    assert "approvals:  # signed off by the committee" in lines and "# the Dutch one" in lines
    assert [l.split(":")[0] for l in lines if l.startswith("  ")][-2:] == ["  en", "  nl"]
    capsys.readouterr()
    assert run(project, "check") == 0


def test_a_new_picture_under_the_old_name_undoes_the_approval(project, capsys):
    nl = project / "content/demo/nl.md"
    assert "images/" in nl.read_text()
    assert approve(project) == 0
    picture = next((project / "content/demo/images").iterdir())
    picture.write_bytes(picture.read_bytes().replace(b"</svg>", b"<!-- other --></svg>"))
    capsys.readouterr()
    assert run(project, *SELECT, "--release") == 1
    assert "changed since Dr. A. Jansen approved it" in capsys.readouterr().err


def test_windows_line_endings_do_not_undo_an_approval(project):
    assert approve(project, "content/demo/en.md") == 0
    en = project / "content/demo/en.md"
    en.write_bytes(en.read_bytes().replace(b"\n", b"\r\n"))  # a checkout with core.autocrlf
    assert run(project, "--leaflet", "demo", "--language", "en", "--audience", "patient", "--format", "a4",
               "-q", "-j", "1", "--release") == 0


@pytest.mark.parametrize("entry, message", [
    ("  nl: {by: X, role: Y, date: 2026-11-20, text: nothex}", "approvals.nl.text"),
    ("  nl: {by: X, date: 2026-11-20, text: 0123456789ab}", "needs 'approvals.nl.role'"),
    ("  NL!: {by: X, role: Y, date: 2026-11-20, text: 0123456789ab}", "approvals"),
    ("  nl: {by: X, role: Y, date: 2026-13-40, text: 0123456789ab}", "month must be in 1..12"),
])
def test_a_malformed_approval_is_an_error_at_its_line(project, capsys, entry, message):
    meta = project / "content/demo/leaflet.yaml"
    meta.write_text(meta.read_text() + "approvals:\n" + entry + "\n")
    line = len(meta.read_text().split("\n")) - 1
    assert run(project, "check") == 1
    err = capsys.readouterr().err
    assert re.search(rf"content/demo/leaflet\.yaml:(?:{line}|{line - 1}): error: .*{re.escape(message)}", err), err


def test_check_warns_once_a_leaflet_has_approvals_for_a_language_without_one(project, capsys):
    assert run(project, "check") == 0
    assert "approvals" not in capsys.readouterr().err  # never approved at all: a draft, which status shows
    assert approve(project) == 0
    capsys.readouterr()
    assert run(project, "check") == 0
    assert "approvals has no entry for 'en' (has: nl): the en edition is a draft" in capsys.readouterr().err


def test_status_shows_each_editions_approval(project, capsys):
    assert approve(project) == 0
    capsys.readouterr()
    assert run(project, "status") == 0
    rows = {tuple(cell.strip() for cell in line.split("│")[1:4]): line for line in capsys.readouterr().out.split("\n")
            if "│ demo" in line}
    assert "approved 2026-11-20" in rows[("demo", "nl", "patient")]
    assert "approved" not in rows[("demo", "en", "patient")] and "draft" in rows[("demo", "en", "patient")]


def test_the_approve_command_is_in_help():
    out = subprocess.run([sys.executable, "-c", "from leaflets.cli import main; main(['approve', '--help'])"],
                         capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1]).stdout
    assert "--by NAME" in out and "--role ROLE" in out


def test_a_drafts_colophon_names_its_version_and_approve_checks_it(project, capsys):
    assert run(project, *SELECT) == 0
    version = re.search(r"Conceptversie: ([0-9a-f]{12})", text(project / PDF))[1]
    nl = project / "content/demo/nl.md"
    nl.write_text(nl.read_text().replace("Wandelen", "Fietsen", 1))  # edited after the review
    capsys.readouterr()
    assert approve(project, "content/demo/nl.md", "--text", version) == 1
    assert f"the text changed since draft version {version} was reviewed" in capsys.readouterr().err
    assert "approvals" not in (project / "content/demo/leaflet.yaml").read_text()
    assert run(project, *SELECT) == 0
    version = re.search(r"Conceptversie: ([0-9a-f]{12})", text(project / PDF))[1]
    assert approve(project, "content/demo/nl.md", "--text", version) == 0
    assert run(project, *SELECT) == 0
    assert "Conceptversie" not in text(project / PDF)


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_the_draft_mark_and_the_brands_line_never_overprint_and_stay_on_the_page(tmp_path, language):
    # regression (review): the mark beside the brand's line squeezed it into a column that ran
    # off the top of the page (A5) or printed over the mark (large print)
    import pymupdf

    from conftest import make_project
    from leaflets.expand import Selection
    from leaflets.pipeline import build

    root = make_project(tmp_path / "p", leaflets=("demo", "other", "guide"), brands=("clinic",))
    yml = root / "brands/clinic/brand.yml"
    # two lines on A4 at 8 pt, three on A5, four in large print
    yml.write_text(yml.read_text().replace('footer: "Kliniek Proefstad · 010 123 45 67"',
                                           'footer: "Kliniek Proefstad, afdeling neurologie en revalidatie · '
                                           'www.kliniek-proefstad.example/neurologie · polikliniek 010 123 45 67 · '
                                           'spoed 010 123 45 00"'))
    leaflet = "demo" if language == "nl" else "guide"
    report = build(root, Selection(leaflets=(leaflet,), languages=(language,), brands=("clinic",),
                                   formats=("a4", "a5", "large-print")), jobs=1)
    assert report.ok, report.problems
    mark = {"nl": "CONCEPT", "ar": "مسودة"}[language]
    for pdf in sorted((root / "output/clinic").rglob("*.pdf")):
        for page in pymupdf.open(pdf):
            lines = [l for b in page.get_text("dict")["blocks"] for l in b.get("lines", [])
                     if l["bbox"][1] < page.rect.height / 5]
            top = [l for l in lines if any(mark in s["text"] or "Proefstad" in s["text"] or "kliniek" in s["text"]
                                           for s in l["spans"])]
            assert any(mark in s["text"] for l in top for s in l["spans"]), (pdf.name, page.number)
            band_bottom = 10 * 72 / 25.4 if page.number == 0 else 0  # the colour band on page 1
            for line in top:
                assert line["bbox"][1] >= band_bottom - 0.5, (pdf.name, page.number, line["bbox"])  # on the paper
            for a, b in ((a, b) for i, a in enumerate(lines) for b in lines[i + 1:] if a in top or b in top):
                side_by_side = min(a["bbox"][2], b["bbox"][2]) - max(a["bbox"][0], b["bbox"][0]) > 2
                size = max(a["spans"][0]["size"], b["spans"][0]["size"])
                assert not side_by_side or abs(a["spans"][0]["origin"][1] - b["spans"][0]["origin"][1]) >= 0.9 * size, \
                    (pdf.name, page.number, a["bbox"], b["bbox"])
