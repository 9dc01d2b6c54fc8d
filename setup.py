"""The build of the package (pyproject.toml has everything else): the tool's own files copied into it.

This repository keeps its layout: ``templates/``, ``locales/``, ``babel.cfg`` and
``requirements.txt`` at the top, beside the package, where ``build.py`` and the tests read
them.  An installed package has no such checkout around it, so building it copies them
into the package as ``conceptnotes/builtin/`` (laid out as in the checkout), which
``conceptnotes.project`` reads when it is there:

- ``templates/`` (every file);
- ``locales/<lang>/LC_MESSAGES/messages.po``: the catalogs of the templates' labels only,
  not those of the sample note;
- ``babel.cfg`` (where the labels are extracted from) and ``requirements.txt`` (the pins
  ``conceptnotes doctor`` compares with what is installed);
- ``sample/``: the sample note ``content/malaga-2022/`` and its catalogs, which
  ``conceptnotes init --sample`` copies into a new project.

An editable install (``pip install -e .``) runs from the checkout and copies nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SAMPLE = "malaga-2022"


def builtin_files() -> dict[str, Path]:
    """Each file of ``conceptnotes/builtin/``, by its path there, with its source in the checkout."""
    files = {}
    for path in sorted((HERE / "templates").rglob("*")):
        if path.is_file():
            files[path.relative_to(HERE).as_posix()] = path
    for path in sorted((HERE / "locales").glob("*/LC_MESSAGES/messages.po")):
        files[path.relative_to(HERE).as_posix()] = path
    for name in ("babel.cfg", "requirements.txt"):
        files[name] = HERE / name
    sample = [*sorted((HERE / "content" / SAMPLE).rglob("*")), HERE / "locales" / f"{SAMPLE}.pot",
              *sorted((HERE / "locales").glob(f"*/LC_MESSAGES/{SAMPLE}.po"))]
    for path in sample:
        if path.is_file():
            files["sample/" + path.relative_to(HERE).as_posix()] = path
    return files


class BuildWithBuiltins(build_py):
    """``build_py``, then the tool's files copied into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "conceptnotes" / "builtin"
        if target.exists():
            shutil.rmtree(target)
        for name, source in builtin_files().items():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / name)


setup(cmdclass={"build_py": BuildWithBuiltins})
