"""Write stage: the output folder, owned by one build at a time (`OutputStore`).

The store is the only code that touches the output folder's PDFs, build cache and manifest:

- it refuses a folder that is not empty and holds no build of ours (so `--output ~/Documents`
  cannot overwrite or delete anyone's files);
- it locks the folder for the whole build; a second build waits, then reads the first one's
  cache, so no manifest or cache entry is lost;
- it writes every file atomically (temporary file in the same folder, then `os.replace`), so a
  failed or interrupted build never leaves half a PDF or removes the last good one, and it
  removes only temporary files with its own suffix;
- it owns the up-to-date rule (for web pages too): a PDF is current when its inputs' key is the one it was made
  from and its bytes on disk are intact;
- files get the permissions the umask allows, like any file the user makes.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .model import Variant

CACHE_FILE = ".leaflets-cache.json"
LOCK_FILE = ".leaflets.lock"
TEMP_SUFFIX = ".leaflets-tmp"


def _umask() -> int:
    current = os.umask(0o022)  # the only way to read it is to set it; put it straight back
    os.umask(current)
    return current


FILE_MODE = 0o666 & ~_umask()


class ForeignFolder(Exception):
    """The output folder holds files that no build of ours made."""


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    leaflet: str
    audience: str
    language: str
    brand: str
    format: str
    title: str
    pages: int
    sha256: str
    status: str  # "approved", or "draft": not approved, or changed since (`approval`)
    imposed_from: str | None = None  # for print products made from another PDF (the booklet)
    derived_from: str | None = None  # the print-shop PDF: the same pages as this PDF, with bleed and marks

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Record:
    """What the cache knows of one PDF: the key of the inputs it was made from, and its entry."""

    key: str
    entry: ManifestEntry


# ---------------------------------------------------------------- files

def atomic_write(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all; the old file stays until the new one is complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)  # mkstemp makes 0600: colleagues could not read it
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:  # Ctrl-C included: never leave the temporary file behind
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str | None:
    try:
        return sha256_bytes(path.read_bytes())
    except OSError:
        return None


# ---------------------------------------------------------------- the store

class OutputStore:
    """One build's hold on the output folder: its cache, its PDFs and its manifest."""

    def __init__(self, folder: Path, records: dict[str, Record]):
        self.folder = folder
        self.records = records

    @classmethod
    @contextmanager
    def open(cls, folder: Path, on_wait: Callable[[str], None] | None = None) -> Iterator["OutputStore"]:
        """Claim `folder` for a build: refuse it if foreign, lock it, clear our leftovers."""
        folder = folder.resolve()
        claim(folder)
        with _locked(folder, on_wait):
            store = cls(folder, load_records(folder))  # read under the lock: a build before us may have added some
            store.remove_leftovers()
            yield store

    @classmethod
    def read_only(cls, folder: Path) -> "OutputStore":
        """The cache as it is, for reports (`status`); no lock, nothing written."""
        return cls(folder.resolve(), load_records(folder))

    def record(self, variant: Variant) -> Record | None:
        return self.records.get(variant.output_path)

    def up_to_date(self, variant: Variant, key: str) -> bool:
        """The PDF was made from inputs with this key and is intact on disk."""
        known = self.record(variant)
        if known is None or known.key != key:
            return False
        return sha256_file(self.folder / variant.output_path) == known.entry.sha256

    def read(self, variant: Variant) -> bytes:
        return (self.folder / variant.output_path).read_bytes()

    def write(self, variant: Variant, key: str, pdf: bytes, entry: ManifestEntry) -> None:
        atomic_write(self.folder / variant.output_path, pdf)
        self.records[variant.output_path] = Record(key, entry)

    def put(self, relpath: str, data: bytes) -> None:
        """A file the pages share (a font), written only when missing or different."""
        path = self.folder / relpath
        if sha256_file(path) != sha256_bytes(data):
            atomic_write(path, data)

    def save(self) -> list[dict]:
        """Write the cache and the manifest (every PDF and web page whose file is present: PDFs
        under "pdfs", web editions under "web"); return its entries, PDFs first."""
        cache = {path: {"key": r.key, "entry": r.entry.as_dict()} for path, r in self.records.items()}
        atomic_write(self.folder / CACHE_FILE, json.dumps(cache, indent=1, sort_keys=True).encode())
        present = [self.records[p].entry.as_dict() for p in sorted(self.records) if (self.folder / p).is_file()]
        pdfs = [e for e in present if e["path"].endswith(".pdf")]
        pages = [e for e in present if e["path"].endswith(".html")]
        manifest = json.dumps({"pdfs": pdfs, "web": pages} if pages else {"pdfs": pdfs}, indent=2, ensure_ascii=False)
        atomic_write(self.folder / "manifest.json", (manifest + "\n").encode())
        return pdfs + pages

    def remove_leftovers(self) -> None:
        """Temporary files of a build that was killed mid-write: ours by their suffix, never a PDF."""
        for tmp in self.folder.rglob(f".*{TEMP_SUFFIX}"):
            tmp.unlink(missing_ok=True)


def claim(folder: Path) -> None:
    """Refuse a folder that is neither new, empty, nor one of our builds."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise ForeignFolder(f"{folder}: error: cannot write there: it is a file, not a folder")
    if (folder / CACHE_FILE).is_file() or (folder / LOCK_FILE).is_file() or not any(folder.iterdir()):
        _no_links(folder)
        return
    raise ForeignFolder(f"{folder}: error: not empty and holds no build of leaflets (no {CACHE_FILE}): refusing "
                        "to write there; choose an empty or new folder")


def _no_links(folder: Path) -> None:
    """Refuse an output folder with a symbolic link in it: writing a PDF, the lock or a thumbnail
    through one would create, overwrite or delete files outside the folder, and reading a PDF
    through one would put an outside file into a booklet or the preview."""
    for parent, dirs, files in os.walk(folder):  # does not follow links into folders
        for name in dirs + files:
            if os.path.islink(os.path.join(parent, name)):
                link = Path(parent, name).relative_to(folder)
                raise ForeignFolder(f"{folder}: error: holds a symbolic link ({link}): refusing to write there; "
                                    "remove the link or choose another folder")


@contextmanager
def _locked(folder: Path, on_wait: Callable[[str], None] | None) -> Iterator[None]:
    """An exclusive lock on the folder for as long as the build runs (released if it dies)."""
    folder.mkdir(parents=True, exist_ok=True)
    # O_NOFOLLOW: a link put there after the check must not make us create a file elsewhere.
    descriptor = os.open(folder / LOCK_FILE, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, FILE_MODE)
    with os.fdopen(descriptor, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            if on_wait:
                on_wait(f"another build is writing to {folder}; waiting for it to finish")
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


ENTRY_FIELDS = {f.name for f in fields(ManifestEntry)}


def load_records(folder: Path) -> dict[str, Record]:
    """The cache of the last builds. Entries of the wrong shape are dropped (their PDFs are then
    rebuilt, which is always safe); a path that leaves the folder is never trusted."""
    try:
        data = json.loads((folder / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    records = {}
    for path, value in data.items() if isinstance(data, dict) else ():
        record = _record(path, value)
        if record is not None:
            records[path] = record
    return records


def _record(path: object, value: object) -> Record | None:
    if not isinstance(path, str) or not isinstance(value, dict) or not isinstance(value.get("key"), str):
        return None
    entry = value.get("entry")
    if not isinstance(entry, dict) or set(entry) - ENTRY_FIELDS or entry.get("path") != path:
        return None
    if Path(path).is_absolute() or ".." in Path(path).parts or not path.endswith((".pdf", ".html")):
        return None
    try:
        made = ManifestEntry(**entry)
    except TypeError:
        return None
    ok = all(isinstance(getattr(made, f), str) for f in ("leaflet", "audience", "language", "brand", "format", "title",
                                                        "sha256", "status")) and isinstance(made.pages, int)
    return Record(value["key"], made) if ok else None
