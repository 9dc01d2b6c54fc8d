"""Speed, size and memory of the build, side by side with the tools users would pick instead.

    make bench                      (installs pandoc, then runs this)
    .venv/bin/python bench/bench.py [--runs 3] [--json bench/results.json]
    .venv/bin/python bench/bench.py --memory-only [--runs 3]   (the translation memory alone)
    .venv/bin/python bench/bench.py --scale-only                (20 copies of the sample, once)

Each case is run in fresh processes, the project's run and its peers' interleaved, ``--runs``
times; it prints the median wall time and the peak resident memory of each, then every target
(issues 11 and 25) as a ratio in the same run, and exits 1 when one is missed.  Only ratios are
targets: on a shared machine absolute times move together.  The peers are Pandoc
(``--pdf-engine=weasyprint``, and to DOCX) and WeasyPrint alone on the project's own HTML with
the same options (``pdf/ua-1``, tags); a peer that is not installed is reported, its targets
unmeasured (and the run fails).  Targets live here, never in the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import cases  # noqa: E402

BUILD = str(cases.ROOT / "build.py")
BIN = Path(sys.executable).parent

# A fresh parent per command, so that RUSAGE_CHILDREN is this command's alone: its peak is
# that of the largest process it ran (a build's worker, or Pandoc's WeasyPrint); its CPU time
# (user and system) that of every process it ran, which another user's load moves less than
# the wall time.  The wall time is the command's, from its start to its end, taken by that
# parent: timed from outside, it would include the parent's own start (0.03 s, more than half
# of a no-op's time).
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
    "seconds = time.perf_counter() - started\n"
    "sys.stderr.write(r.stderr.decode(errors='replace'))\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(seconds, u.ru_utime + u.ru_stime, u.ru_maxrss)\n"
    "sys.exit(r.returncode)\n"
)


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds of every process of a run
    peak_mb: float = 0.0
    size: int = 0
    pages: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


class Bench:
    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.samples: dict[str, Sample] = {}
        self.env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
                        XDG_CACHE_HOME=str(scratch / "cache"))

    def run(self, name: str, command: list[str], cwd: Path, *, env: dict | None = None) -> str:
        """Run ``command`` once in a fresh process, recording its time and peak memory under ``name``."""
        result = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=cwd, capture_output=True,
                                text=True, env=env or self.env)
        if result.returncode != 0:
            raise SystemExit(f"{name}: {' '.join(command)} failed in {cwd}\n{result.stderr[-3000:]}")
        sample = self.samples.setdefault(name, Sample())
        seconds, cpu, peak_kb = result.stdout.strip().splitlines()[-1].split()
        sample.seconds.append(float(seconds))
        sample.cpu.append(float(cpu))
        sample.peak_mb = max(sample.peak_mb, float(peak_kb) / 1024)
        return result.stderr

    def build(self, name: str, project: Path, *args: str, env: dict | None = None) -> str:
        return self.run(name, [sys.executable, BUILD, "build", *args], project, env=env)

    def output(self, name: str, path: Path) -> None:
        sample = self.samples[name]
        sample.size = path.stat().st_size
        if path.suffix == ".pdf":
            sample.pages = pdf_pages(path)


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def fresh(bench: Bench, maker: Callable[[Path], Path], label: str) -> Path:
    where = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=bench.scratch))
    return maker(where)


def clear_outputs(project: Path) -> None:
    shutil.rmtree(project / "output", ignore_errors=True)


# ---- the cases: each runs the project and its peers once -------------------------------------------


def case_sample(bench: Bench, peers: Peers) -> None:
    """The sample's 12 documents, cold (no outputs, an empty cache), 2 jobs; then one French
    unit changed; then nothing changed."""
    project = fresh(bench, cases.sample_project, "sample")
    cold = dict(bench.env, XDG_CACHE_HOME=str(project / ".cold-cache"))
    bench.build("sample, 12 documents, cold, 2 jobs", project, "-j", "2", env=cold)
    if peers.pandoc:
        peers.pandoc_all(bench, "Pandoc, the same 12, xargs -P 2")
    before = outputs_of(project)
    po = project / "locales" / "fr" / "LC_MESSAGES" / f"{cases.SAMPLE}.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "Objectifs"', 'msgstr "Objectifs de la Conférence"', 1), encoding="utf-8")
    bench.build("one French unit changed", project, "-j", "2", env=cold)
    changed = sorted(p.name for p, stamp in outputs_of(project).items() if before.get(p) != stamp)
    bench.rebuilt_after_french = changed
    bench.build("no-op rebuild", project, "-j", "2", env=cold)
    bench.run(CHECK, [sys.executable, BUILD, "check"], project, env=cold)
    imports = subprocess.run([sys.executable, "-X", "importtime", BUILD, "build"], cwd=project,
                             capture_output=True, text=True, env=cold).stderr
    bench.noop_imports = sorted({m for m in ("weasyprint", "docx") if f"| {m}\n" in imports or f"| {m}." in imports})


SCALE_COLD, SCALE_NOOP, SCALE_EDIT = ("scale: 20 notes, 240 documents, cold, 2 jobs", "scale: no-op rebuild",
                                      "scale: one paragraph of one note changed")


def case_scale(bench: Bench) -> None:
    """20 copies of the sample (``cases.scale_project``), once: cold (no outputs, an empty
    cache), 2 jobs; then nothing changed; then one paragraph of one note's source changed
    (that note's 12 documents)."""
    project = fresh(bench, cases.scale_project, "scale")
    cold = dict(bench.env, XDG_CACHE_HOME=str(project / ".cold-cache"))
    bench.build(SCALE_COLD, project, "-j", "2", env=cold)
    bench.build(SCALE_NOOP, project, "-j", "2", env=cold)
    note = project / "content" / f"{cases.SAMPLE}-01" / "note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("Strategy, in 2023.", "Strategy, in 2023 (edited).", 1),
                    encoding="utf-8")
    before = outputs_of(project)
    bench.build(SCALE_EDIT, project, "-j", "2", env=cold)
    bench.rebuilt_after_edit = sorted(p.name for p, stamp in outputs_of(project).items() if before.get(p) != stamp)


def outputs_of(project: Path) -> dict[Path, tuple[int, int]]:
    return {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in (project / "output").rglob("*.*")
            if p.suffix in (".pdf", ".docx")}


def case_single(bench: Bench, peers: Peers, warm: Path) -> None:
    """One English and one Chinese PDF of the sample, each from a fresh process, warm cache."""
    for lang, label in (("en", "English"), ("zh", "Chinese")):
        clear_outputs(warm)
        name = f"one {label} PDF, fresh process"
        bench.build(name, warm, "--lang", lang, "--format", "pdf")
        bench.output(name, warm / "output" / cases.SAMPLE / f"{cases.SAMPLE}.{lang}.pdf")
        if peers.pandoc:
            peers.pandoc_one(bench, f"Pandoc+WeasyPrint, {label} PDF", lang, "pdf")
            if lang == "en":
                peers.pandoc_one(bench, PANDOC_EN_UA, lang, "pdf", tagged=True)


def case_long(bench: Bench, peers: Peers, longs: dict[int, Path], html: Path | None) -> None:
    for copies, project in longs.items():
        clear_outputs(project)
        name = f"body x{copies}, PDF"
        bench.build(name, project, "--format", "pdf", "-j", "1")
        bench.output(name, next((project / "output").rglob("*.pdf")))
        if copies == 50:
            bench.build("body x50, DOCX", project, "--format", "docx", "-j", "1")
            if peers.pandoc:
                source = cases.note_of(project)
                peers.pandoc_file(bench, "Pandoc+WeasyPrint, body x50 PDF", source, "pdf")
                peers.pandoc_file(bench, "Pandoc, body x50 DOCX", source, "docx")
            if html is not None:
                peers.weasyprint_alone(bench, "WeasyPrint alone, project's HTML x50", html)


def case_tables(bench: Bench, peers: Peers, tables: dict[int, Path]) -> None:
    for rows, project in tables.items():
        clear_outputs(project)
        bench.build(f"table {rows} rows, DOCX", project, "--format", "docx", "-j", "1")
        if peers.pandoc and rows in (120, 480):
            peers.pandoc_file(bench, f"Pandoc, table {rows} rows DOCX", cases.note_of(project), "docx")


class Peers:
    """Pandoc and WeasyPrint alone, as a user would run them."""

    def __init__(self, scratch: Path, sources: dict[str, Path]) -> None:
        self.pandoc = shutil.which("pandoc")
        self.weasyprint = shutil.which("weasyprint", path=str(BIN))
        self.sources = sources
        self.out = scratch / "peers"
        self.out.mkdir(exist_ok=True)

    def _pandoc(self, source: Path, lang: str, fmt: str, tagged: bool = False) -> list[str]:
        target = self.out / f"{source.stem}.{lang}{'.tagged' if tagged else ''}.{fmt}"
        command = [self.pandoc, str(source), "-o", str(target), "-V", f"lang={lang}"]
        if fmt == "pdf":
            command += ["--pdf-engine=weasyprint", "-V", f"dir={'rtl' if lang == 'ar' else 'ltr'}"]
        if tagged:  # WeasyPrint given the options the build uses: PDF/UA-1, tagged
            command += ["--pdf-engine-opt=--pdf-variant=pdf/ua-1", "--pdf-engine-opt=--pdf-tags"]
        return command

    def pandoc_one(self, bench: Bench, name: str, lang: str, fmt: str, tagged: bool = False) -> None:
        bench.run(name, self._pandoc(self.sources[lang], lang, fmt, tagged), self.out)
        bench.output(name, self.out / f"{lang}.{lang}{'.tagged' if tagged else ''}.{fmt}")

    def pandoc_file(self, bench: Bench, name: str, source: Path, fmt: str) -> None:
        bench.run(name, self._pandoc(source, "en", fmt), self.out)
        bench.output(name, self.out / f"{source.stem}.en.{fmt}")

    def pandoc_all(self, bench: Bench, name: str) -> None:
        """The sample's 12 documents, two Pandoc processes at a time (as the build's 2 jobs)."""
        lines = "".join(" ".join(self._pandoc(self.sources[lang], lang, fmt)) + "\n"
                        for lang in cases.LANGS for fmt in ("pdf", "docx"))
        script = self.out / "all.txt"
        script.write_text(lines, encoding="utf-8")
        bench.run(name, ["sh", "-c", f"xargs -P 2 -L 1 sh -c '\"$0\" \"$@\" 2>/dev/null' < {script}"], self.out)

    def weasyprint_alone(self, bench: Bench, name: str, html: Path) -> None:
        target = self.out / "alone.pdf"
        command = [self.weasyprint, "--pdf-variant", "pdf/ua-1", "--pdf-tags", "-u",
                   (cases.ROOT / "templates" / "concept-note").as_uri() + "/", str(html), str(target)]
        bench.run(name, command, self.out)
        bench.output(name, target)


# ---- targets: ratios in the same run ------------------------------------------------------------------


def case_preview(bench: Bench, edits: int = 5) -> None:
    """The preview server: one paragraph of the sample edited and saved, until the English
    preview has its new pages (the event, then the first page image fetched), as the
    browser sees it; the server started once, its worker warm, as a user has it."""
    import http.client
    import queue
    import threading
    import urllib.request

    project = fresh(bench, cases.sample_project, "preview")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, BUILD, "serve", "--port", str(port)], cwd=project, env=bench.env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/", timeout=5).close()
                break
            except OSError:
                time.sleep(0.1)
        state = json.load(urllib.request.urlopen(f"{base}/api/preview/{cases.SAMPLE}/en", timeout=120))
        events: queue.Queue = queue.Queue()

        def listen() -> None:
            stream = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            stream.request("GET", "/events")
            response = stream.getresponse()
            while True:
                line = response.readline()
                if not line:
                    return
                if line.startswith(b"data: "):
                    events.put(json.loads(line[6:]))

        threading.Thread(target=listen, daemon=True).start()
        time.sleep(0.5)
        note = cases.note_of(project)
        text = note.read_text(encoding="utf-8")
        for edit in range(edits):
            changed = text.replace("Strategy, in 2023.", f"Strategy, in 2023 (edit {edit + 1}).", 1)
            started = time.perf_counter()
            note.write_text(changed, encoding="utf-8")
            while True:
                event = events.get(timeout=120)
                if event.get("type") == "preview" and event["lang"] == "en" and event["version"] > state["version"]:
                    state = event
                    break
            if state["problems"]:
                raise SystemExit(f"preview: {state['problems']}")
            urllib.request.urlopen(f"{base}/preview/{cases.SAMPLE}/en/{state['version']}/{state['pages'][0]}",
                                   timeout=60).read()
            bench.samples.setdefault(PREVIEW, Sample()).seconds.append(time.perf_counter() - started)
            time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(30)


# The translation memory's matching, as `i18n export --xliff` and the workbench do it: the
# project's memory loaded (from its index in the cache, when warm), then the matches of every
# unit of the new note in its five languages.
MATCH = (
    "import sys\n"
    "from pathlib import Path\n"
    "from conceptnotes.i18n import memory\n"
    "from conceptnotes.i18n.units import units\n"
    "from conceptnotes.read.loader import load_note\n"
    "note, _ = load_note(Path('content/new-note'))\n"
    "found = memory.load(Path('locales'))\n"
    "msgids = dict.fromkeys(unit.msgid for unit in units(note))\n"
    "matched = sum(bool(found.matches(m, lang)) for lang in ('ar', 'es', 'fr', 'ru', 'zh') for m in msgids)\n"
    "import time\n"
    "print(f'{len(msgids)} units, {matched} with a match, {time.process_time():.2f} s of CPU', file=sys.stderr)\n"
)
MEMORY_COLD = "memory: new note's matches, 500 notes x 5 langs, cold"
MEMORY_WARM = "memory: new note's matches, index warm"


def case_memory(bench: Bench) -> None:
    """The translation memory of an office's archive (``cases.memory_project``): the matches
    of a new note's units in five languages, with an empty cache (the index made from 2,500
    catalogs), then with the index warm; and ``i18n update`` of the new note, index warm."""
    project = fresh(bench, cases.memory_project, "memory")
    cache = project.parent / f"{project.name}-cache"
    env = dict(bench.env, XDG_CACHE_HOME=str(cache), PYTHONPATH=str(cases.ROOT))
    shutil.rmtree(cache, ignore_errors=True)
    bench.run(MEMORY_COLD, [sys.executable, "-c", MATCH], project, env=env)
    said = bench.run(MEMORY_WARM, [sys.executable, "-c", MATCH], project, env=env)
    bench.memory_said = said.strip().splitlines()[-1]
    bench.run("memory: i18n update of the new note, index warm",
              [sys.executable, BUILD, "i18n", "update", "content/new-note"], project, env=env)


@dataclass(frozen=True)
class Target:
    what: str
    measure: Callable[[Bench], float | None]  # None: not measured (a peer missing)
    limit: float
    unit: str = "x"


def ratio(a: str, b: str, what: str = "median") -> Callable[[Bench], float | None]:
    def measure(bench: Bench) -> float | None:
        x, y = bench.samples.get(a), bench.samples.get(b)
        if x is None or y is None:
            return None
        value = {"median": lambda s: s.median, "size": lambda s: s.size, "peak": lambda s: s.peak_mb,
                 "per page": lambda s: s.median / max(s.pages, 1)}[what]
        return value(x) / value(y)

    return measure


def median(name: str) -> Callable[[Bench], float | None]:
    return lambda bench: bench.samples[name].median if name in bench.samples else None


def peak(name: str) -> Callable[[Bench], float | None]:
    return lambda bench: bench.samples[name].peak_mb if name in bench.samples else None


def only_french(bench: Bench) -> float:
    """Documents rebuilt after one French unit changed that are not French (0 is the target)."""
    changed = bench.rebuilt_after_french
    return float(len([n for n in changed if ".fr." not in n]) + (0 if changed else 99))


COLD = "sample, 12 documents, cold, 2 jobs"
CHECK = "check of the sample"
PANDOC_EN_UA = "Pandoc+WeasyPrint, English PDF, PDF/UA-1 tagged"
PREVIEW = "preview: one paragraph saved -> new English page"
EN, ZH = "one English PDF, fresh process", "one Chinese PDF, fresh process"
TARGETS = [
    Target("cold build of the sample's 12 documents / Pandoc's 12",
           ratio(COLD, "Pandoc, the same 12, xargs -P 2"), 0.6),
    Target("one English PDF, fresh process / Pandoc+WeasyPrint, same PDF/UA options", ratio(EN, PANDOC_EN_UA), 1.0),
    Target("body x50 PDF / Pandoc+WeasyPrint", ratio("body x50, PDF", "Pandoc+WeasyPrint, body x50 PDF"), 0.9),
    Target("body x50 PDF / WeasyPrint alone on the project's HTML",
           ratio("body x50, PDF", "WeasyPrint alone, project's HTML x50"), 1.05),
    Target("body x50 PDF / body x10 PDF (time)", ratio("body x50, PDF", "body x10, PDF"), 5.5),
    Target("body x50 DOCX / Pandoc's DOCX", ratio("body x50, DOCX", "Pandoc, body x50 DOCX"), 2.0),
    Target("480-row table DOCX / 120-row", ratio("table 480 rows, DOCX", "table 120 rows, DOCX"), 4.5),
    Target("480-row table DOCX / Pandoc's", ratio("table 480 rows, DOCX", "Pandoc, table 480 rows DOCX"), 1.2),
    Target("one French unit changed / cold build", ratio("one French unit changed", COLD), 0.25),
    Target("documents other than French rebuilt for a French change", only_french, 0, "docs"),
    Target("no-op rebuild / cold build", ratio("no-op rebuild", COLD), 0.05),
    Target("check of the sample / cold build", ratio(CHECK, COLD), 0.1),
    Target("scale: no-op rebuild / cold build (240 documents)", ratio(SCALE_NOOP, SCALE_COLD), 0.02),
    Target("scale: one paragraph changed / cold build (240 documents)", ratio(SCALE_EDIT, SCALE_COLD), 0.1),
    Target("scale: documents rebuilt for one note's paragraph", lambda b: float(len(b.rebuilt_after_edit)), 12, "docs"),
    Target("scale: peak memory per process, cold build", peak(SCALE_COLD), 250, "MB"),
    Target("WeasyPrint or python-docx imported by a no-op", lambda b: float(len(b.noop_imports)), 0, "modules"),
    Target("Chinese PDF size / English", ratio(ZH, EN, "size"), 2.0),
    Target("Chinese PDF time / English", ratio(ZH, EN), 2.0),
    Target("Chinese PDF peak memory / Pandoc+WeasyPrint's", ratio(ZH, "Pandoc+WeasyPrint, Chinese PDF", "peak"), 0.75),
    Target("peak memory per process, cold build of the sample", peak(COLD), 250, "MB"),
    Target("preview: one edited paragraph shown in the English preview", median(PREVIEW), 1.5, "s"),
    Target("memory: a 60-unit note's matches in 500 notes x 5 languages, index warm", median(MEMORY_WARM), 2.0, "s"),
]


def report(bench: Bench, targets: list[Target] | None = None) -> tuple[list[dict], int]:
    print(f"\n{'case':<52} {'median s':>9} {'CPU s':>6} {'runs':>5} {'peak MB':>8} {'size KB':>8} {'pages':>6}")
    for name, s in bench.samples.items():
        size = f"{s.size / 1024:.0f}" if s.size else ""
        cpu = f"{statistics.median(s.cpu):.2f}" if s.cpu else ""
        print(f"{name:<52} {s.median:>9.2f} {cpu:>6} {len(s.seconds):>5} {s.peak_mb:>8.0f} {size:>8}"
              f" {s.pages or '':>6}")
    print(f"\n{'target':<66} {'measured':>9} {'limit':>7}")
    rows, missed = [], 0
    for target in TARGETS if targets is None else targets:
        value = target.measure(bench)
        ok = value is not None and value <= target.limit
        missed += not ok
        shown = "not run" if value is None else f"{value:.2f}"
        print(f"{target.what:<66} {shown:>9} {target.limit:>7} {target.unit:<7} {'met' if ok else 'MISSED'}")
        rows.append({"target": target.what, "measured": value, "limit": target.limit, "unit": target.unit,
                     "met": ok})
    return rows, missed


def versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "machine": f"{platform.machine()}, {os.cpu_count()} cores"}
    for tool in ("pandoc", "weasyprint"):
        path = shutil.which(tool, path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
        if path:
            found[tool] = subprocess.run([path, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return found


def prepare(bench: Bench) -> tuple[Peers, Path, dict[int, Path], dict[int, Path], Path | None]:
    """The inputs, and a warm cache (the project's: extracted font faces, hashes)."""
    warm = fresh(bench, cases.sample_project, "warm")
    subprocess.run([sys.executable, BUILD, "build", "-j", "2"], cwd=warm, env=bench.env, check=True,
                   capture_output=True)
    peers = Peers(bench.scratch, cases.pandoc_sources(warm, bench.scratch / "pandoc"))
    longs = {n: fresh(bench, lambda w, n=n: cases.long_project(w, n), f"long{n}") for n in (10, 50)}
    tables = {n: fresh(bench, lambda w, n=n: cases.table_project(w, n), f"table{n}") for n in (120, 240, 480)}
    html = None
    if peers.weasyprint:
        env_before = dict(os.environ)
        os.environ["XDG_CACHE_HOME"] = bench.env["XDG_CACHE_HOME"]
        try:
            html = cases.project_html(longs[50], bench.scratch / "long50.html")
        finally:
            os.environ.clear()
            os.environ.update(env_before)
    return peers, warm, longs, tables, html


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=cases.ROOT / "bench" / "results.json")
    parser.add_argument("--preview-only", action="store_true", help="measure the preview server alone")
    parser.add_argument("--memory-only", action="store_true", help="measure the translation memory alone")
    parser.add_argument("--scale-only", action="store_true", help="measure the 20 notes' case alone, once")
    args = parser.parse_args()
    if args.scale_only:
        with tempfile.TemporaryDirectory(prefix="conceptnotes-bench-") as tmp:
            bench = Bench(Path(tmp))
            case_scale(bench)
            rows, missed = report(bench, [t for t in TARGETS if t.what.startswith("scale:")])
            return 1 if missed else 0
    if args.memory_only:
        with tempfile.TemporaryDirectory(prefix="conceptnotes-bench-") as tmp:
            bench = Bench(Path(tmp))
            for _ in range(args.runs):
                case_memory(bench)
            for name, sample in bench.samples.items():
                print(f"{name}: median {sample.median:.2f} s, slowest {max(sample.seconds):.2f} s")
            print(f"({bench.memory_said}; target: {MEMORY_WARM} under 2 s)")
            return 0 if bench.samples[MEMORY_WARM].median <= 2.0 else 1
    if args.preview_only:
        with tempfile.TemporaryDirectory(prefix="conceptnotes-bench-") as tmp:
            bench = Bench(Path(tmp))
            case_preview(bench, edits=5 * args.runs)
            sample = bench.samples[PREVIEW]
            print(f"{PREVIEW}: median {sample.median:.2f} s, slowest {max(sample.seconds):.2f} s,"
                  f" {len(sample.seconds)} edits (target: 1.5 s)")
            return 0 if sample.median <= 1.5 else 1
    with tempfile.TemporaryDirectory(prefix="conceptnotes-bench-") as tmp:
        bench = Bench(Path(tmp))
        peers, warm, longs, tables, html = prepare(bench)
        if not peers.pandoc:
            print("pandoc is not installed (make bench installs it): its targets are not measured")
        for run in range(args.runs):
            print(f"run {run + 1} of {args.runs}", flush=True)
            case_sample(bench, peers)
            case_single(bench, peers, warm)
            case_tables(bench, peers, tables)
            case_long(bench, peers, longs, html)
            case_preview(bench)
            case_memory(bench)
        case_scale(bench)  # once: a minute or two
        rows, missed = report(bench)
    record = {"versions": versions(), "runs": args.runs, "targets": rows,
              "cases": {name: {"median_s": s.median, "seconds": s.seconds, "cpu_s": s.cpu, "peak_mb": s.peak_mb,
                               "size": s.size,
                               "pages": s.pages} for name, s in bench.samples.items()}}
    args.json.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"\n{len(TARGETS) - missed} of {len(TARGETS)} targets met; results in {args.json}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
