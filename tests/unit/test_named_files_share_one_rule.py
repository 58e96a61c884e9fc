"""A leaflet's picture and a brand's logo are files a source names by path; one function
(`boundary.named_file`) holds the rules both must meet, each caller words the refusal for its
reader. regression: body.image_file and brand._brand_file were twins that could drift apart."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import make_project
from leaflets.project import load_project

MIB = 1024 * 1024


def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    return path


# Each rule broken once, in the folder of a picture and in the brand folder: how to break it, and
# the words a content editor and a brand editor get.
RULES = {
    "outside": (lambda target, tmp: target.symlink_to(secret(tmp)),
                "is outside the leaflet folder", "must be a file inside the brand folder"),
    "missing": (lambda target, tmp: None, "does not exist", "not found in default/"),
    "hard link": (lambda target, tmp: os.link(secret(tmp), target),
                  "is a hard link (the same file has another name, maybe outside the project): copy it instead",
                  "is a hard link (the same file has another name, maybe outside the project): copy it instead"),
    "too large": (lambda target, tmp: target.write_bytes(b"<svg>" + b" " * (6 * MIB) + b"</svg>"),
                  "is 6 MiB (at most 5 MiB)", "is 6144 KiB (at most 2048 KiB)"),
}


@pytest.mark.parametrize("rule", RULES)
def test_a_picture_breaking_a_file_rule_is_refused(tmp_path, rule):
    root = make_project(tmp_path / "p")
    make, words, _ = RULES[rule]
    make(root / "content/demo/images/named.svg", tmp_path)
    page = root / "content/demo/nl.md"
    page.write_text(page.read_text() + "\n![Een plaatje](images/named.svg)\n")
    _, problems = load_project(root)
    assert f"image 'images/named.svg' {words}" in [p.message for p in problems]


@pytest.mark.parametrize("rule", RULES)
def test_a_logo_breaking_a_file_rule_is_refused(tmp_path, rule):
    root = make_project(tmp_path / "p")
    make, _, words = RULES[rule]
    (root / "brands/default/logo.svg").unlink()
    make(root / "brands/default/logo.svg", tmp_path)
    _, problems = load_project(root)
    assert f"brands/default/brand.yml:7: error: logo 'logo.svg' {words}" in [str(p) for p in problems]


def test_a_link_that_stays_inside_the_folder_is_a_picture_and_a_logo_like_any_other(tmp_path):
    root = make_project(tmp_path / "p")
    (root / "content/demo/images/named.svg").symlink_to("circle.svg")
    page = root / "content/demo/nl.md"
    page.write_text(page.read_text() + "\n![Een plaatje](images/named.svg)\n")
    (root / "brands/default/real-logo.svg").write_bytes((root / "brands/default/logo.svg").read_bytes())
    (root / "brands/default/logo.svg").unlink()
    (root / "brands/default/logo.svg").symlink_to("real-logo.svg")
    project, problems = load_project(root)
    assert [str(p) for p in problems if p.is_error] == []
    assert "named.svg" in {p.name for p in project.leaflet("demo").document("nl").images}  # the name it was given
