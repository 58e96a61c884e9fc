"""`make translations` (scripts/translations.py): new languages, idempotent merges, clear failures."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

REPO = Path(__file__).parents[2]
SCRIPT = REPO / "scripts" / "translations.py"


def copy(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    for name in ("templates", "locales"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "babel.cfg", root / "babel.cfg")
    (root / "leaflets").mkdir()  # babel.cfg scans it; the UI strings are all in templates
    return root


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), "--project", str(root), *args], capture_output=True, text=True)


def catalogs(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "locales").rglob("*.po*"))}


def test_a_run_that_changes_nothing_leaves_every_catalog_byte_identical(tmp_path):
    root = copy(tmp_path)
    before = catalogs(root)
    result = run(root)
    assert result.returncode == 0, result.stderr
    assert catalogs(root) == before
    assert "locales/nl/LC_MESSAGES/messages.po: unchanged" in result.stdout


def test_adding_a_language_creates_its_catalog_and_touches_no_other(tmp_path):
    root = copy(tmp_path)
    before = catalogs(root)
    result = run(root, "--add", "de")
    assert result.returncode == 0, result.stderr
    created = root / "locales/de/LC_MESSAGES/messages.po"
    with created.open("rb") as handle:
        german = {m.id for m in read_po(handle, locale="de") if m.id}
    with (root / "locales/messages.pot").open("rb") as handle:
        assert german == {m.id for m in read_po(handle) if m.id}
    assert {k: v for k, v in catalogs(root).items() if "/de/" not in k} == before
    assert f"locales/de/LC_MESSAGES/messages.po: created, {len(german)} untranslated" in result.stdout


def test_a_template_that_cannot_be_read_fails_with_a_message_and_writes_nothing(tmp_path):
    root = copy(tmp_path)
    (root / "templates/broken.html.j2").write_text("{% if %}")
    before = catalogs(root)
    result = run(root)
    assert result.returncode == 1
    assert result.stderr.startswith("error: translations not updated:") and "Traceback" not in result.stderr
    assert catalogs(root) == before


def test_an_unknown_language_code_fails_before_writing(tmp_path):
    root = copy(tmp_path)
    before = catalogs(root)
    result = run(root, "--add", "xx-nonsense")
    assert result.returncode == 1 and "error: translations not updated" in result.stderr
    assert catalogs(root) == before


def test_short_strings_and_sentences_with_numbers_carry_translator_comments():
    with (REPO / "locales/messages.pot").open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    needing = [m for m in messages if len(m.id) <= 12 or "%(" in m.id and "page" in m.id]
    assert {m.id for m in needing} >= {"; ", "the leaflet", "page %(page)s", "Page %(page)s of %(pages)s"}
    assert [m.id for m in needing if not m.auto_comments] == []
