"""The HTTP server: sockets, threads, the loopback-only rule, sending responses and the
Server-Sent Events stream that tells open pages to reload.

Listens on 127.0.0.1 only and answers only requests addressed to 127.0.0.1 or localhost (a web
page cannot reach it through DNS rebinding). What each URL answers is `routes.py`'s business.
"""
from __future__ import annotations

import signal
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .routes import Response, answer, text
from .watcher import Reloader

HOST = "127.0.0.1"
KEEPALIVE_SECONDS = 15.0


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


class PreviewServer(ThreadingHTTPServer):
    """The server and the state its routes share: project folder, lock, reload count."""

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

    @property
    def version(self) -> int:
        """How many batches of file changes the watcher has seen: pages made earlier reload."""
        return self.reloader.version

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
            return self._send(text(HTTPStatus.FORBIDDEN, f"This preview server only answers requests for "
                                                         f"{HOST} or localhost.\n"))
        if url.path == "/events":
            return self._events(url.query)
        self._send(answer(self.server, url.path))

    def _host_allowed(self) -> bool:
        host = self.headers.get("Host")
        return host is None or host.lower() in {f"{HOST}:{self.server.port}", f"localhost:{self.server.port}"}

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def _events(self, query: str) -> None:
        """`change` events with the new version, until the server stops or the browser leaves."""
        reloader = self.server.reloader
        seen = _since(query, reloader.version)
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


def _since(query: str, current: int) -> int:
    """The version the page was made from (`?since=N`); without one, changes from now on."""
    try:
        return int(parse_qs(query).get("since", [""])[0])
    except ValueError:
        return current
