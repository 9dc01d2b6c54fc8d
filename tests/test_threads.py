"""No state shared between threads: the preview server runs the workbench's checks from a
pool of threads, at once, so each call's result must be its own.

Each test starts its threads together at a barrier, many rounds, with the interpreter
told to switch threads as often as it can, so that the calls really overlap; every
result is compared with what the same call gives alone.
"""

from __future__ import annotations

import io
import sys
import tempfile
import threading
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from struct import pack

import pytest
from PIL import Image

from conceptnotes import model as m
from conceptnotes.i18n import editing
from conceptnotes.i18n.localize import localize
from conceptnotes.read.loader import load_note
from conceptnotes.read.markdown_parse import image_problem, parse_inline
from conceptnotes.render import pdf
from conceptnotes.serve import status

from . import conftest

THREADS = 8
ROUNDS = 25

FRONT = conftest.FRONT.replace("languages: [en]", "languages: [en, fr]")


def unit(i: int) -> str:
    """Paragraph ``i`` of the note: its own words, emphasis, link and footnote call."""
    return (f"Paragraph {i} of the note says *point {i}* in [the report {i}](https://example.org/{i})"
            f" and more[^n{i}] with words enough to take a while: " + f"word{i} " * 40).strip()


def translation(i: int) -> str:
    """Unit ``i`` in French: complete for some, each of the others with a problem of its own."""
    text = (f"Le paragraphe {i} dit *point {i}* dans [le rapport {i}](https://example.org/{i})"
            f" et plus[^n{i}] avec assez de mots : " + f"mot{i} " * 40).strip()
    if i % 4 == 1:
        return text.replace(f"[^n{i}]", "")  # drops its footnote call
    if i % 4 == 2:
        return text.replace(f"(https://example.org/{i})", f"(https://example.org/other{i})")
    if i % 4 == 3:
        return text.replace(f"*point {i}*", f"point {i}").replace(f"[^n{i}]", "")  # drops both
    return text


@pytest.fixture
def note_folder(make_note) -> Path:
    body = "# Introduction\n\n" + "\n\n".join(unit(i) for i in range(THREADS)) + "\n\n"
    body += "\n".join(f"[^n{i}]: Footnote {i}." for i in range(THREADS)) + "\n"
    return make_note(body, FRONT, "threads")


@pytest.fixture
def switching():
    """The interpreter switches threads as often as it can while the test runs."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def together(call: Callable[[int], object], expected: list[object]) -> None:
    """``call(i)`` from THREADS threads at once, ROUNDS times; each result must be ``expected[i]``."""
    barrier = threading.Barrier(THREADS)

    def run(i: int) -> list[object]:
        results = []
        for _ in range(ROUNDS):
            barrier.wait()
            try:
                results.append(call(i))
            except Exception as exc:  # another thread's state broke this call: a result, not a hang
                results.append(f"{type(exc).__name__}: {exc}")
        return results

    with ThreadPoolExecutor(THREADS) as pool:
        found = list(pool.map(run, range(THREADS)))
    wrong = [(i, result) for i in range(THREADS) for result in found[i] if result != expected[i]]
    assert wrong == [], f"{len(wrong)} of {THREADS * ROUNDS} calls got another's result, e.g. {wrong[:2]}"


def test_the_workbench_checks_from_eight_threads_each_get_their_own(note_folder, switching):
    """What ``/check`` answers (``status.check_unit``, run by the server in its thread pool)
    for eight units at once is what each gets alone."""
    alone = [status.check_unit(note_folder, "fr", unit(i), translation(i)) for i in range(THREADS)]
    assert alone[0] == [] and alone[4] == []
    assert alone[1] == ["the translation drops footnote call [^n1]"]
    assert "the translation drops link target https://example.org/2" in alone[2]
    assert len({str(result) for result in alone}) == THREADS - 1  # all differ but the two complete ones
    together(lambda i: status.check_unit(note_folder, "fr", unit(i), translation(i)), alone)


def test_the_workbench_units_of_eight_notes_at_once_are_each_notes_own(make_note, tmp_path, switching):
    """What the workbench's list (``status.workbench_units``, in the server's thread pool)
    shows of eight notes at once, each translated with its own problems, is each note's own."""
    (tmp_path / "locales").mkdir()  # the project's own catalogs, not the checkout's
    folders = []
    for i in range(THREADS):
        folder = make_note(f"# Introduction\n\n{unit(i)}\n\n[^n{i}]: Footnote {i}.\n", FRONT, f"note-{i}")
        opened = editing.open_note(folder, "fr")
        editing.write_translations(opened, [(unit(i), translation(i), False)])
        folders.append(folder)

    def problems(i: int) -> list[list[str]]:
        return [list(row["problems"]) for row in status.workbench_units(folders[i], "fr", "all")["units"]]

    alone = [problems(i) for i in range(THREADS)]
    assert [said for said in alone[1] if said] == [["the translation drops footnote call [^n1]"]]
    assert len({str(result) for result in alone}) == THREADS - 1  # all differ but the two complete ones
    together(problems, alone)


def text_of(nodes: tuple[m.Inline, ...]) -> str:
    return "".join(node.text if isinstance(node, m.Text) else text_of(getattr(node, "children", ()))
                   for node in nodes)


def test_parse_inline_from_eight_threads_gives_each_its_own_text(switching):
    texts = [translation(i) for i in range(THREADS)]

    def parse(i: int) -> tuple[str, list[str]]:
        nodes, problems = parse_inline(texts[i], Path("fr.po"), i + 1, Path("assets"), frozenset({f"n{i}"}))
        return text_of(nodes), [str(p) for p in problems]

    alone = [parse(i) for i in range(THREADS)]
    assert all(f"Le paragraphe {i} dit point {i}" in alone[i][0] for i in range(THREADS))
    together(parse, alone)


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` × ``height`` pixels (its data is not all there)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data))

    ihdr = pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")


def test_images_checked_from_eight_threads_leave_pillows_limit_alone(switching):
    """Pillow's pixel limit is the whole process's: checking pictures, however large and
    however many at once, never changes it, and each is told its own size."""
    limit = Image.MAX_IMAGE_PIXELS
    sizes = [(7000 + 1000 * i, 9000 + 1000 * i) for i in range(THREADS)]
    expected = [f"is too large ({w} × {h} pixels; at most 40 megapixels)" for w, h in sizes]
    together(lambda i: (image_problem(png_header(*sizes[i])), Image.MAX_IMAGE_PIXELS), [(e, limit) for e in expected])
    assert Image.MAX_IMAGE_PIXELS == limit
    small = io.BytesIO()
    Image.new("RGB", (4, 4)).save(small, "PNG")
    assert image_problem(small.getvalue()) is None


def test_a_pdf_rendering_leaves_the_processs_temporary_folder_alone(make_note, tmp_path, monkeypatch):
    """WeasyPrint copies the fonts into a temporary folder: the rendering removes it when it
    ends, without pointing every thread's temporary files elsewhere meanwhile."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    seen = []

    def inspect(document) -> None:  # called while the rendering goes on
        seen.append((tempfile.gettempdir(), sorted(p.name.split("-")[0] for p in temporary.iterdir())))

    note, _ = load_note(make_note())
    rendered = pdf.render_pdf(localize(note, "en"), inspect=inspect)
    assert rendered.data.startswith(b"%PDF-")
    assert seen == [(str(temporary), ["weasyprint"])]  # the fonts' copies were there meanwhile
    assert list(temporary.iterdir()) == []


def test_the_server_imports_what_its_requests_import_before_it_answers(tmp_path):
    """A library first imported by two request threads at once was seen half imported
    (python-docx: the Details check answered 500 while a reviewed DOCX was being read): the
    server imports the modules its requests use, and so the libraries they import, when it
    is made, in one thread."""
    import subprocess

    code = ("import sys; from pathlib import Path; from conceptnotes.project import Project;"
            " from conceptnotes.serve.app import REQUEST_MODULES, create_app;"
            f" create_app(Project.at(Path({str(tmp_path)!r})));"
            " missing = [n for n in (*REQUEST_MODULES, 'docx', 'jinja2', 'markdown', 'babel') if n not in sys.modules];"
            " print(missing)")
    done = subprocess.run([sys.executable, "-c", code], cwd=conftest.ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
