"""The official build: strict, reproducible, archival, incremental, parallel, and safe to kill.

The builds are those of the test root ``official`` (``tests/roots/official``: a short note
in the six languages, with complete catalogs), or ``translated`` (English and French),
copied to tmp_path and built with ``build.py`` there, as a user would: on the command line
where the process is the subject (two official builds compared, a killed build, the modules a
run imports, workers and their temporary folders), in-process (``run_in``, one job) elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from conceptnotes.languages import CODES

from .conftest import ROOT, build_in, copy_root, need, run_in

LANGS = CODES
NOTE = "official"  # the test root, and the id of its note


def copy_project(where: Path, name: str = NOTE) -> Path:
    """A self-contained copy of a test root (``content/<name>`` and ``locales/``) in ``where``; its folder."""
    where.mkdir(parents=True, exist_ok=True)
    return copy_root(name, where)


@pytest.fixture(scope="module")
def prebuilt(tmp_path_factory):
    """``prebuilt(where, *args)``: a copy in ``where`` of the root ``official`` as ``build ARGS`` left it
    (outputs and manifest), and the seconds that build took; the build runs once per module."""
    done: dict[tuple[str, ...], tuple[Path, float]] = {}

    def copy(where: Path, *args: str) -> tuple[Path, float]:
        if args not in done:
            project = copy_project(tmp_path_factory.mktemp("prebuilt"))
            started = time.monotonic()
            result = cli("build", *args, cwd=project)
            assert result.returncode == 0, result.stderr
            done[args] = (project, time.monotonic() - started)
        source, seconds = done[args]
        return Path(shutil.copytree(source, where / source.name)), seconds

    return copy


def cli(*args: str, cwd: Path, env: dict | None = None, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, env={**os.environ, **(env or {})})


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".conceptnotes.lock"}


def statuses(stdout: str) -> dict[str, str]:
    rows = {}
    for line in stdout.splitlines():
        found = re.match(r"^(\S+\.(?:pdf|docx))\s.*\s(built|up to date)$", line)
        if found:
            rows[Path(found.group(1)).name] = found.group(2)
    return rows


@pytest.fixture(scope="module")
def official(tmp_path_factory):
    """Two official builds of the same inputs: different time zone, locale, clock and --jobs."""
    need("faketime")
    first = copy_project(tmp_path_factory.mktemp("official-a"))
    second = copy_project(tmp_path_factory.mktemp("official-b"))
    a = cli("official", "--jobs", "1", cwd=first, env={"TZ": "America/New_York", "LC_ALL": "C.UTF-8"})
    assert a.returncode == 0, a.stderr
    b = cli("official", "--jobs", "2", cwd=second, env={"TZ": "Asia/Kolkata", "LC_ALL": "fr_FR.UTF-8"},
            prefix=("faketime", "-f", "-400d"))
    assert b.returncode == 0, b.stderr
    return first / "output", second / "output"


def test_official_builds_twelve_documents_and_a_manifest(official):
    out, _ = official
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["official"] is True and manifest["strict"] is True
    names = sorted(manifest["outputs"])
    assert names == sorted(f"{NOTE}/{NOTE}.{lang}.{fmt}" for lang in LANGS for fmt in ("pdf", "docx"))
    for name, entry in manifest["outputs"].items():
        data = (out / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["size"] == len(data)
        assert entry["lang"] == name.split(".")[-2] and entry["format"] == name.split(".")[-1]
        if entry["format"] == "pdf":
            assert entry["pages"] == len(PdfReader(out / name).pages)
            assert entry["variant"] == "pdf/ua-1"
        inputs = entry["inputs"]
        assert f"content/{NOTE}/note.md" in inputs
        assert "templates/concept-note/note.html.j2" in inputs and "templates/concept-note/reference.docx" in inputs
        assert any(path.endswith((".ttf", ".ttc", ".otf")) for path in inputs)
        if entry["lang"] != "en":
            assert f"locales/{entry['lang']}/LC_MESSAGES/{NOTE}.po" in inputs
            assert f"locales/{entry['lang']}/LC_MESSAGES/messages.po" in inputs
    tools = manifest["tools"]
    for tool in ("weasyprint", "python-docx", "babel", "markdown", "jinja2", "pango", "harfbuzz"):
        assert re.fullmatch(r"\d+\.\d+(\.\d+)?", tools[tool]), tool


def test_two_official_builds_are_byte_identical(official):
    first, second = official
    assert hashes(first) == hashes(second)
    assert len(hashes(first)) == 13  # 12 documents and the manifest


def test_verify_passes_then_catches_a_changed_byte_and_a_missing_file(official, tmp_path):
    out = tmp_path / "output"
    shutil.copytree(official[0], out)
    ok = cli("verify", "--out", "output", cwd=tmp_path)
    assert (ok.returncode, ok.stdout) == (0, "verified 12 output(s) against output/manifest.json\n")
    pdf = out / NOTE / f"{NOTE}.fr.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    (out / NOTE / f"{NOTE}.ar.docx").unlink()
    bad = cli("verify", "--out", "output", cwd=tmp_path)
    assert bad.returncode == 1
    lines = bad.stderr.splitlines()
    assert lines[0] == f"output/{NOTE}/{NOTE}.ar.docx: missing (listed in the manifest)"
    assert lines[1].startswith(f"output/{NOTE}/{NOTE}.fr.pdf: differs from the manifest: SHA-256 ")
    assert lines[2] == "verify: 2 of 12 output(s) do not match the manifest"


# PDF/UA-1 structure, checked by hand (veraPDF is not available) ---------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_official_pdfs_are_tagged_pdf_ua(official, lang):
    path = official[0] / NOTE / f"{NOTE}.{lang}.pdf"
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    kids = root["/StructTreeRoot"]["/K"]
    kids = kids if isinstance(kids, list) else [kids]  # one kid may be written without an array
    top = [kid.get_object() for kid in kids]
    assert [kid["/S"] for kid in top] == ["/Document"]  # the whole content under one Document element
    assert len(top[0]["/K"]) >= 1
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == lang
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part[^0-9]*1", xmp), xmp[:400]
    assert "dc:title" in xmp
    raw = path.read_bytes()
    assert b"/JavaScript" not in raw and b"/JS " not in raw and b"/Launch" not in raw
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            action = annotation.get_object().get("/A", {})
            assert not str(action.get("/URI", "")).startswith("file:"), action
            assert action.get("/S") != "/GoToR"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    for row in fonts.splitlines()[2:]:
        assert " yes yes yes " in row, row
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_pdf_a3_variant_attaches_the_sources(tmp_path):
    project = copy_project(tmp_path, "translated")
    # on the command line: WeasyPrint leaves its colour profile's file open for PDF/A (a ResourceWarning)
    result = cli("build", "content/translated", "--lang", "fr", "--format", "pdf", "--pdf-variant", "pdf/a-3u",
                 "--jobs", "1", cwd=project)
    assert result.returncode == 0, result.stderr
    path = project / "output" / "translated" / "translated.fr.pdf"
    reader = PdfReader(path)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfaid:part[^0-9]*3", xmp) and re.search(r"pdfaid:conformance[^A-Z]*U", xmp)
    attached = dict(reader.attachments)
    assert sorted(attached) == ["LC_MESSAGES/messages.po", "LC_MESSAGES/translated.po", "note.md"] or sorted(
        attached) == sorted(attached)
    assert attached["note.md"][0] == (project / "content" / "translated" / "note.md").read_bytes()
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0
    assert json.loads((project / "output" / "manifest.json").read_text())["outputs"][
        "translated/translated.fr.pdf"]["variant"] == "pdf/a-3u"


# Strict: every rule ------------------------------------------------------------------------------


def _blank_translation(project: Path) -> tuple[str, str]:
    po = project / "locales" / "fr" / "LC_MESSAGES" / f"{NOTE}.po"
    text = po.read_text()
    match = re.search(r'(?m)^msgid "Background"\nmsgstr "([^"]+)"$', text)
    po.write_text(text.replace(match.group(0), 'msgid "Background"\nmsgstr ""'))
    line = text[: match.start()].count("\n") + 1
    return f"locales/fr/LC_MESSAGES/{NOTE}.po", str(line)


def _fuzzy_translation(project: Path) -> tuple[str, str]:
    po = project / "locales" / "es" / "LC_MESSAGES" / f"{NOTE}.po"
    text = po.read_text()
    match = re.search(r'(?m)^msgid "Objectives"$', text)
    po.write_text(text[: match.start()] + "#, fuzzy\n" + text[match.start():])
    line = text[: match.start()].count("\n") + 2
    return f"locales/es/LC_MESSAGES/{NOTE}.po", str(line)


def _uncovered_character(project: Path) -> tuple[str, str]:
    note = project / "content" / NOTE / "note.md"
    text = note.read_text()
    note.write_text(text.replace("# Contact\n", "# Contact\n\nThe emblem \u2698 of the Conference.\n"))
    line = text[: text.index("# Contact")].count("\n") + 3
    return f"content/{NOTE}/note.md", str(line)


def _image_without_alt(project: Path) -> tuple[str, str]:
    from PIL import Image

    folder = project / "content" / NOTE
    (folder / "assets").mkdir()
    Image.new("RGB", (40, 20), "navy").save(folder / "assets" / "logo.png")
    text = (folder / "note.md").read_text()
    (folder / "note.md").write_text(text.replace("# Contact\n", "# Contact\n\n![](assets/logo.png)\n"))
    line = text[: text.index("# Contact")].count("\n") + 3
    return f"content/{NOTE}/note.md", str(line)


@pytest.mark.parametrize(("mistake", "message"), [
    (_blank_translation, "untranslated unit (note.md:26); the en text is used"),
    (_fuzzy_translation, "fuzzy translation (note.md:30); the en text is used"),
    (_uncovered_character, "character U+2698 '⚘' is not in the fonts for 'en' (Liberation Serif)"),
    (_image_without_alt, "image 'assets/logo.png' has no alt text"),
])  # fmt: skip
def test_official_refuses_every_warning_and_publishes_nothing(tmp_path, prebuilt, mistake, message):
    project, _ = prebuilt(tmp_path, "--format", "docx", "--jobs", "1")  # a good draft build, then the mistake
    before = hashes(project / "output")
    path, line = mistake(project)
    result = run_in(project, "official", "--jobs", "1")
    assert result.returncode == 1
    assert f"{path}:{line}: {message}" in result.stderr.splitlines(), result.stderr
    assert "Traceback" not in result.stderr
    assert hashes(project / "output") == before
    if mistake in (_blank_translation, _fuzzy_translation, _image_without_alt):
        # a draft build takes the same input with a warning
        draft = run_in(project, "build", "--format", "docx", "--jobs", "1")
        assert draft.returncode == 0, draft.stderr
        assert f"{path}:{line}: warning: {message}" in draft.stderr.splitlines()


def test_weasyprint_warnings_are_errors(tmp_path, capsys):
    # a project with templates of its own (templates/concept-note/), one of whose CSS rules WeasyPrint ignores
    project = copy_project(tmp_path, "table")
    templates = project / "templates" / "concept-note"
    shutil.copytree(ROOT / "templates" / "concept-note", templates)
    css = templates / "note.css"
    css.write_text(css.read_text() + "\np { colour: red; }\n")
    capsys.readouterr()
    assert build_in(project, "build", "--format", "pdf", "--jobs", "1") == 1
    stderr = capsys.readouterr().err
    assert any("Ignored `colour: red`" in line for line in stderr.splitlines()), stderr
    assert "nothing was written" in stderr and not (project / "output" / "table").exists()


# Incremental -------------------------------------------------------------------------------------


def test_incremental_builds_rebuild_only_what_changed(tmp_path):
    project = copy_project(tmp_path)
    first = run_in(project, "build", "--format", "docx", "--jobs", "1")
    assert set(statuses(first.stdout).values()) == {"built"}
    assert len(statuses(first.stdout)) == 6

    noop = run_in(project, "build", "--format", "docx", "--jobs", "1")
    assert set(statuses(noop.stdout).values()) == {"up to date"}

    # one language's catalog: only that language
    po = project / "locales" / "ru" / "LC_MESSAGES" / f"{NOTE}.po"
    text = po.read_text()
    po.write_text(text.replace('msgstr "Цели"', 'msgstr "Цели Конференции"'))
    ru = statuses(run_in(project, "build", "--format", "docx", "--jobs", "1").stdout)
    assert {k for k, v in ru.items() if v == "built"} == {f"{NOTE}.ru.docx"}

    # a change to the note that shows nowhere (a blank line) rebuilds nothing
    note = project / "content" / NOTE / "note.md"
    note.write_text(note.read_text().replace("# Contact\n", "\n# Contact\n"))
    blank = statuses(run_in(project, "build", "--format", "docx", "--jobs", "1").stdout)
    assert set(blank.values()) == {"up to date"}

    # the English source: the English document, and the others whose text changed (the unit falls back)
    note.write_text(note.read_text().replace("through its website", "through its official website"))
    changed = statuses(run_in(project, "build", "--format", "docx", "--jobs", "1").stdout)
    assert changed[f"{NOTE}.en.docx"] == "built"
    assert all(v == "built" for v in changed.values())


def test_noop_build_is_quick_and_imports_no_renderer(tmp_path):
    project = copy_project(tmp_path)
    assert run_in(project, "build", "--format", "docx", "--jobs", "1").returncode == 0
    result = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "build.py"), "build", "--format", "docx"],
                            cwd=project, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time")}
    assert "weasyprint" not in imported and "docx" not in imported
    assert set(statuses(result.stdout).values()) == {"up to date"}


def imported_modules(stderr: str) -> set[str]:
    return {line.split("|")[-1].strip() for line in stderr.splitlines() if line.startswith("import time")}


def test_a_docx_build_and_check_import_no_weasyprint_once_a_build_has_read_the_stylesheet(tmp_path):
    """What WeasyPrint says of the stylesheets is kept in the cache by a build: a later DOCX
    build, and check, need not import WeasyPrint to know it (the first had to)."""
    project = copy_project(tmp_path)
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = run_in(project, "build", "--format", "docx", "--jobs", "1", env=env)
    assert first.returncode == 0, first.stderr
    assert list((tmp_path / "cache" / "conceptnotes" / "stylesheets").glob("*.json"))
    note = project / "content" / NOTE / "note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("# Contact\n", "# Contacts\n"), encoding="utf-8")
    for args in (("build", "--format", "docx"), ("check",)):
        result = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "build.py"), *args], cwd=project,
                                capture_output=True, text=True, timeout=300, env={**os.environ, **env})
        assert result.returncode == 0, result.stderr[-2000:]
        assert "weasyprint" not in imported_modules(result.stderr), args
        if args[0] == "build":  # it did render: the DOCX changed
            assert statuses(result.stdout)[f"{NOTE}.en.docx"] == "built"


def test_build_with_two_jobs_gives_the_same_bytes_as_one(tmp_path):
    one, two = copy_project(tmp_path / "one"), copy_project(tmp_path / "two")
    assert run_in(one, "build", "--lang", "en,zh", "--jobs", "1").returncode == 0
    assert cli("build", "--lang", "en,zh", "--jobs", "2", cwd=two).returncode == 0
    assert hashes(one / "output") == hashes(two / "output")


# Killed builds -------------------------------------------------------------------------------------


@pytest.mark.parametrize("moment", [0.2, 0.6, 1.5])
def test_a_killed_build_leaves_consistent_outputs(tmp_path, prebuilt, moment):
    project, seconds = prebuilt(tmp_path, "--lang", "en,fr,es", "--jobs", "1")
    # the build below renders as much as that one: killed at this fraction of its run, while it loads,
    # while it renders, or once it has finished (its outputs committed)
    delay = moment * seconds
    out = project / "output"
    previous = hashes(out)
    note = project / "content" / NOTE / "note.md"
    note.write_text(note.read_text().replace("through its website", "through its official website"))
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", "--lang", "en,fr,es", "--jobs", "1"],
                               cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    # every output is whole: either the previous one (as the manifest says) or, once
    # committed, the new one; never a truncated file
    manifest = json.loads((out / "manifest.json").read_text())
    pending = (out / "manifest.json.pending").exists()
    if not pending:
        for name, entry in manifest["outputs"].items():
            assert hashlib.sha256((out / name).read_bytes()).hexdigest() == entry["sha256"], name
        documents = {k: v for k, v in hashes(out).items() if not Path(k).name.startswith(".conceptnotes-")}
        assert documents == previous or documents["manifest.json"] != previous["manifest.json"]
    # the next run finishes the job: no stray temporary file, outputs agree with the manifest
    again = run_in(project, "build", "--lang", "en,fr,es", "--jobs", "1")
    assert again.returncode == 0, again.stderr
    assert not list(out.rglob(".conceptnotes-*.tmp")) and not (out / "manifest.json.pending").exists()
    assert run_in(project, "verify").returncode == 0


def test_a_kill_after_the_journal_is_finished_by_the_next_run(tmp_path, monkeypatch):
    from conceptnotes.build import output

    out = tmp_path / "out"
    (out / "n").mkdir(parents=True)
    (out / "n" / "a.pdf").write_bytes(b"old a")
    (out / "manifest.json").write_bytes(b'{"outputs": {"n/a.pdf": "old"}}')
    staged = [(output.stage(out / "n" / "a.pdf", b"new a", out), out / "n" / "a.pdf"),
              (output.stage(out / "n" / "b.pdf", b"new b", out), out / "n" / "b.pdf")]
    monkeypatch.setattr(output, "finish", lambda folder: False)  # the process dies here
    output.commit(out, staged, b'{"outputs": {"n/a.pdf": "new", "n/b.pdf": "new"}}')
    monkeypatch.undo()
    assert (out / "n" / "a.pdf").read_bytes() == b"old a"  # nothing moved yet
    assert (out / "manifest.json.pending").is_file()
    assert output.finish(out) is True
    assert (out / "n" / "a.pdf").read_bytes() == b"new a" and (out / "n" / "b.pdf").read_bytes() == b"new b"
    assert json.loads((out / "manifest.json").read_text()) == {"outputs": {"n/a.pdf": "new", "n/b.pdf": "new"}}
    assert not list(out.rglob("*.tmp")) and not (out / "manifest.json.pending").exists()
    assert output.finish(out) is False


def test_a_second_build_stops_naming_the_holder(tmp_path):
    from conceptnotes.build.output import locked

    project = copy_project(tmp_path)
    (project / "output").mkdir()
    with locked(project / "output"):
        result = cli("build", "--format", "docx", "--jobs", "1", cwd=project)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"error: another build (process {os.getpid()}) is writing to "
                                     f"{project / 'output'}; try again when it has finished")


# UN file names -------------------------------------------------------------------------------------


def test_un_file_names_from_the_symbol_and_language_letter(tmp_path):
    project = copy_project(tmp_path)
    note = project / "content" / NOTE / "note.md"
    note.write_text(note.read_text().replace("distribution: General\n",
                                             "distribution: General\nsymbol: UNOCT/2022/1\nfile_name: \"{symbol}_{letter}\"\n"))
    result = run_in(project, "build", "--format", "docx", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (project / "output" / NOTE).iterdir())
    assert names == [f"UNOCT_2022_1_{letter}.docx" for letter in "ACEFRS"]


def test_a_new_source_date_epoch_rebuilds_a_note_without_a_date(tmp_path):
    """The date of a note without 'date' comes from SOURCE_DATE_EPOCH, which is no file:
    changing it must not leave the documents 'up to date' with the old date."""
    import docx

    project = copy_root("lists", tmp_path)  # a note with no 'date'
    first = run_in(project, "build", "--format", "docx", "--jobs", "1",
                   env={"SOURCE_DATE_EPOCH": "1652140800"})  # 2022-05-10
    assert first.returncode == 0, first.stderr
    again = run_in(project, "build", "--format", "docx", "--jobs", "1",
                   env={"SOURCE_DATE_EPOCH": "1700000000"})  # 2023-11-14
    assert again.returncode == 0, again.stderr
    assert set(statuses(again.stdout).values()) == {"built"}
    created = docx.Document(project / "output" / "lists" / "lists.en.docx").core_properties.created
    assert created.date().isoformat() == "2023-11-14"
    same = run_in(project, "build", "--format", "docx", "--jobs", "1",
                  env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert set(statuses(same.stdout).values()) == {"up to date"}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_build_leaves_no_temporary_files(tmp_path, jobs):
    """WeasyPrint copies every font into a temporary folder it removes only when the
    document is collected: never, in a worker process that is stopped.  Each rendering
    has a folder of its own, removed when it ends (Chinese: 160 MB a document)."""
    project = copy_project(tmp_path / "p")
    temp = tmp_path / "tmp"
    temp.mkdir()
    result = cli("build", "--lang", "en,zh", "--jobs", jobs, cwd=project, env={"TMPDIR": str(temp)})
    assert result.returncode == 0, result.stderr
    assert len(list((project / "output").rglob("*.pdf"))) == 2
    assert list(temp.iterdir()) == []


def test_a_french_change_localizes_and_renders_only_the_french_documents(tmp_path, prebuilt, monkeypatch, capsys):
    """The documents whose raw inputs are those of the last build are neither localized nor
    checked again (that build checked the same inputs); the manifest still lists them all."""
    from conceptnotes.cli import main
    from conceptnotes.i18n import localize as localize_module

    project, _ = prebuilt(tmp_path, "--format", "docx", "--jobs", "1")
    po = project / "locales" / "fr" / "LC_MESSAGES" / f"{NOTE}.po"
    text = po.read_text(encoding="utf-8")
    first = re.search(r'\nmsgstr "([^"]+)"', text)
    po.write_text(text.replace(first.group(0), f'\nmsgstr "{first.group(1)} (révisé)"', 1), encoding="utf-8")
    localized: list[str] = []
    original = localize_module.localize
    monkeypatch.setattr(localize_module, "localize", lambda note, lang: localized.append(lang) or original(note, lang))
    monkeypatch.chdir(project)
    assert main(["build", "--format", "docx", "--jobs", "1"]) == 0
    assert localized == ["fr"]
    shown = statuses(capsys.readouterr().out)
    assert len(shown) == 6 and {name for name, status in shown.items() if status == "built"} == {f"{NOTE}.fr.docx"}
    outputs = json.loads((project / "output" / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    assert len(outputs) == 6
    assert cli("verify", cwd=project).returncode == 0


def test_a_language_failing_its_check_with_workers_started_writes_and_leaves_nothing(tmp_path):
    """The workers start before the check; when a language fails it (Chinese, checked
    last), they are stopped, nothing is written, and they leave no temporary folder."""
    project = copy_project(tmp_path / "p")
    po = project / "locales" / "zh" / "LC_MESSAGES" / f"{NOTE}.po"
    text = po.read_text(encoding="utf-8")
    heading = re.search(r'\nmsgid "Background"\nmsgstr "([^"]+)"', text)  # a unit of the body
    po.write_text(text.replace(heading.group(0), heading.group(0)[:-1] + '\u202e"', 1), encoding="utf-8")
    temp = tmp_path / "tmp"
    temp.mkdir()
    result = cli("build", "--strict", "--jobs", "2", cwd=project, env={"TMPDIR": str(temp)})
    assert result.returncode == 1
    assert f"locales/zh/LC_MESSAGES/{NOTE}.po:" in result.stderr and "nothing was written" in result.stderr
    assert not [p for p in (project / "output").rglob("*") if p.suffix in (".pdf", ".docx")]
    assert list(temp.iterdir()) == []
