"""The structure hints hook checks that WeasyPrint is the one it was written for.

`leaflets/postprocess/hints.py` replaces WeasyPrint's private `tags._build_box_tree` and reads
private box attributes. When any of that moves, the hook must refuse (and name what to re-check)
rather than write PDFs with hints missing or wrong.
"""
from __future__ import annotations

import re
import tomllib
import types

import pytest
import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import tags

from conftest import REPO, make_project
from leaflets.expand import Selection
from leaflets.pipeline import build
from leaflets.postprocess import hints
from leaflets.postprocess.hints import UnsupportedWeasyPrint, check_weasyprint, structure_hints, weasyprint_mismatches

WEASYPRINT_BUILDER = tags._build_box_tree
_build_box_tree = WEASYPRINT_BUILDER  # the global name WeasyPrint's builder recurses through; the fakes too


def _builder_with_one_more_argument(box, parent, pdf, page_number, nums, annotations, tags, artifacts):
    yield from _build_box_tree(box, parent, pdf, page_number, nums, annotations, tags)


def _builder_returning_a_list(box, parent, pdf, page_number, nums, annotations, tags):
    return list(_build_box_tree(box, parent, pdf, page_number, nums, annotations, tags))


def test_installed_weasyprint_is_the_one_the_hook_was_written_for():
    assert weasyprint_mismatches() == []
    with structure_hints():
        assert tags._build_box_tree is hints._hinted_build
        assert weasyprint_mismatches() == []  # checks WeasyPrint's function, not our patch
    assert tags._build_box_tree is WEASYPRINT_BUILDER


def test_pinned_weasyprint_is_a_version_the_hook_was_written_for():
    # Bumping the pin alone fails here: re-check the hook first (docs/upgrading-weasyprint.md).
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pinned = [re.fullmatch(r"weasyprint==([\d.]+)", d.split("#")[0].strip()) for d in dependencies]
    versions = [m[1] for m in pinned if m]
    assert len(versions) == 1, "WeasyPrint should be pinned to one exact version"
    assert versions[0] in hints.WRITTEN_FOR[0].written_for


def test_upgrade_guide_exists_and_names_every_checked_fact():
    guide = (REPO / hints.UPGRADE_GUIDE).read_text(encoding="utf-8")
    for expectation in hints.WRITTEN_FOR:
        assert expectation.fact in guide, f"{hints.UPGRADE_GUIDE} should say what to do about: {expectation.fact}"


def test_another_weasyprint_version_is_refused_naming_what_to_recheck(monkeypatch):
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(UnsupportedWeasyPrint) as raised:
        with structure_hints():
            pytest.fail("the hook ran on a WeasyPrint it was not written for")
    message = str(raised.value)
    assert "weasyprint.__version__: '71.0' (written for '70.0'): " in message
    assert "re-check every private API listed in docs/upgrading-weasyprint.md" in message
    assert message.endswith("See docs/upgrading-weasyprint.md for how to upgrade WeasyPrint")
    assert tags._build_box_tree is WEASYPRINT_BUILDER  # nothing was patched
    assert hints._hint_users == 0


def _only_mismatch() -> str:
    found = weasyprint_mismatches()
    assert len(found) == 1, found
    with pytest.raises(UnsupportedWeasyPrint):
        check_weasyprint()
    return found[0]


def test_changed_builder_signature_is_refused(monkeypatch):
    monkeypatch.setattr(tags, "_build_box_tree", _builder_with_one_more_argument)
    assert _only_mismatch() == (
        "signature of weasyprint.pdf.tags._build_box_tree: "
        "'(box, parent, pdf, page_number, nums, annotations, tags, artifacts)' "
        "(written for '(box, parent, pdf, page_number, nums, annotations, tags)'): "
        "re-check the arguments _hinted_build takes and passes on to it")


def test_builder_that_is_no_longer_a_generator_is_refused(monkeypatch):
    monkeypatch.setattr(tags, "_build_box_tree", _builder_returning_a_list)
    assert _only_mismatch().startswith(
        "weasyprint.pdf.tags._build_box_tree is a generator function: False (written for True)")


def test_builder_that_no_longer_recurses_through_the_module_is_refused(monkeypatch):
    # Children built through a local name would bypass the patch: only top-level elements hinted.
    recurse = WEASYPRINT_BUILDER

    def builder(box, parent, pdf, page_number, nums, annotations, tags):
        yield from recurse(box, parent, pdf, page_number, nums, annotations, tags)
    monkeypatch.setattr(tags, "_build_box_tree", builder)
    assert _only_mismatch().startswith(
        "weasyprint.pdf.tags._build_box_tree finds itself as a module global: False (written for True)")


def test_caller_that_no_longer_uses_the_module_global_is_refused(monkeypatch):
    def add_tags(pdf, document, pdf_version, page_streams):
        return WEASYPRINT_BUILDER
    monkeypatch.setattr(tags, "add_tags", add_tags)
    assert _only_mismatch().startswith(
        "weasyprint.pdf.tags.add_tags finds _build_box_tree as a module global: False (written for True)")


def test_missing_builder_is_refused(monkeypatch):
    monkeypatch.delattr(tags, "_build_box_tree")
    found = weasyprint_mismatches()
    assert found and all("unreadable (AttributeError" in f for f in found)
    unreadable = r"signature of weasyprint\.pdf\.tags\._build_box_tree: unreadable \(AttributeError"
    with pytest.raises(UnsupportedWeasyPrint, match=unreadable):
        check_weasyprint()


def _store_as_wrapped(self, box):
    object.__setattr__(self, "_wrapped", box)


@pytest.mark.parametrize("owner,name,value,fact", [
    (AbsolutePlaceholder, "__init__", _store_as_wrapped,
     "attribute in which weasyprint.layout.absolute.AbsolutePlaceholder keeps its box: '_wrapped' (written for '_box')"),
    (boxes.MarginBox, "__init__", lambda self, keyword, style: None,
     "signature of weasyprint.formatting_structure.boxes.MarginBox.__init__: '(self, keyword, style)'"),
    (boxes.Box, "__init__", lambda self, tag, style, element: None,
     "signature of weasyprint.formatting_structure.boxes.Box.__init__: '(self, tag, style, element)'"),
    (boxes.Box, "is_leader", None, "weasyprint.formatting_structure.boxes.Box.is_leader: None (written for False)"),
], ids=["placeholder-box", "margin-box", "box", "leader"])
def test_moved_box_attribute_is_refused(monkeypatch, owner, name, value, fact):
    monkeypatch.setattr(owner, name, value)
    assert _only_mismatch().startswith(fact)


def test_builder_yielding_something_else_than_structure_elements_is_refused(monkeypatch):
    monkeypatch.setattr(hints, "_original_build", lambda *args: iter(["/P"]))
    page_box = types.SimpleNamespace(element=None)
    with pytest.raises(UnsupportedWeasyPrint, match="yielded a str, not a structure element"):
        list(hints._hinted_build(page_box, {}, types.SimpleNamespace(), 0, {}, [], {}))


def test_variant_fails_with_the_upgrade_message_when_weasyprint_differs(tmp_path, monkeypatch):
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    root = make_project(tmp_path / "p")
    report = build(root, Selection(leaflets=("other",), formats=("a4",)), jobs=1)
    assert not report.ok and len(report.failed) == 1
    [problem] = [str(p) for p in report.problems]
    assert problem.startswith("other/patient/nl/default/a4: error: typesetting failed: UnsupportedWeasyPrint: "
                              "the structure hints hook (leaflets/postprocess/hints.py) relies on private WeasyPrint APIs")
    assert "weasyprint.__version__: '71.0'" in problem and "docs/upgrading-weasyprint.md" in problem
    assert not list((root / "output").rglob("*.pdf"))
