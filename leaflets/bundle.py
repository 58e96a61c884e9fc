"""Self-contained jobs: every file a typesetting job may read, named by its content.

A job carries its HTML and, for each file the page names (fonts in `@font-face`, the logo,
pictures), the path as the page names it and the sha256 of its bytes (`Resources`). The bytes
travel separately, once per worker rather than once per job (`Blobs`): fonts are most of them and
every job of a brand uses the same ones. So a worker needs no project folder, brand folder or
font package, only the blobs, and the same job makes the same bytes on any machine.

The main process decides what a job may read: `collect` finds every URL of the rendered page
(as WeasyPrint will ask for it), applies the trust boundary (`boundary.resource_refusal` with
the variant's fixed `AllowedRoots`) and the file checks (present, no hard link, not too large),
then stores the bytes by digest in `BlobStore`. The worker's fetcher serves exactly those paths
and checks each blob against its digest; anything else is refused.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import tinycss2

from .boundary import URL_ATTRIBUTES, AllowedRoots, resource_refusal
from .limits import MAX_FONT_BYTES

MAX_FILE = MAX_FONT_BYTES  # the largest file a job may read (fonts are the largest)


@dataclass(frozen=True)
class Resources:
    """The files one job may read: (path as the page names it, sha256 of its bytes)."""

    files: tuple[tuple[str, str], ...] = ()

    def digest(self, path: str) -> str | None:
        return dict(self.files).get(path)

    def admit(self, path: Path) -> bool:
        """`AllowedRoots`'s question, answered without a disk: exactly these paths, as named."""
        return str(path) in dict(self.files)

    @property
    def digests(self) -> set[str]:
        return {digest for _, digest in self.files}


class RefusedResource(Exception):
    """The page names a file it may not read; the message says which and why."""


def file_path(url: str) -> str:
    """The path a `file:` URL names, as the worker's fetcher will look it up."""
    return str(Path(unquote(urlparse(url).path)))


# ---------------------------------------------------------------- main process

class BlobStore:
    """The bytes of every file any job of this build may read, by sha256; each file is read once."""

    def __init__(self):
        self._bytes: dict[str, bytes] = {}
        self._paths: dict[str, Path] = {}  # digest → the real file, for workers on this machine
        self._known: dict[tuple[str, int, int], str] = {}  # (path, size, mtime) → digest

    def add(self, path: Path) -> str:
        real = path.resolve()
        if not real.is_file():
            raise RefusedResource("file does not exist")
        stat = real.stat()
        if stat.st_size > MAX_FILE:
            raise RefusedResource(f"file is larger than {MAX_FILE // (1024 * 1024)} MiB")
        key = (str(real), stat.st_size, stat.st_mtime_ns)
        if key not in self._known:
            data = real.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            # One copy per process: a job run here, or shipped to Dask, reads these same bytes
            # through `LocalBlobs` instead of reading the file a second time.
            data = _READ.setdefault(digest, data)
            self._bytes[digest], self._paths[digest], self._known[key] = data, real, digest
        return self._known[key]

    def __getitem__(self, digest: str) -> bytes:
        return self._bytes[digest]

    def local(self, digests: Iterable[str]) -> "LocalBlobs":
        """The blobs of one job for a worker on this machine: file paths, not bytes, so a
        process pool ships a few names per job; the worker reads each file once."""
        return LocalBlobs(tuple(sorted((d, str(self._paths[d])) for d in digests)))

    def subset(self, digests: Iterable[str]) -> dict[str, bytes]:
        return {d: self._bytes[d] for d in digests}


def collect(html: str, base_url: str, roots: AllowedRoots, store: BlobStore) -> Resources:
    """Every file the page names, checked and stored; `RefusedResource` names each refusal."""
    files, refused = {}, []
    for url in page_urls(html, base_url):
        if url.lower().startswith("data:"):
            continue  # inline: the worker checks its type and size (boundary.resource_refusal)
        why = resource_refusal(url, roots)
        if why is None:
            path = Path(file_path(url))
            try:
                real = path.resolve()
                if real.is_file() and real.stat().st_nlink > 1 and str(real) not in roots.paths:
                    raise RefusedResource("file is a hard link: its other name may be outside the project")
                files[str(path)] = store.add(path)  # installed font files may be hard links: named singly
            except (RefusedResource, OSError, RuntimeError) as exc:
                why = str(exc) if isinstance(exc, RefusedResource) else f"cannot be read ({exc.__class__.__name__})"
        if why:
            refused.append(f"refused to load '{url if len(url) <= 100 else url[:97] + '…'}': {why}")
    if refused:
        raise RefusedResource("; ".join(dict.fromkeys(refused)))
    return Resources(tuple(sorted(files.items())))


class _Urls(HTMLParser):
    """URL-bearing attributes other than links (`<a href>` is never fetched) and the text of
    `<style>` elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.css: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self._in_style = tag == "style"
        for attribute, value in attrs:
            if attribute in URL_ATTRIBUTES and value and not (tag == "a" and attribute == "href") \
                    and not value.startswith("#"):
                self.urls.append(value.strip())
            elif attribute == "style" and value:
                self.css.append(value)

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.css.append(data)


def css_urls(css: str) -> Iterator[str]:
    """The URLs a stylesheet or a style attribute loads, read as a CSS parser reads them:
    `url(...)` in either form and `@import "..."`. Text in any other string (a title in
    `content:`) is no URL."""
    def walk(tokens: list) -> Iterator[str]:
        meaningful = [t for t in tokens if t.type not in ("whitespace", "comment")]
        for index, token in enumerate(meaningful):
            if token.type == "url":
                yield token.value
            elif token.type == "function" and token.lower_name == "url":
                yield from (t.value for t in token.arguments if t.type == "string")
            elif token.type == "at-keyword" and token.lower_value == "import" and index + 1 < len(meaningful) \
                    and meaningful[index + 1].type == "string":
                yield meaningful[index + 1].value
            elif token.type == "function":
                yield from walk(token.arguments)
            elif token.type in ("() block", "[] block", "{} block"):
                yield from walk(token.content)
    yield from walk(tinycss2.parse_component_value_list(css))


def page_urls(html: str, base_url: str) -> list[str]:
    """The absolute URLs a page makes the typesetter read, in order, once each."""
    parser = _Urls()
    parser.feed(html)
    parser.close()
    found = parser.urls + [url for css in parser.css for url in css_urls(css)]
    return list(dict.fromkeys(urljoin(base_url, url) for url in found if url))


# ---------------------------------------------------------------- worker side

_READ: dict[str, bytes] = {}  # digest → bytes this worker process has read from disk
_CHECKED: dict[str, bytes] = {}  # digest → the bytes object this process has hashed and found right


@dataclass(frozen=True)
class LocalBlobs(Mapping):
    """A job's blobs as files on this machine (a local process pool): read once per process."""

    paths: tuple[tuple[str, str], ...] = field(default=())

    def __getitem__(self, digest: str) -> bytes:
        if digest not in _READ:
            path = dict(self.paths)[digest]
            _READ[digest] = Path(path).read_bytes()
        return _READ[digest]

    def __iter__(self):
        return iter(dict(self.paths))

    def __len__(self) -> int:
        return len(self.paths)


def checked_blob(blobs: Mapping[str, bytes], digest: str) -> bytes:
    """The bytes of `digest`, which must hash to it (a file changed since the job was made, or
    a corrupted transfer, fails the job instead of printing other bytes)."""
    data = blobs[digest]
    if _CHECKED.get(digest) is not data:  # the same object as last time: a worker's blobs are hashed once
        if hashlib.sha256(data).hexdigest() != digest:
            raise RefusedResource(f"file changed since the job was made (sha256 {digest[:12]}…)")
        _CHECKED[digest] = data
    return data
