"""Writing outputs: atomically, so that a failed or killed build never leaves a
truncated file and never replaces a good one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMP_PREFIX = ".conceptnotes-"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove temporary files that a killed build left behind under ``folder``."""
    removed = []
    if folder.is_dir():
        for temp in folder.rglob(f"{TEMP_PREFIX}*.tmp"):
            temp.unlink(missing_ok=True)
            removed.append(temp)
    return removed
