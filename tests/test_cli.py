"""The command line and the build's promises: exit codes, messages, atomic output, caching."""
from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest


from leaflets.cli import main
from leaflets.expand import Selection
from leaflets.pipeline import build
from leaflets import worker
from leaflets.jobs import JobResult

PDF = "output/default/nl/demo-patient-a4.pdf"


def run(project: Path, *args: str) -> int:
    return main(["--project", str(project), *args])


def test_help_explains_commands_and_examples(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and "check" in out and "verify" in out


def test_build_help_lists_selection_options(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    out = capsys.readouterr().out
    for option in ("--leaflet", "--audience", "--language", "--brand", "--format", "--jobs", "--strict"):
        assert option in out


def test_check_on_valid_project_exits_zero(project, capsys):
    assert run(project, "check") == 0
    assert ": 0 errors," in capsys.readouterr().out


def test_check_reports_file_and_line_and_exits_one(project, capsys):
    (project / "content/demo/nl.md").write_text("---\ntitle: X\n---\n## A\n\n![](images/circle.svg)\n")
    assert run(project, "check") == 1
    assert "content/demo/nl.md:6: error: image 'circle.svg' has no alt text" in capsys.readouterr().err


def test_strict_turns_warnings_into_failure(project):
    (project / "content/other/nl.md").write_text("---\ntitle: X\n---\n## A\n\n<b>vet</b>\n")
    assert run(project, "check") == 0
    assert run(project, "check", "--strict") == 1


def test_unknown_selection_exits_one_and_names_known_ids(project, capsys):
    assert run(project, "--leaflet", "nope", "-q") == 1
    assert "unknown leaflet 'nope' (known: demo, other)" in capsys.readouterr().err


def test_bare_command_builds_and_writes_manifest(project, capsys):
    assert run(project, "-q", "--leaflet", "demo", "--language", "nl", "--audience", "patient", "--format", "a4") == 0
    manifest = json.loads((project / "output/manifest.json").read_text())
    [entry] = manifest["pdfs"]
    assert entry["path"] == "default/nl/demo-patient-a4.pdf"
    assert entry["title"] == "Demofolder" and entry["pages"] >= 1 and len(entry["sha256"]) == 64
    assert (project / PDF).read_bytes().startswith(b"%PDF-1.7")
    assert "Built 1/1 PDF (" in capsys.readouterr().out


def test_bad_file_fails_the_build_but_other_variants_still_build(project, capsys):
    (project / "content/other/nl.md").write_text("---\ntitle: X\n---\n## A\n\n/// box\n///\n")
    assert run(project, "-q", "--language", "nl", "--audience", "patient", "--format", "a4") == 1
    assert (project / PDF).is_file()
    assert not (project / "output/default/nl/other-patient-a4.pdf").exists()
    assert "content/other/nl.md:6: error: unknown block type 'box'" in capsys.readouterr().err


def test_no_op_rebuild_skips_everything_and_rewrites_nothing(project):
    selection = Selection(leaflets=("demo",), languages=("nl",), formats=("a4",))
    first = build(project, selection, jobs=1)
    assert len(first.built) == 2
    stamps = {p: p.stat().st_mtime_ns for p in (project / "output").rglob("*.pdf")}
    second = build(project, selection, jobs=1)
    assert (second.built, len(second.skipped)) == ([], 2)
    assert {p: p.stat().st_mtime_ns for p in (project / "output").rglob("*.pdf")} == stamps


def test_editing_one_language_rebuilds_only_that_language(project):
    build(project, Selection(leaflets=("demo",), formats=("a4",)), jobs=1)
    path = project / "content/demo/en.md"
    path.write_text(path.read_text().replace("Gewone tekst", "Plain text"))
    report = build(project, Selection(leaflets=("demo",), formats=("a4",)), jobs=1)
    assert sorted(str(v) for v in report.built) == ["demo/patient/en/default/a4", "demo/professional/en/default/a4"]
    assert len(report.skipped) == 2


def test_damaged_pdf_is_rebuilt_even_when_inputs_are_unchanged(project):
    selection = Selection(leaflets=("other",), formats=("a4",))
    build(project, selection, jobs=1)
    (project / "output/default/nl/other-patient-a4.pdf").write_bytes(b"%PDF-broken")
    assert len(build(project, selection, jobs=1).built) == 1


def test_failed_variant_keeps_the_last_good_pdf(project, monkeypatch):
    selection = Selection(leaflets=("other",), formats=("a4",))
    build(project, selection, jobs=1)
    pdf = project / "output/default/nl/other-patient-a4.pdf"
    good = pdf.read_bytes()
    monkeypatch.setattr(worker, "run_job", lambda job, blobs=None: JobResult(job.variant_id, b"%PDF-half", messages=[("error", "boom")]))
    report = build(project, selection, jobs=1, force=True)
    assert [str(v) for v in report.failed] == ["other/patient/nl/default/a4"]
    assert pdf.read_bytes() == good
    assert [p.name for p in pdf.parent.iterdir()] == [pdf.name]  # no temp file left behind


def test_interrupted_write_leaves_the_old_pdf_and_no_temp_file(project, monkeypatch):
    selection = Selection(leaflets=("other",), formats=("a4",))
    build(project, selection, jobs=1)
    pdf = project / "output/default/nl/other-patient-a4.pdf"
    good = pdf.read_bytes()

    def crash(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        build(project, selection, jobs=1, force=True)
    monkeypatch.undo()
    assert pdf.read_bytes() == good
    assert [p.name for p in pdf.parent.iterdir()] == [pdf.name]


def test_same_input_gives_the_same_bytes(project):
    selection = Selection(leaflets=("other",), formats=("a4",))
    build(project, selection, jobs=1)
    first = (project / "output/default/nl/other-patient-a4.pdf").read_bytes()
    build(project, selection, jobs=1, force=True)
    assert (project / "output/default/nl/other-patient-a4.pdf").read_bytes() == first


def test_an_executor_passed_in_from_outside_runs_the_build(project):
    with ThreadPoolExecutor(max_workers=2) as executor:
        report = build(project, Selection(leaflets=("demo",), languages=("nl",), formats=("a4",)), jobs=executor)
    assert len(report.built) == 2 and report.ok


def test_process_pool_build_matches_serial_build(project, tmp_path):
    selection = Selection(leaflets=("demo",), languages=("en",), formats=("a4",))
    serial = build(project, selection, jobs=1, output=tmp_path / "serial")
    parallel = build(project, selection, jobs=2, output=tmp_path / "parallel")
    assert serial.ok and parallel.ok
    for variant in serial.built:
        assert (tmp_path / "serial" / variant.output_path).read_bytes() == (tmp_path / "parallel" / variant.output_path).read_bytes()


def test_unwritable_output_folder_is_a_clear_error_not_a_traceback(project, tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    assert run(project, "-q", "--leaflet", "other", "--format", "a4", "--output", str(blocker)) == 2
    err = capsys.readouterr().err
    assert "error: cannot write there" in err and "Traceback" not in err


# ---------------------------------------------------------------- messages a new user acts on

def test_an_unknown_key_lists_the_valid_keys(project, capsys):
    brand = project / "brands/default/brand.yml"
    brand.write_text(brand.read_text().replace("leaflets:\n", "leaflets:\n  note:\n    nl: Hallo\n"))
    assert run(project, "check") == 1
    err = capsys.readouterr().err
    assert "has no field 'leaflets.note' (valid: contact, footer, disclaimer, paper, language, web_base, logo_has_name)" in err


def test_a_brand_with_errors_is_named_as_such_not_as_unknown(project, capsys):
    brand = project / "brands/default/brand.yml"
    brand.write_text(brand.read_text().replace("  foreground: ink", '  foreground: "#cccccc"'))
    assert run(project, "--brand", "default", "-q") == 1
    err = capsys.readouterr().err
    assert "command line: error: brand 'default' has errors (see above), so it is not built" in err
    assert "unknown brand" not in err


def test_summaries_count_with_plurals_and_include_files_with_errors(project, capsys):
    (project / "content/other/nl.md").write_text("no front matter\n")
    assert run(project, "check") == 1
    assert "Checked 2 leaflets (3 language files) and 1 brand: 1 error, 1 warning." in capsys.readouterr().out


def test_the_build_summary_shows_stale_translations_of_what_it_builds(project, capsys):
    source = project / "content/demo/nl.md"
    assert run(project, "translated", str(project / "content/demo/en.md")) == 0
    source.write_text(source.read_text() + "\nNieuwe alinea.\n")
    assert run(project, "--leaflet", "demo", "--language", "en", "--audience", "patient", "--format", "a4", "-q") == 0
    captured = capsys.readouterr()
    assert "content/demo/en.md:6: warning: stale translation: nl.md changed since this was translated" in captured.err
    assert ", 0 errors, 1 warning in " in captured.out
    assert run(project, "--leaflet", "demo", "--language", "nl", "--audience", "patient", "--format", "a4", "-q") == 0
    assert "stale translation" not in capsys.readouterr().err  # only what this build makes


def test_a_build_of_one_brand_shows_no_warnings_about_other_brands(project, capsys):
    import shutil

    shutil.copytree(project / "brands/default", project / "brands/other")
    yml = project / "brands/other/brand.yml"
    yml.write_text(yml.read_text().replace("Atkinson Hyperlegible", "Lexend"))  # Lexend has no italic: a warning
    assert run(project, "check") == 0
    assert "brands/other/brand.yml" in capsys.readouterr().err
    assert run(project, "--brand", "default", "--leaflet", "other", "--format", "a4", "-q", "-j", "1") == 0
    assert "brands/other" not in capsys.readouterr().err
    assert run(project, "--brand", "other", "--leaflet", "other", "--format", "a4", "-q", "-j", "1") == 0
    assert "brands/other/brand.yml:" in capsys.readouterr().err


def test_translated_says_which_file_it_will_not_edit_and_exits_non_zero_without_a_traceback(project, capsys):
    en = project / "content/demo/en.md"
    en.write_text(en.read_text().replace("keywords:", "source_sections:\n  Eerste deel: 0123abcd\nkeywords:", 1))
    before = en.read_bytes()
    assert run(project, "translated", str(en)) == 1
    err = capsys.readouterr().err
    assert f"{en}: error: recording the translation would not read back" in err and "Traceback" not in err
    assert en.read_bytes() == before
