"""Markdown → safe HTML: what untrusted content can and cannot produce."""
import pytest

from leaflets.markup import MarkupContext, inline, sanitize, short_url, to_html


def render(text: str, numbers=None) -> str:
    return to_html(text, MarkupContext(numbers or {}, {"exercise": "Bewegen bij MS"}))


def test_raw_script_is_escaped_as_text():
    html = render("Hallo <script>alert(1)</script>")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_raw_html_block_is_escaped():
    assert "<div" not in render('<div onclick="x()">blok</div>')


def test_javascript_links_lose_their_href():
    assert "javascript" not in render("[klik](javascript:alert(1))")


def test_citations_become_numbered_links_to_the_reference_list():
    html = render("Zie [@b; @a] en [@a].", {"a": 1, "b": 2})
    assert '<sup class="cite"><a href="#ref-a">[1]</a><a href="#ref-b">[2]</a></sup>' in html  # sorted
    assert html.count('href="#ref-a"') == 2


def test_link_to_another_leaflet_becomes_a_citation_not_a_url():
    html = render("Lees [de folder](leaflet:exercise).")
    assert '<cite class="leaflet-ref">de folder</cite>' in html
    assert "leaflet:" not in html


def test_heading_ids_come_from_attribute_or_text():
    ctx = MarkupContext({}, {})
    to_html("## Eerste kop {#first}\n\n## Tweede kop", ctx)
    assert ctx.headings == [(2, "first", "Eerste kop"), (2, "tweede-kop", "Tweede kop")]


def test_dutch_text_gets_typographic_quotes():
    assert "“zo”" in render('Hij zei "zo".')


def test_inline_titles_have_no_paragraph():
    assert inline("Mag ik *sporten*?", MarkupContext({}, {})) == "Mag ik <em>sporten</em>?"


def test_sanitizer_drops_event_handlers_and_iframes():
    assert sanitize('<p onclick="x()">a</p><iframe src="file:///etc/hostname"></iframe>') == "<p>a</p>"


def test_short_url_is_what_a_reader_types():
    assert short_url("https://www.ms.nl/") == "www.ms.nl"


def test_foreign_language_passage_gets_a_lang_attribute():
    html = render("Dit heet [fatigue]{lang=en} in het Engels.")
    assert '<span lang="en">fatigue</span>' in html


def test_lang_attribute_values_cannot_carry_markup():
    html = render('[x]{lang=en" onload="alert(1)}')
    assert "<span" not in html and "onload=" not in html.replace("onload=”", "")  # left as plain text


@pytest.mark.parametrize("html", ['<a href="sibling:../../x.pdf">x</a>', '<a href="SIBLING:x.pdf">x</a>',
                                  '<a href="sibling:x.pdf#page=2">x</a>', '<img src="sibling:x.pdf" alt="x">',
                                  '<a href="sibling:/etc/passwd">x</a>'])
def test_the_sanitiser_keeps_only_sibling_links_as_render_makes_them(html):
    from leaflets.markup import sanitize

    assert "sibling:" not in sanitize(html).lower()
    assert 'href="sibling:faq-patient-a4.pdf"' in sanitize('<a href="sibling:faq-patient-a4.pdf">x</a>')
