"""The caches a long-running process (the preview server) must empty to see edited files.

A build is one short process, so its caches never go stale. The preview server renders many times
in one process while an editor saves files; it calls `clear_caches()` before it loads the project,
so every page shows the files as they are on disk now.

The cached functions are imported by name: renaming one breaks this import at start-up instead of
leaving the preview silently stale. To add a cache, import it and list it in `FILE_CACHES`.
"""
from __future__ import annotations

from .i18n import translations
from .render import read_stylesheet

# Cached functions whose results come from files an editor may change while the server runs.
FILE_CACHES = (
    read_stylesheet,  # styles/*.css, joined into every page as they are
    translations,  # locales/<lang>/LC_MESSAGES/messages.po, compiled in memory
)
# Left out on purpose (tests/test_preview_caches.py keeps this list complete):
# - render.environment: its Jinja loader already re-reads a template whose file changed, and
#   clearing it would recompile every template on every preview (~140 ms a page instead of ~28);
#   it is keyed by the catalog object, so a catalog reloaded after `translations` is emptied gets
#   an environment of its own.
# - assets._image_problem: keyed by the image's size and mtime, so an edited image is a new key.
# - render.qr_code, readability._hyphenator, postprocess.hints._code_loads_global: pure functions
#   of their arguments, no files.
# - inputs.code_version, htmlpages.environment: the package's own code and templates, which a
#   running server does not reload.
# - serve.files.font_package_dirs: installed font packages, which do not change while it runs.


def clear_caches() -> None:
    """Forget every cached file content, so the next render reads the files again."""
    for cached in FILE_CACHES:
        cached.cache_clear()
