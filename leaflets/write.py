"""Write stage: atomic PDF writes, the manifest and the build cache, all under output/.

A PDF is written to a temporary file in the same folder and moved over the old one with
os.replace, so a failed or interrupted build never leaves half a PDF or removes the last good one.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

CACHE_FILE = ".leaflets-cache.json"


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
    imposed_from: str | None = None  # for print products made from another PDF (the booklet)


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str | None:
    try:
        return sha256_bytes(path.read_bytes())
    except OSError:
        return None


def load_cache(output: Path) -> dict[str, dict]:
    """{pdf path: {"key": input hash, "entry": manifest entry}} from the last builds."""
    try:
        data = json.loads((output / CACHE_FILE).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}  # no or unreadable cache: everything is rebuilt, which is always safe


def save_state(output: Path, cache: dict[str, dict]) -> list[dict]:
    """Write the cache and the manifest (every PDF whose file is present); return its entries."""
    atomic_write(output / CACHE_FILE, json.dumps(cache, indent=1, sort_keys=True).encode())
    pdfs = [cache[p]["entry"] for p in sorted(cache) if (output / p).is_file()]
    atomic_write(output / "manifest.json", (json.dumps({"pdfs": pdfs}, indent=2, ensure_ascii=False) + "\n").encode())
    return pdfs


def entry_dict(entry: ManifestEntry) -> dict:
    return {k: v for k, v in asdict(entry).items() if v is not None}
