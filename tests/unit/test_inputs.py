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


def test_a_new_leaflet_or_an_unused_picture_rebuilds_nothing_else(project):
    nl = Variant("demo", "patient", "nl", "default", "a4")
    before = key(project, nl)
    new = project / "content/third"
    new.mkdir()
    (new / "leaflet.yaml").write_text((project / "content/other/leaflet.yaml").read_text())
    (new / "nl.md").write_text("---\ntitle: Derde folder\n---\n## Kop\n\nTekst.\n")
    (project / "content/demo/images/unused.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert key(project, nl) == before


def test_a_picture_the_text_shows_and_a_title_it_names_are_part_of_the_key(project):
    nl = Variant("demo", "patient", "nl", "default", "a4")
    text = (project / "content/demo/nl.md").read_text()
    assert "images/circle.svg" in text and "leaflet:other" in text  # the fixture uses both
    before = key(project, nl)
    circle = project / "content/demo/images/circle.svg"
    circle.write_text(circle.read_text().replace("</svg>", "<rect width='1' height='1'/></svg>"))
    after = key(project, nl)
    assert after != before
    other = project / "content/other/nl.md"
    other.write_text(other.read_text().replace("title: Andere folder", "title: Nieuwe titel"))
    assert key(project, nl) != after
