"""Validate stage: exact messages with file and line, every problem collected."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import make_project
from leaflets.project import load_project

FRONT = "---\ntitle: Test\n---\n"


def problems_for(tmp_path: Path, body: str, extra: dict[str, str] | None = None) -> list[str]:
    root = make_project(tmp_path / "p", {"content/demo/nl.md": FRONT + body, **(extra or {})})
    _, problems = load_project(root)
    return [str(p) for p in problems]


def test_valid_fixture_project_has_no_problems(project):
    loaded, problems = load_project(project)
    assert problems == []
    assert [l.meta.id for l in loaded.leaflets] == ["demo", "other"]
    assert [d.language for d in loaded.leaflet("demo").documents] == ["en", "nl"]


def test_unknown_block_type_names_file_line_and_known_types(tmp_path):
    [message] = problems_for(tmp_path, "## A\n\n/// box | X\ntekst\n///\n")
    assert message.startswith("content/demo/nl.md:6: error: unknown block type 'box' (known: audience, callout,")


def test_therapy_without_evidence_lists_the_choices(tmp_path):
    body = "## A\n\n/// therapy | Yoga\n\nWat.\n/// evidence\nx\n///\n/// safety\ny\n///\n///\n"
    assert problems_for(tmp_path, body) == [
        "content/demo/nl.md:6: error: block 'therapy' needs 'evidence' (one of: strong, some, limited, none, conflicting, unstudied)",
        "content/demo/nl.md:6: error: block 'therapy' needs 'basis'"]


def test_wrong_evidence_value_points_at_the_option_line(tmp_path):
    body = "## A\n\n/// therapy | Yoga\n    evidence: great\n    basis: alpha\n\nWat.\n/// evidence\nx\n///\n/// safety\ny\n///\n///\n"
    assert problems_for(tmp_path, body) == [
        "content/demo/nl.md:7: error: 'evidence' must be one of: strong, some, limited, none, conflicting, unstudied, not 'great'"]


def test_therapy_needs_one_evidence_and_one_safety_block(tmp_path):
    body = "## A\n\n/// therapy | Yoga\n    evidence: some\n    basis: alpha\n\nWat.\n///\n"
    assert problems_for(tmp_path, body) == [
        "content/demo/nl.md:6: error: block 'therapy' needs exactly one 'evidence' block, found 0",
        "content/demo/nl.md:6: error: block 'therapy' needs exactly one 'safety' block, found 0"]


def test_image_without_alt_text_is_a_build_error(tmp_path):
    assert problems_for(tmp_path, "## A\n\n![](images/circle.svg)\n") == [
        "content/demo/nl.md:6: error: image 'circle.svg' has no alt text: describe it inside ![...]"]


def test_image_outside_the_leaflet_folder_is_refused(tmp_path):
    assert problems_for(tmp_path, "## A\n\n![Hosts](../../../etc/hostname)\n") == [
        "content/demo/nl.md:6: error: image '../../../etc/hostname' is outside the leaflet folder"]


def test_skipped_heading_level_is_reported(tmp_path):
    assert problems_for(tmp_path, "## A\n\n#### D\n") == [
        "content/demo/nl.md:6: error: heading level 4 skips level 3 (previous heading is level 2)"]


def test_level_one_heading_in_body_is_reported(tmp_path):
    [message] = problems_for(tmp_path, "# Titel\n")
    assert message.startswith("content/demo/nl.md:4: error: level-1 heading '#' is not allowed")


def test_unknown_audience_is_reported(tmp_path):
    assert problems_for(tmp_path, "## A\n\n/// audience | doctors\nx\n///\n") == [
        "content/demo/nl.md:6: error: unknown audience 'doctors' (one of: patient, professional)"]


def test_broken_cross_reference_is_reported(tmp_path):
    assert problems_for(tmp_path, "## A\n\nZie [B](#nowhere).\n") == [
        "content/demo/nl.md:6: error: cross-reference '#nowhere' points to no heading, category or question id in this file"]


def test_unknown_citation_key_is_reported(tmp_path):
    assert problems_for(tmp_path, "## A\n\nTekst [@zeta].\n") == [
        "content/demo/nl.md:6: error: citation '@zeta' is not in leaflet.yaml sources (known: alpha, beta)"]


def test_duplicate_ids_are_reported(tmp_path):
    assert problems_for(tmp_path, "## A {#x}\n\n## B {#x}\n") == [
        "content/demo/nl.md:6: error: id 'x' is already used at line 4"]


def test_link_to_unknown_leaflet_is_reported(tmp_path):
    assert problems_for(tmp_path, "## A\n\nLees [dit](leaflet:nope).\n") == [
        "content/demo/nl.md:6: error: link to unknown leaflet 'nope' (known: demo, other)"]


def test_javascript_link_is_reported(tmp_path):
    [message] = problems_for(tmp_path, "## A\n\n[klik](javascript:alert(1))\n")
    assert message.startswith("content/demo/nl.md:6: error: link 'javascript:alert(1)' must be https://")


def test_raw_html_is_a_warning_not_passed_through(tmp_path):
    assert problems_for(tmp_path, "## A\n\n<script>alert(1)</script>\n") == [
        "content/demo/nl.md:6: warning: raw HTML is not allowed and will be printed as text"]


def test_every_problem_in_a_file_is_collected(tmp_path):
    body = "## A\n\n![](images/circle.svg)\n\n#### D\n\n/// box\n///\n"
    lines = [m.split(":")[1] for m in problems_for(tmp_path, body)]
    assert lines == ["6", "8", "10"]


def test_leaflet_yaml_missing_field_names_the_file(tmp_path):
    yaml = "version: '1'\npublished: 2026-01-01\nreview_by: 2028-01-01\nsource_language: nl\naudiences: [patient]\nsources:\n  - key: a\n    title: T\n    publisher: P\n    year: 2020\n"
    assert problems_for(tmp_path, "## A\n", {"content/demo/leaflet.yaml": yaml}) == [
        "content/demo/leaflet.yaml:1: error: needs 'owner'"]


def test_review_date_must_follow_publication(tmp_path):
    yaml = (Path(__file__).parents[1] / "fixtures/demo/leaflet.yaml").read_text().replace("review_by: 2028-01-15", "review_by: 2025-01-15")
    assert problems_for(tmp_path, "## A\n", {"content/demo/leaflet.yaml": yaml}) == [
        "content/demo/leaflet.yaml:3: error: review_by must be after published"]


@pytest.mark.parametrize("block", ["callout", "category", "question", "links"])
def test_blocks_that_need_a_title_say_so(tmp_path, block):
    options = "    id: x\n" if block == "category" else ""
    [message] = problems_for(tmp_path, f"## A\n\n/// {block}\n{options}tekst\n///\n")
    assert message == f"content/demo/nl.md:6: error: block '{block}' needs a title: '/// {block} | ...'"


def test_markdown_file_that_is_not_a_language_is_named_and_ignored(tmp_path):
    root = make_project(tmp_path / "p", {"content/demo/notes.md": "# scratch\n"})
    _, problems = load_project(root)
    assert [str(p) for p in problems] == [
        "content/demo/notes.md: warning: not a language file (expected <language>.md, e.g. nl.md): ignored"]


def test_unknown_language_code_is_an_error(tmp_path):
    root = make_project(tmp_path / "p", {"content/other/xx.md": "---\ntitle: X\n---\n## A\n"})
    _, problems = load_project(root)
    assert [str(p) for p in problems] == [
        "content/other/xx.md: error: unknown language code 'xx' (use an ISO 639-1 code such as nl, en, ar)"]
