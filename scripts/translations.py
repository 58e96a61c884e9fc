"""`make translations`: extract the UI strings and merge them into every catalog.

    python scripts/translations.py [--project DIR] [--add LANG]...

Creates the catalog of a new language (`--add de`), updates the others, and rewrites a catalog
only when its messages changed: the dates pybabel stamps in every header alone do not count, so a
run that changes nothing leaves every file byte-identical. Exits 1 on any failure, naming it.
"""
from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.core import Locale, UnknownLocaleError
from babel.messages.pofile import read_po, write_po

# What pybabel stamps into every header on every run: not a change of the messages.
STAMPS = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date|Generated-By): .*\\n"\n', re.M)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--add", action="append", default=[], metavar="LANG", help="create the catalog of a new language")
    args = parser.parse_args(argv)
    try:
        return run(args.project.resolve(), args.add)
    except (OSError, ValueError, UnknownLocaleError, subprocess.CalledProcessError) as exc:
        detail = exc.stderr.decode(errors="replace").strip() if isinstance(exc, subprocess.CalledProcessError) else exc
        print(f"error: translations not updated: {detail}", file=sys.stderr)
        return 1


def run(project: Path, new: list[str]) -> int:
    locales = project / "locales"
    _check_templates(project)
    template = _extract(project)
    _write_if_changed(locales / "messages.pot", template)
    languages = sorted({p.name for p in locales.iterdir() if (p / "LC_MESSAGES").is_dir()} | set(new))
    for language in languages:
        Locale.parse(language)  # an unknown code fails here, before any file is written
        path = locales / language / "LC_MESSAGES" / "messages.po"
        changed = _write_if_changed(path, _merged(template, path, language))
        missing = _untranslated(path, language)
        state = "created" if language in new and changed else "updated" if changed else "unchanged"
        print(f"{path.relative_to(project)}: {state}" + (f", {missing} untranslated" if missing else ""))
    return 0


def _check_templates(project: Path) -> None:
    """pybabel reads a broken template without a word and misses its strings: parse them first."""
    from jinja2 import Environment, TemplateSyntaxError

    env = Environment(extensions=["jinja2.ext.i18n"])
    for path in sorted((project / "templates").rglob("*.j2")):
        try:
            env.parse(path.read_text(encoding="utf-8"))
        except TemplateSyntaxError as exc:
            raise ValueError(f"{path.relative_to(project)}:{exc.lineno}: {exc.message}") from None


def _extract(project: Path) -> bytes:
    pybabel = Path(sys.executable).parent / "pybabel"
    with tempfile.TemporaryDirectory() as scratch:
        pot = Path(scratch) / "messages.pot"
        subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "--no-location", "--sort-output",
                        "--add-comments=Translators:", "-o", str(pot), "."], cwd=project, check=True, capture_output=True)
        return pot.read_bytes()


def _merged(template: bytes, path: Path, language: str) -> bytes:
    pot = read_po(io.BytesIO(template))
    if path.is_file():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        catalog.update(pot, no_fuzzy_matching=True)
    else:
        catalog = read_po(io.BytesIO(template), locale=language)
        catalog.locale = Locale.parse(language)
        catalog.revision_date = catalog.creation_date
    out = io.BytesIO()
    write_po(out, catalog)  # pybabel update's own defaults, so a merge that changes nothing writes the same bytes
    return out.getvalue()


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and STAMPS.sub(b"", path.read_bytes()) == STAMPS.sub(b"", data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _untranslated(path: Path, language: str) -> int:
    with path.open("rb") as handle:
        return sum(1 for m in read_po(handle, locale=language) if m.id and not m.string)


if __name__ == "__main__":
    sys.exit(main())
