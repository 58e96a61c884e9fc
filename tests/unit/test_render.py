"""Render stage: audience editions, sources, escaping, and golden HTML snapshots."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from leaflets.model import Variant
from leaflets.project import load_project
from leaflets.render import css_string, render

GOLDEN = Path(__file__).parents[1] / "golden"


def html_for(project: Path, audience="patient", language="nl") -> str:
    loaded, problems = load_project(project)
    assert problems == []
    return render(loaded, Variant("demo", audience, language, "default", "a4")).html


def normalise(html: str) -> str:
    """Machine-specific file URLs (fonts in site-packages, the project's temporary folder) become
    their file names, so snapshots hold on any machine; all else, the inlined stylesheet
    included, is kept, so a CSS change shows in the snapshot diff."""
    return re.sub(r"file:///[^\"')]*/([^/\"')]+)", r"file:///…/\1", html)


def assert_matches_golden(html: str, golden: Path, update: bool) -> None:
    """`html` equals the snapshot in `golden`; only `pytest --update-golden` (re)writes it."""
    if update:
        golden.write_text(html, encoding="utf-8")
        pytest.skip(f"wrote {golden.name}; review and commit it")
    if not golden.exists():
        pytest.fail(f"golden file {golden.name} is missing: run pytest --update-golden, review and commit it")
    assert html == golden.read_text(encoding="utf-8"), "HTML changed: review, then run pytest --update-golden"


def test_patient_edition_leaves_out_professional_text(project):
    html = html_for(project, "patient")
    assert "Alleen voor patiënten" in html
    assert "Alleen voor zorgverleners" not in html


def test_professional_edition_leaves_out_patient_text(project):
    html = html_for(project, "professional")
    assert "Alleen voor zorgverleners" in html
    assert "Alleen voor patiënten" not in html


def test_cited_sources_are_numbered_first_in_citation_order(project):
    html = html_for(project, "professional")
    assert re.search(r'id="ref-alpha" dir="ltr"><span class="ref-number">\[1\]', html)
    assert re.search(r'id="ref-beta" dir="ltr"><span class="ref-number">\[2\]', html)


def test_every_source_is_listed_even_when_not_cited(project):
    html = html_for(project, "patient")  # the patient text cites only beta
    assert 'id="ref-alpha"' in html and 'id="ref-beta"' in html


def test_ui_strings_are_translated(project):
    assert "Voor patiënten" in html_for(project, "patient", "nl")
    assert "For patients" in html_for(project, "patient", "en")


def test_document_language_and_title_are_set(project):
    html = html_for(project, "patient", "en")
    assert '<html lang="en" dir="ltr">' in html
    assert "<title>Demo leaflet</title>" in html


def test_dates_are_formatted_for_the_language(project):
    assert "15 januari 2028" in html_for(project, "patient", "nl")
    assert "15 January 2028" in html_for(project, "patient", "en")  # British English


def test_links_block_prints_short_address_and_qr_with_alt_text(project):
    html = html_for(project)
    assert '<a class="link-url" href="https://example.org/info">example.org/info</a>' in html
    assert 'alt="QR-code voor example.org/info"' in html


def test_therapy_verdict_is_shown_in_words_not_only_colour(project):
    html = html_for(project)
    assert "meter-3" in html and "<strong>Enig bewijs</strong>" in html


def test_block_headings_nest_below_their_section(project):
    html = html_for(project)
    assert '<h3 class="question-title">Mag ik sporten?</h3>' in html
    assert re.search(r'<section class="therapy evidence-some box-\w+" id="wandelen">\s*<h3>Wandelen</h3>', html)


def test_css_strings_cannot_break_out_of_the_stylesheet():
    assert css_string('a"; } </style><script>') == '"a\\22 ; \\7d  \\3c /style\\3e \\3c script\\3e "'


@pytest.mark.parametrize("audience,language", [("patient", "nl"), ("professional", "en")])
def test_html_matches_golden_snapshot(project, update_golden, audience, language):
    html = normalise(html_for(project, audience, language))
    assert_matches_golden(html, GOLDEN / f"demo-{audience}-{language}.html", update_golden)


def test_missing_golden_file_fails_instead_of_being_written(tmp_path):
    # regression: a missing golden file was written and the test skipped, so it could never fail
    golden = tmp_path / "demo-patient-xx.html"
    with pytest.raises(pytest.fail.Exception, match="demo-patient-xx.html is missing: run pytest --update-golden"):
        assert_matches_golden("<html></html>", golden, update=False)
    assert not golden.exists()


def test_golden_snapshots_keep_the_stylesheet(project):
    # regression: the normaliser dropped the whole <style> block, so CSS changes never showed
    html = normalise(html_for(project))
    css = re.search(r"<style>(.*?)</style>", html, re.S)[1]
    assert "@page" in css and "@font-face" in css
    assert 'src: url("file:///…/AtkinsonHyperlegible-Regular.ttf")' in css  # the machine's path is gone
    for golden in GOLDEN.glob("*.html"):
        assert "@page" in golden.read_text(encoding="utf-8"), f"{golden.name} has no stylesheet"


def test_professional_edition_can_have_its_own_summary(project):
    path = project / "content/demo/nl.md"
    path.write_text(path.read_text().replace("summary: Een korte folder om de pijplijn te testen.",
                                             "summary: Een korte folder om de pijplijn te testen.\n"
                                             "summary_professional: Achtergrond voor zorgverleners."))
    assert '<p class="summary">Achtergrond voor zorgverleners.</p>' in html_for(project, "professional")
    assert '<p class="summary">Een korte folder om de pijplijn te testen.</p>' in html_for(project, "patient")
