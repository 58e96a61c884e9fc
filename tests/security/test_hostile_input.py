"""Hostile and clumsy input: loading never hangs, never prints a traceback, and names the
file and line (issue 13, "Hangs", "Tracebacks", "Quietly wrong").

Each case runs `load_project` under a time and memory bound. The bound catches a hang (one of
these inputs used to run past 30 s and 4 GB); it is not a speed target (bench/ has those).
"""
from __future__ import annotations

import os
import shutil
import signal
import threading
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import make_project
from leaflets.cli import main
from leaflets.expand import Selection
from leaflets.pipeline import build
from leaflets.project import load_project

LEAFLET_YAML = (Path(__file__).parents[1] / "fixtures/other/leaflet.yaml").read_text()
BRAND_YML = (Path(__file__).parents[2] / "brands/default/brand.yml").read_text()
FRONT = "---\ntitle: Andere folder\n---\n"
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9))


@contextmanager
def bounded(seconds: float = 20, megabytes: int = 300):
    """Fail instead of hanging or eating the machine."""
    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    tracemalloc.start()
    try:
        yield
        peak = tracemalloc.get_traced_memory()[1]
        assert peak < megabytes * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    finally:
        tracemalloc.stop()
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def problems_for(root: Path, files: dict[str, str | bytes]) -> list[str]:
    for relpath, data in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    with bounded():
        _, problems = load_project(root)
    return [str(p) for p in problems]


@pytest.fixture
def root(tmp_path) -> Path:
    return make_project(tmp_path / "p")


# ---------------------------------------------------------------- hangs

HANGS = {
    "billion laughs in leaflet.yaml": ({"content/other/leaflet.yaml": LAUGHS + LEAFLET_YAML},
                                       "content/other/leaflet.yaml:2: error: invalid YAML: aliases (*name) are not allowed"),
    "billion laughs in brand.yml": ({"brands/default/brand.yml": LAUGHS + BRAND_YML},
                                    "brands/default/brand.yml:2: error: invalid YAML: aliases (*name) are not allowed"),
    "billion laughs in front matter": ({"content/other/nl.md": "---\n" + LAUGHS + "title: X\n---\n"},
                                       "content/other/nl.md:3: error: invalid YAML: aliases (*name) are not allowed"),
    "billion laughs in block options": ({"content/other/nl.md": FRONT + "/// callout | X\n" +
                                         "".join("    " + line + "\n" for line in LAUGHS.splitlines()) + "///\n"},
                                        "content/other/nl.md:6: error: invalid YAML: aliases (*name) are not allowed"),
    "recursive alias": ({"content/other/leaflet.yaml": "a: &a [*a]\n" + LEAFLET_YAML},
                        "content/other/leaflet.yaml:1: error: invalid YAML: aliases (*name) are not allowed"),
    "10 MB YAML string": ({"content/other/leaflet.yaml": LEAFLET_YAML + "x: '" + "a" * 10_000_000 + "'\n"},
                          "content/other/leaflet.yaml: error: is 9765 KiB (at most 64 KiB)"),
    "3,000-deep YAML nesting": ({"content/other/leaflet.yaml": "a: " + "[" * 3000 + "]" * 3000 + "\n"},
                                "content/other/leaflet.yaml:1: error: invalid YAML: nested deeper than 16 levels"),
    "200 KB of spaces before a citation": ({"content/other/nl.md": FRONT + "## A\n\n" + " " * 200_000 + "[@gamma]\n"},
                                           "content/other/nl.md:6: error: line is 200008 characters long (at most 10000)"),
    "200 KB of spaces over many lines": ({"content/other/nl.md": FRONT + "## A\n\n" + (" " * 5000 + "\n") * 40 + "x [@gamma]\n"},
                                         "content/other/nl.md:6: error: line is indented 5000 spaces (at most 48)"),
    "3,000-deep block nesting": ({"content/other/nl.md": FRONT + "/// callout | X\n" * 3000 + "///\n" * 3000},
                                 "content/other/nl.md:12: error: blocks are nested deeper than 8 levels"),
    "20,000 unmatched brackets": ({"content/other/nl.md": FRONT + "## A\n\n" + ("[" * 100 + "\n") * 200},
                                  "content/other/nl.md:10: error: more than 400 '[' in one file"),
    "deeply nested lists": ({"content/other/nl.md": FRONT + "".join(" " * (4 * i) + "1. x\n" for i in range(300))},
                            "content/other/nl.md:17: error: line is indented 52 spaces (at most 48)"),
    "deeply nested quotes": ({"content/other/nl.md": FRONT + "\n".join(">" * i + " x" for i in range(1, 300))},
                             "content/other/nl.md:8: error: quotes are nested more than 4 deep"),
    "emphasis nested 10,000 deep": ({"content/other/nl.md": FRONT + "*" * 5000 + "a" + "*" * 5000 + "\n"},
                                    "content/other/nl.md"),
    "block titles ending in long runs of tabs": ({"content/other/nl.md": FRONT + ("/// callout | t" + "\t" * 9980 + "x\n///\n") * 25},
                                                 "content/other/nl.md:4: error: title of block 'callout' is 9982 characters long"),
    "headings ending in long runs of spaces": ({"content/other/nl.md": FRONT + ("## t" + " " * 9980 + "x\n\n") * 25},
                                               "content/other/nl.md:4: error: heading is 9982 characters long"),
    "thousands of underlined headings": ({"content/other/nl.md": FRONT + "a\n=\n" * 12_000},
                                         "content/other/nl.md: error: took longer than 5 s to read and check"),
}


@pytest.mark.parametrize("case", HANGS)
def test_input_that_used_to_hang_stops_quickly_with_its_file_and_line(root, case):
    files, expected = HANGS[case]
    problems = problems_for(root, files)
    assert any(p.startswith(expected) for p in problems), problems
    assert all("Traceback" not in p for p in problems)


def test_text_with_many_lone_angle_brackets_is_read_quickly_and_accepted(root):
    # regression: the raw-HTML warning's pattern took quadratic time on '<' and a long run of spaces
    assert problems_for(root, {"content/other/nl.md": FRONT + "## A\n\n" + ("<" + " " * 9990 + "1\n\n") * 25}) == []


# ---------------------------------------------------------------- tracebacks

TRACEBACKS = {
    "invalid UTF-8 in leaflet.yaml": ({"content/other/leaflet.yaml": LEAFLET_YAML.encode() + b"owner2: \xff\xfe\n"},
                                      "content/other/leaflet.yaml:12: error: is not UTF-8 text (byte 0xff)"),
    "invalid UTF-8 in brand.yml": ({"brands/default/brand.yml": b"meta:\n  name: \xc3\x28\n"},
                                   "brands/default/brand.yml:2: error: is not UTF-8 text (byte 0xc3)"),
    "invalid UTF-8 in content": ({"content/other/nl.md": FRONT.encode() + b"## A\n\n\x80\n"},
                                 "content/other/nl.md:6: error: is not UTF-8 text (byte 0x80)"),
    "NUL byte in content": ({"content/other/nl.md": FRONT + "## A\n\nx\x00y\n"},
                            "content/other/nl.md:6: error: contains the control character U+0000"),
    "sources is a number": ({"content/other/leaflet.yaml": LEAFLET_YAML.split("sources:")[0] + "sources: 5\n"},
                            "content/other/leaflet.yaml:7: error: 'sources': input should be a valid list"),
    "impossible date": ({"content/other/leaflet.yaml": LEAFLET_YAML.replace("2026-01-15", "2026-13-45")},
                        "content/other/leaflet.yaml:2: error: invalid YAML: month must be in 1..12"),
    "integer of 5,000 digits": ({"content/other/leaflet.yaml": LEAFLET_YAML + "x: " + "9" * 5000 + "\n"},
                                "content/other/leaflet.yaml:12: error: invalid YAML: a number with thousands of digits"),
    "python tag": ({"content/other/leaflet.yaml": LEAFLET_YAML + "x: !!python/object/apply:os.system ['true']\n"},
                   "content/other/leaflet.yaml:12: error: invalid YAML"),
    "list as a key": ({"content/other/leaflet.yaml": LEAFLET_YAML + "? [a, b]\n: c\n"},
                      "content/other/leaflet.yaml:12: error: a key must be plain text"),
    "front matter is a list": ({"content/other/nl.md": "---\n- a\n- b\n---\n## A\n"},
                               "content/other/nl.md:2: error: needs 'title'"),
    "a folder named like a language file": ({"content/other/de.md/x": "x"}, "content/other/de.md: error: is not a regular file"),
}


@pytest.mark.parametrize("case", TRACEBACKS)
def test_input_that_used_to_raise_is_a_located_problem(root, case):
    files, expected = TRACEBACKS[case]
    problems = problems_for(root, files)
    assert any(p.startswith(expected) for p in problems), problems


def test_a_fifo_named_like_a_language_file_does_not_block_the_reader(root):
    os.mkfifo(root / "content/other/de.md")
    assert "content/other/de.md: error: is not a regular file" in problems_for(root, {})


def test_a_dangling_symlink_is_a_problem_not_a_crash(root, tmp_path):
    os.symlink(tmp_path / "gone.md", root / "content/other/de.md")
    problems = problems_for(root, {})
    assert any(p.startswith("content/other/de.md: error:") for p in problems), problems


def test_a_cache_file_of_the_wrong_shape_rebuilds_instead_of_crashing(root):
    output = root / "output"
    output.mkdir()
    (output / ".leaflets-cache.json").write_text('{"default/nl/other-patient-a4.pdf": {"key": 5, "entry": []},'
                                                 ' "../../etc/passwd": {"key": "k", "entry": {"path": "../../etc/passwd"}},'
                                                 ' "x.pdf": "nonsense"}')
    report = build(root, Selection(leaflets=("other",), formats=("a4",)), jobs=1)
    assert [str(v) for v in report.built] == ["other/patient/nl/default/a4"]
    assert "../../etc/passwd" not in (output / "manifest.json").read_text()


def test_serve_port_out_of_range_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--port", "70000"])
    assert exit_.value.code == 2
    assert "'70000' is not a port number (0 to 65535)" in capsys.readouterr().err


def test_ctrl_c_prints_one_line_and_exits_130(root, monkeypatch, capsys):
    import leaflets.pipeline

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(leaflets.pipeline, "build", interrupted)
    assert main(["--project", str(root), "-q"]) == 130
    err = capsys.readouterr().err
    assert err.strip() == "interrupted: nothing half-written was kept" and "Traceback" not in err


# ---------------------------------------------------------------- quietly wrong

def test_a_file_with_an_unclosed_block_keeps_the_last_good_pdf(root):
    selection = Selection(leaflets=("other",), formats=("a4",))
    assert build(root, selection, jobs=1).ok
    pdf = root / "output/default/nl/other-patient-a4.pdf"
    good = pdf.read_bytes()
    (root / "content/other/nl.md").write_text(FRONT + "## A\n\n/// callout | Let op\nNieuwe tekst.\n")
    report = build(root, selection, jobs=1)
    assert "content/other/nl.md:6: error: block 'callout' is not closed with '///'" in [str(p) for p in report.problems]
    assert not report.built and pdf.read_bytes() == good


def _png(path: Path, size: tuple[int, int], mode: str = "RGB") -> None:
    from PIL import Image

    Image.new(mode, size, 0).save(path, format="PNG")


def test_a_truncated_png_is_an_error_with_its_line_and_reason(root):
    path = root / "content/demo/images/photo.png"
    _png(path, (400, 300))
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    text = (root / "content/demo/nl.md").read_text() + "\n![Foto](images/photo.png)\n"
    line = text.count("\n")
    problems = problems_for(root, {"content/demo/nl.md": text})
    assert any(p.startswith(f"content/demo/nl.md:{line}: error: image 'images/photo.png' cannot be decoded (")
               for p in problems), problems


def test_a_small_png_of_144_megapixels_is_refused_before_decoding(root):
    path = root / "content/demo/images/huge.png"
    _png(path, (12_000, 12_000), mode="1")
    assert path.stat().st_size < 1024 * 1024  # small on disk: the byte limit alone would pass it
    text = (root / "content/demo/nl.md").read_text() + "\n![Groot](images/huge.png)\n"
    problems = problems_for(root, {"content/demo/nl.md": text})
    assert any("image 'images/huge.png' is 12000 × 12000 pixels (144 megapixels, at most 40)" in p for p in problems)


def test_a_file_that_only_pretends_to_be_a_png_is_refused(root):
    text = (root / "content/demo/nl.md").read_text() + "\n![Foto](images/fake.png)\n"
    problems = problems_for(root, {"content/demo/images/fake.png": "<html>not a picture</html>", "content/demo/nl.md": text})
    assert any("image 'images/fake.png' cannot be decoded" in p for p in problems), problems


def test_an_svg_with_entities_is_refused(root):
    svg = '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'
    text = (root / "content/demo/nl.md").read_text() + "\n![Ding](images/ent.svg)\n"
    problems = problems_for(root, {"content/demo/images/ent.svg": svg, "content/demo/nl.md": text})
    assert any("image 'images/ent.svg' is an SVG with a DOCTYPE or entities" in p for p in problems), problems


def test_a_heading_too_long_to_print_is_an_error_not_cut(root):
    problems = problems_for(root, {"content/other/nl.md": FRONT + "## " + "Lang " * 400 + "\n"})
    assert "content/other/nl.md:4: error: heading is 1999 characters long (at most 120): shorten it" in problems


def test_a_title_too_long_to_print_is_an_error(root):
    problems = problems_for(root, {"content/other/nl.md": f"---\ntitle: {'x' * 500}\n---\n## A\n"})
    assert any(p.startswith("content/other/nl.md:2: error: 'title'") and "120" in p for p in problems), problems


def test_a_brand_font_that_is_not_a_font_is_an_error(root):
    yml = BRAND_YML.replace("      source: package", "      source: file\n      files:\n        - path: fake.ttf")
    problems = problems_for(root, {"brands/default/fake.ttf": "not a font at all", "brands/default/brand.yml": yml})
    assert any(p.startswith("brands/default/brand.yml:24: error: font file 'fake.ttf' is not a usable font") for p in problems)


def test_a_misspelled_font_path_says_not_found(root):
    yml = BRAND_YML.replace("      source: package", "      source: file\n      files:\n        - path: fonts/Mine.ttf")
    problems = problems_for(root, {"brands/default/brand.yml": yml})
    assert "brands/default/brand.yml:24: error: font file 'fonts/Mine.ttf' not found in default/" in problems


@pytest.mark.parametrize("attributes", ["{: .page-band }", "{style=color:red}", "{#ok .title-band}", "{onclick=x}"])
def test_attribute_lists_set_only_id_and_lang(root, attributes):
    problems = problems_for(root, {"content/other/nl.md": FRONT + "## A\n\nTekst.\n" + attributes + "\n"})
    assert any(p.startswith("content/other/nl.md:7: error: attribute list entry") for p in problems), problems


def test_attribute_lists_still_set_ids_and_languages(root):
    assert problems_for(root, {"content/other/nl.md": FRONT + "## A {#a}\n\nTekst.\n{lang=en}\n"}) == []


def test_duplicate_yaml_keys_are_errors(root):
    problems = problems_for(root, {"content/other/leaflet.yaml": LEAFLET_YAML + "version: \"2.0\"\n"})
    assert "content/other/leaflet.yaml:12: error: key 'version' is given twice (first at line 1)" in problems


@pytest.mark.parametrize("name", ['Evil Name"<i>&', "UPPER", "-dash", "dots.too"])
def test_leaflet_and_brand_folder_names_must_be_simple_ids(root, name):
    shutil.copytree(root / "content/other", root / "content" / name)
    shutil.copytree(root / "brands/default", root / "brands" / name)
    problems = problems_for(root, {})
    assert f"content/{name}: error: leaflet folder name '{name}' must be lower-case letters, digits and '-' " \
           "(it becomes part of file names)" in problems
    assert any(p.startswith(f"brands/{name}: error: brand folder name") for p in problems)


def test_loading_in_a_thread_has_no_deadline_but_still_the_size_limits(root):
    # The preview server loads in threads, where SIGALRM cannot reach: the caps alone must hold.
    (root / "content/other/nl.md").write_text(FRONT + "## A\n\n" + ("[" * 100 + "\n") * 200)
    found = []
    thread = threading.Thread(target=lambda: found.extend(str(p) for p in load_project(root)[1]))
    thread.start()
    thread.join(20)
    assert not thread.is_alive()
    assert any("more than 400 '['" in p for p in found)


def test_ids_the_layout_uses_cannot_be_taken_by_content(root):
    problems = problems_for(root, {"content/other/nl.md": FRONT + "## A {#sources}\n\n## B {#ref-gamma}\n"})
    assert "content/other/nl.md:4: error: id 'sources' is used by the leaflet's own layout: choose another" in problems
    assert "content/other/nl.md:6: error: id 'ref-gamma' is used by the leaflet's own layout: choose another" in problems


def test_a_link_too_long_for_a_qr_code_is_an_error_with_its_line(root):
    url = "https://example.org/" + "a" * 3000
    problems = problems_for(root, {"content/other/nl.md": FRONT + f"## A\n\n/// links | Meer\n- [Lang]({url})\n///\n"})
    assert "content/other/nl.md:7: error: link is 3020 characters long (at most 1000): use a shorter address" in problems


@pytest.mark.parametrize("svg, reason", [
    ("<svg xmlns='http://www.w3.org/2000/svg'>" + "<g>" * 100 + "</g>" * 100 + "</svg>", "nested more than 64"),
    ("<svg xmlns='http://www.w3.org/2000/svg'>" + "<rect/>" * 25_000 + "</svg>", "draws 5001 elements"),
    # regression: 1 KB of nested <use> drew millions of shapes (minutes and 1.6 GB in the typesetter)
    ("<svg xmlns='http://www.w3.org/2000/svg'><g id='a'>" + "<rect/>" * 10 + "</g>" + "".join(
        f"<g id='{b}'>" + f"<use href='#{a}'/>" * 10 + "</g>" for a, b in zip("abcd", "bcde")) + "</svg>",
     "draws 5001 elements (at most 5000, <use> copies counted)"),
    ("<svg xmlns='http://www.w3.org/2000/svg'><g id='a'><use href='#b'/></g><g id='b'><use href='#a'/></g></svg>",
     "refer to themselves in a loop"),
    ("<svg xmlns='http://www.w3.org/2000/svg' xmlns:x='http://www.w3.org/1999/xlink'>"
     "<image href='#ok' x:href='/etc/hostname.png'/></svg>", "refers to another file"),
    ("<svg xmlns='http://www.w3.org/2000/svg'><style>@\\69mport url(x.css);</style></svg>", "backslash escapes"),
    ("<svg xmlns='http://www.w3.org/2000/svg'><image href='data:image/svg+xml;base64,PHN2Zy8+'/></svg>",
     "refers to another file or SVG"),
    ("<svg xmlns='http://www.w3.org/2000/svg'><image href='/etc/hostname'/></svg>", "refers to another file"),
    ("<svg xmlns='http://www.w3.org/2000/svg'><style>@import url(x.css);</style></svg>", "whose style loads another file"),
    ("<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "is not valid SVG"),
    ("<html xmlns='http://www.w3.org/1999/xhtml'/>", "is not an SVG image"),
])
def test_svg_pictures_that_could_stall_or_leak_are_refused(root, svg, reason):
    text = (root / "content/demo/nl.md").read_text() + "\n![Plaatje](images/bad.svg)\n"
    problems = problems_for(root, {"content/demo/images/bad.svg": svg, "content/demo/nl.md": text})
    assert any("image 'images/bad.svg' " in p and reason in p for p in problems), problems


def test_a_typesetting_job_past_its_time_limit_fails_alone(root):
    from dataclasses import replace

    from leaflets.bundle import BlobStore
    from leaflets.model import Variant
    from leaflets.pipeline import make_job
    from leaflets.worker import run_job

    project, _ = load_project(root)
    blobs = BlobStore()
    job = replace(make_job(project, Variant("demo", "patient", "nl", "default", "a4"), blobs), seconds=0.05)
    result = run_job(job, blobs)
    assert result.pdf is None
    assert result.messages == [("error", "typesetting took longer than 0.05 s: simplify the content")]


def test_ctrl_c_during_a_real_build_exits_130_with_one_line_and_no_temporary_files(root):
    import subprocess
    import sys
    import time

    from conftest import REPO

    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--project", str(root), "-q", "--jobs", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while not (root / "output/.leaflets.lock").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(3)  # workers are typesetting now
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert err.strip() == "interrupted: nothing half-written was kept", err
    assert not list((root / "output").rglob("*.leaflets-tmp"))


def test_a_character_no_brand_font_has_is_an_error_not_a_system_font(root):
    # regression: fontconfig silently set such characters in whatever the machine had installed
    text = (root / "content/other/nl.md").read_text() + "\nKarakters: 中文 ✡ ☯.\n"
    (root / "content/other/nl.md").write_text(text)
    report = build(root, Selection(leaflets=("other",), formats=("a4",)), jobs=1)
    assert not report.built
    assert any("a font this brand does not declare" in str(p) for p in report.problems), report.problems


def test_a_brand_font_from_files_warns_for_each_missing_face(root):
    import shutil as _shutil

    from fontpkg_atkinson_hyperlegible import __file__ as package

    regular = next(Path(package).parent.rglob("*Regular*.ttf"))
    _shutil.copy(regular, root / "brands/default/Mine-Regular.ttf")
    yml = BRAND_YML.replace("    - family: Atkinson Hyperlegible\n      source: package",
                            "    - family: Atkinson Hyperlegible\n      source: file\n      files:\n        - path: Mine-Regular.ttf")
    problems = problems_for(root, {"brands/default/brand.yml": yml})
    assert [p for p in problems if "font" in p] == [
        "brands/default/brand.yml:21: warning: font 'Atkinson Hyperlegible' has no bold (700) file: bold text and "
        "headings print in the regular weight; add a file with weight: 700 and style: normal",
        "brands/default/brand.yml:21: warning: font 'Atkinson Hyperlegible' has no italic file: italic text prints "
        "upright; add a file with weight: 400 and style: italic"]


@pytest.mark.parametrize("family, missing", [("Lexend", ["italic"]), ("Source Sans 3", []),
                                             ("Atkinson Hyperlegible", []), ("Tajawal", ["italic"])])
def test_a_brand_font_package_warns_for_each_face_it_lacks(root, family, missing):
    # regression: Lexend has no italic, and the ms-kempen brand printed every italic upright unwarned
    yml = BRAND_YML.replace("    - family: Atkinson Hyperlegible\n", f"    - family: {family}\n") \
                   .replace("base: Atkinson Hyperlegible", f"base: {family}")
    problems = problems_for(root, {"brands/default/brand.yml": yml})
    assert [p for p in problems if "(package) has no" in p] == [
        f"brands/default/brand.yml:21: warning: font '{family}' (package) has no {face} face: italic text prints "
        "upright; choose a family that has one, or accept it" for face in missing]


def test_system_fonts_are_refused(root):
    yml = BRAND_YML.replace("      source: package", "      source: system")
    problems = problems_for(root, {"brands/default/brand.yml": yml})
    assert any(p.startswith("brands/default/brand.yml:21: error: font 'Atkinson Hyperlegible': system fonts differ")
               for p in problems), problems


def test_front_matter_is_capped_before_the_slow_yaml_reader_sees_it(root):
    problems = problems_for(root, {"content/other/nl.md": "---\ntitle: T\n" + "- a\n" * 20_000 + "---\n## A\n"})
    assert "content/other/nl.md:2: error: front matter is 78 KiB (at most 16 KiB): keep the text below the '---'" \
        in problems


def test_line_numbers_count_only_newlines_as_line_ends(root):
    # regression: U+2028 and '\r' split lines for the block reader but not for the decoder
    problems = problems_for(root, {"content/other/nl.md": "---\ntitle: T\n---\na\u2028b\r\n/// callout | x\r\n"})
    assert "content/other/nl.md:5: error: block 'callout' is not closed with '///'" in problems


@pytest.mark.parametrize("value", ['"x\\uD800"', '"x\\x00"', '"x\\e[31m"', '"x\\x07"', '"a\\ufffe"'])
def test_yaml_escapes_cannot_make_characters_the_file_could_not_hold(root, value):
    # regression: `check` passed and the build failed (UnicodeEncodeError, notdef glyphs)
    problems = problems_for(root, {"content/other/nl.md": f"---\ntitle: Andere folder\nsummary: {value}\n---\n## A\n"})
    assert any(p.startswith("content/other/nl.md:3: error: 'summary' contains the character U+") for p in problems), problems


def test_a_problem_is_always_one_line():
    from leaflets.errors import Problem, SourceLocation

    text = str(Problem(SourceLocation("f.md", 1), "a\u2028b\nforged.md:1: error: x\x85c"))
    assert "\n" not in text and "\u2028" not in text and "\x85" not in text
