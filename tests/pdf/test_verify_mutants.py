"""The verifier on mutants of our own leaflets: each mutation (tests/pdf/mutants.py) breaks one
Matterhorn failure condition and must be reported under its clause and condition; its control
changes the same object harmlessly and must pass.

Three leaflets are built once per session (Dutch A4, English A5, Arabic A4: two scripts, two
page sizes, left-to-right and right-to-left) and mutated in memory with pikepdf, so the whole
module takes seconds, not minutes.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from conftest import make_project
from mutants import MUTATIONS, NOT_MUTATED, Mutation, apply

from leaflets.expand import Selection
from leaflets.pipeline import build
from leaflets.verify import Finding, verify_pdf
from leaflets.verify.conditions import CONDITIONS

#: The base leaflets: (fixture leaflet, language, audience, format).
BASES = {"nl": ("demo", "nl", "patient", "a4"), "en": ("demo", "en", "professional", "a5"),
         "ar": ("guide", "ar", "patient", "a4")}
#: Mutations of checks that are not Matterhorn conditions: their findings carry no condition.
OWN = {"P", "version"}


@pytest.fixture(scope="session")
def bases(tmp_path_factory) -> dict[str, bytes]:
    root = make_project(tmp_path_factory.mktemp("mutants") / "project", leaflets=("demo", "guide", "other"))
    out = root / "output"
    pdfs = {}
    with ThreadPoolExecutor(1) as here:  # three small PDFs: no worker processes to start
        for name, (leaflet, language, audience, fmt) in BASES.items():
            report = build(root, Selection(leaflets=(leaflet,), languages=(language,), audiences=(audience,),
                                           formats=(fmt,), brands=("default",)), jobs=here, output=out)
            assert report.ok, report.problems
            pdfs[name] = (out / f"default/{language}/{leaflet}-{audience}-{fmt}.pdf").read_bytes()
    return pdfs


@dataclass(frozen=True)
class Outcome:
    findings: list[Finding]

    def conditions(self) -> set[str]:
        return {f.condition for f in self.findings}

    def has(self, clause: str, condition: str) -> bool:
        return any(f.clause == clause and f.condition == condition for f in self.findings)


def verified(data: bytes) -> Outcome:
    return Outcome(verify_pdf(data)[1])


def expected(mutation: Mutation) -> str:
    return "" if mutation.condition in OWN else mutation.condition


def test_the_base_leaflets_pass(bases):
    for name, data in bases.items():
        assert verified(data).findings == [], name


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: f"{m.id}:{m.what}")
def test_mutant_is_reported_under_its_own_clause_and_condition(bases, mutation):
    outcome = verified(apply(bases[mutation.base], mutation.mutant))
    shown = [f"{f} [{f.condition or '-'}]" for f in outcome.findings]
    assert outcome.has(mutation.clause, expected(mutation)), shown
    # it breaks exactly that: nothing else is reported but what the same defect must break too
    assert outcome.conditions() <= {expected(mutation), *mutation.also}, shown


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: f"{m.id}:{m.what}")
def test_control_passes(bases, mutation):
    outcome = verified(apply(bases[mutation.base], mutation.control))
    assert outcome.findings == [], [str(f) for f in outcome.findings]


def test_the_suite_covers_at_least_60_matterhorn_conditions():
    mutated = {m.condition for m in MUTATIONS} - OWN
    assert len(mutated) >= 60, len(mutated)
    claimed = {c.id for c in CONDITIONS}
    assert mutated <= claimed, mutated - claimed  # a mutation names a condition the verifier claims
    # every condition the verifier claims is mutated here, or the reason it is not is written down
    assert claimed - mutated == set(NOT_MUTATED), claimed - mutated ^ set(NOT_MUTATED)


def test_every_mutation_has_its_own_control_and_base():
    for mutation in MUTATIONS:
        assert mutation.mutant is not mutation.control, mutation.id
        assert mutation.base in BASES, mutation.id
