"""The installed console command ``conceptnotes`` (``pyproject.toml``): what ``build.py`` does.

Kept apart from :mod:`conceptnotes.cli` so that, as ``build.py`` does, a Ctrl-C while the
modules load says that nothing was started instead of showing a traceback.
"""

import os
import sys
from typing import NoReturn


def main() -> int:
    try:
        code = _up_to_date(sys.argv[1:])
        if code is None:
            from conceptnotes.cli import main as run
    except KeyboardInterrupt:  # Ctrl-C while the modules load: nothing was started
        print("interrupted: the previous outputs are unchanged", file=sys.stderr)
        return 130
    end(run() if code is None else code)


def _up_to_date(argv: list[str]) -> int | None:
    """When the same build has found everything up to date and nothing it was made from has
    changed since, print its table again, without importing the build (``build.uptodate``),
    and return the exit status; None when the build is to run."""
    from conceptnotes.build import uptodate

    rows = uptodate.answer(argv)
    if rows is None:
        return None
    from conceptnotes import summary
    from conceptnotes.errors import display_path

    try:
        print("\n".join(summary.table([(display_path(path), pages, size, None) for path, size, pages in rows])))
    except OSError as exc:  # a closed pipe: said as the build says it
        from conceptnotes import cli

        return cli.stopped(exc, cli.FINISHED)
    return 0


def end(code: int) -> NoReturn:
    """End the process with ``code`` once the command has returned, without Python's
    tear-down: everything the command writes is written, synced and renamed before it
    returns, its worker processes have ended, and no clean-up is left to ``atexit``, so
    freeing each of its objects one by one would only delay the prompt (0.2-0.6 s after a
    long note's PDF; ``docs/performance.md``).  What is printed is flushed first.

    A process that still has other threads, or that registered resources with
    multiprocessing's tracker (the preview server's workers: their semaphores), ends as
    usual, so that they are released."""
    import threading

    if threading.active_count() > 1 or "multiprocessing.resource_tracker" in sys.modules:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (| head): what was not read is dropped, as ever
            pass
    os._exit(code)
