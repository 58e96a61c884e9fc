"""Editing YAML that people also edit by hand, a few lines at a time.

Two commands write into source files: `approve` puts an approval into leaflet.yaml, and
`translated` puts the source version a translation follows into a content file's front matter.
What both need, this module owns:

- the file is read as bytes and everything but the caller's lines stays byte for byte: a
  byte-order mark, Windows line endings (CRLF stays CRLF), comments, key order;
- the new text is read back with the project's own readers, as the build will read it, and must
  pass the caller's schema and hold exactly the data the caller means to write; otherwise an
  `EditError` says why and the file is not touched;
- the file is replaced atomically, never left half written.

A caller keeps only its own rules: which lines to write, and what the data must become.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .read import _decode, _front_matter, load_yaml
from .schema import model_problems
from .write import atomic_write

BOM = b"\xef\xbb\xbf"
Edit = Callable[[list[str]], list[str]]  # the YAML's lines (no line ends) -> its new lines
Expect = Callable[[dict], dict]  # the data before -> the data the new lines must hold


class EditError(ValueError):
    """The edit cannot be made safely; nothing was written (a message for the user)."""


def edit_yaml(path: Path, edit: Edit, expect: Expect, schema: type[BaseModel], *, front_matter: bool = False,
              what: str = "the edit", hint: str = "") -> None:
    """Apply `edit` to the YAML lines of `path` (the whole file, or with `front_matter` the lines
    between its '---' lines), check the result as described above, and write it."""
    data = path.read_bytes()
    bom = BOM if data.startswith(BOM) else b""
    text = data[len(bom):].decode("utf-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    start, end = _front_lines(lines, path) if front_matter else (0, len(lines))
    new = bom + newline.join(lines[:start] + edit(lines[start:end]) + lines[end:]).encode("utf-8")
    old, _, problems = _read_back(data, path, front_matter)
    if problems or not isinstance(old, (dict, type(None))):
        raise EditError(f"{path}: cannot read it ({problems[0] if problems else 'not a mapping'}): fix it first; "
                        "nothing was written")
    wanted = expect(dict(old or {}))
    written, located, problems = _read_back(new, path, front_matter)
    if located is None or problems:
        raise EditError(f"{path}: {what} would not read back ({problems[0] if problems else 'unreadable'}); "
                        "nothing was written")
    try:
        schema.model_validate(written)
    except ValidationError as exc:
        raise EditError(f"{path}: {what} would not be valid ({model_problems(exc, located, model=schema)[0]}); "
                        "nothing was written") from exc
    if written != wanted:
        raise EditError(f"{path}: {what} would change more than its own lines; nothing was written"
                        + (f" ({hint})" if hint else ""))
    atomic_write(path, new)  # the output store's writer: never a half-written file


def _front_lines(lines: list[str], path: Path) -> tuple[int, int]:
    """Where the front matter's lines start and end, as the reader finds them."""
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is not None:
            return 1, end
    raise EditError(f"{path}: has no front matter between '---' lines; nothing was written")


def _read_back(data: bytes, path: Path, front_matter: bool):
    """(data, located, problems): the bytes read as the build reads them."""
    text, problems = _decode(data, str(path))
    if text is None:
        return None, None, problems
    if front_matter:
        located, _, problems = _front_matter(text.split("\n"), str(path))
    else:
        located, problems = load_yaml(text, str(path))
    return (located.data if located is not None else None), located, problems
