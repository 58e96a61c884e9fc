"""Preview server: every variant as HTML in the browser, reloading when a source file changes.

    python build.py serve [--port N]

    /                      index: every leaflet × language × audience × brand × format
    /preview/<variant>     the variant's HTML (the print CSS, plus a paper look on screen)
    /pdf/<variant>         builds that one PDF into output/ (the normal build) and shows it
    /files/<abs path>      fonts, logos and images the HTML refers to; only project and font-package files
    /events                Server-Sent Events: `change` whenever a watched file changes

<variant> is <leaflet>/<audience>/<language>/<brand>/<format>, as printed by the build.

Listens on 127.0.0.1 only and answers only requests addressed to 127.0.0.1 or localhost (a web
page cannot reach it through DNS rebinding). The project is loaded again for every request, so
an edit shows on the next page load; a watcher thread (watchfiles) tells open pages to reload.
"""
from __future__ import annotations

import html
import importlib.util
import mimetypes
import pkgutil
import posixpath
import re
import signal
import socket
import sys
import threading
from functools import lru_cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from .errors import Problem
from .expand import Selection, expand
from .model import Project, Variant
from .project import load_project

HOST = "127.0.0.1"
WATCHED = ("content", "templates", "styles", "brands", "locales")
SERVED = ("content", "templates", "styles", "brands")  # /files/ serves nothing else of the project
KEEPALIVE_SECONDS = 15.0
PAGE_WIDTHS = {"a4": "210mm", "a5": "148mm", "letter": "215.9mm"}
PAGE_HEIGHTS = {"a4": "297mm", "a5": "210mm", "letter": "279.4mm"}
FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
              ".svg": "image/svg+xml"}


# ---------------------------------------------------------------- entry points

def serve(project_root: Path, port: int = 8000) -> int:
    """Run the preview server until Ctrl-C. Returns the exit code."""
    try:
        server = PreviewServer(project_root, port)
    except OSError as exc:
        print(f"error: cannot listen on {HOST}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    server.reloader.start()
    server.reloader.ready.wait(timeout=5)
    print(f"Previewing {server.root} at {server.url} (Ctrl-C to stop)", flush=True)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started with SIGINT ignored
        signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops as cleanly as Ctrl-C
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nStopping the preview server.", flush=True)
    finally:
        server.close()
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def start(project_root: Path, port: int = 0) -> PreviewServer:
    """Start a server in a background thread (for tests and tools); stop it with `.stop()`."""
    server = PreviewServer(project_root, port)
    server.reloader.start()
    server.reloader.ready.wait(timeout=5)
    server.thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                     name="leaflets-serve", daemon=True)
    server.thread.start()
    return server


# ---------------------------------------------------------------- watching

class Reloader:
    """Watches the project's source folders; `version` goes up by one on every batch of changes."""

    def __init__(self, root: Path):
        self.root = root
        self.version = 0
        self.stopping = threading.Event()
        self.ready = threading.Event()  # set once the watcher is listening (or cannot)
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="leaflets-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            from watchfiles import watch

            paths = [self.root / name for name in WATCHED if (self.root / name).is_dir()]
            if not paths:
                return
            # yield_on_timeout: an empty first batch means the watches are in place (`ready`).
            for changes in watch(*paths, stop_event=self.stopping, step=50, rust_timeout=300,
                                 yield_on_timeout=True, raise_interrupt=False):
                self.ready.set()
                if changes:
                    self.bump()
        except Exception as exc:  # no live reload, but previews still work
            print(f"warning: live reload is off: {type(exc).__name__}: {exc}", file=sys.stderr)
        finally:
            self.ready.set()

    def bump(self) -> None:
        with self._changed:
            self.version += 1
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """The version once it differs from `seen`, or after `timeout`, or when stopping."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen or self.stopping.is_set(), timeout)
            return self.version

    def stop(self) -> None:
        self.stopping.set()
        with self._changed:
            self._changed.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout=5)


# ---------------------------------------------------------------- the server

class PreviewServer(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins every request thread: a clean stop
    block_on_close = True
    allow_reuse_address = True

    def __init__(self, project_root: Path, port: int):
        self.root = Path(project_root).resolve()
        self.reloader = Reloader(self.root)
        self.lock = threading.RLock()  # render/build share one Jinja environment: one at a time
        self.thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__((HOST, port), PreviewHandler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def track(self, connection: socket.socket, open_: bool) -> None:
        with self._connections_lock:
            (self._connections.add if open_ else self._connections.discard)(connection)

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the browser went away (reload, closed tab): nothing to report
        super().handle_error(request, client_address)

    def stop(self) -> None:
        """Stop a server started with `start()` from another thread."""
        self.shutdown()
        self.close()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def close(self) -> None:
        """Wake event streams, drop idle browser connections, then join every thread."""
        self.reloader.stop()
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:  # idle keep-alive/pre-connect sockets would block the join
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.server_close()


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "leaflets-preview"
    timeout = 30  # an idle connection never holds a thread for long

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_request(self, code="-", size="-") -> None:
        if isinstance(code, int) and code >= 400:  # only what went wrong
            super().log_request(code, size)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if not self._host_allowed():
            return self._send_text(HTTPStatus.FORBIDDEN, "This preview server only answers requests for "
                                                         f"{HOST} or localhost.\n")
        path = url.path
        if path == "/":
            return self._index()
        if path == "/events":
            return self._events(url.query)
        if path == "/favicon.ico":
            return self._send(HTTPStatus.NO_CONTENT, b"", "text/plain")
        if path.startswith("/files/"):
            return self._file(unquote(path[len("/files"):]))
        kind, _, rest = path.lstrip("/").partition("/")
        ids = [unquote(part) for part in rest.strip("/").split("/")]
        if kind in ("preview", "pdf") and len(ids) == 5 and all(ids):
            return self._preview(Variant(*ids)) if kind == "preview" else self._pdf(Variant(*ids))
        self._send_page(HTTPStatus.NOT_FOUND, "Not found", "<h1>Not found</h1>\n<p>There is no page at "
                        f"<code>{html.escape(path)}</code>. <a href=\"/\">All leaflets</a></p>")

    def _host_allowed(self) -> bool:
        host = self.headers.get("Host")
        return host is None or host.lower() in {f"{HOST}:{self.server.port}", f"localhost:{self.server.port}"}

    # -------------------------------------------------------------- pages

    def _index(self) -> None:
        version = self.server.reloader.version
        with self.server.lock:
            project, problems = _load(self.server.root)
        self._send_page(HTTPStatus.OK, "Leaflet previews", index_body(project, problems), version=version)

    def _preview(self, variant: Variant) -> None:
        version = self.server.reloader.version
        with self.server.lock:  # only the work; sending happens after, so a slow client holds nothing
            status, page = preview_page(self.server.root, variant, version)
        self._send(status, page.encode("utf-8"), "text/html; charset=utf-8")

    def _pdf(self, variant: Variant) -> None:
        with self.server.lock:
            status, content_type, body = pdf_response(self.server.root, variant)
        headers = {"Content-Disposition": f'inline; filename="{Path(variant.output_path).name}"'}
        self._send(status, body, content_type, headers if content_type == "application/pdf" else None)

    # -------------------------------------------------------------- files

    def _file(self, requested: str) -> None:
        if "\0" in requested or not requested.startswith("/"):
            return self._send_text(HTTPStatus.BAD_REQUEST, "bad path\n")
        path = Path(requested).resolve()  # `..` and symlinks are followed before the check
        if not any(path.is_relative_to(root) for root in served_roots(self.server.root)):
            return self._send_text(HTTPStatus.FORBIDDEN, "Only project content, templates, styles, brands and "
                                                         "font package files are served.\n")
        if not path.is_file():
            return self._send_text(HTTPStatus.NOT_FOUND, "no such file\n")
        kind = FONT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind.startswith("text/"):
            kind += "; charset=utf-8"
        self._send(HTTPStatus.OK, path.read_bytes(), kind, {"Content-Security-Policy": "default-src 'none'; "
                   "style-src 'unsafe-inline'; img-src data:; sandbox"})

    # -------------------------------------------------------------- live reload

    def _events(self, query: str) -> None:
        reloader = self.server.reloader
        try:
            seen = int(parse_qs(query).get("since", [""])[0])
        except ValueError:
            seen = reloader.version
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")
        while not reloader.stopping.is_set():
            version = reloader.wait(seen, KEEPALIVE_SECONDS)
            if reloader.stopping.is_set():
                break
            if version != seen:
                self.wfile.write(f"event: change\ndata: {version}\n\n".encode())
                seen = version
            else:
                self.wfile.write(b": still here\n\n")  # finds closed tabs, keeps proxies from timing out
        self.close_connection = True

    # -------------------------------------------------------------- responses

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_text(self, status: HTTPStatus, text: str) -> None:
        self._send(status, text.encode("utf-8"), "text/plain; charset=utf-8")

    def _send_page(self, status: HTTPStatus, title: str, body: str, version: int | None = None) -> None:
        version = self.server.reloader.version if version is None else version
        self._send(status, page_html(title, body, version).encode("utf-8"), "text/html; charset=utf-8")


# ---------------------------------------------------------------- responses (called under the server lock)

def preview_page(root: Path, variant: Variant, version: int) -> tuple[HTTPStatus, str]:
    """The variant's HTML made for the browser, or a page listing what is wrong."""
    from .render import render

    project, problems = _load(root)
    errors = [p for p in relevant(problems, variant) if p.is_error]
    if errors:
        return HTTPStatus.INTERNAL_SERVER_ERROR, problems_page(variant, errors, version)
    if variant not in expand(project, Selection()):
        return HTTPStatus.NOT_FOUND, problems_page(variant, _unknown(project, variant), version)
    try:
        page = render(project, variant).html
    except Exception as exc:  # a bug or an odd input must not take the server down
        failure = Problem(variant, f"rendering failed: {type(exc).__name__}: {exc}")
        return HTTPStatus.INTERNAL_SERVER_ERROR, problems_page(variant, [failure], version)
    warnings = [p for p in relevant(problems, variant) if not p.is_error]
    return HTTPStatus.OK, for_browser(page, project, variant, version, warnings)


def pdf_response(root: Path, variant: Variant) -> tuple[HTTPStatus, str, bytes]:
    """Build this one variant into the normal output folder; the PDF, or the problems as text."""
    from .pipeline import build

    selection = Selection(*((value,) for value in (variant.leaflet, variant.audience, variant.language,
                                                   variant.brand, variant.format)))
    text = "text/plain; charset=utf-8"
    project, _ = _load(root)
    if selection.unknown(project):
        return HTTPStatus.NOT_FOUND, text, ("\n".join(selection.unknown(project)) + "\n").encode()
    try:
        report = build(root, selection, jobs=1)
    except Exception as exc:
        return (HTTPStatus.INTERNAL_SERVER_ERROR, text,
                f"{variant}: error: build failed: {type(exc).__name__}: {exc}\n".encode())
    pdf = project.root / "output" / variant.output_path
    if (variant in report.built or variant in report.skipped) and pdf.is_file():
        return HTTPStatus.OK, "application/pdf", pdf.read_bytes()
    errors = [p for p in report.problems if p.is_error]
    lines = [str(p) for p in (relevant(errors, variant) or errors)] or [f"{variant}: error: no PDF was made"]
    return HTTPStatus.INTERNAL_SERVER_ERROR, text, f"Could not build {variant}:\n\n{chr(10).join(lines)}\n".encode()


def problems_page(variant: Variant, problems: list, version: int) -> str:
    items = "\n".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in problems)
    body = (f"<h1>{html.escape(str(variant))} cannot be shown</h1>\n"
            f"<p>Fix these problems and save; this page reloads by itself.</p>\n"
            f'<ul class="problems">\n{items}\n</ul>\n<p><a href="/">All leaflets</a></p>')
    return page_html(f"Problems in {variant}", body, version)


def page_html(title: str, body: str, version: int) -> str:
    """A page of the server's own (index, problems): accessible, reloading on changes."""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)} · leaflets</title>\n<style>{INDEX_CSS}</style>\n"
            f"{reload_script(version)}\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


# ---------------------------------------------------------------- helpers (pure)

def _load(root: Path) -> tuple[Project, list[Problem]]:
    """The project as it is on disk now, with render's file caches emptied so edits show."""
    from . import i18n, render

    for cached in (getattr(render, "_read", None), getattr(i18n, "translations", None)):
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()
    return load_project(root)


def relevant(problems: list[Problem], variant: Variant) -> list[Problem]:
    """Problems in this variant's leaflet or brand, or in no particular leaflet or brand."""
    own = (f"content/{variant.leaflet}/", f"brands/{variant.brand}/")
    other = ("content/", "brands/")
    return [p for p in problems
            if str(p.where).startswith(own) or not str(p.where).startswith(other)]


def _unknown(project: Project, variant: Variant) -> list[str]:
    selection = Selection((variant.leaflet,), (variant.audience,), (variant.language,), (variant.brand,),
                          (variant.format,))
    return selection.unknown(project) or [f"{variant}: this combination does not exist"]


@lru_cache(maxsize=1)
def font_package_dirs() -> tuple[Path, ...]:
    """The folders of installed `fontpkg_*` packages (brand fonts come from these)."""
    dirs = []
    for module in pkgutil.iter_modules():
        if module.ispkg and module.name.startswith("fontpkg_"):
            spec = importlib.util.find_spec(module.name)
            dirs += [Path(d).resolve() for d in (spec.submodule_search_locations or [])] if spec else []
    return tuple(dirs)


def served_roots(root: Path) -> tuple[Path, ...]:
    return tuple((root / name).resolve() for name in SERVED) + font_package_dirs()


def files_url(path: str) -> str:
    return "/files" + quote(posixpath.normpath(path))


FILE_URL = re.compile(r"file://(/(?:[^\"'()<>\s\\]|\\[0-9a-fA-F]{1,6} ?)*)")
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}) ?")
RELATIVE_IMG = re.compile(r'(<img\b[^>]*?\ssrc=")(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^"]+)(")')


def rewrite_urls(page: str, base: Path) -> str:
    """`file:///…` URLs (fonts, logo) and relative image URLs (resolved against the leaflet folder
    `base`, as WeasyPrint does) become /files/ URLs this server answers."""
    def file_url(match: re.Match) -> str:
        raw = CSS_ESCAPE.sub(lambda e: chr(int(e[1], 16)), match[1])  # css_string escapes %, ~, …
        return files_url(unquote(raw))

    def image(match: re.Match) -> str:
        src = unquote(html.unescape(match[2]))
        return match[1] + html.escape(files_url(str(base / src))) + match[3]

    return RELATIVE_IMG.sub(image, FILE_URL.sub(file_url, page))


def for_browser(page: str, project: Project, variant: Variant, version: int, warnings: list[Problem]) -> str:
    """The print HTML, made to load through this server, look like paper and reload on edits."""
    page = rewrite_urls(page, project.leaflet(variant.leaflet).folder.resolve())
    fmt = project.format(variant.format)
    paper = project.format(fmt.imposed_from) if fmt.imposed_from else fmt
    size = paper.page.split()[0].lower()
    top, right, bottom, left = paper.margins_mm
    screen = SCREEN_CSS % {"width": PAGE_WIDTHS.get(size, "210mm"), "height": PAGE_HEIGHTS.get(size, "297mm"),
                           "padding": f"{top}mm {right}mm {bottom}mm {left}mm"}
    head = f'<style id="leaflets-preview">{screen}</style>\n{reload_script(version)}\n'
    path = "/".join(quote(part, safe="") for part in (variant.leaflet, variant.audience, variant.language,
                                                      variant.brand, variant.format))
    notes = "".join(f"<li>{html.escape(str(p))}</li>" for p in warnings)
    bar = (f'<nav class="leaflets-preview-bar" aria-label="Preview" lang="en" dir="ltr">'
           f'<a href="/">All leaflets</a> <span>{html.escape(str(variant))}</span> '
           f'<a href="/pdf/{path}">PDF</a>'
           + (f'<ul class="leaflets-preview-warnings">{notes}</ul>' if notes else "") + "</nav>\n")
    page = page.replace("</head>", head + "</head>", 1)
    return re.sub(r"(<body\b[^>]*>)", lambda m: m[1] + "\n" + bar, page, count=1)


def reload_script(version: int) -> str:
    """Reload the page when the server reports a version other than the one it was made from
    (also after a restart of the server, whose count starts again)."""
    return ("<script>(function () {\n"
            f"  var version = {int(version)};\n"
            '  var events = new EventSource("/events?since=" + version);\n'
            '  events.addEventListener("change", function (e) {\n'
            "    if (Number(e.data) !== version) { events.close(); location.reload(); }\n"
            "  });\n"
            "})();</script>")


def index_body(project: Project, problems: list[Problem]) -> str:
    variants = expand(project, Selection())
    out = [f"<h1>Leaflet previews</h1>\n<p>Project <code>{html.escape(str(project.root))}</code>: "
           f"{len(variants)} variants. Pages reload by themselves when a file in "
           f"{', '.join(f'<code>{w}/</code>' for w in WATCHED)} changes. "
           "<em>PDF</em> builds that one PDF into <code>output/</code>.</p>"]
    if problems:
        errors = sum(p.is_error for p in problems)
        items = "\n".join(f'<li class="{p.severity}"><code>{html.escape(str(p))}</code></li>' for p in problems)
        out.append(f'<section class="problems" aria-labelledby="problems-title">\n'
                   f'<h2 id="problems-title">Problems: {errors} errors, {len(problems) - errors} warnings</h2>\n'
                   f"<ul>\n{items}\n</ul>\n</section>")
    if not variants:
        out.append("<p>No leaflets to show.</p>")
    brands = [b.id for b in project.brands]
    formats = [f.id for f in project.formats]
    for leaflet in project.leaflets:
        documents = leaflet.documents
        if not documents or not brands:
            continue
        main_title = (leaflet.document(leaflet.meta.source_language) or documents[0]).title
        out.append(f'<section aria-labelledby="leaflet-{_id(leaflet.meta.id)}">\n'
                   f'<h2 id="leaflet-{_id(leaflet.meta.id)}"><span lang="{html.escape(leaflet.meta.source_language)}" '
                   f'dir="auto">{html.escape(main_title)}</span> '
                   f"<small>({html.escape(leaflet.meta.id)})</small></h2>")
        for document in documents:
            language = document.language
            out.append(f'<h3><span lang="{html.escape(language)}" dir="auto">{html.escape(document.title)}</span> '
                       f"<small>({html.escape(language)})</small></h3>")
            for audience in leaflet.meta.audiences:
                out.append(f"<h4>{html.escape(audience.capitalize())}s</h4>")
                out.append(_table(leaflet.meta.id, audience, language, brands, formats))
        out.append("</section>")
    return "\n".join(out)


def _table(leaflet: str, audience: str, language: str, brands: list[str], formats: list[str]) -> str:
    described = f"{leaflet}, {audience}, {language}"
    head = "".join(f'<th scope="col">{html.escape(f)}</th>' for f in formats)
    rows = []
    for brand in brands:
        cells = []
        for fmt in formats:
            path = "/".join(quote(part, safe="") for part in (leaflet, audience, language, brand, fmt))
            name = html.escape(f"{described}, brand {brand}, {fmt}")
            cells.append(f'<td><a href="/preview/{path}">HTML<span class="visually-hidden"> preview of {name}'
                         f'</span></a> <a href="/pdf/{path}">PDF<span class="visually-hidden"> of {name}'
                         "</span></a></td>")
        rows.append(f'<tr><th scope="row">{html.escape(brand)}</th>{"".join(cells)}</tr>')
    return (f'<table>\n<caption class="visually-hidden">{html.escape(described)}: brands and formats</caption>\n'
            f'<thead><tr><th scope="col">Brand</th>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(rows) + "\n</tbody>\n</table>")


def _id(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", value)


INDEX_CSS = """
body { font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; background: #fff; margin: 0; }
main { max-width: 70rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h2 { margin-top: 2.5rem; border-bottom: 2px solid #1a4f8b; }
h3 { margin: 1.5rem 0 0.25rem; } h4 { margin: 0.75rem 0 0.25rem; font-size: 1rem; }
small { font-weight: normal; color: #555; }
a { color: #0b4f9c; } a:focus { outline: 3px solid #f0a500; outline-offset: 1px; }
table { border-collapse: collapse; margin-bottom: 0.5rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.6rem; text-align: left; white-space: nowrap; }
thead th { background: #f2f2f2; }
.problems { border: 2px solid #b00020; padding: 0 1rem; margin: 1rem 0; background: #fff5f5; }
ul.problems { padding: 0.5rem 1rem 0.5rem 2.2rem; }
.problems h2 { border: 0; margin-top: 0.75rem; }
.problems .warning code { color: #6b4e00; } .problems .error code, ul.problems code { color: #b00020; }
code { white-space: pre-wrap; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
"""

# Only for screens: the print layout stays exactly what WeasyPrint gets.
SCREEN_CSS = """
@media screen {
  html { background: #d5d5d2; }
  body { box-sizing: border-box; position: relative; width: %(width)s; max-width: 100%%;
    min-height: %(height)s; margin: 3.5rem auto 2rem; padding: %(padding)s; background: var(--bg, #fff);
    box-shadow: 0 2px 10px rgba(0, 0, 0, 0.35); }
  .page-band { top: 0; left: 0; right: 0; height: 7mm; }
  .leaflets-preview-bar { position: fixed; top: 0; left: 0; right: 0; z-index: 10; display: flex; flex-wrap: wrap;
    gap: 0.4rem 1.5rem; align-items: baseline; padding: 0.5rem 1rem; background: #222; color: #fff;
    font: 14px/1.4 system-ui, sans-serif; text-align: left; }
  .leaflets-preview-bar a { color: #fff; }
  .leaflets-preview-bar a:focus { outline: 3px solid #f0a500; }
  .leaflets-preview-warnings { flex-basis: 100%%; margin: 0; padding-left: 1.2rem; color: #ffd479; }
}
@media print { .leaflets-preview-bar { display: none; } }
"""
