"""Hostile and broken input: confinement, literal text, YAML, assets, templates, resources.

Every refusal is checked the same way: the exact ``path:line[:column]: message`` lines on
stderr, the exit status (1 for input problems, 2 for usage errors), no traceback, and an
output folder hashed before and after (a first good build always exists) that has not
changed.  ``main([...])`` runs in-process where a subprocess adds nothing; subprocesses
are used where the process itself matters (signals, locks, memory, Python warnings).

Cases marked ``xfail(strict=True, reason="BUG: ...")`` are bugs found while writing these
tests: they pass once the bug is fixed (and then strict xfail turns them red, so the
marker is removed).
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from conceptnotes import fonts
from conceptnotes.build import output
from conceptnotes.cli import main
from conceptnotes.errors import NoteError
from conceptnotes.i18n.localize import localize
from conceptnotes.read.loader import load_note
from conceptnotes.render import pdf as render_pdf_module
from conceptnotes.render.docx.template import DOCX_TEMPLATE, check_template
from conceptnotes.render.html import TEMPLATE_DIR, render_html

from .conftest import ROOT, run_in

PYTHON = sys.executable
SAMPLE_ID = "malaga-2022"

# note.md of the small project: 1 '---', 2 title, 3 languages, 4 event, 5 start, 6 end,
# 7 city, 8 country, 9 '---', 10 '# Introduction', 11 blank, 12 the paragraph, 13 blank.
FRONT = """\
---
title: Hostile Input Workshop
languages: [en]
event:
  start: 2022-05-10
  end: 2022-05-11
  city: Geneva
  country: CH
---
"""
BODY = "# Introduction\n\nThe workshop meets in Geneva.\n"
NOTE = "content/t/note.md"
NEXT = 14  # the line of a paragraph appended (after a blank line) to the good note


def failed(count: int) -> str:
    return f"failed: {count} problem{'s' if count != 1 else ''}; nothing was written"


def hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` but the lock file (which holds the last pid)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != output.LOCK
    }


def temporaries(folder: Path) -> list[Path]:
    return sorted(folder.rglob(f"{output.TEMP_PREFIX}*.tmp"))


def cli(*args: str, cwd: Path, timeout: float = 120, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*prefix, PYTHON, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` × ``height`` pixels (its data is not all there)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def save_picture(path: Path, kind: str = "PNG", size: tuple[int, int] = (40, 20)) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (0, 90, 160)).save(path, kind)
    return path


# Projects ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_base(tmp_path_factory) -> Path:
    """content/t (one English note) and an empty locales/, built once in both formats."""
    base = tmp_path_factory.mktemp("small-base")
    (base / "content" / "t").mkdir(parents=True)
    (base / "locales").mkdir()  # so that nothing ever looks at the repository's locales/
    (base / NOTE).write_text(FRONT + BODY, encoding="utf-8")
    result = run_in(base, "build", "content/t", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    return base


@pytest.fixture
def small(small_base, tmp_path, monkeypatch) -> Path:
    """A copy of the small project with its good outputs, as the working folder."""
    project = tmp_path / "p"
    shutil.copytree(small_base, project, symlinks=True)
    monkeypatch.chdir(project)
    return project


@pytest.fixture(scope="module")
def sample_base(tmp_path_factory) -> Path:
    """A copy of the sample project (note and catalogs) with its en and fr documents built."""
    base = tmp_path_factory.mktemp("sample-base")
    shutil.copytree(ROOT / "content" / SAMPLE_ID, base / "content" / SAMPLE_ID)
    shutil.copytree(ROOT / "locales", base / "locales")
    result = run_in(base, "build", "--lang", "en,fr", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    return base


@pytest.fixture
def sample(sample_base, tmp_path, monkeypatch) -> Path:
    project = tmp_path / "s"
    shutil.copytree(sample_base, project)
    monkeypatch.chdir(project)
    return project


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def refused(project: Path, argv: list[str], lines: list[str], capsys, status: int = 1) -> None:
    """``main(argv)`` in ``project`` fails with exactly ``lines`` and changes no output."""
    before = hashes(project / "output")
    got, _, err = run(argv, capsys)
    assert "Traceback" not in err
    expected = lines + [failed(len(lines))] if status == 1 else lines
    assert (got, err.splitlines()) == (status, expected)
    assert hashes(project / "output") == before
    assert temporaries(project / "output") == []


def write(project: Path, text: str | bytes, note: str = NOTE) -> None:
    path = project / note
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


BUILD = ["build", "content/t", "--jobs", "1"]  # both formats: a PDF would be rendered (in this process, watched) if the note got that far


# 1. Security: nothing outside the note's assets, the templates and the pinned fonts ----------------------


class FetchSpy:
    """Wraps the confined URL fetcher of render_pdf: what was asked for, and what was read."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.read: list[str] = []
        self.refused: list[str] = []

    def install(self, monkeypatch) -> FetchSpy:
        real = render_pdf_module.make_fetcher

        def make_fetcher(folders, files, refused):
            fetcher = real(folders, files, refused)
            inner = fetcher.fetch

            def fetch(url, headers=None):
                self.asked.append(url)
                response = inner(url, headers)  # raises for what is refused
                self.read.append(url)
                return response

            fetcher.fetch = fetch
            self.refused = refused
            return fetcher

        monkeypatch.setattr(render_pdf_module, "make_fetcher", make_fetcher)
        return self


_OPENED: list[str] = []
_WATCHING = [False]


def _audit(event: str, args: tuple) -> None:
    if _WATCHING[0] and event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        _OPENED.append(os.fsdecode(args[0]))


@pytest.fixture
def opened():
    """Every file Python opens meanwhile (an audit hook: PIL, the fetcher, anything)."""
    if not getattr(sys, "_conceptnotes_audit", False):
        sys.addaudithook(_audit)
        sys._conceptnotes_audit = True  # type: ignore[attr-defined]
    _OPENED.clear()
    _WATCHING[0] = True
    yield _OPENED
    _WATCHING[0] = False


def _svg(project: Path) -> None:
    (project / "content" / "t" / "assets").mkdir()
    (project / "content" / "t" / "assets" / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        '<image xlink:href="file:///etc/passwd" width="10" height="10"/></svg>\n'
    )


HOSTILE = [
    ("![x](file:///etc/passwd)", "image 'file:///etc/passwd' must be a file in the note's assets/ folder"),
    ("![x](http://127.0.0.1:9/x.png)", "image 'http://127.0.0.1:9/x.png' must be a file in the note's assets/ folder"),
    ("![x](../../secret.png)", "image '../../secret.png' must be a file in the note's assets/ folder"),
    ("![x](/etc/passwd)", "image '/etc/passwd' must be a file in the note's assets/ folder"),
    (
        'Text <img src="file:///etc/passwd"> here.',
        "raw HTML is not allowed in a note: '<img src=\"file:///etc/passwd\">'",
    ),
    (
        "<link rel=attachment href=file:///etc/passwd>",
        "raw HTML is not allowed in a note: '<link rel=attachment href=file:///etc/passwd>'",
    ),
    (
        "<style>@import url(file:///etc/passwd)</style>",
        "raw HTML is not allowed in a note: '<style>@import url(file:///etc/passwd)</style>'",
    ),
    (
        '<p style="background:url(file:///etc/passwd)">x</p>',
        "raw HTML is not allowed in a note: '<p style=\"background:url(file:///etc/passwd)\">x</p>'",
    ),
    ("![An emblem](assets/evil.svg)", "image 'assets/evil.svg' is not a PNG, JPEG or GIF picture"),
    (
        "See [x](javascript:alert(1)).",
        "link target 'javascript:alert(1)' is not allowed: use https:, http:, mailto: or #anchor",
    ),
    (
        "See [x](file:///etc/passwd).",
        "link target 'file:///etc/passwd' is not allowed: use https:, http:, mailto: or #anchor",
    ),
    (
        "See [x](assets/../../../etc/passwd).",
        "link target 'assets/../../../etc/passwd' is not allowed: use https:, http:, mailto: or #anchor",
    ),
]


@pytest.mark.parametrize(("markdown", "message"), HOSTILE, ids=[f"hostile-{n}" for n in range(len(HOSTILE))])
def test_hostile_content_is_an_error_at_its_line_and_nothing_is_fetched(
    small, capsys, monkeypatch, opened, markdown, message
):
    spy = FetchSpy().install(monkeypatch)
    _svg(small)
    write(small, FRONT + BODY + "\n" + markdown + "\n")
    refused(small, BUILD, [f"{NOTE}:{NEXT}: {message}"], capsys)
    assert spy.asked == []
    assert not [p for p in opened if "passwd" in p or "secret" in p]


def test_attribute_list_style_is_refused(small, capsys):
    """CSS in an attribute list rather than raw HTML is refused too (its line: see the xfail below)."""
    write(small, FRONT + BODY + '\nA paragraph.\n{: style="background:url(file:///etc/passwd)"}\n')
    before = hashes(small / "output")
    status, _, err = run(BUILD, capsys)
    assert status == 1 and "Traceback" not in err
    assert hashes(small / "output") == before
    lines = err.splitlines()
    assert lines[0].startswith(f"{NOTE}:") and lines[1:] == [failed(1)]
    assert lines[0].endswith(": attribute 'style' is not supported on <p>: only {#id} and {.class}")


@pytest.mark.parametrize(("body", "line", "name", "tag"), [
    (BODY + '\nA paragraph.\n{: style="background:url(file:///etc/passwd)"}\n', NEXT, "style", "p"),
    (BODY + '\n# Heading {#h onclick="alert(1)"}\n', NEXT, "onclick", "h1"),
    ('# Heading {#h onclick="alert(1)"}\n', 10, "onclick", "h1"),
])  # fmt: skip
def test_attribute_list_problem_names_its_line(small, capsys, body, line, name, tag):
    write(small, FRONT + body)
    refused(
        small,
        BUILD,
        [f"{NOTE}:{line}: attribute '{name}' is not supported on <{tag}>: only {{#id}} and {{.class}}"],
        capsys,
    )


def test_a_render_with_an_image_fetches_only_assets_templates_and_pinned_fonts(small, capsys, monkeypatch, opened):
    spy = FetchSpy().install(monkeypatch)
    folder = small / "content" / "t"
    save_picture(folder / "assets" / "map.png")
    write(small, FRONT + BODY + "\n![Map of the region](assets/map.png)\n")
    status, _, err = run(["build", "content/t", "--format", "pdf", "--jobs", "1"], capsys)  # watched in this process
    assert (status, err) == (0, "")
    allowed_files = {face.source.resolve() for face in fonts.faces("en")}
    roots = [(folder / "assets").resolve(), TEMPLATE_DIR.resolve()]
    assert spy.read and spy.refused == [] and spy.asked == spy.read
    for url in spy.read:
        assert url.startswith("file:///"), url
        path = Path(url.removeprefix("file://")).resolve()
        assert path in allowed_files or any(path.is_relative_to(root) for root in roots), url
    read = {Path(url.removeprefix("file://")).resolve() for url in spy.read}
    assert (folder / "assets" / "map.png").resolve() in read
    assert (TEMPLATE_DIR / "note.css").resolve() in read
    assert read & allowed_files
    assert not [p for p in opened if "passwd" in p]


MINIMAL_HTML = '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><p>x</p>{}</body></html>'
HOSTILE_HTML = [
    ('<img alt="x" src="file:///etc/passwd">', "file:///etc/passwd"),
    ('<img alt="x" src="http://127.0.0.1:9/x.png">', "http://127.0.0.1:9/x.png"),
    ('<img alt="x" src="../../../../../../etc/passwd">', "file:///etc/passwd"),
    ('<link rel="attachment" href="file:///etc/passwd">', "file:///etc/passwd"),
    ("<style>@import url(file:///etc/passwd);</style>", "file:///etc/passwd"),
    ('<p style="background:url(file:///etc/passwd)">x</p>', "file:///etc/passwd"),
    ('<img alt="x" src="data:image/png;base64,iVBORw0KGgo=">', "data:image/png;base64,iVBORw0KGgo="),
    ("SVG", "file:///etc/passwd"),
]


@pytest.mark.parametrize(("fragment", "url"), HOSTILE_HTML, ids=[f"html-{n}" for n in range(len(HOSTILE_HTML))])
def test_the_confined_fetcher_refuses_what_html_would_load(small, monkeypatch, opened, fragment, url):
    """Defence in depth: even HTML that the Markdown side never produces loads nothing outside."""
    spy = FetchSpy().install(monkeypatch)
    _svg(small)
    note, _ = load_note(small / "content" / "t")
    if fragment == "SVG":  # an SVG inside assets/ is allowed to be read, not what it points to
        fragment = f'<img alt="x" src="{(note.assets / "evil.svg").as_uri()}">'
    with pytest.raises(NoteError) as caught:
        render_pdf_module.render_pdf(localize(note, "en"), html=MINIMAL_HTML.format(fragment))
    assert f"{NOTE}: resource refused or missing: {url}" in [str(p) for p in caught.value.problems]
    assert url in spy.asked and url not in spy.read and url in spy.refused
    for read in spy.read:
        path = Path(read.removeprefix("file://")).resolve()
        assert path.is_relative_to(note.assets.resolve()) or path.is_relative_to(TEMPLATE_DIR), read
    assert not [p for p in opened if "passwd" in p]


def _po_line(project: Path, lang: str, msgid: str, domain: str = SAMPLE_ID) -> tuple[Path, int]:
    po = project / "locales" / lang / "LC_MESSAGES" / f"{domain}.po"
    lines = po.read_text(encoding="utf-8").split("\n")
    return po, lines.index(f'msgid "{msgid}"') + 1


def _translate(project: Path, lang: str, msgid: str, msgstr: str, domain: str = SAMPLE_ID) -> tuple[str, int]:
    """Set the translation of ``msgid``; return the catalog's shown path and the entry's line."""
    po, line = _po_line(project, lang, msgid, domain)
    lines = po.read_text(encoding="utf-8").split("\n")
    assert lines[line].startswith('msgstr "')
    lines[line] = f'msgstr "{msgstr}"'
    po.write_text("\n".join(lines), encoding="utf-8")
    return f"locales/{lang}/LC_MESSAGES/{domain}.po", line


FR = ["build", f"content/{SAMPLE_ID}", "--lang", "fr", "--jobs", "1"]  # rendered in this process


@pytest.mark.parametrize(("msgstr", "message"), [
    ("Contexte <img src=file:///etc/passwd>", "raw HTML is not allowed in a note: '<img src=file:///etc/passwd>'"),
    ("Contexte ![x](file:///etc/passwd)", "image 'file:///etc/passwd' must be a file in the note's assets/ folder"),
    ("Contexte [x](file:///etc/passwd)", "link target 'file:///etc/passwd' is not allowed: use https:, http:, mailto:"
                                         " or #anchor"),
])  # fmt: skip
def test_a_hostile_translation_is_an_error_at_its_catalog_line(sample, capsys, monkeypatch, opened, msgstr, message):
    spy = FetchSpy().install(monkeypatch)
    po, line = _translate(sample, "fr", "Background", msgstr)
    expected = [f"{po}:{line}: {message}"]
    if "[x](" in msgstr and "!" not in msgstr:
        expected.append(f"{po}:{line}: the translation adds link target file:///etc/passwd, which is not in the source")
    refused(sample, FR, expected, capsys)
    assert spy.asked == []
    assert not [p for p in opened if "passwd" in p]


# 2. Hostile text is shown literally, never evaluated ---------------------------------------------------

HOSTILE_TEXT = ["</w:t>", "<script>", "{{ 7*7 }}", "{% raw %}"]


def _docx_text(path: Path) -> str:
    import docx
    from lxml import etree

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    with zipfile.ZipFile(path) as archive:
        if "word/footnotes.xml" in archive.namelist():
            root = etree.fromstring(archive.read("word/footnotes.xml"))
            parts += root.xpath(
                "//w:t/text()", namespaces={"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
            )
    return "\n".join(parts)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_hostile_text_appears_literally_in_both_formats_and_both_languages(tmp_path, monkeypatch, capsys):
    from conceptnotes.i18n import catalogs

    project = tmp_path / "lit"
    folder = project / "content" / "lit"
    folder.mkdir(parents=True)
    labels = project / "locales" / "fr" / "LC_MESSAGES"
    labels.mkdir(parents=True)
    shutil.copy(ROOT / "locales" / "fr" / "LC_MESSAGES" / "messages.po", labels / "messages.po")
    (folder / "note.md").write_text(
        FRONT.replace("languages: [en]", "languages: [en, fr]")
        + "# Introduction\n\n"
        + "Code: `</w:t>` and `<script>alert(1)</script>` and `{{ 7*7 }}` and `{% raw %}` end.\n\n"
        + "Escaped: &lt;/w:t&gt; &lt;script&gt; {{ 7*7 }} {% raw %} end[^n].\n\n"
        + "| Column |\n|---|\n| &lt;script&gt; {{ 7*7 }} |\n\n"
        + "[^n]: Footnote &lt;/w:t&gt; {{ 7*7 }} {% raw %}.\n",
        encoding="utf-8",
    )
    note, warnings = load_note(folder)
    assert warnings == []
    catalog = catalogs.merge(catalogs.extract(note), None, "fr")
    french = {
        "Introduction": "Introduction",
        "Hostile Input Workshop": "Atelier <script>alert(2)</script> {{ 7*7 }}",  # plain text, not Markdown
        "Geneva": "Genève",
    }
    for message in catalog:
        if not message.id:
            continue
        if message.id in french:
            message.string = french[message.id]
        elif message.id.startswith("Code:"):
            message.string = "Code : `</w:t>` et `<script>alert(1)</script>` et `{{ 7*7 }}` et `{% raw %}` fin."
        elif message.id.startswith("Escaped:"):
            message.string = "Échappé : &lt;/w:t&gt; &lt;script&gt; {{ 7*7 }} {% raw %} fin[^n]."
        elif message.id == "Column":
            message.string = "Colonne"
        else:  # the table cell and the footnote
            message.string = message.id.replace("Footnote", "Note")
    (labels / "lit.po").write_bytes(catalogs.dump(catalog))
    monkeypatch.chdir(project)
    status, _, err = run(["build", "content/lit", "--strict"], capsys)
    assert (status, err) == (0, "")
    for lang in ("en", "fr"):
        for fmt, read in (("docx", _docx_text), ("pdf", _pdf_text)):
            text = read(project / "output" / "lit" / f"lit.{lang}.{fmt}")
            for hostile in HOSTILE_TEXT:
                assert hostile in text, (lang, fmt, hostile)
            assert "alert(1)" in text
            assert "49" not in text, (lang, fmt)
            if lang == "fr":
                assert "Échappé" in text and "Atelier <script>alert(2)</script>" in text


# 3. YAML ------------------------------------------------------------------------------------------------


def test_a_python_tag_in_the_front_matter_runs_nothing(small, capsys):
    marker = small / "MARKER"
    write(
        small,
        FRONT.replace("title: Hostile Input Workshop", f'title: !!python/object/apply:os.system ["touch {marker}"]')
        + BODY,
    )
    refused(
        small,
        BUILD,
        [f"{NOTE}:2: invalid front matter: YAML tags (!!python/object/apply:os.system) are not allowed"],
        capsys,
    )
    assert not marker.exists()


def test_a_python_tag_on_a_scalar_is_refused(small, capsys):
    marker = small / "MARKER"
    write(
        small,
        FRONT.replace("title: Hostile Input Workshop", f'title: !!python/object/apply:os.system "touch {marker}"')
        + BODY,
    )
    before = hashes(small / "output")
    status, _, err = run(BUILD, capsys)
    assert not marker.exists()
    assert hashes(small / "output") == before
    assert status == 1 and err.splitlines()[0].startswith(f"{NOTE}:2: ")


@pytest.mark.parametrize(("old", "new", "lines"), [
    ("title: Hostile Input Workshop", "title: &name Hostile Input Workshop\nsubtitle: *name",
     ["2: invalid front matter: anchors (&name) are not allowed"]),
    ("languages: [en]", "languages: [en]\nsubtitle: *name", ["4: invalid front matter: aliases (*name) are not allowed"]),
    ("languages: [en]", "languages: [en]\ntitle: Second Title",
     ["4: duplicate key 'title' (first given on line 2): keep one of the two lines"]),
    ("  city: Geneva", "  city: Geneva\n  city: Bern", ["8: duplicate key 'event.city' (first given on line 7): keep one of the two lines"]),
])  # fmt: skip
def test_yaml_anchors_aliases_and_duplicate_keys(small, capsys, old, new, lines):
    write(small, FRONT.replace(old, new) + BODY)
    refused(small, BUILD, [f"{NOTE}:{line}" for line in lines], capsys)


@pytest.mark.parametrize("title", ["no", "1.10", "2022-05-10", "yes", "null", "~", "0x1F", "1e3"])
def test_yaml_values_stay_the_text_written(small, title):
    write(small, FRONT.replace("title: Hostile Input Workshop", f"title: {title}") + BODY)
    note, warnings = load_note(small / "content" / "t")
    assert (note.meta.title, warnings) == (title, [])


# 4. Assets -------------------------------------------------------------------------------------------------


def _image_case(name: str):
    """Set-up functions for the assets cases: each returns the Markdown image to add."""

    def setup(folder: Path) -> str:
        assets = folder / "assets"
        assets.mkdir(exist_ok=True)
        outside = folder.parent.parent / "outside"
        outside.mkdir(exist_ok=True)
        if name == "dotdot":
            return "![x](assets/../note.md)"
        if name == "absolute":
            return f"![x]({save_picture(outside / 'abs.png')})"
        if name == "link-passwd":
            os.symlink("/etc/passwd", assets / "passwd.png")
            return "![x](assets/passwd.png)"
        if name == "link-outside-png":
            os.symlink(save_picture(outside / "secret.png"), assets / "secret.png")
            return "![x](assets/secret.png)"
        if name == "link-inside-png":
            save_picture(assets / "real.png")
            os.symlink("real.png", assets / "alias.png")
            return "![x](assets/alias.png)"
        if name == "linked-subfolder":
            save_picture(outside / "secret.png")
            os.symlink(outside, assets / "sub")
            return "![x](assets/sub/secret.png)"
        if name == "too-many-pixels":
            (assets / "huge.png").write_bytes(png_header(8000, 8000))
            return "![x](assets/huge.png)"
        if name == "too-large-file":
            with open(assets / "big.png", "wb") as handle:
                handle.write(png_header(10, 10))
                handle.truncate(20 * 1024 * 1024 + 1)
            return "![x](assets/big.png)"
        if name == "truncated":
            from PIL import Image

            Image.frombytes("RGB", (120, 120), os.urandom(120 * 120 * 3)).save(assets / "cut.png")
            data = (assets / "cut.png").read_bytes()
            (assets / "cut.png").write_bytes(data[: len(data) // 2])
            return "![x](assets/cut.png)"
        if name == "text":
            (assets / "notes.png").write_text("This is not a picture.\n")
            return "![x](assets/notes.png)"
        if name == "bmp":
            save_picture(assets / "old.bmp", "BMP")
            return "![x](assets/old.bmp)"
        raise AssertionError(name)

    return setup


ASSET_CASES = [
    ("dotdot", "image 'assets/../note.md' must be a file in the note's assets/ folder"),
    ("absolute", "image '{outside}/abs.png' must be a file in the note's assets/ folder"),
    ("link-passwd", "image 'assets/passwd.png' is a symbolic link, which is not allowed: put the file itself here"),
    ("link-outside-png", "image 'assets/secret.png' is a symbolic link, which is not allowed: put the file itself here"),
    ("link-inside-png", "image 'assets/alias.png' is a symbolic link, which is not allowed: put the file itself here"),
    ("linked-subfolder", "image 'assets/sub/secret.png' its folder assets/sub is a symbolic link, which is not allowed: put the file itself here"),
    ("too-many-pixels", "image 'assets/huge.png' is too large (8000 × 8000 pixels; at most 40 megapixels)"),
    ("too-large-file", "image 'assets/big.png' is larger than 20 MB"),
    ("truncated", "image 'assets/cut.png' cannot be read: Truncated File Read"),
    ("text", "image 'assets/notes.png' is not a PNG, JPEG or GIF picture"),
    ("bmp", "image 'assets/old.bmp' is a BMP picture: use PNG, JPEG or GIF"),
]


@pytest.mark.parametrize(("case", "message"), ASSET_CASES, ids=[c for c, _ in ASSET_CASES])
def test_assets_are_confined_and_checked(small, capsys, opened, case, message):
    image = _image_case(case)(small / "content" / "t")
    write(small, FRONT + BODY + f"\n{image}\n")
    message = message.replace("{outside}", str(small / "outside"))
    opened.clear()  # the set-up wrote the pictures
    links = {
        "link-passwd": "passwd.png",
        "link-outside-png": "secret.png",
        "link-inside-png": "alias.png",
        "linked-subfolder": "sub",
    }
    first = (
        [f"{NOTE}: assets/{links[case]} is a symbolic link, which is not allowed in assets/"] if case in links else []
    )
    refused(small, BUILD, first + [f"{NOTE}:{NEXT}: {message}"], capsys)
    assert not [p for p in opened if "passwd" in p or "secret" in p]


@pytest.mark.parametrize(("target", "name"), [("outside", "secret.png"), ("/etc", "passwd")])
def test_a_symlinked_assets_folder_is_refused(small, capsys, opened, target, name):
    folder = small / "content" / "t"
    if target == "outside":
        save_picture(small / "outside" / name)
        target = str(small / "outside")
    os.symlink(target, folder / "assets")
    write(small, FRONT + BODY + f"\n![x](assets/{name})\n")
    before = hashes(small / "output")
    opened.clear()
    status, _, err = run(BUILD, capsys)
    assert hashes(small / "output") == before
    assert not [p for p in opened if "passwd" in p or "secret" in p]
    lines = err.splitlines()
    assert status == 1 and lines[0] == f"{NOTE}: the assets/ folder is a symbolic link, which is not allowed"
    assert lines[1] == f"{NOTE}:{NEXT}: image 'assets/{name}' its folder assets is a symbolic link, which is not allowed: put the file itself here"


def test_a_symlink_in_assets_is_never_attached_to_a_pdf_a(small):
    from pypdf import PdfReader

    folder = small / "content" / "t"
    (folder / "assets").mkdir()
    os.symlink("/etc/passwd", folder / "assets" / "passwd.txt")
    write(small, FRONT + BODY + "\nOne more paragraph.\n")
    # a subprocess: WeasyPrint leaves its ICC profile file open after a PDF/A (a ResourceWarning)
    result = cli("build", "content/t", "--format", "pdf", "--pdf-variant", "pdf/a-3u", cwd=small)
    attached = PdfReader(small / "output" / "t" / "t.en.pdf").attachments if result.returncode == 0 else {}
    assert "assets/passwd.txt" not in attached
    assert result.returncode == 1 and result.stderr.splitlines()[0].startswith(f"{NOTE}: ")


def test_a_picture_of_a_hundred_megapixels_gives_only_the_message(small):
    folder = small / "content" / "t"
    (folder / "assets").mkdir()
    (folder / "assets" / "huge.png").write_bytes(png_header(10000, 10000))
    write(small, FRONT + BODY + "\n![x](assets/huge.png)\n")
    before = hashes(small / "output")
    result = cli("build", "content/t", cwd=small)
    assert hashes(small / "output") == before
    assert (result.returncode, result.stderr.splitlines()) == (
        1,
        [
            f"{NOTE}:{NEXT}: image 'assets/huge.png' is too large (10000 × 10000 pixels; at most 40 megapixels)",
            failed(1),
        ],
    )


def test_a_picture_of_four_hundred_megapixels_is_called_too_large(small, capsys):
    folder = small / "content" / "t"
    (folder / "assets").mkdir()
    (folder / "assets" / "huge.png").write_bytes(png_header(20000, 20000))
    write(small, FRONT + BODY + "\n![x](assets/huge.png)\n")
    refused(
        small,
        BUILD,
        [f"{NOTE}:{NEXT}: image 'assets/huge.png' is too large (20000 × 20000 pixels; at most 40 megapixels)"],
        capsys,
    )


@pytest.mark.parametrize("kind", ["GIF", "JPEG", "PNG"])
def test_gif_jpeg_and_png_are_accepted(small, capsys, kind):
    folder = small / "content" / "t"
    save_picture(folder / "assets" / f"map.{kind.lower()}", kind)
    write(small, FRONT + BODY + f"\n![Map of the region](assets/map.{kind.lower()})\n")
    status, _, err = run(["build", "content/t", "--format", "docx"], capsys)
    assert (status, err) == (0, "")
    with zipfile.ZipFile(small / "output" / "t" / "t.en.docx") as archive:
        assert [n for n in archive.namelist() if n.startswith("word/media/")]


# 5. The DOCX template ------------------------------------------------------------------------------------


def _rewrite(path: Path, extra: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> Path:
    source = TEMPLATE_DIR / DOCX_TEMPLATE
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = (replace or {}).get(item.filename, old.read(item.filename))
            new.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return path


def _many_entries(path: Path) -> Path:
    return _rewrite(path, {f"customXml/extra{n}.xml": b"<a/>" for n in range(1000)})


def _bomb(path: Path) -> Path:
    return _rewrite(path, {"word/media/zeros.bin": bytes(50 * 1024 * 1024)})


def _vba(path: Path) -> Path:
    return _rewrite(path, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macros"})


def _macro_type(path: Path) -> Path:
    with zipfile.ZipFile(TEMPLATE_DIR / DOCX_TEMPLATE) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    assert "macroEnabled" in types
    return _rewrite(path, replace={"[Content_Types].xml": types.encode()})


def _external(path: Path) -> Path:
    with zipfile.ZipFile(TEMPLATE_DIR / DOCX_TEMPLATE) as archive:
        names = archive.namelist()
    rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'attachedTemplate" Target="http://127.0.0.1:9/evil.dotm" TargetMode="External"/></Relationships>'
    )
    name = "word/_rels/settings.xml.rels"
    return _rewrite(
        path, replace={name: rels} if name in names else None, extra=None if name in names else {name: rels}
    )


def _not_zip(path: Path) -> Path:
    path.write_text("This is a Word template, honestly.\n")
    return path


TEMPLATE_CASES = [
    (_many_entries, "{n} entries (at most 500)"),
    (_bomb, "'word/media/zeros.bin' is compressed {ratio} to 1 (at most 100): a zip bomb?"),
    (_vba, "it contains macros (vbaProject.bin)"),
    (_macro_type, "it is a macro-enabled document"),
    (_external, "'word/_rels/settings.xml.rels' links to an external resource (http://127.0.0.1:9/evil.dotm)"),
    (_not_zip, "not a DOCX (zip) file: File is not a zip file"),
]


def _expected(make, message: str, path: Path) -> str:
    if make is _many_entries:
        with zipfile.ZipFile(path) as archive:
            message = message.format(n=len(archive.infolist()))
    if make is _bomb:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("word/media/zeros.bin")
            message = message.format(ratio=info.file_size // info.compress_size)
    return f"{path}: DOCX template refused: {message}"


@pytest.mark.parametrize(("make", "message"), TEMPLATE_CASES, ids=[m.__name__.strip("_") for m, _ in TEMPLATE_CASES])
def test_a_bad_docx_template_is_refused(tmp_path, sample_note, make, message):
    from conceptnotes.build.validate import template_problems

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATE_DIR, templates)
    path = make(templates / DOCX_TEMPLATE)
    expected = _expected(make, message, path)
    assert [str(p) for p in check_template(path)] == [expected]
    # the check every command runs before rendering says the same
    assert [str(p) for p in template_problems(templates)] == [expected]


def test_the_real_docx_template_passes():
    assert check_template(TEMPLATE_DIR / DOCX_TEMPLATE) == []


# Broken input: clear errors ------------------------------------------------------------------------------

GENEVA = len(FRONT[: FRONT.index("Geneva")].encode()) + len("Gen")
BIDI = (
    "bidirectional control character U+{:04X} is not allowed: it can hide or reorder what the text says (to set"
    " the direction of a character, use U+200F RIGHT-TO-LEFT MARK or U+200E LEFT-TO-RIGHT MARK)"
)

NOTE_CASES = [
    pytest.param(
        FRONT.replace("Geneva", "Genève").encode("latin-1") + BODY.encode(),
        [f"7: not valid UTF-8 (byte 0xe8 at offset {GENEVA}); save the file as UTF-8"],
        id="not-utf8",
    ),
    pytest.param(
        "\n" + FRONT + BODY,
        ["1: blank line before the front matter: the first line must be '---'"],
        id="blank-line-first",
    ),
    pytest.param(
        FRONT[: -len("---\n")] + BODY,
        ["1: the front matter is never closed: add a line '---' after it"],
        id="never-closed",
    ),
    *[
        pytest.param(
            FRONT + BODY.replace("workshop", f"work{c}shop"),
            [f"12:9: control character U+{ord(c):04X} is not allowed"],
            id=f"control-{ord(c):04X}",
        )
        for c in "\x00\x0b\x0c\ufffe"
    ],
    *[
        pytest.param(
            FRONT + BODY.replace("workshop", f"work{c}shop"), [f"12:9: {BIDI.format(ord(c))}"], id=f"bidi-{ord(c):04X}"
        )
        for c in "\u202e\u2066"
    ],
    pytest.param(
        FRONT + BODY + "\nA call[^missing].\n",
        [f"{NEXT}: footnote [^missing] is referenced but never defined: add its text at the end of the note,"
          " '[^missing]: ...', or correct the call"],
        id="footnote-without-definition",
    ),
    pytest.param(
        FRONT + BODY + "\n[^lonely]: A note nobody calls.\n",
        [f"{NEXT}: footnote [^lonely] is defined but never referenced: call it with [^lonely] after the words it"
          " explains, or remove it"],
        id="definition-never-referenced",
    ),
    pytest.param(
        FRONT + BODY + "\n| Day | Event |\n|---|---|\n| 9 May | Workshop | extra |\n| 10 May |\n",
        [
            f"{NEXT + 2}: table row has 3 cells but the header has 2: give every row as many cells as the header"
             " (a '|' inside a cell is written '\\|')",
            f"{NEXT + 3}: table row has 1 cells but the header has 2: give every row as many cells as the header"
             " (a '|' inside a cell is written '\\|')",
        ],
        id="ragged-table",
    ),
    pytest.param(
        FRONT + BODY + "\n#### Too deep\n",
        [f"{NEXT}: heading level 4 is not supported: use '#', '##' or '###'"],
        id="heading-4",
    ),
]


@pytest.mark.parametrize(("text", "lines"), NOTE_CASES)
def test_broken_note_gives_a_clear_error_and_writes_nothing(small, capsys, text, lines):
    write(small, text)
    refused(small, BUILD, [f"{NOTE}:{line}" for line in lines], capsys)


def test_an_image_without_alt_text_warns_in_a_draft_and_fails_a_strict_build(small, capsys):
    save_picture(small / "content" / "t" / "assets" / "map.png")
    write(small, FRONT + BODY + "\n![](assets/map.png)\n")
    message = f"{NOTE}:{NEXT}: image 'assets/map.png' has no alt text"
    status, out, err = run(["check", "content/t"], capsys)
    assert (status, err.splitlines()) == (0, [message.replace(": image", ": warning: image")])
    assert out == "checked 1 note(s) in 1 language version(s): no problems\n"
    refused(small, ["build", "content/t", "--strict"], [message], capsys)
    refused(small, ["check", "content/t", "--strict"], [message], capsys)


def test_lists_nested_by_tabs_are_limited_like_lists_nested_by_spaces(small, capsys):
    levels = "".join("    " * i + "- level\n" for i in range(12))
    write(small, FRONT + BODY + "\n" + levels)
    status, _, spaces = run(["check", "content/t"], capsys)
    assert status == 1 and "lists nested too deep" in spaces
    write(small, FRONT + BODY + "\n" + levels.replace("    ", "\t"))
    status, _, tabs = run(["check", "content/t"], capsys)
    assert status == 1 and "lists nested too deep" in tabs


# Catalogs --------------------------------------------------------------------------------------------------


def _edit_po(project: Path, lang: str, old: str, new: str, domain: str = SAMPLE_ID) -> Path:
    po = project / "locales" / lang / "LC_MESSAGES" / f"{domain}.po"
    text = po.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    po.write_text(text.replace(old, new), encoding="utf-8")
    return po


def _line_of(project: Path, needle: str, lang: str = "fr", domain: str = SAMPLE_ID, nth: int = 0) -> int:
    po = project / "locales" / lang / "LC_MESSAGES" / f"{domain}.po"
    lines = po.read_text(encoding="utf-8").split("\n")
    return [n for n, line in enumerate(lines, start=1) if line.startswith(needle)][nth]


PO = f"locales/fr/LC_MESSAGES/{SAMPLE_ID}.po"
LABELS = "locales/fr/LC_MESSAGES/messages.po"


def test_a_catalog_syntax_error_names_its_line(sample, capsys):
    _edit_po(sample, "fr", 'msgstr "Contexte"', 'msgstr "Contexte')
    line = _line_of(sample, 'msgstr "Contexte')
    refused(sample, FR, [f"{PO}:{line}: end-of-line within string: close it with '\"'"], capsys)


def test_a_duplicate_msgid_names_both_entries(sample, capsys):
    po = sample / PO
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "Background"\nmsgstr "Contexte"\n', encoding="utf-8")
    first, second = (_line_of(sample, 'msgid "Background"', nth=n) for n in (0, 1))
    # GNU msgfmt points at the msgstr line of the first entry and the msgid line of the second
    refused(
        sample,
        FR,
        [
            f"{PO}:{first + 1}: msgfmt: ...this is the location of the first definition",
            f"{PO}:{second}: msgfmt: duplicate message definition...",
        ],
        capsys,
    )


def test_a_wrong_language_header(sample, capsys):
    _edit_po(sample, "fr", '"Language: fr\\n"', '"Language: de\\n"')
    line = _line_of(sample, '"Language:')
    refused(
        sample, FR, [f"{PO}:{line}: the catalog's Language header is 'de', but it is in the folder of 'fr'"], capsys
    )


def test_a_catalog_not_in_utf8(sample, capsys):
    _edit_po(sample, "fr", "charset=utf-8", "charset=ISO-8859-1")
    line = _line_of(sample, '"Content-Type:')
    refused(sample, FR, [f"{PO}:{line}: the catalog must be UTF-8, not ISO-8859-1"], capsys)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("en mai 2021[^dialogue].", "en mai 2021.", "the translation drops footnote call [^dialogue]"),
    ("en mai 2021[^dialogue].", "en mai 2021[^dialogue][^strategy].",
     "the translation adds footnote call [^strategy], which is not in the source"),
    ("[Bureau de lutte contre le terrorisme de l'ONU](https://www.un.org/counterterrorism/)",
     "[Bureau de lutte contre le terrorisme de l'ONU](https://www.un.org/fr/counterterrorism/)",
     "the translation drops link target https://www.un.org/counterterrorism/\n"
     "the translation adds link target https://www.un.org/fr/counterterrorism/, which is not in the source"),
])  # fmt: skip
def test_a_translation_that_changes_footnote_calls_or_links(sample, capsys, old, new, message):
    line = _edit_translation(sample, "fr", old, new)
    refused(sample, FR, [f"{PO}:{line}: {m}" for m in message.split("\n")], capsys)


def _edit_translation(project: Path, lang: str, old: str, new: str) -> int:
    """``old`` replaced by ``new`` in the one translation that has it, however its lines
    are wrapped; the line of its entry's msgid, found in the catalog as written."""
    from babel.messages.pofile import read_po

    from conceptnotes.i18n import catalogs

    po = project / "locales" / lang / "LC_MESSAGES" / f"{SAMPLE_ID}.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    (message,) = [m for m in catalog if m.id and old in m.string]
    message.string = message.string.replace(old, new)
    po.write_bytes(catalogs.dump(catalog))
    lines = po.read_text(encoding="utf-8").split("\n")
    for number, text in enumerate(lines):
        if text.startswith("msgstr "):
            strings = [text[len("msgstr "):]]
            for more in lines[number + 1:]:
                if not more.startswith('"'):
                    break
                strings.append(more)
            if new in "".join(x[1:-1] for x in strings):
                return max(n for n in range(number) if lines[n].startswith("msgid ")) + 1
    raise AssertionError(new)


def test_a_label_translation_that_changes_placeholders(sample, capsys):
    _edit_po(sample, "fr", 'msgstr "Page {page} sur {pages}"', 'msgstr "Page {page} sur {total}"', "messages")
    line = _line_of(sample, 'msgid "Page {page} of {pages}"', domain="messages")
    refused(
        sample,
        FR,
        [
            f"{LABELS}:{line}: unknown placeholder {{total}} (known: {{page}}, {{pages}})",
            f"{LABELS}:{line}: the translation drops placeholder {{pages}}",
            f"{LABELS}:{line + 1}: msgfmt: a format specification for argument 'pages' doesn't exist in 'msgstr'",
        ],
        capsys,
    )


@pytest.mark.parametrize("char", ["\u202e", "\u2066"])
def test_bidi_controls_are_refused_in_a_french_catalog(sample, capsys, char):
    _edit_po(sample, "fr", 'msgstr "Contexte"', f'msgstr "Con{char}texte"')
    line = _line_of(sample, f'msgstr "Con{char}texte"')
    refused(sample, FR, [f"{PO}:{line}:12: {BIDI.format(ord(char))}"], capsys)


def _arabic_background(project: Path, prefix: str, suffix: str) -> None:
    po = project / "locales" / "ar" / "LC_MESSAGES" / f"{SAMPLE_ID}.po"
    lines = po.read_text(encoding="utf-8").split("\n")
    index = lines.index('msgid "Background"') + 1
    assert lines[index].startswith('msgstr "') and lines[index].endswith('"')
    lines[index] = 'msgstr "' + prefix + lines[index][len('msgstr "') : -1] + suffix + '"'
    po.write_text("\n".join(lines), encoding="utf-8")


AR = ["build", f"content/{SAMPLE_ID}", "--lang", "ar", "--format", "docx", "--strict"]


@pytest.mark.parametrize(("prefix", "suffix"), [("\u202e", "\u202c"), ("\u202b", "\u202c"), ("\u2066", "\u2069")],
                         ids=["RLO", "RLE", "LRI"])  # fmt: skip
def test_bidi_controls_are_refused_in_an_arabic_catalog_too(sample, capsys, prefix, suffix):
    """Arabic needs no embedding or override: in an Arabic footnote they turned "60/288" into "882/06"."""
    _arabic_background(sample, prefix, suffix)
    po = f"locales/ar/LC_MESSAGES/{SAMPLE_ID}.po"
    line = _line_of_ar(sample, prefix)
    end = len(next(x for x in (sample / po).read_text(encoding="utf-8").split("\n") if x.startswith('msgstr "' + prefix)))
    refused(sample, AR, [f"{po}:{line}:9: {BIDI.format(ord(prefix))}", f"{po}:{line}:{end - 1}: {BIDI.format(ord(suffix))}"], capsys)


def _line_of_ar(project: Path, prefix: str) -> int:
    lines = (project / "locales" / "ar" / "LC_MESSAGES" / f"{SAMPLE_ID}.po").read_text(encoding="utf-8").split("\n")
    return next(i for i, x in enumerate(lines, 1) if x.startswith('msgstr "' + prefix))


@pytest.mark.parametrize("mark", ["\u200f", "\u200e", "\u061c"], ids=["RLM", "LRM", "ALM"])
def test_direction_marks_are_accepted_in_an_arabic_catalog(sample, capsys, mark):
    _arabic_background(sample, mark, "")
    status, _, err = run(AR, capsys)
    assert (status, err) == (0, "")
    assert mark in _docx_text(sample / "output" / SAMPLE_ID / f"{SAMPLE_ID}.ar.docx")


def test_a_character_the_fonts_lack_in_a_translation_names_the_catalog(sample, capsys):
    po, line = _translate(sample, "fr", "Background", "Contexte \u2698")
    refused(
        sample, FR, [f"{po}:{line}: character U+2698 '\u2698' is not in the fonts for 'fr' (Liberation Serif)"], capsys
    )


# Templates ------------------------------------------------------------------------------------------------


def _broken_templates(tmp_path: Path, name: str, line: int, text: str) -> Path:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATE_DIR, templates)
    lines = (templates / name).read_text(encoding="utf-8").split("\n")
    lines.insert(line - 1, text)
    (templates / name).write_text("\n".join(lines), encoding="utf-8")
    return templates


@pytest.mark.parametrize(("name", "line", "text", "message"), [
    ("note.html.j2", 6, "{% if %}", "template error: Expected an expression, got 'end of statement block'"),
    ("note.html.j2", 6, "{% endfor %}", "template error: Encountered unknown tag 'endfor'."),
    ("note.html.j2", 6, "{{ no_such_variable }}", "template error: 'no_such_variable' is undefined"),
    ("blocks.html.j2", 6, "{% if %}", "template error: Expected an expression, got 'end of statement block'"),
])  # fmt: skip
def test_a_template_error_names_the_template_and_its_line(tmp_path, sample_note, name, line, text, message):
    templates = _broken_templates(tmp_path, name, line, text)
    with pytest.raises(NoteError) as caught:
        render_html(localize(sample_note, "en"), templates)
    assert [str(p) for p in caught.value.problems] == [f"{templates / name}:{line}: {message}"]


def test_an_undefined_variable_in_blocks_names_blocks(tmp_path, sample_note):
    templates = _broken_templates(tmp_path, "blocks.html.j2", 12, "{{ no_such_variable }}")
    with pytest.raises(NoteError) as caught:
        render_html(localize(sample_note, "en"), templates)
    assert [str(p) for p in caught.value.problems] == [
        f"{templates / 'blocks.html.j2'}:12: template error: 'no_such_variable' is undefined"
    ]


# Usage errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("argv", "message"), [
    (["build", "content/t", "--lang", "xx"], "error: unknown language 'xx' (choose among ar, en, es, fr, ru, zh)"),
    (["build", "content/t", "--format", "odt"], "error: unknown format 'odt' (choose among pdf, docx, html)"),
    (["build", "content/t", "--out", "content/out"],
     "error: the output folder content/out is inside content/, where notes live: choose another (default: output/)"),
])  # fmt: skip
def test_usage_errors_exit_2_and_write_nothing(small, capsys, argv, message):
    before = {str(p.relative_to(small)) for p in small.rglob("*")}
    refused(small, argv, [message], capsys, status=2)
    assert {str(p.relative_to(small)) for p in small.rglob("*")} == before


def test_an_output_folder_inside_the_note_is_a_usage_error(small, capsys):
    """content/t/out is inside both content/ and t/: the message names the innermost, t/."""
    before = {str(p.relative_to(small)) for p in small.rglob("*")}
    refused(small, ["build", "content/t", "--out", "content/t/out"],
            ["error: the output folder content/t/out is inside t/, where notes live: choose another"
             " (default: output/)"], capsys, status=2)
    assert {str(p.relative_to(small)) for p in small.rglob("*")} == before


# Nothing lost ----------------------------------------------------------------------------------------------


def _holds_lock(pid: int, lock: Path) -> bool:
    """Whether process ``pid`` holds the flock on ``lock`` (read from /proc/locks, without touching it)."""
    if not lock.exists():
        return False
    inode = lock.stat().st_ino
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "FLOCK" in fields and str(pid) in fields and any(f.endswith(f":{inode}") for f in fields):
            return True
    return False


def _wait_for_lock(process: subprocess.Popen, lock: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not _holds_lock(process.pid, lock):
        assert process.poll() is None, "the build ended before it took the lock"
        assert time.monotonic() < deadline, "the build never took the lock"
        time.sleep(0.02)


def _change_sample(project: Path) -> None:
    note = project / "content" / SAMPLE_ID / "note.md"
    note.write_text(note.read_text().replace("through its website", "through its official website"))


def test_two_builds_at_once_the_second_names_the_first(sample, capsys):
    _change_sample(sample)
    out = sample / "output"
    first = subprocess.Popen(
        [PYTHON, str(ROOT / "build.py"), "build", "--lang", "en,fr", "--format", "pdf", "--jobs", "1"],
        cwd=sample,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_lock(first, out / output.LOCK)
        second = cli("build", "--lang", "en,fr", "--format", "pdf", cwd=sample)
        assert first.poll() is None, "the first build finished before the second tried: no contention shown"
        first_out, first_err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert (second.returncode, second.stderr) == (
        1,
        f"error: another build (process {first.pid}) is writing to {out}; try again when it has finished\n",
    )
    assert first.returncode == 0, first_err
    assert all(": warning: " in line for line in first_err.splitlines()), first_err  # the changed unit falls back
    assert temporaries(out) == []
    status, verified, err = run(["verify"], capsys)
    assert (status, err) == (0, "")
    assert verified == "verified 4 output(s) against output/manifest.json\n"


def test_an_interrupted_build_changes_nothing(sample, capsys):
    """Interrupted at a definite point, however fast the machine: when it has rendered the first of
    its four documents (its progress line says so) and has three to go, the French PDF among them."""
    _change_sample(sample)
    out = sample / "output"
    before = hashes(out)
    process = subprocess.Popen(
        [PYTHON, str(ROOT / "build.py"), "build", "--lang", "en,fr", "--jobs", "1"],
        cwd=sample,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline() == "[1/4] rendered output/malaga-2022/malaga-2022.en.pdf\n"
        assert process.poll() is None, "the build finished before it could be interrupted"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert (process.returncode, err) == (130, "interrupted: the previous outputs are unchanged\n")
    assert hashes(out) == before
    status, _, err = run(["build", "--lang", "en", "--format", "docx"], capsys)
    assert (status, err) == (0, "")
    assert temporaries(out) == []
    assert run(["verify"], capsys)[0] == 0


def test_an_early_interrupt_gives_the_message_too(small):
    before = hashes(small / "output")
    note = small / "content" / "t" / "note.md"  # a change: the build has work to do (a no-op is over in 0.15 s)
    note.write_text(note.read_text(encoding="utf-8") + "\nAnother paragraph.\n", encoding="utf-8")
    process = subprocess.Popen(
        [PYTHON, str(ROOT / "build.py"), "build", "content/t"],
        cwd=small,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.15)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert hashes(small / "output") == before
    assert (process.returncode, err) == (130, "interrupted: the previous outputs are unchanged\n")


def test_a_full_disk_keeps_the_previous_outputs(small, capsys, monkeypatch):
    write(small, FRONT + BODY + "\nOne more paragraph.\n")
    before = hashes(small / "output")
    real_fsync = os.fsync
    calls = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the first document is staged, the second finds the disk full
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(output.os, "fsync", fsync)
    status, _, err = run(["build", "content/t", "--format", "pdf,docx"], capsys)
    monkeypatch.undo()
    assert (status, err) == (
        1,
        "error: cannot write output/t/t.en.docx: No space left on device; the previous outputs are unchanged\n",
    )
    assert hashes(small / "output") == before
    assert temporaries(small / "output") == []
    assert not (small / "output" / output.PENDING).exists()


def test_a_full_disk_reported_by_stage(small, capsys, monkeypatch):
    """The disk is full when the first document's temporary file is made (the system call
    that creates it fails, whichever module makes it)."""
    write(small, FRONT + BODY + "\nOne more paragraph.\n")
    before = hashes(small / "output")
    real_open = os.open

    def full(path, flags, *args, **kwargs):
        if flags & os.O_CREAT and os.path.basename(os.fsdecode(path)).startswith(output.TEMP_PREFIX):
            raise OSError(errno.ENOSPC, "No space left on device", os.fsdecode(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", full)
    status, _, err = run(["build", "content/t", "--format", "docx"], capsys)
    monkeypatch.undo()
    assert (status, err) == (
        1,
        "error: cannot write output/t/t.en.docx: No space left on device; the previous outputs are unchanged\n",
    )
    assert hashes(small / "output") == before
    assert temporaries(small / "output") == []


# Very large inputs: resource bounds, not benchmarks --------------------------------------------------------

LARGE = [
    pytest.param(
        lambda: "word " * 10_000_000,
        ["0: the note is 50.0 MB; a note may have at most 2 MB (put large material in separate documents)"],
        id="50MB-paragraph",
    ),
    pytest.param(
        lambda: ("Lorem ipsum dolor sit amet " * 70_400)[:1_900_000] + "\n",
        [
            "12: this paragraph has 1,900,000 characters; a paragraph, heading, table cell or term may have at most"
            " 20,000: split it",
            "12: the document in 'en' passes 400,000 characters here; a document may show at most 400,000: put large"
            " material in separate documents",
        ],
        id="1.9MB-paragraph",
    ),
    pytest.param(
        lambda: "> " * 10_000 + "deep\n", ["12: block quotes nested 10000 deep (at most 8)"], id="10000-quotes"
    ),
    pytest.param(
        lambda: "".join("    " * i + "- level\n" for i in range(900)),
        [f"{12 + i}: indented {4 * i} spaces: lists nested too deep (at most 10 levels)" for i in range(11, 16)],
        id="900-levels-by-indentation",
    ),
    pytest.param(
        lambda: "".join("\t" * i + "- level\n" for i in range(10_000)),
        ["0: the note is 50.1 MB; a note may have at most 2 MB (put large material in separate documents)"],
        id="10000-levels-by-indentation",
    ),
    pytest.param(
        lambda: "- " * 10_000 + "x\n",
        ["12: 10000 list markers on one line: lists nested too deep"],
        id="10000-markers-on-one-line",
    ),
    pytest.param(
        lambda: "[" * 5_000 + "\n",
        [
            "12: a run of 5000 emphasis or bracket characters: too deep to parse",
            "12: more than 400 markup characters ([ < * _ `) in one paragraph: too many to parse in reasonable time",
        ],
        id="5000-brackets",
    ),
    pytest.param(
        lambda: "[x " * 5_000 + "\n",
        ["12: more than 400 markup characters ([ < * _ `) in one paragraph: too many to parse in reasonable time"],
        id="5000-unclosed-brackets",
    ),
    pytest.param(
        lambda: "*" * 20_000 + "\n",
        [
            "12: a run of 20000 emphasis or bracket characters: too deep to parse",
            "12: more than 400 markup characters ([ < * _ `) in one paragraph: too many to parse in reasonable time",
        ],
        id="20000-stars",
    ),
    pytest.param(
        lambda: "*a " * 20_000 + "\n",
        ["12: more than 400 markup characters ([ < * _ `) in one paragraph: too many to parse in reasonable time"],
        id="20000-spread-stars",
    ),
]
LARGE_FRONT = FRONT + "# A\n\n"  # the large body starts on line 12


@pytest.mark.parametrize(("body", "lines"), LARGE)
def test_very_large_inputs_end_quickly_with_bounded_memory(small, body, lines):
    write(small, LARGE_FRONT + body())
    memory = small / "memory.txt"
    result = cli("check", "content/t", cwd=small, timeout=20, prefix=("/usr/bin/time", "-o", str(memory), "-f", "%M"))
    assert "Traceback" not in result.stderr
    peak = int(memory.read_text().split()[-1])
    assert peak < 500_000, f"{peak} KB"
    if not lines:
        assert (result.returncode, result.stderr) == (0, "")
        assert result.stdout == "checked 1 note(s) in 1 language version(s): no problems\n"
        return
    shown = [f"{NOTE}:{line}" if not line.startswith("0: ") else f"{NOTE}: {line[3:]}" for line in lines]
    assert (result.returncode, result.stderr.splitlines()) == (1, [*shown, failed(len(shown))])
