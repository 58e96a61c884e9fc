"""Expand stage: the build matrix and the command-line selection."""
from leaflets.expand import Selection, expand
from leaflets.project import load_project


def test_full_matrix_covers_audiences_languages_brands_formats(project):
    loaded, _ = load_project(project)
    variants = expand(loaded, Selection())
    # demo: 2 audiences × 2 languages; other: 1 audience × 1 language; 1 brand; 6 formats
    assert len(variants) == 5 * 6
    assert variants == sorted(variants)
    assert str(variants[0]) == "demo/patient/en/default/a4"
    assert variants[0].output_path == "default/en/demo-patient-a4.pdf"


def test_selection_narrows_every_dimension(project):
    loaded, _ = load_project(project)
    variants = expand(loaded, Selection(leaflets=("demo",), audiences=("professional",), languages=("nl",), formats=("a4",)))
    assert [str(v) for v in variants] == ["demo/professional/nl/default/a4"]


def test_unknown_ids_in_selection_are_named_with_what_exists(project):
    loaded, _ = load_project(project)
    assert Selection(leaflets=("faq",), formats=("a3",)).unknown(loaded) == [
        "unknown leaflet 'faq' (known: demo, other)",
        "unknown format 'a3' (known: a4, a5, booklet, large-print, letter, print, web)"]
