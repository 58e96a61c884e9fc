"""Command line: the only place that prints and decides the exit code.

    python build.py [build] [--leaflet ID]... [--language CODE]... [--jobs N] [--strict]
    python build.py check
    python build.py verify FILE.pdf...
    python build.py read FILE.pdf
"""
from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from .errors import Problem, SourceLocation

COMMANDS = ("build", "check", "verify", "serve", "status", "translated", "approve", "read")
DESCRIPTION = """\
Make accessible, print-ready PDF leaflets from the Markdown files in content/.

Running it without a command builds every leaflet, for every audience, language, brand and
paper format, into output/<brand>/<language>/<leaflet>-<audience>-<format>.pdf, and a web
edition of each (output/<brand>/<language>/<leaflet>-<audience>.html). Only PDFs and pages
whose content, brand, templates or styles changed since the last build are made again.

examples:
  python build.py                              build everything that changed
  python build.py --leaflet faq --language nl  only the Dutch FAQ leaflets
  python build.py --format web                 only the web editions
  python build.py check                        check all content without making PDFs
  python build.py verify output/default/nl/faq-patient-a4.pdf
  python build.py read output/default/nl/faq-patient-a4.pdf   what a screen reader gets
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", type=Path, default=None, metavar="DIR",
                        help="project folder with content/, brands/, templates/ (default: the current folder "
                             "if it has content/, else the folder build.py is in)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser("build", help="make PDFs (the default command)",
                                description="Make the PDFs that are out of date.")
    pick = build.add_argument_group("choose what to build (repeat an option for several; default: all)")
    pick.add_argument("--leaflet", action="append", default=[], metavar="ID", help="leaflet id, e.g. faq, exercise")
    pick.add_argument("--audience", action="append", default=[], metavar="ID", help="patient or professional")
    pick.add_argument("--language", action="append", default=[], metavar="CODE", help="language code, e.g. nl, en")
    pick.add_argument("--brand", action="append", default=[], metavar="ID", help="brand folder name under brands/")
    pick.add_argument("--format", action="append", default=[], metavar="ID",
                      help="paper format, e.g. a4; 'web' for the web editions (one HTML page per leaflet, audience, "
                           "language and brand)")
    build.add_argument("--jobs", "-j", type=_jobs, default=os.cpu_count() or 1, metavar="N",
                       help="typesetting jobs at the same time: one PDF each, plus a print-shop PDF derived from an A4 one "
                            "(default: %(default)s, one per processor core)")
    build.add_argument("--output", "-o", type=Path, default=None, metavar="DIR",
                       help="where PDFs, manifest.json and the build cache go (default: output/ in the project)")
    build.add_argument("--scheduler", type=_scheduler, default=None, metavar="ADDRESS",
                       help="typeset on a Dask cluster: its scheduler's address (tcp://HOST:8786), or local:N to "
                            "start N worker processes here (needs leaflets[cluster]; see README, 'Many machines')")
    build.add_argument("--force", action="store_true", help="rebuild every PDF, even unchanged ones")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors (non-zero exit)")
    build.add_argument("--release", action="store_true",
                       help="build approved editions only: a draft (never approved, or changed since) is refused "
                            "with a non-zero exit instead of printed with a draft mark")
    build.add_argument("--quiet", "-q", action="store_true", help="no progress bar; only problems and the summary")

    check = commands.add_parser("check", help="check content, leaflet.yaml and brands without making PDFs",
                                description="Validate all content, leaflet metadata and brands, and report stale or "
                                            "missing translations, review dates that passed (error) or are due within "
                                            "60 days (warning), and readability of patient editions against B1.")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors (non-zero exit)")
    check.add_argument("--date", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                       help="check review dates as of this day (default: today)")

    translated = commands.add_parser("translated", help="record that translations are up to date with their source",
                                     description="After updating a translation, record the version of the source "
                                                 "file it now follows, so 'check' stops reporting it as stale.")
    translated.add_argument("files", nargs="+", type=Path, metavar="FILE.md", help="e.g. content/faq/en.md")

    approve = commands.add_parser("approve", help="record that a language's text was approved for patients",
                                  description="Record in leaflet.yaml who approved this text (name, role, date) and "
                                              "a digest of it. Its PDFs then lose the draft mark and name the "
                                              "approver in the colophon; any later change to the text (or the "
                                              "sources) makes them drafts again.")
    approve.add_argument("files", nargs="+", type=Path, metavar="FILE.md", help="e.g. content/faq/nl.md")
    approve.add_argument("--by", required=True, metavar="NAME", help="who approved it, e.g. 'Dr. A. Jansen'")
    approve.add_argument("--role", required=True, metavar="ROLE", help="their role, e.g. 'neuroloog, commissie patiëntinformatie'")
    approve.add_argument("--date", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                         help="the day of the approval (default: today)")
    approve.add_argument("--text", default=None, metavar="VERSION",
                         help="the draft version the reviewers read (printed in the draft's colophon): refused "
                              "if the text has changed since")

    serve = commands.add_parser("serve", help="preview leaflets in the browser, reloading when files change",
                                description="Start a preview server on 127.0.0.1. Its index lists every leaflet, "
                                            "audience, language, brand and format; saving a content, template, style "
                                            "or brand file reloads the open preview.")
    serve.add_argument("--port", type=_port, default=8000, help="port on 127.0.0.1, 0 for any free one (default: %(default)s)")

    status = commands.add_parser("status", help="one table: version, review date, translations, readability, PDFs, web pages")
    status.add_argument("--output", "-o", type=Path, default=None, metavar="DIR", help="where the built PDFs are (default: output/)")

    verify = commands.add_parser("verify", help="check PDF files against PDF/UA-1 (ISO 14289-1)")
    verify.add_argument("files", nargs="+", type=Path, metavar="FILE.pdf")

    read = commands.add_parser("read", help="print what a screen reader gets from a PDF: tagged text in structure "
                                            "order, with roles, alt text, /Lang and /ActualText, no artifacts")
    read.add_argument("file", type=Path, metavar="FILE.pdf")
    return parser


def _port(text: str) -> int:
    port = int(text) if text.isdigit() else -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number (0 to 65535)")
    return port


def _scheduler(text: str) -> str:
    from .cluster import SchedulerError, scheduler_address

    try:
        return scheduler_address(text)
    except SchedulerError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _jobs(text: str) -> int:
    jobs = int(text) if text.isdigit() else 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"'{text}': at least 1")
    return jobs


def main(argv: list[str] | None = None) -> int:
    """Run one command; Ctrl-C stops it with one line and exit code 130 (temporary files are
    removed as the work unwinds: see write.atomic_write)."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("\ninterrupted: nothing half-written was kept", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `build.py status | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141


def _main(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not set(COMMANDS) & set(argv) and not {"-h", "--help"} & set(argv[:1]):
        argv = _insert_default_command(argv)
    args = _parser().parse_args(argv)
    args.project = args.project or _default_project()
    commands = {"build": cmd_build, "check": cmd_check, "verify": cmd_verify, "serve": cmd_serve,
                "status": cmd_status, "translated": cmd_translated, "approve": cmd_approve, "read": cmd_read}
    return commands[args.command](args)


def _default_project() -> Path:
    """The current folder when it is a project; otherwise this checkout (build.py's folder)."""
    here = Path.cwd()
    checkout = Path(__file__).resolve().parents[1]
    return here if (here / "content").is_dir() or not (checkout / "content").is_dir() else checkout


def _insert_default_command(argv: list[str]) -> list[str]:
    # `--project DIR` belongs before the command; everything else is a build option.
    if argv[:1] == ["--project"]:
        return argv[:2] + ["build"] + argv[2:]
    return ["build"] + argv


def count(number: int, noun: str) -> str:
    """'1 error', '2 errors': English summaries with the right plural."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _print_problems(problems: list[Problem]) -> tuple[int, int]:
    """Print in file and line order (variant problems after), so a file reads top to bottom."""
    def order(problem: Problem) -> tuple:
        where = problem.where
        return (0, where.path, where.line) if isinstance(where, SourceLocation) else (1, str(where), 0)
    for problem in sorted(problems, key=order):
        print(problem, file=sys.stderr)
    errors = sum(p.is_error for p in problems)
    return errors, len(problems) - errors


def cmd_build(args) -> int:
    from .expand import Selection
    from .cluster import SchedulerError
    from .model import WEB
    from .pipeline import build
    from .write import ForeignFolder

    selection = Selection(*(tuple(x) for x in (args.leaflet, args.audience, args.language, args.brand, args.format)))
    try:
        with _executor(args) as jobs, _progress(quiet=args.quiet) as progress:
            report = build(args.project, selection, jobs=jobs, progress=progress, force=args.force,
                           output=args.output, release=args.release)
    except SchedulerError as exc:
        print(f"--scheduler: error: {exc}", file=sys.stderr)
        return 2
    except ForeignFolder as exc:  # not our folder: touch nothing in it
        print(exc, file=sys.stderr)
        return 2
    except OSError as exc:  # the output folder cannot be written: nothing else can go on
        print(f"{exc.filename or args.output or 'output'}: error: cannot write there: {exc.strerror or exc}", file=sys.stderr)
        return 2
    errors, warnings = _print_problems(report.problems + report.editorial)
    pdfs = [[v for v in done if v.format != WEB] for done in (report.built, report.skipped, report.failed)]
    web = [[v for v in done if v.format == WEB] for done in (report.built, report.skipped, report.failed)]
    total = sum(len(done) for done in pdfs)
    pages = f" and {len(web[0])}/{count(sum(map(len, web)), 'web page')}" if any(web) else ""
    print(f"Built {len(pdfs[0])}/{count(total, 'PDF')} ({count(report.pages, 'page')}){pages}, skipped "
          f"{len(report.skipped)} unchanged, {len(report.failed)} failed, {count(errors, 'error')}, "
          f"{count(warnings, 'warning')} in {report.seconds:.1f} s. Output: {(args.output or args.project / 'output').resolve()}")
    if report.drafts:
        print(f"{count(len(report.drafts), 'edition')} not approved, printed as drafts: {', '.join(report.drafts)} "
              "(python build.py status; docs/approval.md)")
    return 1 if errors or report.failed or (args.strict and warnings) else 0


@contextmanager
def _executor(args):
    """Where the typesetting jobs run: a local process pool of --jobs workers, or a Dask cluster."""
    if args.scheduler is None:
        yield args.jobs
        return
    from .cluster import dask_executor

    with dask_executor(args.scheduler) as executor:
        yield executor


def cmd_check(args) -> int:
    from .editorial import editorial_problems
    from .project import load_project

    project, problems = load_project(args.project)
    problems += editorial_problems(project, args.date or date.today())
    errors, warnings = _print_problems(problems)
    # Counted on disk: a leaflet or brand with errors was checked too, though the build leaves it out.
    leaflets = [p for p in (args.project / "content").glob("*/leaflet.yaml")]
    documents = [p for p in (args.project / "content").glob("*/*.md")]
    brands = [p for p in (args.project / "brands").glob("*/brand.yml")]
    print(f"Checked {count(len(leaflets), 'leaflet')} ({count(len(documents), 'language file')}) and "
          f"{count(len(brands), 'brand')}: {count(errors, 'error')}, {count(warnings, 'warning')}.")
    return 1 if errors or (args.strict and warnings) else 0


def cmd_verify(args) -> int:
    from .verify import verify_pdf

    failed = 0
    for path in args.files:
        if not path.is_file():
            print(f"{path}: error: no such file", file=sys.stderr)
            failed += 1
            continue
        facts, findings = verify_pdf(path)
        for finding in findings:
            print(f"{path}: error: {finding}", file=sys.stderr)
        if findings:
            failed += 1
        else:
            print(f"{path}: PDF/UA-1 checks passed ({facts.pages} pages, /Lang {facts.language}, "
                  f"{len(facts.headings)} headings, {facts.bookmarks} bookmarks)")
    print(f"Verified {len(args.files)} files: {len(args.files) - failed} passed, {failed} failed.")
    return 1 if failed else 0


def cmd_read(args) -> int:
    from .readout import read_out

    if not args.file.is_file():
        print(f"{args.file}: error: no such file", file=sys.stderr)
        return 1
    try:
        reading = read_out(args.file)
    except (OSError, ValueError, RuntimeError) as exc:  # pikepdf.PdfError is a RuntimeError
        print(f"{args.file}: error: cannot read: {exc}", file=sys.stderr)
        return 1
    print("\n".join(reading.lines()))
    return 0


def cmd_translated(args) -> int:
    from .editorial import mark_translated
    from .project import load_project
    from .yamledit import EditError

    project, _ = load_project(args.project)
    failed = 0
    for path in args.files:
        leaflet = next((l for l in project.leaflets if path.resolve().parent == l.folder.resolve()), None)
        if leaflet is None or path.stem == leaflet.meta.source_language or not path.is_file():
            print(f"{path}: error: not a translation file of a known leaflet", file=sys.stderr)
            failed += 1
            continue
        try:
            digest = mark_translated(path, leaflet.folder / f"{leaflet.meta.source_language}.md")
        except EditError as exc:  # a layout the line editor will not touch: the file is unchanged
            print(f"{path}: error: {str(exc).removeprefix(f'{path}: ')}", file=sys.stderr)
            failed += 1
            continue
        print(f"{path}: now follows {leaflet.meta.source_language}.md version {digest}")
    return 1 if failed else 0


def cmd_approve(args) -> int:
    from .approval import ApprovalError, edition, record
    from .project import load_project

    project, problems = load_project(args.project)
    failed = 0
    for path in args.files:
        leaflet = next((l for l in project.leaflets if path.resolve().parent == l.folder.resolve()), None)
        document = leaflet.document(path.stem) if leaflet else None
        if leaflet is None or path.suffix != ".md" or not path.is_file():
            print(f"{path}: error: not a language file of a known leaflet (content/<leaflet>/<lang>.md)", file=sys.stderr)
            failed += 1
            continue
        errors = [p for p in problems if p.is_error and Path(p.where.path).resolve() in
                  (path.resolve(), path.resolve().parent / "leaflet.yaml")]
        if errors or document is None:
            _print_problems(errors)
            print(f"{path}: error: has errors (see above): only valid text can be approved", file=sys.stderr)
            failed += 1
            continue
        if args.text and args.text != (now := edition(leaflet, document).text):
            print(f"{path}: error: the text changed since draft version {args.text} was reviewed (now "
                  f"{now}): have the new draft reviewed", file=sys.stderr)
            failed += 1
            continue
        try:
            approved = record(leaflet, document, args.by, args.role, args.date or date.today())
        except ApprovalError as exc:
            print(f"{path}: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"{path}: approved by {approved.by} ({approved.role}) on {approved.date.isoformat()}, "
              f"text {approved.text}; recorded in {leaflet.folder / 'leaflet.yaml'}")
    return 1 if failed else 0


def cmd_serve(args) -> int:
    from .serve import serve

    return serve(args.project.resolve(), port=args.port)


def cmd_status(args) -> int:
    from .status import status_table

    print(status_table(args.project.resolve(), args.output))
    return 0


class _progress:
    """A rich progress bar on a terminal; silent when quiet or not a terminal (CI logs)."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar = None

    def __enter__(self):
        if self.quiet:
            return None
        if not self.enabled:  # a log, not a terminal: one line per finished PDF
            def log(message: str, done: int, total: int) -> None:
                if done or not total:
                    print(f"[{done}/{total}] {message}" if total else message, file=sys.stderr, flush=True)
            return log
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), transient=True)
        self.bar.start()
        self.task = self.bar.add_task("Typesetting", total=None)

        def update(message: str, done: int, total: int) -> None:
            if not total:  # a status message, e.g. waiting for another build
                self.bar.console.print(message)
                return
            self.bar.update(self.task, completed=done, total=total, description=f"Typesetting {message}"[:60])
        return update

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False
