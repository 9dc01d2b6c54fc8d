"""The warm workers: processes that keep WeasyPrint and the fonts loaded, so that a
saved edit shows in the preview in about a second rather than the three of a cold start.

Separate processes, not threads: a rendering holds the interpreter for its whole
layout, and the server must go on answering; a worker that dies (out of memory, a
crash in a native library) is started again, and the server lives on.

A server keeps up to :data:`WORKERS` of them, and a rendering takes a free one: a long
note's rendering holds one worker while a short note's preview is made in another.  An
idle server keeps one process; the next starts warming as soon as a rendering takes the
first, so it is ready (or nearly) when another preview is asked for meanwhile.  A rendering
may take :data:`TIME_LIMIT` seconds (from the moment a warm worker takes it); one that
takes longer, or whose result is no longer wanted (cancelled: the note was saved again),
is stopped by ending its worker's process, which is started again at once.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from conceptnotes.errors import display_path
from conceptnotes.serve import preview


def _warm_up() -> None:
    from conceptnotes.render.engine import weasyprint as engine

    weasyprint = engine()

    # fontconfig reads its cache on the first layout: done here, not on the user's first save
    weasyprint.HTML(string="<p>Ready</p>").render()


WORKERS = 2
TIME_LIMIT = 60.0  # seconds a rendering may take: a concept note of tens of pages takes a few


def _ready() -> None:
    """Nothing: done once the worker has warmed up."""


class Worker:
    """One warm process; it renders one preview at a time (:class:`Workers` sees to that)."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._ready: Future | None = None  # done when the process has warmed up
        self.busy = False

    def start(self) -> None:
        # spawned, not forked: the server has threads (the file watcher, uvicorn's)
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(1, mp_context=context, initializer=_warm_up)
        self._ready = self._pool.submit(_ready)

    @property
    def started(self) -> bool:
        return self._pool is not None

    @property
    def warm(self) -> bool:
        ready, broken = self._ready, getattr(self._pool, "_broken", False)  # its process died while idle
        return ready is not None and ready.done() and not ready.cancelled() and ready.exception() is None \
            and not broken

    async def render(self, folder: Path, lang: str, dest: Path, seconds: float = TIME_LIMIT) -> preview.Result:
        """The preview of ``folder`` in ``lang`` rendered into ``dest``; a message as its result
        if it takes longer than ``seconds`` or the worker dies.  Cancelled, it stops the worker."""
        if self._pool is None:
            self.start()
        pool, ready, future = self._pool, self._ready, None
        try:
            await asyncio.shield(asyncio.wrap_future(ready))  # the time counts from a warm worker
            future = pool.submit(preview.render, folder, lang, dest)
            return await asyncio.wait_for(asyncio.wrap_future(future), seconds)
        except TimeoutError:
            self.restart()
            return _failed(folder, f"the preview took longer than {seconds:g} seconds and was stopped: split"
                                   " the note, or start the server with a longer --time-limit")
        except asyncio.CancelledError:
            if future is not None and not future.cancel():  # under way: its process is ended
                self.restart()
            raise
        except BrokenProcessPool:
            self.restart()
            return _failed(folder, "the preview's renderer stopped (out of memory?);"
                                   " it is started again on the next save")
        except Exception as exc:  # a bug in a library must not take the server down
            return _failed(folder, f"the preview could not be made: {type(exc).__name__}: {exc}")

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> None:
        if self._pool is not None:
            pool, self._pool, self._ready = self._pool, None, None
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()  # a layout under way is not waited for
            pool.shutdown(wait=False, cancel_futures=True)


class Workers:
    """The warm workers of a server; a rendering waits for a free one (a warm one first)."""

    def __init__(self, count: int = WORKERS, seconds: float = TIME_LIMIT) -> None:
        self.workers = [Worker() for _ in range(count)]
        self.seconds = seconds
        self._freed = asyncio.Event()

    def start(self) -> None:
        """The first worker starts warming; the others when a rendering takes one (:meth:`render`)."""
        self.workers[0].start()

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()

    async def render(self, folder: Path, lang: str, dest: Path) -> preview.Result:
        worker = await self._take()
        self._spare()
        try:
            return await worker.render(folder, lang, dest, self.seconds)
        finally:
            worker.busy = False
            self._freed.set()

    def _spare(self) -> None:
        """A free worker started beside the busy ones, warming for the next preview."""
        free = [worker for worker in self.workers if not worker.busy]
        if free and not any(worker.started for worker in free):
            free[0].start()

    async def _take(self) -> Worker:
        while True:
            free = [worker for worker in self.workers if not worker.busy]
            if free:
                started = [worker for worker in free if worker.started]  # warming or warm
                worker = next((worker for worker in started if worker.warm), (started or free)[0])
                worker.busy = True
                return worker
            self._freed.clear()
            await self._freed.wait()


def _failed(folder: Path, message: str) -> preview.Result:
    return preview.Result(problems=(f"{display_path(folder / 'note.md')}: {message}",))
