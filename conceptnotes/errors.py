"""The exceptions of expected problems, under one root, and the collector of many.

Every expected problem (one a user can fix, or a command called the wrong way) is a
:class:`ConceptnotesError`; any other exception is a bug.  A problem in an input names
the file and the 1-based line it comes from and is printed compiler-style,
``path:line: message``, by the CLI, which alone picks the exit status from the class.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def display_path(path: Path | str) -> str:
    """Path as a user should read it: relative to the working folder when inside it."""
    path = Path(path)
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)
    return str(path)


def excerpt(value: object, limit: int = 60) -> str:
    """A value as a message quotes it: whole when short, else its start and '…' (a huge
    title or number is never printed whole)."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an input file; ``line`` is 1-based, 0 when it is the whole file."""

    path: str
    line: int
    message: str
    column: int = 0
    warning: bool = False

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        prefix = "warning: " if self.warning else ""
        return f"{where}: {prefix}{self.message}"


class ConceptnotesError(Exception):
    """The root of every expected error: one a user can fix, never a bug."""


class NoteError(ConceptnotesError):
    """Problems in the inputs that stop a build; carries every one of them."""

    def __init__(self, problems: list[Problem] | Problem, summary: str = "") -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        # the closing line the CLI prints; by default "failed: N problems; nothing was written"
        self.summary = summary
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, path: Path | str, line: int, message: str, column: int = 0) -> NoteError:
        return cls(Problem(str(path), line, message, column))


class UsageError(ConceptnotesError):
    """A mistake in how the command (or a request to the server) was called, or a tool it
    needs is missing (exit status 2)."""


class BuildLocked(ConceptnotesError):
    """Another build holds the output folder (exit status 1)."""


class SystemMissing(ConceptnotesError):
    """A system package the build needs is missing from this machine, said with the command
    that installs it (exit status 1)."""


class BuildStopped(ConceptnotesError):
    """A build stopped by an interruption (``cause`` a KeyboardInterrupt) or an error while
    writing (an OSError), with what it left in its output folder, as checked there:
    ``build.output.UNCHANGED``, ``PENDING_STATE`` or ``UPDATED``."""

    def __init__(self, cause: BaseException, left: str, out: Path) -> None:
        self.cause = cause
        self.left = left
        self.out = out
        super().__init__(f"{cause!r}: outputs {left}")


class Problems(list):
    """Problems in the order found: the one result shape of every check (a list of
    :class:`Problem`), which also collects them while a stage goes on, so that all are
    reported, not the first."""

    def add(self, path: Path | str, line: int, message: str, *, warning: bool = False) -> None:
        self.append(Problem(str(path), line, message, warning=warning))

    def __add__(self, other: list[Problem]) -> Problems:  # type: ignore[override]
        return Problems([*self, *other])

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if p.warning]

    def raise_if_errors(self, summary: str = "") -> None:
        if self.errors:
            raise NoteError(self.errors, summary)
