"""Tables: a regular grid of cells (ISO 14289-1 7.2, ISO 32000-1 14.8.4.3.4) whose data cells have
determinable headers (7.5: TH /Scope, or TD /Headers naming TH /IDs).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

import pikepdf

from .findings import Finding
from .pdfutil import _array, _int, _name
from .structure import StructElem, StructTree, attribute

if TYPE_CHECKING:
    from .index import PdfIndex

_ROW_GROUPS = ("THead", "TBody", "TFoot")


class _Irregular(Exception):
    """Raised while laying out a table's cells: the grid is not regular (the message says why)."""


@dataclass
class _Grid:
    """A table's cells laid out in rows and columns, after row and column spans."""

    cells: list[list[StructElem | None]]
    origin: dict[int, tuple[int, int]] = field(default_factory=dict)  # id(cell) -> its top-left slot

    @property
    def columns(self) -> int:
        return len(self.cells[0])


def check_tables(index: PdfIndex) -> list[Finding]:
    """7.2: every table is a regular grid; 7.5: its data cells have determinable headers."""
    tree = index.structure
    out: list[Finding] = []
    for table in (e for e in tree.elements if e.std == "Table"):
        out += _check_table(tree, table)
    return out


def _check_table(tree: StructTree, table: StructElem) -> list[Finding]:
    rows = _rows(tree, table)
    cells = [[c for c in tree.significant_kids(row) if c.std in ("TH", "TD")] for row in rows]
    columns = sum(_span(tree, c, "/ColSpan") for c in cells[0]) if rows else 0
    if columns == 0:
        return []
    try:
        grid = _lay_out(tree, cells, columns)
    except _Irregular as exc:
        return [Finding("7.2", f"irregular table {table.label()}: {exc}")]
    cell = _cell_without_header(tree, grid)
    if cell is None:
        return []
    r, c = grid.origin[id(cell)]
    return [Finding("7.5", f"table {table.label()}: data cell {cell.label()} (row {r + 1}, column {c + 1}) "
                           "has no header: TH cells need /Scope, or TD cells /Headers naming TH /IDs")]


def _rows(tree: StructTree, table: StructElem) -> list[StructElem]:
    rows: list[StructElem] = []
    for kid in tree.significant_kids(table):
        if kid.std == "TR":
            rows.append(kid)
        elif kid.std in _ROW_GROUPS:
            rows.extend(k for k in tree.significant_kids(kid) if k.std == "TR")
    return rows


def _span(tree: StructTree, cell: StructElem, key: str) -> int:
    value = _int(attribute(cell.obj, "Table", key, tree.class_map))
    return value if value is not None and value > 0 else 1


def _lay_out(tree: StructTree, rows: list[list[StructElem]], columns: int) -> _Grid:
    grid = _Grid([[None] * columns for _ in rows])
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while c < columns and grid.cells[r][c] is not None:
                c += 1
            c += _place(tree, grid, cell, (r, c))
    for r, row in enumerate(grid.cells):
        empty = row.count(None)
        if empty:
            raise _Irregular(f"row {r + 1} has {columns - empty} of {columns} columns")
    return grid


def _place(tree: StructTree, grid: _Grid, cell: StructElem, at: tuple[int, int]) -> int:
    """Put a cell at its slot over the rows and columns it spans; returns its column span."""
    (r, c), colspan, rowspan = at, _span(tree, cell, "/ColSpan"), _span(tree, cell, "/RowSpan")
    if c + colspan > grid.columns:
        raise _Irregular(f"row {r + 1} has more cells than the first row ({grid.columns} columns)")
    if r + rowspan > len(grid.cells):
        raise _Irregular(f"{cell.label()} spans {rowspan} rows past the end of the table")
    for i in range(r, r + rowspan):
        for j in range(c, c + colspan):
            if grid.cells[i][j] is not None:
                raise _Irregular(f"{cell.label()} overlaps another cell")
            grid.cells[i][j] = cell
    grid.origin[id(cell)] = (r, c)
    return colspan


def _cell_without_header(tree: StructTree, grid: _Grid) -> StructElem | None:
    """7.5: the first data cell whose headers cannot be determined; None when all can (or every TH has a Scope)."""
    headers = [cell for row in grid.cells for cell in row if cell is not None and cell.std == "TH"]
    if all(attribute(h.obj, "Table", "/Scope", tree.class_map) is not None for h in headers):
        return None
    ids = {bytes(i) for i in (h.obj.get("/ID") for h in headers) if isinstance(i, pikepdf.String) and bytes(i)}
    for r, c in sorted(set(grid.origin.values())):
        cell = grid.cells[r][c]
        if cell is not None and cell.std == "TD" and not _has_header(tree, grid, cell, ids):
            return cell
    return None


def _has_header(tree: StructTree, grid: _Grid, cell: StructElem, ids: set[bytes]) -> bool:
    headers = attribute(cell.obj, "Table", "/Headers", tree.class_map)
    names = [bytes(h) for h in _array(headers) if isinstance(h, pikepdf.String)]
    return bool(names) and all(n in ids for n in names) or _scoped_header(tree, grid, cell)


def _scoped_header(tree: StructTree, grid: _Grid, cell: StructElem) -> bool:
    """A TH with a matching Scope above the cell (Column) or to its left (Row), before the TH run ends."""
    row, col = grid.origin[id(cell)]
    rowspan, colspan = _span(tree, cell, "/RowSpan"), _span(tree, cell, "/ColSpan")
    cells = grid.cells
    above = any(_header_along(tree, (cells[r][c] for r in range(row - 1, -1, -1)), ("Column", "Both"))
                for c in range(col, min(col + colspan, grid.columns)))
    left = any(_header_along(tree, (cells[r][c] for c in range(col - 1, -1, -1)), ("Row", "Both"))
               for r in range(row, min(row + rowspan, len(cells))))
    return above or left


def _header_along(tree: StructTree, cells: Iterable[StructElem | None], scopes: tuple[str, ...]) -> bool:
    """Walking away from a cell: a TH with a matching /Scope before the run of THs ends."""
    found_th = False
    for cell in cells:
        if _scope(tree, cell) in scopes:
            return True
        if cell is not None and cell.std == "TH":
            found_th = True
        elif found_th:
            break
    return False


def _scope(tree: StructTree, cell: StructElem | None) -> Any:
    if cell is None or cell.std != "TH":
        return None
    return _name(attribute(cell.obj, "Table", "/Scope", tree.class_map))
