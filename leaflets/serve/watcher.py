"""The file watcher: a thread that counts batches of changes in the project's source folders.

Open pages compare that count with the one they were made from (see `server.py`'s event stream)
and reload when it moved. Nothing else here: what a change means is up to the pages.
"""
from __future__ import annotations

import sys
import threading
from pathlib import Path

WATCHED = ("content", "templates", "styles", "brands", "locales")


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
            self._watch()
        except Exception as exc:  # no live reload, but previews still work
            print(f"warning: live reload is off: {type(exc).__name__}: {exc}", file=sys.stderr)
        finally:
            self.ready.set()

    def _watch(self) -> None:
        from watchfiles import watch  # imported here: a missing watchfiles only turns reload off

        paths = [self.root / name for name in WATCHED if (self.root / name).is_dir()]
        if not paths:
            return
        # yield_on_timeout: an empty first batch means the watches are in place (`ready`).
        for changes in watch(*paths, stop_event=self.stopping, step=50, rust_timeout=300,
                             yield_on_timeout=True, raise_interrupt=False):
            self.ready.set()
            if changes:
                self.bump()

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
