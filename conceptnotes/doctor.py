"""``build.py doctor``: what this machine has of what a build needs, and how to fix the rest.

:func:`diagnose` only looks and returns :class:`Finding` s; the CLI prints them and
exits 1 when one that a build needs (``required``) is not ok.  What only the tests or
the preview use is a note.  The system packages and pins named here are those of the
Makefile (``RUNTIME_DEBS``) and ``conceptnotes/data/fonts.json``; the Python pins are
``requirements.txt``: the checkout's, or the copy an installed tool holds (``project.REQUIREMENTS``),
never a checkout's the command happens to run in.  The fixes name ``make`` only where there
is a checkout to run it in.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from conceptnotes import fonts, languages
from conceptnotes.build.validate import PANGO_PACKAGES
from conceptnotes.project import INSTALLED, REQUIREMENTS, Project, cache_root, package_version


@dataclass(frozen=True)
class Finding:
    name: str  # what was checked: "Pango", "font Noto Serif CJK SC", "python weasyprint"
    ok: bool
    detail: str  # what was found, in words
    fix: str = ""  # the command that fixes it, when not ok
    required: bool = True  # a build needs it (else the tests or the preview do)


def apt_install(*packages: str) -> str:
    """The command that installs Debian ``packages``: with sudo unless run as root."""
    sudo = "" if os.geteuid() == 0 else "sudo "
    return f"{sudo}apt-get install {' '.join(packages)}{'' if INSTALLED else ' (or make)'}"


def diagnose(project: Project) -> list[Finding]:
    """Every check, in the order the CLI prints them."""
    return [
        *text_libraries(),
        *font_findings(),
        *tool_findings(),
        *python_findings(),
        writable("output folder", project.output, "build with --out DIR, a folder you can write"),
        writable("cache folder", cache_root(), "set XDG_CACHE_HOME to a folder you can write"),
    ]


# Pango and HarfBuzz ------------------------------------------------------------------------------


def text_libraries() -> list[Finding]:
    """Pango and HarfBuzz, as WeasyPrint loads them, and HarfBuzz's subsetter."""
    pango_fix = apt_install(*PANGO_PACKAGES)
    try:
        with warnings.catch_warnings():  # WeasyPrint warns when the subsetter is missing: said below
            warnings.simplefilter("ignore")
            from conceptnotes.render.engine import weasyprint

            weasyprint()
            from weasyprint.text import ffi
    except (OSError, ImportError) as exc:
        return [Finding("Pango", False, f"WeasyPrint cannot load Pango: {exc}", pango_fix)]
    number = ffi.pango.pango_version()
    found = [Finding("Pango", True, f"{number // 10000}.{number // 100 % 100}.{number % 100}")]
    harfbuzz = _library_version("harfbuzz", "libharfbuzz.so.0")
    found.append(Finding("HarfBuzz", harfbuzz is not None, harfbuzz or "libharfbuzz is not found",
                         apt_install("libharfbuzz0b")))
    subset = subsetter_library()
    found.append(
        Finding("HarfBuzz subsetter", subset is not None,
                f"{subset} (fonts are subset in a fraction of a second)" if subset else
                "libharfbuzz-subset0 is missing: a Chinese PDF takes about 10 s instead of 0.4 s",
                apt_install("libharfbuzz-subset0"))
    )
    return found


def subsetter_library() -> str | None:
    """The file name of HarfBuzz's subsetting library, when the system has it."""
    return ctypes.util.find_library("harfbuzz-subset")


def _library_version(name: str, fallback: str) -> str | None:
    try:
        library = ctypes.CDLL(ctypes.util.find_library(name) or fallback)
    except OSError:
        return None
    library.hb_version_string.restype = ctypes.c_char_p
    return library.hb_version_string().decode()


# Fonts -------------------------------------------------------------------------------------------

# A few characters of each script (ISO 15924, as languages.py names them): a face
# "covers" a script when it has them all.
SCRIPTS = {
    "Latn": ("Latin", "AaÉéŁß"),
    "Cyrl": ("Cyrillic", "АЖжЯя"),
    "Grek": ("Greek", "ΑΩαω"),
    "Arab": ("Arabic", "ابجءة"),
    "Hans": ("Han", "中文国际"),
}
# The Debian package of each family (versions: fonts.json's "packages", the Makefile's pins).
FONT_PACKAGES = {
    "Liberation Serif": "fonts-liberation2",
    "Noto Naskh Arabic": "fonts-noto-core",
    "Noto Serif CJK SC": "fonts-noto-cjk",
    "Noto Sans CJK SC": "fonts-noto-cjk",
}


def debian_version(package: str) -> str | None:
    """The installed version of a Debian package; None when it is not installed, '' when
    there is no dpkg to ask (not Debian)."""
    if shutil.which("dpkg-query") is None:
        return ""
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status} ${Version}", package],
                            capture_output=True, text=True)
    status = result.stdout.strip()
    if result.returncode or not status.startswith("install ok installed "):
        return None
    return status.removeprefix("install ok installed ")


def font_findings() -> list[Finding]:
    """One finding per configured family: its faces' files, the scripts it covers, its package."""
    config = fonts.font_set()
    used_by: dict[str, list[str]] = {}
    for lang, spec in config["languages"].items():
        for family in spec["pdf"] + spec.get("emphasis", []):
            used_by.setdefault(family, []).append(lang)
    found = []
    for family in config["families"]:
        package = FONT_PACKAGES.get(family, "")
        pin = config["packages"].get(package, "")
        install = apt_install(f"{package}={pin}" if pin else package) if package else _reinstall()
        faces = fonts.family_faces(family)
        missing = sorted({str(face.source) for face in faces if not face.source.is_file()})
        from_package = f" (Debian package {package})" if package else ""
        if missing:
            found.append(Finding(f"font {family}", False, f"missing {', '.join(missing)}{from_package}", install))
            continue
        try:
            points = fonts.cmap(faces[0].source, faces[0].index) if faces else frozenset()
        except Exception as exc:  # a damaged file: HarfBuzz's own error, whatever it is
            found.append(Finding(f"font {family}", False, f"cannot read {faces[0].source}: {exc}", install))
            continue
        scripts = [name for name, sample in SCRIPTS.values() if all(ord(c) in points for c in sample)]
        # the script of each language whose body text this family shows (its first family)
        needed = {SCRIPTS[languages.get(lang).script][0] for lang in used_by.get(family, [])
                  if config["languages"][lang]["pdf"][0] == family}
        lacking = sorted(needed - set(scripts))
        version = debian_version(package) if package else ""
        files = len({(face.source, face.index) for face in faces})
        detail = (f"{files} font file{'s' if files != 1 else ''}, covers {', '.join(scripts) or 'no script tested'};"
                  f" for {', '.join(used_by.get(family, [])) or 'no language'}{from_package}")
        if lacking:
            found.append(Finding(f"font {family}", False, f"{detail}; lacks {', '.join(lacking)}", install))
        elif version is None or (version and pin and version != pin):
            said = "not installed from it" if version is None else f"{version}, pinned to {pin}"
            found.append(Finding(f"font {family}", False, f"{detail}: {package} is {said}", install))
        else:
            found.append(Finding(f"font {family}", True, detail))
    return found


# Programs ----------------------------------------------------------------------------------------

# (program, what it is for, Debian package, fix, needed by a build)
TOOLS = (
    ("msgfmt", "checks the catalogs", "gettext", None, True),
    ("pdftoppm", "draws the preview's pages (serve)", "poppler-utils", "make serve", False),
    ("pdftotext", "finds the words under a PDF's comments (review import FILE.pdf)", "poppler-utils", "make serve",
     False),
    ("soffice", "LibreOffice, which the tests open the DOCX with", "libreoffice-writer-nogui", "make test", False),
    ("chromium", "the browser the preview's tests drive", "chromium", "make test", False),
)


def tool_findings() -> list[Finding]:
    found = []
    for program, purpose, package, make, required in TOOLS:
        where = shutil.which(program)
        fix = apt_install(package).removesuffix(" (or make)") + ("" if INSTALLED else f" (or {make or 'make'})")
        detail = f"{where}: {purpose}" if where else f"{program} is missing ({package}): {purpose}"
        found.append(Finding(program, where is not None, detail, fix, required))
    return found


# Python packages ---------------------------------------------------------------------------------


def pins(requirements: Path = REQUIREMENTS) -> list[tuple[str, str]]:
    """(name, version) of each ``name==version`` line of a requirements file."""
    found = []
    for line in requirements.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\s*([A-Za-z0-9._-]+)\s*==\s*([^\s;#]+).*", line)
        if match:
            found.append((match.group(1), match.group(2)))
    return found


def installed_version(name: str) -> str | None:
    """The installed version of a Python distribution; None when it is not installed."""
    from importlib.metadata import PackageNotFoundError

    try:
        return package_version(name)
    except PackageNotFoundError:
        return None


def python_findings(requirements: Path = REQUIREMENTS) -> list[Finding]:
    """One finding for the pins that hold, one per pin that does not."""
    fix = _reinstall() if INSTALLED else ".venv/bin/pip install -r requirements.txt (or make)"
    wrong = []
    wanted = pins(requirements)
    for name, pin in wanted:
        have = installed_version(name)
        if have != pin:
            said = "not installed" if have is None else f"{have} installed"
            wrong.append(Finding(f"python {name}", False, f"{said}; {_pinned_by()} pins {pin}", fix))
    if wrong:
        return wrong
    return [Finding("python packages", True, f"the {len(wanted)} pins of {_pinned_by()} are installed")]


def _pinned_by() -> str:
    """What holds the pins, as the findings name it."""
    return f"conceptnotes' requirements.txt ({REQUIREMENTS})" if INSTALLED else "requirements.txt"


def _reinstall() -> str:
    """The command that installs the pinned Python packages: ``make`` in a checkout; into an
    installed tool's own environment, from the requirements it holds."""
    return f"{sys.executable} -m pip install -r {REQUIREMENTS}" if INSTALLED else "make"


# Folders -----------------------------------------------------------------------------------------


def writable(name: str, folder: Path, fix: str) -> Finding:
    """Whether a build can write in ``folder``, or create it: a file is made there and
    removed (the permission bits say nothing to root)."""
    target = folder
    while not target.exists() and target != target.parent:
        target = target.parent
    shown = str(folder)
    if not target.is_dir():
        return Finding(name, False, f"{shown}: {target} is a file, not a folder", fix)
    try:
        with tempfile.TemporaryFile(dir=target):
            pass
    except OSError as exc:
        return Finding(name, False, f"{shown}: cannot write in {target} ({exc.strerror})", fix)
    if target == folder:
        return Finding(name, True, f"{shown} is writable")
    return Finding(name, True, f"{shown} does not exist yet; {target} is writable")
