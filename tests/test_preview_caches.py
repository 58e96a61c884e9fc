"""`caches.clear_caches()`: the preview shows every edit on the next page load, whichever file
it was in, and every cache in the package is either emptied by it or left out for a reason."""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import leaflets
from conftest import make_project
from leaflets.caches import FILE_CACHES, clear_caches
from leaflets.model import Variant
from leaflets.project import load_project
from leaflets.render import render
from leaflets.serve import start

PREVIEW = "/preview/demo/patient/nl/default/a4"
NL = Variant("demo", "patient", "nl", "default", "a4")

# Caches clear_caches() leaves alone, and why (caches.py says the same at more length).
KEPT = {
    "leaflets.render.environment",     # Jinja's loader reloads changed templates by itself
    "leaflets.render.qr_code",         # a pure function of the URL
    "leaflets.readability._hyphenator",  # a pure function of the language
    "leaflets.inputs.code_version",    # the package's code: a running server does not reload it
    "leaflets.serve.files.font_package_dirs",  # installed packages
    "leaflets.htmlpages.environment",  # the tool's own templates, part of its code
    "leaflets.assets._image_problem",  # keyed by the file's size and mtime: an edit is a new key
    "leaflets.postprocess.hints._code_loads_global",  # a pure function of WeasyPrint's code
}

# (file, text in it, replacement, what the page then shows): one edit per kind of source file
EDITS = {
    "style": ("styles/base.css", "", "\n.edited-style { color: red; }\n", ".edited-style"),
    "locale": ("locales/nl/LC_MESSAGES/messages.po", 'msgstr "Over deze folder"', 'msgstr "Over dit blad"',
               "dit blad"),  # the heading's short last word and the one before share a span (keep_last_words)
    "template": ("templates/document.html.j2", "</body>", "<p>edited template</p></body>", "edited template"),
    "brand": ("brands/default/brand.yml", "name: MS-informatie", "name: Edited brand", "Edited brand"),
    "content": ("content/demo/nl.md", "title: Demofolder", "title: Edited title", "Edited title"),
}


def edit(root: Path, kind: str) -> str:
    """Make one edit of EDITS; returns the text the page should then contain."""
    relpath, old, new, shown = EDITS[kind]
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1) if old else text + new, encoding="utf-8")
    return shown


def rendered(root: Path, variant: Variant = NL) -> str:
    return render(load_project(root)[0], variant).html


@pytest.mark.parametrize("kind", EDITS)
def test_render_shows_an_edit_after_clear_caches(tmp_path, kind):
    root = make_project(tmp_path / "project")
    shown = EDITS[kind][3]
    assert shown not in rendered(root)  # also fills every cache with the old files
    expected = edit(root, kind)
    clear_caches()
    assert expected in rendered(root)


@pytest.mark.parametrize("kind", EDITS)
def test_preview_shows_an_edit_on_the_next_load(tmp_path, kind):
    server = start(make_project(tmp_path / "project"))
    try:
        first = _get(server, PREVIEW)
        expected = edit(server.root, kind)
        assert expected not in first and expected in _get(server, PREVIEW)
    finally:
        server.stop()


def test_every_cache_in_the_package_is_cleared_or_kept_on_purpose():
    # regression: the preview emptied render's caches through getattr(), so a renamed cache
    # silently left previews stale; a new cache must be classified here (and in caches.py)
    cached = set()
    for module in pkgutil.walk_packages(leaflets.__path__, "leaflets."):
        namespace = vars(importlib.import_module(module.name))
        cached |= {f"{module.name}.{name}" for name, value in namespace.items()
                   if hasattr(value, "cache_clear") and getattr(value, "__module__", "") == module.name}
    cleared = {f"{f.__module__}.{f.__name__}" for f in FILE_CACHES}
    assert cached == cleared | KEPT
    assert not cleared & KEPT


def _get(server, path: str) -> str:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status == 200
        return response.read().decode()
    finally:
        connection.close()
