"""File events: a saved note, catalog, asset or template makes the previews made from it again."""

from __future__ import annotations

import asyncio
from pathlib import Path

from conceptnotes.project import Project
from conceptnotes.serve.previews import Previews

STEP_MS = 30  # changes are taken once none came for this long (an editor's write-and-rename)


def roots(project: Project) -> list[Path]:
    return [folder for folder in (project.content, project.locales, project.templates) if folder.is_dir()]


def affected(project: Project, paths: set[Path]) -> set[str] | None:
    """The ids of the notes whose previews these changed files touch; None: every note (a
    template or the labels' catalog is read by all)."""
    notes: set[str] = set()
    content, locales = project.content.resolve(), project.locales.resolve()
    for path in paths:
        path = path.resolve()
        if path.is_relative_to(content) and len(path.relative_to(content).parts) >= 2:
            notes.add(path.relative_to(content).parts[0])
        elif path.is_relative_to(locales):
            parts = path.relative_to(locales).parts
            if parts[-1].endswith(".pot"):
                continue  # a template of units: no document reads it
            if len(parts) == 3 and parts[1] == "LC_MESSAGES" and parts[2] != "messages.po":
                notes.add(Path(parts[2]).stem)
            else:
                return None
        else:
            return None
    return notes


async def watch(project: Project, previews: Previews, stop: asyncio.Event) -> None:
    from watchfiles import awatch

    async for changes in awatch(*roots(project), stop_event=stop, step=STEP_MS, debounce=1000, recursive=True):
        previews.changed(affected(project, {Path(path) for _, path in changes}))
        previews.publish({"type": "files"})  # the index and the workbench count again
