"""Traceable claims (issue 16): a therapy's verdict names the source it rests on (`basis:`), a
named quote names the source that prints the words (`source:`); `check` resolves both against
leaflet.yaml `sources`, the professional edition prints them, and the "not studied in MS" level
is shown in words like every other verdict."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import make_project
from leaflets.model import Variant
from leaflets.project import load_project
from leaflets.render import render

FRONT = "---\ntitle: Test\n---\n"
PARTS = "\nWat het is.\n\n/// evidence\nOnderzoek.\n///\n\n/// safety\nLet op.\n///\n///\n"


def therapy(*options: str, title: str = "Yoga") -> str:
    return f"## A\n\n/// therapy | {title}\n" + "".join(f"    {o}\n" for o in options) + PARTS


def problems_for(tmp_path: Path, body: str) -> list[str]:
    root = make_project(tmp_path / "p", {"content/demo/nl.md": FRONT + body})
    _, problems = load_project(root)
    return [str(p) for p in problems]


def html_for(tmp_path: Path, body: str, audience: str, language: str = "nl") -> str:
    root = make_project(tmp_path / "p", {f"content/demo/{language}.md": FRONT + body})
    loaded, problems = load_project(root)
    assert [p for p in problems if p.is_error] == []
    return render(loaded, Variant("demo", audience, language, "default", "a4")).html


# ---------------------------------------------------------------- check

def test_unknown_basis_key_is_an_error_at_its_line(tmp_path):
    body = therapy("evidence: some", "basis: gamma")
    assert problems_for(tmp_path, body) == [
        "content/demo/nl.md:8: error: 'basis: gamma' is not in leaflet.yaml sources (known: alpha, beta)"]


def test_therapy_without_basis_is_an_error(tmp_path):
    assert problems_for(tmp_path, therapy("evidence: some")) == [
        "content/demo/nl.md:7: error: block 'therapy' needs 'basis'"]


def test_basis_with_a_section_is_valid(tmp_path):
    assert problems_for(tmp_path, therapy("evidence: some", "basis: alpha", 'basis_section: "Sectie B"')) == []


def test_named_quote_without_source_is_an_error(tmp_path):
    body = "## A\n\n/// quote\n    by: Jan Jansen, fysiotherapeut\n\nBewegen helpt.\n///\n"
    assert problems_for(tmp_path, body) == [
        "content/demo/nl.md:7: error: a quote with 'by' needs 'source': the key of the leaflet.yaml source "
        "that prints these words (a quote without a source must not name a person)"]


def test_quote_source_must_be_a_known_key(tmp_path):
    body = "## A\n\n/// quote\n    by: Jan Jansen\n    source: gamma\n\nBewegen helpt.\n///\n"
    assert problems_for(tmp_path, body) == [
        "content/demo/nl.md:8: error: 'source: gamma' is not in leaflet.yaml sources (known: alpha, beta)"]


def test_unnamed_quote_needs_no_source(tmp_path):
    assert problems_for(tmp_path, "## A\n\n/// quote\nBewegen helpt.\n///\n") == []


# ---------------------------------------------------------------- render

def test_professional_edition_prints_the_basis_with_its_section(tmp_path):
    html = html_for(tmp_path, therapy("evidence: some", "basis: beta", 'basis_section: "Sectie B"'), "professional")
    basis = re.search(r'<p class="verdict-basis">(.*?)</p>', html, re.S)
    assert basis is not None
    assert re.sub(r"\s+", " ", basis[1]).strip() == (
        'Oordeel gebaseerd op <sup class="cite"><a href="#ref-beta">[1]</a></sup>, onderdeel ‘Sectie B’')
    assert 'id="ref-beta"' in html  # the number leads to the reference list


def test_patient_edition_does_not_print_the_basis(tmp_path):
    html = html_for(tmp_path, therapy("evidence: some", "basis: beta", 'basis_section: "Sectie B"'), "patient")
    assert '<p class="verdict-basis">' not in html and "Sectie B" not in html
    assert 'href="#ref-beta"' not in html


def test_professional_edition_cites_a_named_quote_and_the_patient_edition_names_only_the_person(tmp_path):
    body = "## A\n\n/// quote\n    by: Jan Jansen\n    source: beta\n\nBewegen helpt.\n///\n"
    professional = html_for(tmp_path / "professional", body, "professional")
    assert '<p class="quote-by">Jan Jansen <sup class="cite"><a href="#ref-beta">[1]</a></sup></p>' in professional
    assert '<p class="quote-by">Jan Jansen</p>' in html_for(tmp_path / "patient", body, "patient")


def test_unstudied_level_renders_its_words_and_its_own_icon(tmp_path):
    nl = html_for(tmp_path / "nl", therapy("evidence: unstudied", "basis: alpha"), "patient")
    assert re.search(r'class="meter meter-unknown">.*?</span>\s*<strong>Niet onderzocht bij MS</strong>', nl, re.S)
    en = html_for(tmp_path / "en", therapy("evidence: unstudied", "basis: alpha"), "patient", "en")
    assert "<strong>Not studied in MS</strong>" in en
    assert ".meter-unknown span" in en  # the icon is drawn by the stylesheet, unlike 'none' (meter-0)
