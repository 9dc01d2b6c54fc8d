"""Time and memory of a build on large or hostile notes: each finishes or is refused, in seconds.

    .venv/bin/python bench/hostile.py [--only NAME] [--keep DIR] [--timeout 600]

Each input below is written into a fresh project and built as a user would, in a
subprocess: ``build.py build --lang L --format pdf,docx --jobs 1``.  A build that
refuses its input (exit 1, ``path:line: message``) is an answer too, as long as it
comes in time.  Prints the wall time and peak memory of each against the budgets and
exits 1 when one is missed.  Budgets live here, not in the tests (a loaded CI machine
must not fail a test).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 30.0
BUDGET_MB = 500

FRONT = """\
---
title: Hostile Input Workshop
languages: [en, fr]
event:
  start: 2022-05-10
  end: 2022-05-11
  city: Geneva
  country: CH
---
"""
WORDS = "the workshop meets in Geneva to discuss human rights and the rule of law"


def table(rows: int, columns: int = 20) -> str:
    header = "| " + " | ".join(f"Column {c}" for c in range(columns)) + " |"
    rule = "|" + "---|" * columns
    body = ["| " + " | ".join(f"r{r}c{c}" for c in range(columns)) + " |" for r in range(rows)]
    return "# Table\n\n" + "\n".join([header, rule, *body]) + "\n"


def footnotes(count: int) -> str:
    calls = "\n\n".join(f"Paragraph {n} of the note.[^n{n}]" for n in range(count))
    texts = "\n\n".join(f"[^n{n}]: Footnote {n}." for n in range(count))
    return f"# Notes\n\n{calls}\n\n{texts}\n"


def headings(count: int) -> str:
    return "".join("## Session\n\nText.\n\n" for _ in range(count))


def paragraphs(count: int, lines: int = 1) -> str:
    """``count`` paragraphs of one letter per line: the same text again and again."""
    paragraph = "\n".join("ab"[n % 2] for n in range(lines))
    return "# Text\n\n" + "\n\n".join([paragraph] * count) + "\n"


def links(count: int) -> str:
    return "# Links\n\n" + "\n\n".join(f"See [the site](https://www.un.org/{n})." for n in range(count)) + "\n"


def long_paragraphs(count: int, chars: int) -> str:
    words = (WORDS + " ") * (chars // (len(WORDS) + 1))
    return "# Text\n\n" + "\n\n".join(f"{n} {words}".strip() for n in range(count)) + "\n"


def large_msgstr(megabytes: float) -> tuple[str, str]:
    """A short note, and a French catalog whose one entry's translation is ``megabytes`` long."""
    words = (WORDS + " ") * int(megabytes * 1_000_000 / (len(WORDS) + 1))
    lines = [f'"{words[i:i + 70]}"' for i in range(0, len(words), 70)]
    po = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n"Language: fr\\n"\n\n'
        'msgid "Introduction"\nmsgstr ""\n' + "\n".join(lines) + "\n"
    )
    return "# Introduction\n\nText.\n", po


# name: (what it is, the note's body, or (body, French catalog or None: French without one))
INPUTS: dict[str, tuple[str, Callable[[], str | tuple[str, str | None]]]] = {
    "table-40x20": ("a 40 x 20 table (7 kB)", lambda: table(40)),
    "table-1000x20": ("a 1,000 x 20 table", lambda: table(1000)),
    "footnotes-3000": ("3,000 footnotes", lambda: footnotes(3000)),
    "footnotes-20000": ("20,000 footnotes", lambda: footnotes(20_000)),
    "headings-20000": ("20,000 headings with the same text", lambda: headings(20_000)),
    "msgstr-4.5MB": ("one msgstr of 4.5 MB (French)", lambda: large_msgstr(4.5)),
    "paragraphs-16000x2": ("16,000 two-line paragraphs", lambda: paragraphs(16_000, 2)),
    "links-20000": ("20,000 links", lambda: links(20_000)),
    "paragraphs-150000": ("150,000 paragraphs", lambda: paragraphs(150_000)),
    # At the limits of read/limits.py: these must build within the budgets.
    "limit-paragraphs": ("2,999 two-line paragraphs (3,000 blocks)", lambda: paragraphs(2_999, 2)),
    "limit-table": ("a 148 x 20 table (2,980 cells)", lambda: table(148)),
    "limit-footnotes": ("500 footnotes", lambda: footnotes(500)),
    "limit-headings": ("1,500 headings with the same text", lambda: headings(1_500)),
    "limit-links": ("2,999 links", lambda: links(2_999)),
    "limit-characters": ("19 paragraphs of 20,000 characters", lambda: long_paragraphs(19, 20_000)),
    "limit-untranslated": ("2,999 paragraphs, French, untranslated", lambda: (paragraphs(2_999, 2), None)),
}


def write_project(where: Path, name: str) -> str:
    """The project of input ``name`` in ``where``; the language to build."""
    made = INPUTS[name][1]()
    body, po = made if isinstance(made, tuple) else (made, "")
    note = where / "content" / "t" / "note.md"
    note.parent.mkdir(parents=True)
    note.write_text(FRONT + body, encoding="utf-8")
    shutil.copytree(ROOT / "locales" / "fr", where / "locales" / "fr", ignore=shutil.ignore_patterns("malaga-*"))
    if po == "":
        return "en"
    if po is not None:
        (where / "locales" / "fr" / "LC_MESSAGES" / "t.po").write_text(po, encoding="utf-8")
    return "fr"


# A fresh parent per build, so that RUSAGE_CHILDREN is this build's alone.
MEASURE = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[2:], capture_output=True, timeout=float(sys.argv[1]))\n"
    "sys.stderr.write(r.stderr.decode())\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(r.returncode)\n"
)


def run(where: Path, lang: str, timeout: float) -> tuple[float, float, int, str]:
    """Wall time, peak resident memory (MB), exit status and first line of stderr of one build."""
    build = [sys.executable, str(ROOT / "build.py"), "build", "--lang", lang, "--format", "pdf,docx", "--jobs", "1"]
    command = [sys.executable, "-c", MEASURE, str(timeout), *build]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=where, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    lines = result.stderr.strip().splitlines()
    if "TimeoutExpired" in result.stderr:
        return seconds, float("nan"), -1, f"no answer in {timeout:.0f} s"
    said = next((line for line in lines if ": " in line and not line.startswith(" ")), lines[0] if lines else "")
    return seconds, float(result.stdout.strip().splitlines()[-1]) / 1024, result.returncode, said


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(INPUTS), help="run only this input (repeatable)")
    parser.add_argument("--keep", type=Path, help="write the projects here (one folder per input) and keep them")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a build is given up")
    args = parser.parse_args()
    missed = 0
    print(f"{'input':<38} {'seconds':>8} {'budget':>7} {'peak MB':>8} {'budget':>7} {'exit':>5}  result")
    for name in args.only or INPUTS:
        with tempfile.TemporaryDirectory() as tmp:
            where = (args.keep or Path(tmp)) / name
            if where.exists():
                shutil.rmtree(where)
            lang = write_project(where, name)
            seconds, mb, code, said = run(where, lang, args.timeout)
        ok = code in (0, 1) and seconds <= BUDGET_SECONDS and mb <= BUDGET_MB
        missed += not ok
        outcome = "built" if code == 0 else said[:90]
        print(f"{INPUTS[name][0]:<38} {seconds:>8.1f} {BUDGET_SECONDS:>7.0f} {mb:>8.0f} {BUDGET_MB:>7} {code:>5}  "
              f"{'pass' if ok else 'FAIL'}: {outcome}", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
