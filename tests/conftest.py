"""Shared fixtures: a small project on disk built from the repo's templates and styles."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/*.html")


def make_project(root: Path, files: dict[str, str] | None = None, leaflets=("demo", "other"), brands=()) -> Path:
    """A project in `root`: the repo's templates, styles, locales and default brand, the fixture
    leaflets (tests/fixtures/<leaflet>) and fixture brands (tests/fixtures/brands/<brand>), then
    `files` ({relative path: text}) written over them."""
    for name in ("templates", "styles", "locales"):
        shutil.copytree(REPO / name, root / name)
    shutil.copytree(REPO / "brands" / "default", root / "brands" / "default")
    for leaflet in leaflets:
        shutil.copytree(FIXTURES / leaflet, root / "content" / leaflet)
    for brand in brands:
        shutil.copytree(FIXTURES / "brands" / brand, root / "brands" / brand)
    for relpath, text in (files or {}).items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")
