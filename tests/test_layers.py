"""The stages import only downwards: read, i18n, render, build, then the commands and the CLI;
a renderer imports nothing from i18n.

Every module's imports are parsed (``ast``: imports inside functions and under
``TYPE_CHECKING`` included) and each must come from the module's own stage, an earlier
one, or a neutral module.  The model is the vocabulary every stage speaks (read makes
it), so it sits under read.  Neutral modules (errors, the language registry, paths,
placeholders, the writer, the fonts data, the one file opener, the names the tool keeps,
the UN's country names) import only each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = "conceptnotes"
NEUTRAL = frozenset({"", "errors", "languages", "project", "placeholders", "writing", "fonts", "read.files",
                     "reserved", "countries"})
# lowest first; a module may import from its own stage and those before it
STAGES = ("model", "read", "i18n", "render", "build", ("serve", "word", "new_note", "new_project", "doctor"), ("cli", "console", "summary"))
# a renderer receives a localized document and never localizes: it imports nothing from i18n
FORBIDDEN = (("render", "i18n"),)


def stage_of(name: str) -> int:
    """The rank of module ``name`` (relative to the package: "i18n.localize"); 0: neutral."""
    if name in NEUTRAL:
        return 0
    top = name.split(".")[0]
    for rank, stage in enumerate(STAGES, start=1):
        if top == stage or top in stage:
            return rank
    raise AssertionError(f"module {name!r} is in no stage: add it to STAGES or NEUTRAL")


def module_name(path: Path, package_dir: Path) -> str:
    parts = path.relative_to(package_dir).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, name: str) -> list[tuple[int, str]]:
    """``(line, module)`` of each module of the package that ``path`` (module ``name``) imports."""
    found = []
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's own package
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join([PACKAGE, *base, *([node.module] if node.module else [])]).rstrip(".")
            else:
                module = node.module or ""
            # "from conceptnotes import fonts" imports the module conceptnotes.fonts
            targets = [f"{module}.{alias.name}" for alias in node.names] if module == PACKAGE else [module]
        else:
            continue
        for target in targets:
            if target == PACKAGE or target.startswith(PACKAGE + "."):
                found.append((node.lineno, target.removeprefix(PACKAGE).lstrip(".")))
    return found


def violations(package_dir: Path) -> list[str]:
    """``path:line: module imports target`` for each import from a later stage (or, in a
    neutral module, from any stage), and each :data:`FORBIDDEN` one."""
    found = []
    for path in sorted(package_dir.rglob("*.py")):
        name = module_name(path, package_dir)
        rank = stage_of(name)
        for line, target in imported(path, name):
            if target == "__version__":
                continue
            module = _module(target, package_dir)
            target_rank = stage_of(module)
            forbidden = (name.split(".")[0], module.split(".")[0]) in FORBIDDEN
            if target_rank > rank or (rank == 0 and target_rank != 0) or forbidden:
                found.append(f"{path.relative_to(package_dir.parent)}:{line}: {name} imports {target}")
    return found


def _module(target: str, package_dir: Path) -> str:
    """``target`` as a module of the package: "model.Note" (a name from a package) is "model"."""
    parts = target.split(".")
    while parts and not ((package_dir.joinpath(*parts).with_suffix(".py")).is_file()
                         or (package_dir.joinpath(*parts) / "__init__.py").is_file()):
        parts.pop()
    return ".".join(parts)


def test_no_module_imports_from_a_later_stage():
    assert violations(ROOT / PACKAGE) == []


def test_every_module_is_in_a_stage():
    for path in (ROOT / PACKAGE).rglob("*.py"):
        stage_of(module_name(path, ROOT / PACKAGE))  # raises for a module in none


def test_an_import_back_up_the_stages_is_found(tmp_path):
    """The check can fail: i18n importing the build's writer (as it once did), a renderer
    importing i18n, a neutral module importing a stage; relative and aliased forms too."""
    package = tmp_path / PACKAGE
    files = {
        "__init__.py": "",
        "errors.py": "from conceptnotes.model import nodes\n",
        "model/__init__.py": "",
        "model/nodes.py": "from conceptnotes import errors\n",
        "i18n/__init__.py": "",
        "i18n/commands.py": "from conceptnotes.build.output import write_atomic\nfrom conceptnotes import model as m\n",
        "render/__init__.py": "",
        "render/html.py": "def f():\n    from ..i18n import commands\n    from conceptnotes import i18n\n"
                          "from conceptnotes.model import nodes\n",
        "build/__init__.py": "",
        "build/output.py": "from conceptnotes.render import html\nimport conceptnotes.i18n.commands\n",
    }
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    assert violations(package) == [
        "conceptnotes/errors.py:1: errors imports model",
        "conceptnotes/i18n/commands.py:1: i18n.commands imports build.output",
        "conceptnotes/render/html.py:2: render.html imports i18n",
        "conceptnotes/render/html.py:3: render.html imports i18n",
    ]
