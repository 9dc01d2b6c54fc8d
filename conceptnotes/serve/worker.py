"""The warm worker: one process that keeps WeasyPrint and the fonts loaded, so that a
saved edit shows in the preview in about a second rather than the three of a cold start.

A separate process, not a thread: a rendering holds the interpreter for its whole
layout, and the server must go on answering; a worker that dies (out of memory, a
crash in a native library) is started again, and the server lives on.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from conceptnotes.errors import display_path
from conceptnotes.serve import preview


def _warm_up() -> None:
    import weasyprint

    # fontconfig reads its cache on the first layout: done here, not on the user's first save
    weasyprint.HTML(string="<p>Ready</p>").render()


class Worker:
    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        # spawned, not forked: the server has threads (the file watcher, uvicorn's)
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(1, mp_context=context, initializer=_warm_up)

    async def render(self, folder: Path, lang: str, dest: Path) -> preview.Result:
        if self._pool is None:
            self.start()
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool, preview.render, folder, lang, dest)
        except BrokenProcessPool:
            self.stop()  # started again on the next rendering
            return _failed(folder, "the preview's renderer stopped (out of memory?);"
                                   " it is started again on the next save")
        except Exception as exc:  # a bug in a library must not take the server down
            return _failed(folder, f"the preview could not be made: {type(exc).__name__}: {exc}")

    def stop(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()  # a layout under way is not waited for
            pool.shutdown(wait=False, cancel_futures=True)


def _failed(folder: Path, message: str) -> preview.Result:
    return preview.Result(problems=(f"{display_path(folder / 'note.md')}: {message}",))
