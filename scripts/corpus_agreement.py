"""How well `leaflets.verify` agrees with the veraPDF PDF/UA-1 test corpus.

    .venv/bin/python scripts/corpus_agreement.py [--corpus DIR] [--clauses 5 7.1 ...] [-v]

The corpus (github.com/veraPDF/veraPDF-corpus, folder PDF_UA-1) holds one folder per clause of
ISO 14289-1, e.g. `7.18 Annotations/7.18.5 Links/`. A file's clause is the number that starts the
name of its innermost folder ("7.18.5"); its expected outcome is in its name: `...-pass-x.pdf`
conforms to that clause, `...-fail-x.pdf` violates it.

Matching rule: the verifier "rejects" a file for its clause C when it reports at least one finding
whose clause is C or a sub-clause of C (finding "7.18.5" counts for a file in 7.18.5; finding
"7.4.2" counts for a file in 7.4 and 7.4.2; a finding "7.1" does NOT count for 7.10 or 7.11, and a
finding "7.2" does not count for a file in 7.21). Findings for other clauses are ignored: a
corpus file that tests one clause may well violate others.

A file agrees when a pass-file is accepted or a fail-file is rejected. Agreement for a clause
(given with --clauses or in the required list) counts the files of that clause and all its
sub-clauses. The script prints one table row per corpus folder, then per required clause, an
overall line and a final JSON line; it exits 1 when a required clause is below 95 %.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from leaflets.verify import verify_pdf  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "verapdf-corpus" / "PDF_UA-1"
#: Clauses the verifier claims; the build fails their gate below THRESHOLD agreement.
REQUIRED = ("5", "7.1", "7.2", "7.3", "7.4", "7.5", "7.18.1", "7.18.5", "7.21.4", "7.21.7")
THRESHOLD = 95.0
_CLAUSE = re.compile(r"^(\d+(?:\.\d+)*)")


@dataclass
class FileResult:
    path: Path
    clause: str
    expected_pass: bool
    rejected: bool
    findings: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return self.rejected != self.expected_pass


@dataclass
class ClauseScore:
    clause: str
    files: int = 0
    pass_files: int = 0
    pass_accepted: int = 0
    fail_files: int = 0
    fail_rejected: int = 0

    @property
    def agreed(self) -> int:
        return self.pass_accepted + self.fail_rejected

    @property
    def agreement(self) -> float:
        return 100.0 * self.agreed / self.files if self.files else 0.0

    def add(self, result: FileResult) -> None:
        self.files += 1
        if result.expected_pass:
            self.pass_files += 1
            self.pass_accepted += not result.rejected
        else:
            self.fail_files += 1
            self.fail_rejected += result.rejected

    def as_dict(self) -> dict:
        return {"clause": self.clause, "files": self.files, "pass_files": self.pass_files,
                "pass_accepted": self.pass_accepted, "fail_files": self.fail_files,
                "fail_rejected": self.fail_rejected, "agreement": round(self.agreement, 1)}


def within(finding_clause: str, clause: str) -> bool:
    """True when `finding_clause` is `clause` or one of its sub-clauses."""
    return finding_clause == clause or finding_clause.startswith(clause + ".")


def file_clause(path: Path, corpus: Path) -> str | None:
    """The clause of the innermost corpus folder holding `path`."""
    for folder in [path.parent, *path.parent.parents]:
        if folder == corpus or corpus not in folder.parents:
            break
        match = _CLAUSE.match(folder.name)
        if match:
            return match.group(1)
    return None


def expected_pass(path: Path) -> bool | None:
    name = path.name.lower()
    if "-pass-" in name:
        return True
    if "-fail-" in name:
        return False
    return None


def run_corpus(corpus: Path = DEFAULT_CORPUS, clauses: tuple[str, ...] | None = None) -> list[FileResult]:
    """Verify every corpus file (of `clauses` and their sub-clauses, when given)."""
    results = []
    for path in sorted(corpus.rglob("*.pdf")):
        clause = file_clause(path, corpus)
        outcome = expected_pass(path)
        if clause is None or outcome is None:
            continue
        if clauses and not any(within(clause, c) for c in clauses):
            continue
        _facts, findings = verify_pdf(path)
        relevant = [f for f in findings if within(f.clause, clause)]
        results.append(FileResult(path, clause, outcome, bool(relevant), [str(f) for f in relevant]))
    return results


def score(results: list[FileResult], clause: str) -> ClauseScore:
    total = ClauseScore(clause)
    for result in results:
        if within(result.clause, clause):
            total.add(result)
    return total


def agreement_table(results: list[FileResult], required: tuple[str, ...] = REQUIRED) -> dict:
    """Scores per corpus folder clause, per required clause, and overall."""
    folders = sorted({r.clause for r in results}, key=_clause_key)
    overall = ClauseScore("overall")
    for result in results:
        overall.add(result)
    return {
        "folders": [score(results, c) for c in folders],
        "required": [score(results, c) for c in required if any(within(r.clause, c) for r in results)],
        "overall": overall,
    }


def _clause_key(clause: str) -> tuple[int, ...]:
    return tuple(int(p) for p in clause.split("."))


def _row(s: ClauseScore) -> str:
    return (f"{s.clause:<10} {s.files:>5} {s.pass_accepted:>4}/{s.pass_files:<4} {s.fail_rejected:>4}/{s.fail_files:<4} "
            f"{s.agreement:>6.1f}%")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--clauses", nargs="+", metavar="CLAUSE", help="only these clauses (and their sub-clauses)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every file that disagrees")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"error: no corpus at {args.corpus}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    clauses = tuple(args.clauses) if args.clauses else None
    results = run_corpus(args.corpus, clauses)
    elapsed = time.perf_counter() - started
    required = clauses if clauses else REQUIRED
    gated = tuple(c for c in required if c in REQUIRED) if clauses else REQUIRED
    table = agreement_table(results, required)
    header = f"{'clause':<10} {'files':>5} {'pass ok':>9} {'fail ok':>9} {'agree':>7}"
    print("Per corpus folder:")
    print(header)
    for s in table["folders"]:
        print(_row(s))
    print("\nPer clause (with sub-clauses):")
    print(header)
    for s in table["required"]:
        flag = "" if s.agreement >= THRESHOLD or s.clause not in gated else "   < 95 %"
        print(_row(s) + flag)
    print("\n" + _row(table["overall"]))
    print(f"{len(results)} files in {elapsed:.2f} s")
    if args.verbose:
        print("\nDisagreements:")
        for r in results:
            if not r.agrees:
                print(f"  {r.path.relative_to(args.corpus)}: expected {'pass' if r.expected_pass else 'fail'}, "
                      f"got {'reject' if r.rejected else 'accept'}")
                for f in r.findings:
                    print(f"      {f}")
    print(json.dumps({
        "overall": table["overall"].as_dict(),
        "clauses": [s.as_dict() for s in table["required"]],
        "folders": [s.as_dict() for s in table["folders"]],
        "seconds": round(elapsed, 2),
    }))
    below = [s.clause for s in table["required"] if s.clause in gated and s.agreement < THRESHOLD]
    return 1 if below else 0


if __name__ == "__main__":
    raise SystemExit(main())
