"""The previews a server keeps: one per note and language that a page has asked for,
made again by a warm worker whenever a file it is made from changes, and told to every
open page as an event.

Renderings of one preview never overlap: a change during a rendering cancels it (its
result is no longer wanted; its worker is stopped and started again) and the preview is
made once more, from the files as they are then (three saves in a row end in one finished
rendering, of the last).  Each
rendering writes into a new numbered folder; the folder before it is kept for a page
still loading its images, older ones are removed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conceptnotes.serve.preview import Result
from conceptnotes.serve.worker import Workers
from conceptnotes.writing import remove_tree

KEPT = 2  # renderings kept per preview: the newest, and the one a page may still be loading


@dataclass
class Preview:
    note: str
    lang: str
    folder: Path  # the note's folder in content/
    version: int = 0
    result: Result | None = None
    busy: bool = False
    stale: bool = False
    done: asyncio.Event = field(default_factory=asyncio.Event)
    tried: int = 0  # the last version a rendering was started for
    rendering: asyncio.Task | None = None  # the rendering under way

    def state(self) -> dict[str, Any]:
        """What a page is told of the preview (file names relative to its version folder)."""
        result = self.result
        state: dict[str, Any] = {"note": self.note, "lang": self.lang, "version": self.version,
                                 "busy": self.busy or self.stale}
        if result is not None:
            state.update(
                pages=list(result.pages), pdf=result.pdf, problems=list(result.problems),
                warnings=list(result.warnings), seconds=round(result.seconds, 3),
                blocks=[vars(block) for block in result.blocks],
            )
        return state


class Previews:
    def __init__(self, folder: Path, worker: Workers) -> None:
        self.folder = folder  # the server's own temporary folder: never the project
        self.worker = worker
        self.previews: dict[tuple[str, str], Preview] = {}
        self.listeners: set[asyncio.Queue] = set()

    def get(self, note: str, lang: str, folder: Path) -> Preview:
        """The preview of ``note`` in ``lang``, started when first asked for."""
        key = (note, lang)
        if key not in self.previews:
            self.previews[key] = Preview(note, lang, folder)
            self.refresh(self.previews[key])
        return self.previews[key]

    def version_folder(self, preview: Preview, version: int) -> Path:
        return self.folder / preview.note / preview.lang / str(version)

    def refresh(self, preview: Preview) -> None:
        """Make the preview again, now or when the rendering under way ends."""
        if preview.busy:
            preview.stale = True
            if preview.rendering is not None:
                preview.rendering.cancel()  # made from files that changed since: not waited for
            return
        preview.busy = True
        preview.done.clear()
        asyncio.get_running_loop().create_task(self._render(preview))

    def changed(self, note_ids: set[str] | None) -> None:
        """Files changed: make again the previews of these notes (None: of every note)."""
        for preview in self.previews.values():
            if note_ids is None or preview.note in note_ids:
                self.refresh(preview)

    async def _render(self, preview: Preview) -> None:
        try:
            while True:
                preview.stale = False
                version = preview.tried = max(preview.version, preview.tried) + 1
                dest = self.version_folder(preview, version)
                remove_tree(dest, self.folder)  # a try that was stopped left it
                self.publish({"type": "rendering", "note": preview.note, "lang": preview.lang})
                rendering = preview.rendering = asyncio.ensure_future(
                    self.worker.render(preview.folder, preview.lang, dest))
                await asyncio.wait({rendering})
                preview.rendering = None
                if rendering.cancelled():
                    continue  # a newer change cancelled it: made again from the files as they are now
                preview.version, preview.result = version, rendering.result()
                self._prune(preview)
                if not preview.stale:
                    break
        finally:
            preview.busy = False
            preview.done.set()
        self.publish({"type": "preview", **preview.state()})

    def _prune(self, preview: Preview) -> None:
        parent = self.folder / preview.note / preview.lang
        for old in parent.iterdir() if parent.is_dir() else ():
            if old.name.isdigit() and int(old.name) <= preview.version - KEPT:
                remove_tree(old, self.folder)

    # events ---------------------------------------------------------------------------------

    def subscribe(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=100)
        self.listeners.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self.listeners.discard(queue)

    def publish(self, event: dict[str, Any] | None) -> None:
        """Tell every open page ``event`` (None: the server stops, the streams end)."""
        for queue in list(self.listeners):
            if queue.full():  # a page that reads nothing is not waited for
                self.listeners.discard(queue)
                continue
            queue.put_nowait(event)
