"""Content and brand files are untrusted: nothing reaches outside the project, nothing runs."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text
from weasyprint.urls import URLFetchingError

from conftest import make_project
from leaflets.contrast import contrast
from leaflets.expand import Selection
from leaflets.pipeline import build
from leaflets.project import load_project
from leaflets.bundle import Resources
from leaflets.typeset import GuardedFetcher

HOSTNAME = Path("/etc/hostname")
BRAND = (Path(__file__).parents[1] / "brands/default/brand.yml").read_text()


# ---------------------------------------------------------------- the URL fetcher

def job_files(*paths: Path) -> tuple[Resources, dict[str, bytes]]:
    """A job's resources and blobs for these files, as `bundle.collect` makes them."""
    blobs = {hashlib.sha256(p.read_bytes()).hexdigest(): p.read_bytes() for p in paths}
    return Resources(tuple((str(p), hashlib.sha256(p.read_bytes()).hexdigest()) for p in paths)), blobs


def test_fetcher_serves_the_jobs_own_files_from_its_blobs(tmp_path):
    (tmp_path / "a.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    resources, blobs = job_files(tmp_path / "a.svg")
    (tmp_path / "a.svg").unlink()  # the worker never reads the disk: the blob is what it serves
    response = GuardedFetcher(resources, blobs).fetch((tmp_path / "a.svg").as_uri())
    assert response.read().startswith(b"<svg")


@pytest.mark.parametrize("url", ["file:///etc/hostname", "file:///etc/passwd", "http://example.org/x.png",
                                 "https://example.org/font.woff", "ftp://example.org/x"])
def test_fetcher_refuses_everything_else(tmp_path, url):
    (tmp_path / "a.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    fetcher = GuardedFetcher(*job_files(tmp_path / "a.svg"))
    with pytest.raises(URLFetchingError):
        fetcher.fetch(url)
    assert fetcher.refused and fetcher.refused[0].startswith(f"refused to load '{url}'")


def test_fetcher_refuses_dot_dot_escapes(tmp_path):
    inside = tmp_path / "project"
    inside.mkdir()
    (inside / "a.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    with pytest.raises(URLFetchingError):
        GuardedFetcher(*job_files(inside / "a.svg")).fetch(inside.as_uri() + "/../../etc/hostname")


def test_fetcher_refuses_oversized_data_urls(tmp_path):
    with pytest.raises(URLFetchingError):
        GuardedFetcher(Resources()).fetch("data:image/png;base64," + "A" * 600_000)


def test_fetcher_refuses_a_blob_that_is_not_the_file_the_job_was_made_with(tmp_path):
    (tmp_path / "a.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    resources, blobs = job_files(tmp_path / "a.svg")
    fetcher = GuardedFetcher(resources, {digest: b"<svg>other</svg>" for digest in blobs})
    with pytest.raises(URLFetchingError):
        fetcher.fetch((tmp_path / "a.svg").as_uri())
    assert "changed since the job was made" in fetcher.refused[0]


# ---------------------------------------------------------------- hostile content

def test_raw_html_image_pointing_at_etc_is_printed_as_text_not_loaded(tmp_path):
    root = make_project(tmp_path / "p", {"content/other/nl.md":
                        '---\ntitle: X\n---\n## A\n\n<img src="file:///etc/hostname"> <iframe src="/etc/passwd"></iframe>\n'})
    report = build(root, Selection(leaflets=("other",), formats=("a4",)), jobs=1)
    assert report.built and not any(p.is_error for p in report.problems)
    text = extract_text(str(root / "output/default/nl/other-patient-a4.pdf"))
    assert "<img src=" in text and "file:///etc/hostname" in text  # shown as text (with typographic quotes)
    if HOSTNAME.is_file() and HOSTNAME.read_text().strip():
        assert HOSTNAME.read_text().strip() not in text


def test_markdown_link_to_a_local_file_is_refused(tmp_path):
    root = make_project(tmp_path / "p", {"content/other/nl.md": "---\ntitle: X\n---\n## A\n\n[pw](file:///etc/passwd)\n"})
    _, problems = load_project(root)
    assert [str(p) for p in problems] == [
        "content/other/nl.md:6: error: link 'file:///etc/passwd' must be https://, http://, mailto:, #id or leaflet:id"]


def test_huge_image_is_refused_before_rendering(tmp_path):
    root = make_project(tmp_path / "p")
    (root / "content/demo/images/huge.png").write_bytes(b"\x89PNG" + b"\0" * (6 * 1024 * 1024))
    path = root / "content/demo/nl.md"
    path.write_text(path.read_text() + "\n![Groot](images/huge.png)\n")
    _, problems = load_project(root)
    assert [p.message for p in problems] == ["image 'images/huge.png' is 6 MiB (at most 5 MiB)"]


def test_title_cannot_inject_css_that_loads_files(tmp_path):
    evil = 'X"; } @import url(file:///etc/passwd); body { background: url("file:///etc/hostname'
    root = make_project(tmp_path / "p", {"content/other/nl.md": f"---\ntitle: '{evil}'\n---\n## A\n\nTekst.\n"})
    report = build(root, Selection(leaflets=("other",), formats=("a4",)), jobs=1)
    assert report.ok, [str(p) for p in report.problems]  # nothing refused: the fetcher was never asked


# ---------------------------------------------------------------- hostile and broken brands

def brand_problems(tmp_path: Path, brand_yml: str, files: dict[str, bytes] | None = None) -> list[str]:
    root = make_project(tmp_path / "p", {"brands/evil/brand.yml": brand_yml})
    for name, data in (files or {}).items():
        (root / "brands/evil" / name).write_bytes(data)
    _, problems = load_project(root)
    return [str(p) for p in problems]


def test_low_contrast_text_colour_is_refused_with_the_ratio(tmp_path):
    yml = BRAND.replace("  foreground: ink", '  foreground: "#aaaaaa"').replace("path: logo.svg", "path: ../default/logo.svg")
    problems = brand_problems(tmp_path, yml)
    assert "brands/evil/brand.yml:15: error: color.foreground #aaaaaa has contrast 2.3:1 with background #ffffff " \
           "(body text on the page) (needs 4.5:1); #6e6e6e would pass" in problems


def test_logo_outside_the_brand_folder_is_refused(tmp_path):
    problems = brand_problems(tmp_path, BRAND.replace("path: logo.svg", "path: /etc/hostname"))
    assert problems == ["brands/evil/brand.yml:7: error: logo '/etc/hostname' must be a file inside the brand folder"]


def test_logo_over_2_mb_is_refused(tmp_path):
    problems = brand_problems(tmp_path, BRAND, {"logo.svg": b"<svg>" + b" " * (2 * 1024 * 1024 + 10) + b"</svg>"})
    assert problems == ["brands/evil/brand.yml:7: error: logo 'logo.svg' is 2048 KiB (at most 2048 KiB)"]


def test_font_from_the_network_is_refused(tmp_path):
    yml = BRAND.replace("      source: package", "      source: file\n      files:\n        - path: https://fonts.example/evil.woff2")
    problems = brand_problems(tmp_path, yml, {"logo.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>"})
    assert [p for p in problems if ": error: " in p] == ["brands/evil/brand.yml:24: error: font file 'https://fonts.example/evil.woff2' must be a "
                        "file inside the brand folder"]


def test_font_that_is_not_installed_names_the_package_to_add(tmp_path):
    yml = BRAND.replace("Atkinson Hyperlegible", "Comic Neue")
    problems = brand_problems(tmp_path, yml, {"logo.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>"})
    assert problems == ["brands/evil/brand.yml:21: error: font 'Comic Neue' is not installed: add 'fontpkg-comic-neue' to pyproject.toml"]


def test_a_broken_brand_does_not_stop_the_other_brands(tmp_path):
    root = make_project(tmp_path / "p", {"brands/evil/brand.yml": BRAND.replace("path: logo.svg", "path: /etc/hostname")})
    report = build(root, Selection(leaflets=("other",), formats=("a4",)), jobs=1)
    assert [str(v) for v in report.built] == ["other/patient/nl/default/a4"]
    assert not report.ok


def test_a_failing_palette_colour_gives_one_error_at_its_palette_line_with_a_shade_that_passes(tmp_path):
    yml = BRAND.replace('    blue: "#1f4e79"', '    blue: "#8899bb"').replace("path: logo.svg", "path: ../default/logo.svg")
    problems = brand_problems(tmp_path, yml)
    [message] = [p for p in problems if "color.primary" in p]  # one per colour, not one per pair it is in
    line = BRAND.splitlines().index('    blue: "#1f4e79"') + 1
    assert message.startswith(f"brands/evil/brand.yml:{line}: error: color.primary #8899bb has contrast 2.9:1 with "
                              "background #ffffff")
    shade = message.rsplit("; ", 1)[1].split()[0]
    assert contrast(shade, "#ffffff") >= 4.5  # the suggestion passes the check itself
    fixed = brand_problems(tmp_path / "again", yml.replace("#8899bb", shade))
    assert not [p for p in fixed if "contrast" in p]


def test_wcag_contrast_formula():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54


def test_colour_value_cannot_smuggle_css(tmp_path):
    yml = BRAND.replace('    blue: "#1f4e79"', '    blue: "#1f4e79; background: url(file:///etc/passwd)"')
    problems = brand_problems(tmp_path, yml, {"logo.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>"})
    assert problems == ["brands/evil/brand.yml:13: error: color.primary '#1f4e79; background: url(file:///etc/passwd)' "
                        "is not a #rrggbb colour or palette name (palette: ink, paper, blue, mist)"]


@pytest.mark.parametrize("value", ["#1f4e79\\n", "#abc\\n", "#1f4e79\\n\\n", " #1f4e79", "#1f4e79 "])
def test_a_colour_with_a_line_break_or_space_around_it_is_refused_not_half_read(tmp_path, value):
    # "$" also matches before a final line break: "#abc\n" was taken for a colour, then not expanded
    yml = BRAND.replace('    blue: "#1f4e79"', f'    blue: "{value}"')
    problems = brand_problems(tmp_path, yml, {"logo.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>"})
    assert len(problems) == 1 and "color.primary" in problems[0] and "is not a #rrggbb colour" in problems[0]


def test_brand_footer_cannot_inject_css_that_loads_files(tmp_path):
    evil = '"; } @import url(file:///etc/passwd); @page { @top-left { content: url(file:///etc/hostname) } } x { y: "'
    yml = BRAND.replace("leaflets:\n", "leaflets:\n  footer: '" + evil.replace("'", "''") + "'\n")
    root = make_project(tmp_path / "p", {"brands/default/brand.yml": yml})
    report = build(root, Selection(leaflets=("other",), formats=("a4",)), jobs=1)
    assert report.ok and not report.problems, [str(p) for p in report.problems]  # nothing refused: never fetched
    text = extract_text(str(root / "output/default/nl/other-patient-a4.pdf"))
    assert "@import url(file:///etc/passwd)" in text  # printed as the footer's text


def test_callout_titles_in_the_primary_colour_on_the_light_background_are_checked(tmp_path):
    # regression: a 3.3:1 pair of primary on light passed; callout titles print in it
    yml = BRAND.replace('    mist: "#eef3f8"', '    mist: "#8fa9c7"').replace("path: logo.svg", "path: ../default/logo.svg")
    [message] = [p for p in brand_problems(tmp_path, yml) if "contrast" in p]
    assert "color.light #8fa9c7 has contrast" in message and "with primary #1f4e79 (callout titles" in message
    shade = message.rsplit("; ", 1)[1].split()[0]
    assert contrast(shade, "#1f4e79") >= 4.5 and contrast(shade, "#1a1a1a") >= 4.5
