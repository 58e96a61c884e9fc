"""Cache keys: what makes a variant out of date, and what does not."""
from pathlib import Path

from leaflets.inputs import EDITOR_MODULES, PDF_MODULES, InputHasher
from leaflets.model import Variant
from leaflets.project import load_project

PACKAGE = Path(__file__).parents[2] / "leaflets"


def test_every_module_is_classified_as_pdf_shaping_or_editor_only():
    # regression: a new module that shapes PDFs must change the code version, or stale PDFs survive
    modules = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")}
    assert modules == set(PDF_MODULES) | set(EDITOR_MODULES)
    assert not set(PDF_MODULES) & set(EDITOR_MODULES)


def key(root: Path, variant: Variant) -> str:
    project, _ = load_project(root)
    return InputHasher(project).key(variant)


def test_key_changes_with_content_style_brand_and_catalog_but_not_other_languages(project):
    nl = Variant("demo", "patient", "nl", "default", "a4")
    before = key(project, nl)
    (project / "content/demo/en.md").write_text((project / "content/demo/en.md").read_text() + "\nMore.\n")
    assert key(project, nl) == before
    for path in ("content/demo/nl.md", "styles/base.css", "brands/default/brand.yml", "locales/nl/LC_MESSAGES/messages.po",
                 "templates/document.html.j2"):
        (project / path).write_text((project / path).read_text() + "\n")
        after = key(project, nl)
        assert after != before, path
        before = after


def test_key_differs_per_format_and_audience(project):
    keys = {key(project, Variant("demo", a, "nl", "default", f)) for a in ("patient", "professional") for f in ("a4", "a5")}
    assert len(keys) == 4
