"""`translated` and `approve` write into files people edit by hand, through one line editor
(leaflets/yamledit.py): only their own lines change, a byte-order mark, Windows line endings and
comments stay, and a result the build would read differently is refused with the file untouched."""
from __future__ import annotations

import hashlib

import pytest

from leaflets.cli import main
from leaflets.editorial import translation_state
from leaflets.project import load_project
from leaflets.schema import LeafletFile
from leaflets.yamledit import EditError, edit_yaml
from leaflets.editorial import mark_translated


def translated(project) -> int:
    return main(["--project", str(project), "translated", str(project / "content/demo/en.md")])


def test_translated_keeps_a_byte_order_mark_windows_line_endings_and_comments(project):
    # regression: `translated` split on '\n' only and stopped with a ValueError on a CRLF file
    en = project / "content/demo/en.md"
    text = en.read_text().replace("title:", "# the English title\ntitle:", 1)
    en.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    body = en.read_bytes().split(b"\r\n---\r\n", 1)[1]
    assert translated(project) == 0
    written = en.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf---\r\n# the English title\r\ntitle: Demo leaflet\r\n")
    assert written.count(b"\r\n") == written.count(b"\n")
    assert written.split(b"\r\n---\r\n", 1)[1] == body
    front = written.split(b"\r\n---\r\n", 1)[0].decode("utf-8-sig").split("\r\n")
    assert [line.split(":")[0] for line in front[-2:]] == ["source_hash", "source_sections"]
    loaded, _ = load_project(project)
    leaflet = loaded.leaflet("demo")
    assert translation_state(leaflet, leaflet.document("en")) == "current"


def test_translated_replaces_its_own_lines_in_place(project):
    en = project / "content/demo/en.md"
    assert translated(project) == 0
    first = en.read_text()
    nl = project / "content/demo/nl.md"
    nl.write_text(nl.read_text().replace("Gewone tekst", "Nieuwe tekst"))
    assert translated(project) == 0
    again = en.read_text()
    assert again.count("source_hash:") == 1 and again.count("source_sections:") == 1
    assert len(again.splitlines()) == len(first.splitlines()) and again != first


def test_translated_refuses_bookkeeping_it_did_not_write_and_changes_nothing(project):
    # source_sections in block style: replacing its first line would leave its entries dangling
    en = project / "content/demo/en.md"
    en.write_text(en.read_text().replace("keywords:", "source_sections:\n  Eerste deel: 0123abcd\nkeywords:", 1))
    before = en.read_bytes()
    with pytest.raises(EditError, match="recording the translation would not read back"):
        mark_translated(en, project / "content/demo/nl.md")
    assert en.read_bytes() == before


def test_an_edit_that_changes_more_than_it_says_is_refused(project):
    meta = project / "content/demo/leaflet.yaml"
    before = meta.read_bytes()
    touch_version = lambda lines: [l.replace('version: "2.1"', 'version: "2.2"') for l in lines]  # noqa: E731
    with pytest.raises(EditError, match="would change more than its own lines; nothing was written"):
        edit_yaml(meta, touch_version, lambda old: old, LeafletFile)
    assert meta.read_bytes() == before


def test_an_edit_the_schema_refuses_is_not_written(project):
    meta = project / "content/demo/leaflet.yaml"
    before = meta.read_bytes()
    with pytest.raises(EditError, match="would not be valid"):
        edit_yaml(meta, lambda lines: lines + ["colour: red"], lambda old: {**old, "colour": "red"}, LeafletFile)
    assert meta.read_bytes() == before


def test_a_source_version_of_only_digits_is_recorded_as_text(project):
    # regression: `source_hash: 334007971261` unquoted is a YAML number, which the front matter
    # schema refuses: about one source version in 280 made its translation fail every build
    nl = project / "content/demo/nl.md"
    text = nl.read_text()
    for n in range(5000):  # a source whose digest is all digits (deterministic: the same n each run)
        data = f"{text}\nRegel {n}.\n".encode()
        if hashlib.sha256(data).hexdigest()[:12].isdigit():
            break
    nl.write_bytes(data)
    assert translated(project) == 0
    digest = hashlib.sha256(data).hexdigest()[:12]
    assert digest.isdigit()
    assert f'source_hash: "{digest}"' in (project / "content/demo/en.md").read_text()
    loaded, problems = load_project(project)
    assert [str(p) for p in problems if p.is_error] == []
    leaflet = loaded.leaflet("demo")
    assert translation_state(leaflet, leaflet.document("en")) == "current"
