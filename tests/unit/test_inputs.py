"""Cache keys: what makes a variant out of date, and what does not."""
from pathlib import Path

from leaflets.inputs import EDITOR_FOLDERS, EDITOR_MODULES, InputHasher, pdf_modules
from leaflets.model import Variant
from leaflets.project import load_project

PACKAGE = Path(__file__).parents[2] / "leaflets"


def test_every_module_but_the_listed_editor_tools_shapes_the_code_version():
    # regression: a new module that shapes PDFs must change the code version, or stale PDFs survive
    hashed = {str(p.relative_to(PACKAGE)) for p in pdf_modules()}
    modules = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")}
    editor = {m for m in modules if m in EDITOR_MODULES or m.split("/")[0] in EDITOR_FOLDERS}
    assert hashed == modules - editor
    assert {"render.py", "markup.py", "boundary.py", "typeset.py", "verify/__init__.py"} <= hashed
    assert set(EDITOR_MODULES) - {"serve.py", "htmlpages.py", "caches.py"} <= modules  # no stale names in the list


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
