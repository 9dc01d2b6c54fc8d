"""The table a build ends with: each document, its pages, size, time and status."""

from __future__ import annotations

Row = tuple[str, int | None, int, float | None]  # path as shown, pages, size, seconds (None: up to date)


def table(rows: list[Row]) -> list[str]:
    """The table's lines, with the count of documents built and up to date."""
    cells = [
        (path, str(pages or ""), f"{size / 1024:.0f} KB", "" if seconds is None else f"{seconds:.1f} s",
         "up to date" if seconds is None else "built")
        for path, pages, size, seconds in rows
    ]
    header = ("document", "pages", "size", "time", "status")
    widths = [max(len(r[i]) for r in [header, *cells]) for i in range(5)]
    line = "  ".join(f"{{:<{widths[0]}}}" if i == 0 else f"{{:>{widths[i]}}}" for i in range(4)) + "  {}"
    fresh = sum(1 for row in rows if row[3] is not None)
    count = f"{len(rows)} document{'s' if len(rows) != 1 else ''}: {fresh} built, {len(rows) - fresh} up to date"
    return [line.format(*header), *(line.format(*cell) for cell in cells), count]
