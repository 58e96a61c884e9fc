"""Read stage: front matter, block tree and line numbers."""
from pathlib import Path

from leaflets.read import load_yaml, parse_blocks, read_markdown


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "nl.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_front_matter_and_body_lines_are_kept(tmp_path):
    raw, problems = read_markdown(write(tmp_path, "---\ntitle: T\n---\n## Kop\n\nTekst.\n"), "c/nl.md")
    assert problems == []
    assert raw.front.data == {"title": "T"}
    assert raw.front.lines[("title",)] == 2
    assert [(b.kind, b.line) for b in raw.body] == [("markdown", 4)]


def test_missing_front_matter_is_an_error_at_line_1(tmp_path):
    _, problems = read_markdown(write(tmp_path, "## Kop\n"), "c/nl.md")
    assert [str(p) for p in problems] == ["c/nl.md:1: error: file must start with YAML front matter between '---' lines"]


def test_invalid_yaml_reports_the_line_inside_the_file(tmp_path):
    _, problems = read_markdown(write(tmp_path, "---\ntitle: T\nkeywords: [a, b\n---\n"), "c/nl.md")
    assert len(problems) == 1
    assert str(problems[0]).startswith("c/nl.md:3: error: invalid YAML")


def test_blocks_nest_and_keep_their_opening_line():
    lines = ["intro", "/// category | Eten", "    id: food", "", "/// question | Mag ik koffie?", "Ja.", "///", "///"]
    blocks, problems = parse_blocks(lines, "f.md", 10)
    assert problems == []
    intro, category = blocks
    assert (intro.kind, intro.line) == ("markdown", 10)
    assert (category.kind, category.title, category.line) == ("category", "Eten", 11)
    assert category.options.data == {"id": "food"}
    assert category.options.lines[("id",)] == 12
    question = category.children[0]
    assert (question.kind, question.title, question.line) == ("question", "Mag ik koffie?", 14)
    assert question.children[0].text == "Ja."


def test_unclosed_block_is_reported_at_its_opening_line():
    _, problems = parse_blocks(["/// callout | Let op", "tekst"], "f.md", 5)
    assert [str(p) for p in problems] == ["f.md:5: error: block 'callout' is not closed with '///'"]


def test_stray_closing_fence_is_reported():
    _, problems = parse_blocks(["tekst", "///"], "f.md", 1)
    assert [str(p) for p in problems] == ["f.md:2: error: '///' closes no open block"]


def test_yaml_lines_account_for_the_offset():
    located, problems = load_yaml("a: 1\nb:\n  - x\n  - y\n", "f.yaml", first_line=7)
    assert problems == []
    assert located.at("b", 1) .line == 10
    assert located.at("missing").line == 7
