"""The verifier agrees with the veraPDF PDF/UA-1 corpus on every clause it claims.

Uses the same computation as `scripts/corpus_agreement.py` (imported, not shelled out): a file is
rejected for its clause when a finding names that clause or a sub-clause of it.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "verapdf-corpus" / "PDF_UA-1"


def _load_script():
    spec = importlib.util.spec_from_file_location("corpus_agreement", REPO / "scripts" / "corpus_agreement.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script loads
    spec.loader.exec_module(module)
    return module


agreement = _load_script()


@pytest.fixture(scope="module")
def results():
    if not CORPUS.is_dir():
        pytest.skip(f"veraPDF corpus not found at {CORPUS} (../shared/verapdf-corpus)")
    found = agreement.run_corpus(CORPUS)
    if not found:
        pytest.skip(f"no corpus files under {CORPUS}")
    return found


@pytest.mark.parametrize("clause", agreement.REQUIRED)
def test_required_clause_agrees_with_the_corpus(results, clause):
    score = agreement.score(results, clause)
    if score.files == 0:
        pytest.skip(f"the corpus has no files for clause {clause}")
    wrong = [f"{r.path.name}: expected {'pass' if r.expected_pass else 'fail'}"
             for r in results if agreement.within(r.clause, clause) and not r.agrees]
    assert score.agreement >= agreement.THRESHOLD, f"{clause}: {score.agreement:.1f}% agreement; {wrong}"


def test_overall_agreement(results):
    table = agreement.agreement_table(results)
    assert table["overall"].agreement >= agreement.THRESHOLD


def test_matching_rule_counts_sub_clauses_but_not_siblings():
    assert agreement.within("7.18.5", "7.18")
    assert agreement.within("7.4.2", "7.4")
    assert agreement.within("7.1", "7.1")
    assert not agreement.within("7.10", "7.1")
    assert not agreement.within("7.21", "7.2")
    assert not agreement.within("7.18", "7.18.5")


def test_file_clause_is_the_innermost_numbered_folder(tmp_path):
    folder = tmp_path / "7.18 Annotations" / "7.18.5 Links"
    folder.mkdir(parents=True)
    path = folder / "7.18.5-t01-fail-a.pdf"
    assert agreement.file_clause(path, tmp_path) == "7.18.5"
    assert agreement.expected_pass(path) is False
    assert agreement.expected_pass(folder / "7-18.3-t01-pass-a.pdf") is True
