"""Editorial checks: translation state, review dates, readability against B1."""
from __future__ import annotations

from datetime import date

from conftest import make_project
from leaflets.cli import main
from leaflets.editorial import editorial_problems, translation_state
from leaflets.project import load_project
from leaflets.readability import measure, plain_sentences, syllables
from leaflets.read import parse_blocks
from leaflets.body import BodyChecker

TODAY = date(2026, 11, 25)


def messages(root, today=TODAY, kind=""):
    project, problems = load_project(root)
    assert not [p for p in problems if p.is_error]
    return [str(p) for p in editorial_problems(project, today) if kind in p.message]


def test_translation_without_recorded_source_is_reported(project):
    assert messages(project, kind="translation") == [
        "content/demo/en.md:1: warning: translation does not record which nl.md it follows; "
        "run 'python build.py translated content/demo/en.md' when it is up to date"]


def test_translated_command_records_the_source_and_clears_the_warning(project, capsys):
    assert main(["--project", str(project), "translated", str(project / "content/demo/en.md")]) == 0
    assert messages(project, kind="translation") == []
    loaded, _ = load_project(project)
    leaflet = loaded.leaflet("demo")
    assert translation_state(leaflet, leaflet.document("en")) == "current"


def test_changing_the_source_makes_the_translation_stale(project):
    main(["--project", str(project), "translated", str(project / "content/demo/en.md")])
    source = project / "content/demo/nl.md"
    source.write_text(source.read_text().replace("Gewone tekst", "Nieuwe tekst"))
    [message] = messages(project, kind="translation")
    assert message.startswith("content/demo/en.md:6: warning: stale translation: nl.md changed since this was translated")


def test_missing_language_listed_in_leaflet_yaml_is_reported(tmp_path):
    yaml = (make_project(tmp_path / "a") / "content/demo/leaflet.yaml").read_text() + "languages: [nl, en, ar]\n"
    root = make_project(tmp_path / "b", {"content/demo/leaflet.yaml": yaml})
    assert messages(root, kind="missing") == [
        "content/demo/ar.md: warning: missing translation: leaflet.yaml lists language 'ar'"]


def test_review_date_passed_is_an_error(project):
    assert messages(project, date(2028, 2, 1), "review") == [
        "content/demo/leaflet.yaml:3: error: review date 2028-01-15 has passed: review the leaflet and set a new review_by",
        "content/other/leaflet.yaml:3: error: review date 2028-01-15 has passed: review the leaflet and set a new review_by"]


def test_review_due_within_60_days_is_a_warning(project):
    assert messages(project, date(2027, 12, 1), "review")[0] == \
        "content/demo/leaflet.yaml:3: warning: review due in 45 days (2028-01-15)"
    assert messages(project, date(2027, 11, 1), "review") == []


def test_check_exits_one_when_review_date_passed(project):
    assert main(["--project", str(project), "check", "--date", "2028-06-01"]) == 1


def test_syllables_follow_dutch_and_english_hyphenation():
    assert syllables("beweging", "nl") == 3
    assert syllables("exercise", "en") == 3


def test_sentences_join_wrapped_lines_and_count_list_items():
    checker = BodyChecker("x.md", make_project.__globals__["FIXTURES"], set(), set())
    blocks, _ = parse_blocks(["Dit is een zin die", "doorloopt. En nog een.", "", "- een punt", "- nog een punt"], "x.md", 1)
    nodes = checker.nodes(blocks, None)
    assert plain_sentences(nodes) == ["Dit is een zin die doorloopt.", "En nog een.", "een punt", "nog een punt"]


def test_plain_text_scores_above_b1_target_and_hard_text_below(tmp_path):
    easy = "## Over MS\n\nU kunt gewoon sporten. Dat is goed voor u. Begin rustig.\n"
    hard = ("## Achtergrond\n\nNeuroprotectieve mechanismen, waaronder verhoogde expressie van neurotrofe factoren "
            "en gereguleerde microgliale activatie, worden verondersteld bij te dragen aan remyelinisatie.\n")
    for text, meets in ((easy, True), (hard, False)):
        root = make_project(tmp_path / str(meets), {"content/other/nl.md": "---\ntitle: T\n---\n" + text})
        loaded, _ = load_project(root)
        assert measure(loaded.leaflet("other").document("nl")).meets_b1 is meets


def test_an_owner_without_a_name_for_a_built_language_is_a_warning_at_its_line(project):
    meta = project / "content/demo/leaflet.yaml"
    text = meta.read_text()
    owner_line = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("owner:"))
    meta.write_text("\n".join("owner: {nl: Redactie}" if line.startswith("owner:") else line
                              for line in text.splitlines()) + "\n")
    assert messages(project, kind="owner") == [
        f"content/demo/leaflet.yaml:{owner_line}: warning: owner has no name for 'en' (has: nl): "
        "the en edition prints 'Redactie'"]


def test_a_brand_note_missing_for_a_built_language_is_a_warning(project):
    brand = project / "brands/default/brand.yml"
    brand.write_text(brand.read_text().replace("leaflets:\n", "leaflets:\n  disclaimer:\n    nl: Onze noot.\n"))
    assert messages(project, kind="disclaimer") == [
        "brands/default/brand.yml:25: warning: leaflets.disclaimer has no note for 'en' (has: nl): "
        "the demo en edition prints none"]


def test_a_language_without_a_readability_formula_is_named_once(project):
    (project / "content/demo/de.md").write_text("---\ntitle: Demo\ntranslation_of: nl\n---\n## Teil\n\nText.\n")
    assert messages(project, kind="readability formula") == [
        "content: warning: no readability formula for 'de' (formulas exist for: en, nl): its patient editions "
        "are not checked against B1"]


def test_a_stale_translation_names_the_source_sections_that_changed(project):
    main(["--project", str(project), "translated", str(project / "content/demo/en.md")])
    source = project / "content/demo/nl.md"
    text = source.read_text()
    first = text.index("## Eerste deel")
    line = text[:first].count("\n") + 1
    source.write_text(text.replace("Gewone tekst", "Nieuwe tekst") + "\n## Een nieuw deel\n\nMeer.\n")
    new_line = source.read_text().count("\n") - 2
    [message] = messages(project, kind="translation")
    assert f"(changed: 'Eerste deel' at line {line}; new: 'Een nieuw deel' at line {new_line})" in message
