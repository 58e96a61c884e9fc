"""The tool's own HTML pages (the preview server's pages, the PDF catalogue) from the Jinja
templates in leaflets/templates/.

These are the package's templates, not the project's templates/ folder: they belong to the tool,
so they work for any project, stay out of the PDFs' cache keys and are never served by /files/.
Everything shown on them (leaflet titles, brand names, problems) comes from files an editor
wrote, so autoescape is on for every template.
"""
from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"


def render_page(name: str, **context: object) -> str:
    """The template `name` (relative to leaflets/templates/) rendered with `context`."""
    return environment().get_template(name).render(**context)


@lru_cache(maxsize=1)
def environment() -> Environment:
    # trim/lstrip_blocks: tags on lines of their own leave no blank lines, so templates can be laid
    # out for reading while the pages keep their exact bytes (tests pin them).
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       finalize=escape_like_stdlib, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def escape_like_stdlib(value: object) -> object:
    """Escape every value as `html.escape` does (`&quot;`, `&#x27;`) rather than as MarkupSafe
    does (`&#34;`, `&#39;`): the same characters, so the same safety, and the pages keep the
    bytes they had when Python wrote them. Autoescape stays on behind this."""
    if hasattr(value, "__html__"):  # already HTML (Markup): the template said so
        return value
    return Markup(html.escape(str(value)))
