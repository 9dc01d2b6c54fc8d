"""Speed and memory of the build, measured on a copy of the sample project.

    .venv/bin/python bench/bench.py [--runs 3]

Prints, for each scenario, the wall time (best of the runs) and the peak memory of the
build process, and checks them against the targets below; exits 1 when one is missed.
Targets live here, not in the tests (a loaded CI machine must not fail a test).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {  # scenario: (seconds, MB)
    "official build, 12 documents, 2 jobs": (30.0, 1500),
    "no-op rebuild": (1.0, 200),
    "one French catalog entry changed": (5.0, 800),
    "one paragraph of the English source changed (DOCX only)": (5.0, 400),
}


def run(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time and peak resident memory (MB) of one build, its worker processes included."""
    command = [sys.executable, "-c", MEASURE, sys.executable, str(ROOT / "build.py"), *args]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build failed: {' '.join(args)}\n{result.stderr}")
    return seconds, float(result.stdout.strip().splitlines()[-1]) / 1024


# A fresh parent per build, so that RUSAGE_CHILDREN is this build's alone.
MEASURE = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
    "sys.stderr.write(r.stderr.decode())\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(r.returncode)\n"
)


def project(where: Path) -> Path:
    shutil.copytree(ROOT / "content" / "malaga-2022", where / "content" / "malaga-2022")
    shutil.copytree(ROOT / "locales", where / "locales")
    return where


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    results: dict[str, tuple[float, float]] = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            where = project(Path(tmp))
            note = where / "content" / "malaga-2022" / "note.md"
            po = where / "locales" / "fr" / "LC_MESSAGES" / "malaga-2022.po"
            measured = {
                "official build, 12 documents, 2 jobs": run(["official", "--jobs", "2"], where),
                "no-op rebuild": run(["official"], where),
            }
            run(["build"], where)
            po.write_text(po.read_text().replace('msgstr "Objectifs"', 'msgstr "Objectifs de la Conférence"'))
            measured["one French catalog entry changed"] = run(["build"], where)
            note.write_text(note.read_text().replace("through its website", "through its official website"))
            measured["one paragraph of the English source changed (DOCX only)"] = run(
                ["build", "--format", "docx"], where)
            for name, (seconds, mb) in measured.items():
                best = results.get(name, (float("inf"), 0.0))
                results[name] = (min(best[0], seconds), max(best[1], mb))
    missed = 0
    print(f"{'scenario':<60} {'seconds':>8} {'target':>7} {'peak MB':>8} {'target':>7}")
    for name, (seconds, mb) in results.items():
        limit_s, limit_mb = TARGETS[name]
        ok = seconds <= limit_s and mb <= limit_mb
        missed += not ok
        print(f"{name:<60} {seconds:>8.2f} {limit_s:>7.1f} {mb:>8.0f} {limit_mb:>7} {'' if ok else 'MISSED'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
