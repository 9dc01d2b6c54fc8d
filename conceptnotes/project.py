"""Where things are: one object for a project's folders, passed to the stages that need them.

A *project* is a folder with ``content/<note-id>/note.md`` and, beside it, ``locales/``
(and optionally ``templates/``).  The build reads only there and writes only to the
output folder and the cache; the other commands write only into the project.  What a
project does not have itself, it reads from the tool (and never writes there): the
concept-note templates, and the catalogs of the templates' labels
(``i18n.catalogs.label_catalog``).  Its catalogs are always its own ``locales/``, made
when a command first writes one.  Every path the pipeline uses is derived here, and nowhere else.

The tool's own files are those of its checkout (``templates/``, ``locales/``, ``babel.cfg``,
``requirements.txt`` beside the package), or, in an installed tool (``pip install``), the
copy of them that the build of the package put into it (``conceptnotes/builtin/``, see
``setup.py``), laid out as in the checkout.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# The tool's files (templates, label catalogs, babel.cfg, requirements.txt): in an installed
# package its own copy of them (setup.py makes it), else the checkout the package runs from.
INSTALLED_COPY = PACKAGE_DIR / "builtin"
INSTALLED = INSTALLED_COPY.is_dir()
TOOL_ROOT = INSTALLED_COPY if INSTALLED else PACKAGE_DIR.parent
# The sample project (content/malaga-2022 and its catalogs), which 'init --sample' copies.
SAMPLE_ROOT = INSTALLED_COPY / "sample" if INSTALLED else TOOL_ROOT
SAMPLE_NOTE = "malaga-2022"
DATA_DIR = PACKAGE_DIR / "data"  # fonts.json, date_ranges.json, country_names.json
TEMPLATE_NAME = "concept-note"
BUILTIN_TEMPLATES = TOOL_ROOT / "templates" / TEMPLATE_NAME
BUILTIN_LOCALES = TOOL_ROOT / "locales"  # the labels' catalogs a project without its own reads
BABEL_CFG = TOOL_ROOT / "babel.cfg"  # where the templates' labels are extracted from
REQUIREMENTS = TOOL_ROOT / "requirements.txt"  # the pinned Python packages (doctor compares)
NOTE_FILE = "note.md"
# The command as the README and docs/cli.md run it from a checkout, for messages that name one;
# the installed console command (pyproject.toml) is CONSOLE_COMMAND.
COMMAND = ".venv/bin/python build.py"
CONSOLE_COMMAND = "conceptnotes"


def _console() -> bool:
    """Whether this process is the installed console command (``conceptnotes``), not build.py."""
    return Path(sys.argv[0] if sys.argv else "").stem == CONSOLE_COMMAND


def program() -> str:
    """The command the user ran, as messages name it: ``conceptnotes`` when run as the
    installed console command, else ``.venv/bin/python build.py``."""
    return CONSOLE_COMMAND if _console() else COMMAND


def program_name() -> str:
    """The command's short name, as its usage and a few messages give it: ``build.py`` or ``conceptnotes``."""
    return CONSOLE_COMMAND if _console() else "build.py"


def command(words: str) -> str:
    """A command to run, as a message names it: ``'.venv/bin/python build.py i18n update'``
    (``'conceptnotes i18n update'`` from the console command)."""
    return f"'{program()} {words}'"


def read_data(name: str) -> dict:
    """One of conceptnotes' own data files (``data/<name>``), parsed."""
    import json

    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def package_version(name: str) -> str:
    """The installed version of a Python distribution, read from the name of its
    ``<name>-<version>.dist-info`` folder (as :mod:`importlib.metadata` finds it, without
    importing that module and its e-mail parser: a fifth of a no-op build's time)."""
    wanted = _normalized(name)
    for entry in sys.path:
        for folder in _dist_infos(entry or "."):
            distribution, _, version = folder.removesuffix(".dist-info").partition("-")
            if _normalized(distribution) == wanted:
                return version
    from importlib import metadata

    return metadata.version(name)


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@cache
def _dist_infos(folder: str) -> tuple[str, ...]:
    try:
        return tuple(sorted(n for n in os.listdir(folder) if n.endswith(".dist-info")))
    except OSError:
        return ()


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/conceptnotes`` (``~/.cache/conceptnotes``): written by builds, and by the
    translators' commands and workbench for the translation memory's index (``i18n/memory``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "conceptnotes"


@dataclass(frozen=True)
class Project:
    """The folders of one project; ``root`` is the folder that holds ``content/``."""

    root: Path
    content: Path
    locales: Path
    templates: Path  # the template folder: note.html.j2, note.css, reference.docx
    output: Path

    @classmethod
    def at(cls, root: Path, output: Path | None = None) -> Project:
        """The project in ``root`` (relative paths stay relative, as the user wrote them)."""
        templates = root / "templates" / TEMPLATE_NAME
        return cls(
            root=root,
            content=root / "content",
            locales=root / "locales",
            templates=templates if (templates / "note.html.j2").is_file() else BUILTIN_TEMPLATES,
            output=output if output is not None else root / "output",
        )

    @classmethod
    def working(cls) -> Project:
        """The project in the folder the command runs in (``content/``, ``output/``)."""
        return cls.at(Path("."))

    @classmethod
    def of_note(cls, folder: Path) -> Project:
        """The project a note folder (``<root>/content/<note-id>``) belongs to."""
        return cls.at(Path(os.path.abspath(folder)).parent.parent)  # not through a link: the build refuses one

    def relative(self, path: Path) -> str:
        """``path`` as the project's own files name it: from its root (``content/x/note.md``),
        whatever folder a command runs in; a path outside the project as it is."""
        resolved, root = path.resolve(), self.root.resolve()
        return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else path.as_posix()

    def note_folders(self) -> list[Path]:
        """Every note folder directly under ``content/``, sorted by id."""
        if not self.content.is_dir():
            return []
        return sorted(p for p in self.content.iterdir() if os.path.lexists(p / NOTE_FILE))

    def sources(self) -> list[tuple[Path, str]]:
        """The project's source folders, each with what lives there: an output folder may
        neither be inside one nor contain one (see ``build.pipeline.validate_options``)."""
        return [
            (self.content.resolve(), "where notes live"),
            (self.locales.resolve(), "where the catalogs live"),
            (self.templates.resolve(), "where the templates live"),
        ]
