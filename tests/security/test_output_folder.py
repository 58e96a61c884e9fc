"""The output folder is the build's alone (issue 13, "Data lost").

A build refuses a folder it did not make, touches only what it made, never loses another
build's manifest or cache entries, and writes files the umask allows others to read.
"""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from leaflets.cli import main
from leaflets.expand import Selection
from leaflets.pipeline import build

OTHER = ["--leaflet", "other", "--format", "a4", "-q"]


def test_a_folder_with_other_files_is_refused_and_left_untouched(project, tmp_path, capsys):
    documents = tmp_path / "Documents"
    documents.mkdir()
    files = {"index.html": "my homepage", "manifest.json": "{}", ".draft.tmp": "unsaved work", "sub/.x.leaflets-tmp": "x"}
    for name, text in files.items():
        (documents / name).parent.mkdir(parents=True, exist_ok=True)
        (documents / name).write_text(text)
    assert main(["--project", str(project), *OTHER, "--output", str(documents)]) == 2
    err = capsys.readouterr().err
    assert f"{documents}: error: not empty and holds no build of leaflets" in err and "Traceback" not in err
    assert {str(p.relative_to(documents)): p.read_text() for p in documents.rglob("*") if p.is_file()} == files


def test_an_empty_or_new_folder_is_accepted(project, tmp_path):
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "new/deeper"):
        assert main(["--project", str(project), *OTHER, "--output", str(folder)]) == 0
        assert (folder / "default/nl/other-patient-a4.pdf").is_file()


def test_only_our_own_temporary_files_are_removed(project):
    output = project / "output"
    assert build(project, Selection(leaflets=("other",), formats=("a4",)), jobs=1).ok
    theirs = output / "default/.notes.tmp"
    ours = output / "default/nl/.other-patient-a4.pdf.k3j4h5.leaflets-tmp"  # left by a build that was killed
    theirs.write_text("not ours")
    ours.write_text("half a PDF")
    assert build(project, Selection(leaflets=("other",), formats=("a4",)), jobs=1).ok
    assert theirs.read_text() == "not ours" and not ours.exists()


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_files_get_the_permissions_the_umask_allows(project, umask, mode):
    old = os.umask(umask)
    try:
        # FILE_MODE is read once at import; a fresh process sees this umask
        subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(project), *OTHER],
                       check=True, capture_output=True)
    finally:
        os.umask(old)
    output = project / "output"
    for name in ("default/nl/other-patient-a4.pdf", "manifest.json", "index.html", ".leaflets-cache.json"):
        assert stat.S_IMODE((output / name).stat().st_mode) == mode, name


def test_two_builds_at_once_into_one_folder_lose_no_entry(project):
    # Two processes, different leaflets, same output folder: the second waits for the first's
    # lock, then reads its cache, so the manifest lists both.
    command = [sys.executable, str(REPO / "build.py"), "--project", str(project), "--format", "a4", "--audience", "patient",
               "--language", "nl", "-q", "--jobs", "1"]
    first = subprocess.Popen([*command, "--leaflet", "demo"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen([*command, "--leaflet", "other"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = [process.communicate(timeout=300) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    manifest = (project / "output/manifest.json").read_text()
    cache = (project / "output/.leaflets-cache.json").read_text()
    for pdf in ("default/nl/demo-patient-a4.pdf", "default/nl/other-patient-a4.pdf"):
        assert f'"path": "{pdf}"' in manifest and f'"{pdf}"' in cache


def test_a_second_build_says_it_waits_for_the_first(project):
    import fcntl

    (project / "output").mkdir()
    with open(project / "output/.leaflets.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--project", str(project), *OTHER[:-1]],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            process.wait(timeout=8)
        except subprocess.TimeoutExpired:
            pass  # still waiting, as it should
        assert process.poll() is None, process.communicate()
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0
    assert "another build is writing to" in err and "waiting for it to finish" in err


def test_a_path_in_the_cache_that_leaves_the_folder_is_never_listed(project):
    output = project / "output"
    output.mkdir()
    entry = {"path": "../../secret.pdf", "leaflet": "x", "audience": "patient", "language": "nl", "brand": "b",
             "format": "a4", "title": "t", "pages": 1, "sha256": "0"}
    (output / ".leaflets-cache.json").write_text(f'{{"../../secret.pdf": {{"key": "k", "entry": {str(entry).replace(chr(39), chr(34))}}}}}')
    (project.parent / "secret.pdf").write_text("x")
    assert build(project, Selection(leaflets=("other",), formats=("a4",)), jobs=1).ok
    assert "secret" not in (output / "manifest.json").read_text()
    assert Path(project.parent / "secret.pdf").read_text() == "x"


@pytest.mark.parametrize("link", ["default", ".thumbs", ".leaflets.lock", "default/nl/other-patient-a4.pdf"])
def test_a_symbolic_link_inside_the_output_folder_is_refused_and_nothing_outside_is_touched(project, tmp_path, link, capsys):
    # regression: a linked .thumbs made the catalogue delete files outside; a linked folder or
    # lock file made the build write there; a linked PDF could be read into a booklet
    assert build(project, Selection(leaflets=("other",), formats=("a4",)), jobs=1).ok
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "family-photo.png").write_bytes(b"precious")
    target = project / "output" / link
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink(missing_ok=True)
    os.symlink(outside if link in ("default", ".thumbs") else outside / "family-photo.png", target)
    assert main(["--project", str(project), *OTHER, "--force"]) == 2
    assert f"holds a symbolic link ({link})" in capsys.readouterr().err
    assert [p.name for p in outside.iterdir()] == ["family-photo.png"]
    assert (outside / "family-photo.png").read_bytes() == b"precious"
