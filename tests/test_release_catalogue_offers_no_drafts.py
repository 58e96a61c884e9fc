"""A clinic prints from output/index.html. `--release` refuses drafts but leaves the draft PDFs
of earlier builds on disk (and in the manifest, as `draft`); the catalogue of a release must not
offer them. An ordinary build lists everything, each draft marked."""
from __future__ import annotations

import json
from pathlib import Path


from leaflets.catalogue import THUMBS, write_catalogue
from leaflets.cli import main

DRAFT = {"path": "b/nl/x-patient-a4.pdf", "leaflet": "x", "audience": "patient", "language": "nl", "brand": "b",
         "format": "a4", "title": "Moe", "pages": 3, "sha256": "aa", "status": "draft"}
DRAFT_WEB = dict(DRAFT, path="b/nl/x-patient.html", format="web", sha256="ab")
APPROVED = dict(DRAFT, path="b/en/x-patient-a4.pdf", language="en", title="Tired", sha256="cc", status="approved")
UNKNOWN = dict(DRAFT, path="b/de/x-patient-a4.pdf", language="de", title="Müde", sha256="dd")
del UNKNOWN["status"]  # a manifest from before approvals: no status, so not known to be approved


def catalogue(tmp_path: Path, release: bool) -> str:
    (tmp_path / THUMBS).mkdir(exist_ok=True)
    for entry in (DRAFT, APPROVED, UNKNOWN):  # thumbnails present: no PDF needs to be read
        (tmp_path / THUMBS / f"{entry['sha256']}.png").write_bytes(b"png")
    write_catalogue(tmp_path, [DRAFT, DRAFT_WEB, APPROVED, UNKNOWN], {}, release=release)
    return (tmp_path / "index.html").read_text(encoding="utf-8")


def test_a_release_catalogue_lists_approved_editions_only(tmp_path):
    page = catalogue(tmp_path, release=True)
    assert 'href="b/en/x-patient-a4.pdf"' in page
    for entry in (DRAFT, DRAFT_WEB, UNKNOWN):
        assert f'href="{entry["path"]}"' not in page
    assert "draft" not in page
    # the drafts are still on disk: their thumbnails follow the files, not the listing
    assert sorted(p.stem for p in (tmp_path / THUMBS).iterdir()) == ["aa", "cc", "dd"]


def test_an_ordinary_catalogue_lists_drafts_marked_as_drafts(tmp_path):
    page = catalogue(tmp_path, release=False)
    for entry in (DRAFT, DRAFT_WEB, APPROVED, UNKNOWN):
        assert f'href="{entry["path"]}"' in page
    assert page.count("<strong>draft</strong>: not approved, not for distribution") == 2  # nl and de


def test_a_release_into_a_folder_with_earlier_drafts_does_not_offer_them(project):
    def run(*args: str) -> int:
        return main(["--project", str(project), *args, "--leaflet", "demo", "--audience", "patient",
                     "--format", "a4", "-q", "-j", "1"])

    assert run() == 0  # nl and en, both drafts
    assert main(["--project", str(project), "approve", str(project / "content/demo/nl.md"), "--by", "Dr. A. Jansen",
                 "--role", "neuroloog", "--date", "2026-11-20"]) == 0
    assert run("--release", "--language", "nl") == 0
    manifest = json.loads((project / "output/manifest.json").read_text())
    status = {e["path"]: e["status"] for e in manifest["pdfs"]}
    assert status == {"default/nl/demo-patient-a4.pdf": "approved", "default/en/demo-patient-a4.pdf": "draft"}
    assert (project / "output/default/en/demo-patient-a4.pdf").is_file()  # a release deletes nothing ...
    page = (project / "output/index.html").read_text(encoding="utf-8")
    assert 'href="default/nl/demo-patient-a4.pdf"' in page
    assert 'href="default/en/demo-patient-a4.pdf"' not in page  # ... but does not offer the draft
