"""Tables: a regular grid of cells (ISO 14289-1 7.2, ISO 32000-1 14.8.4.3.4) whose data cells have
determinable headers (7.5: TH /Scope, or TD /Headers naming TH /IDs).
"""
from __future__ import annotations

import pikepdf

from .pdfutil import _array, _int, _name
from .structure import _attribute, _Elem


class TableChecks:
    """Run from `StructureChecks.check_structure_tree`, once the elements are known."""

    # -- tables: 7.2 regularity, 7.5 headers ----------------------------------------------------

    def _check_tables(self) -> None:
        for elem in self.elements:
            if elem.std == "Table":
                self._check_table(elem)

    def _check_table(self, table: _Elem) -> None:
        rows: list[_Elem] = []
        for kid in table.significant_kids():
            if kid.std == "TR":
                rows.append(kid)
            elif kid.std in ("THead", "TBody", "TFoot"):
                rows.extend(k for k in kid.significant_kids() if k.std == "TR")
        if not rows:
            return
        cells_of = [[c for c in row.significant_kids() if c.std in ("TH", "TD")] for row in rows]
        columns = sum(self._span(c, "/ColSpan") for c in cells_of[0])
        if columns == 0:
            return
        n_rows = len(rows)
        grid: list[list[_Elem | None]] = [[None] * columns for _ in range(n_rows)]
        origin: dict[int, tuple[int, int]] = {}
        irregular = ""
        for r, cells in enumerate(cells_of):
            c = 0
            for cell in cells:
                colspan, rowspan = self._span(cell, "/ColSpan"), self._span(cell, "/RowSpan")
                while c < columns and grid[r][c] is not None:
                    c += 1
                if c + colspan > columns:
                    irregular = f"row {r + 1} has more cells than the first row ({columns} columns)"
                    break
                if r + rowspan > n_rows:
                    irregular = f"{cell.label()} spans {rowspan} rows past the end of the table"
                    break
                for i in range(rowspan):
                    for j in range(colspan):
                        if grid[r + i][c + j] is not None:
                            irregular = f"{cell.label()} overlaps another cell"
                            break
                        grid[r + i][c + j] = cell
                    if irregular:
                        break
                if irregular:
                    break
                origin[id(cell)] = (r, c)
                c += colspan
            if irregular:
                break
        if not irregular:
            for r in range(n_rows):
                empty = sum(1 for x in grid[r] if x is None)
                if empty:
                    irregular = f"row {r + 1} has {columns - empty} of {columns} columns"
                    break
        if irregular:
            self.add("7.2", f"irregular table {table.label()}: {irregular}")
            return
        # 7.5: headers must be determinable, via Scope on every TH or Headers/IDs (or scoped THs) for every TD
        ids: set[bytes] = set()
        all_scoped = True
        for row in grid:
            for cell in row:
                if cell is not None and cell.std == "TH":
                    ident = cell.obj.get("/ID")
                    if isinstance(ident, pikepdf.String) and bytes(ident):
                        ids.add(bytes(ident))
                    if _attribute(cell.obj, "Table", "/Scope", self.class_map) is None:
                        all_scoped = False
        if all_scoped:
            return
        for (r, c) in sorted(set(origin.values())):
            cell = grid[r][c]
            if cell is None or cell.std != "TD":
                continue
            headers = _attribute(cell.obj, "Table", "/Headers", self.class_map)
            names = [bytes(h) for h in _array(headers) if isinstance(h, pikepdf.String)]
            if names and all(n in ids for n in names):
                continue
            if self._scoped_header(grid, r, c, self._span(cell, "/RowSpan"), self._span(cell, "/ColSpan")):
                continue
            self.add("7.5", f"table {table.label()}: data cell {cell.label()} (row {r + 1}, column {c + 1}) "
                            "has no header: TH cells need /Scope, or TD cells /Headers naming TH /IDs")
            return

    def _span(self, cell: _Elem, key: str) -> int:
        value = _int(_attribute(cell.obj, "Table", key, self.class_map))
        return value if value is not None and value > 0 else 1

    def _scoped_header(self, grid, row: int, col: int, rowspan: int, colspan: int) -> bool:
        def scope(cell: _Elem | None) -> str | None:
            if cell is None or cell.std != "TH":
                return None
            return _name(_attribute(cell.obj, "Table", "/Scope", self.class_map))

        def header_along(cells, scopes: tuple[str, ...]) -> bool:
            """Walking away from the cell: a TH with a matching /Scope before the TH run ends."""
            found_th = False
            for cell in cells:
                if scope(cell) in scopes:
                    return True
                if cell is not None and cell.std == "TH":
                    found_th = True
                elif found_th:
                    break
            return False

        above = any(header_along((grid[r][c] for r in range(row - 1, -1, -1)), ("Column", "Both"))
                    for c in range(col, min(col + colspan, len(grid[0]))))
        left = any(header_along((grid[r][c] for c in range(col - 1, -1, -1)), ("Row", "Both"))
                   for r in range(row, min(row + rowspan, len(grid))))
        if above or left:
            return True
        return False
