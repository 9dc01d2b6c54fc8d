"""The registry of output formats, as the commands show it: ``--format html`` (pages read in a
real Chromium, through the same check, keys and manifest as the other formats), the renderers
a command loads, and a PDF's HTML rendered once per build."""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conceptnotes import languages
from tests.conftest import ROOT, build_in, copy_root

TIMEOUT = 60_000  # ms: a first page on a loaded CI machine, not a target


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    """The six-language root built with ``--format html`` alone: its project folder."""
    project = copy_root("official", tmp_path_factory.mktemp("html"))
    assert build_in(project, "build", "--format", "html", "--jobs", "1") == 0
    return project


# What each page is, as Chromium reads it: every fact the test asserts, in one evaluation.
READ_PAGE = """() => {
  const target = (a) => document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
  const links = [...document.querySelectorAll('a[href^="#"]')];
  return {
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    h1: [...document.querySelectorAll('h1')].map((h) => h.textContent.trim()),
    headings: document.querySelectorAll('main h2').length,
    landmarks: ['body > header', 'main', 'body > footer'].filter((s) => document.querySelector(s)).length,
    scripts: document.querySelectorAll('script').length,
    external: [...document.querySelectorAll('[src], link[href]')].map((e) => e.getAttribute('src') || e.href)
      .filter((url) => !url.startsWith('data:')),
    unresolved: links.filter((a) => !target(a)).map((a) => a.getAttribute('href')),
    calls: [...document.querySelectorAll('a[role="doc-noteref"]')].map((a) => [a.id, a.getAttribute('href')]),
    backlinks: [...document.querySelectorAll('a[role="doc-backlink"]')].map((a) => [target(a).id,
      a.closest('li').id]),
    images: [...document.images].map((i) => [i.src.slice(0, 22), i.alt, i.complete && i.naturalWidth > 0]),
    masthead: document.querySelector('header.masthead').innerText,
    styled: getComputedStyle(document.querySelector('main')).display,
  };
}"""


def read_page(browser, path: Path) -> dict:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    page.goto(path.as_uri())
    found = page.evaluate(READ_PAGE)
    context.close()
    found["errors"] = errors
    return found


def test_the_html_pages_are_accessible_and_stand_alone_in_chromium(pages, browser):
    folder = pages / "output" / "official"
    source = (pages / "content" / "official" / "note.md").read_text(encoding="utf-8")
    notes = range(1, len(re.findall(r"^\[\^", source, re.MULTILINE)) + 1)
    assert len(notes) == 2
    files = sorted(folder.glob("*.html"))
    assert [f.name for f in files] == sorted(f"official.{lang}.html" for lang in languages.CODES)
    assert not list(folder.glob("*.pdf")) and not list(folder.glob("*.docx"))  # only what was asked
    for path in files:
        lang = path.name.split(".")[1]
        found = read_page(browser, path)
        assert found["errors"] == [], path.name
        assert (found["lang"], found["dir"]) == (lang, languages.get(lang).direction)
        assert len(found["h1"]) == 1 and found["h1"][0] and found["headings"] == 5, path.name
        assert found["landmarks"] == 3 and found["scripts"] == 0 and found["external"] == [], path.name
        assert found["unresolved"] == [], path.name
        # each note: its call links to it, and it links back to its call
        assert [href for _, href in found["calls"]] == [f"#fn-{n}" for n in notes], path.name
        assert [back for back, _ in found["backlinks"]] == [f"fnref-{n}" for n in notes]
        assert [item for _, item in found["backlinks"]] == [f"fn-{n}" for n in notes]
        assert found["styled"] == "block"  # the stylesheet is there: <main> is not hidden or unstyled
    french = read_page(browser, folder / "official.fr.html")
    assert "Distr. générale\nOriginal\u00a0: anglais" in french["masthead"]  # the PDF's localized masthead


def test_images_are_data_urls_with_their_alt_text(tmp_path, browser):
    project = copy_root("figures", tmp_path)
    assert build_in(project, "build", "--format", "html", "--lang", "en", "--jobs", "1") == 0
    found = read_page(browser, project / "output" / "figures" / "figures.en.html")
    assert found["errors"] == []
    assert found["images"] and all(src.startswith("data:image/png;base64") for src, _, _ in found["images"])
    assert ["Plan of the training rooms", True] in [[alt, shown] for _, alt, shown in found["images"]]


def test_official_lists_the_html_pages_and_a_no_op_keeps_them(tmp_path, capsys):
    project = copy_root("official", tmp_path)
    assert build_in(project, "official", "--format", "html", "--jobs", "1") == 0
    manifest = json.loads((project / "output" / "manifest.json").read_text())
    listed = {name: entry["format"] for name, entry in manifest["outputs"].items()}
    assert listed == {f"official/official.{lang}.html": "html" for lang in languages.CODES}
    assert manifest["official"] is True
    capsys.readouterr()
    assert build_in(project, "official", "--format", "html", "--jobs", "1") == 0
    assert "6 documents: 0 built, 6 up to date" in capsys.readouterr().out


def test_a_changed_translation_rebuilds_its_page(tmp_path, capsys):
    project = copy_root("official", tmp_path)
    assert build_in(project, "build", "--format", "html", "--jobs", "1") == 0
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "official.po"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        'msgstr "Gouvernement espagnol"', 'msgstr "Gouvernement du Royaume espagnol"'), encoding="utf-8")
    capsys.readouterr()
    assert build_in(project, "build", "--format", "html", "--jobs", "1") == 0
    assert "6 documents: 1 built, 5 up to date" in capsys.readouterr().out
    page = (project / "output" / "official" / "official.fr.html").read_text(encoding="utf-8")
    assert "Gouvernement du Royaume espagnol" in page


# What a command loads --------------------------------------------------------------------------------------


def imported(project: Path, *args: str) -> set[str]:
    """The modules ``build.py ARGS`` imported (``-X importtime``), run in ``project``."""
    done = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "build.py"), *args], cwd=project,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", done.stderr, re.MULTILINE))


def test_a_format_s_renderer_loads_only_when_that_format_is_built_or_checked(tmp_path):
    """``build --format pdf`` never loads python-docx; ``--format docx`` and plain ``check`` do,
    and plain ``check`` says what is wrong with the Word template that a PDF build ignores."""
    project = copy_root("table", tmp_path)
    assert "docx" not in imported(project, "build", "--format", "pdf", "--jobs", "1")
    docx_build = imported(project, "build", "--format", "docx", "--jobs", "1", "--out", "docx-out")
    assert "docx" in docx_build
    # nor the HTML templates' Jinja for a DOCX, nor Markdown's look-up of its extensions among
    # the installed packages (importlib.metadata), nor urllib by way of xml.sax (issue 25)
    assert not {"jinja2", "importlib.metadata", "xml.sax.saxutils"} & docx_build
    shutil.copytree(ROOT / "templates", project / "templates")
    (project / "templates" / "concept-note" / "reference.docx").write_bytes(b"not a zip")
    assert build_in(project, "build", "--format", "pdf", "--jobs", "1", "--out", "pdf-out") == 0
    assert build_in(project, "check") == 1
    assert build_in(project, "build", "--format", "docx", "--jobs", "1", "--out", "docx-again") == 1


# A PDF's HTML, rendered once ---------------------------------------------------------------------------


def test_a_chinese_pdf_renders_its_html_once(tmp_path, caplog, monkeypatch):
    """The check's HTML is the one the fonts are subset to and the PDF lays out, named to the
    subsets (a PDF naming the whole collections is refused): the build's log says each
    document's HTML is rendered once."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the subsets are made now
    project = copy_root("figures", tmp_path)
    with caplog.at_level(logging.DEBUG, logger="conceptnotes.render.html"):
        assert build_in(project, "build", "--format", "pdf", "--lang", "zh", "--jobs", "1") == 0
    rendered = [r.getMessage() for r in caplog.records if r.name == "conceptnotes.render.html"]
    assert rendered == ["rendering the HTML of figures in zh"]
    subsets = list((tmp_path / "cache" / "conceptnotes" / "fonts" / "subsets").iterdir())
    assert subsets and all(".ttc" not in path.name for path in subsets)
    assert (project / "output" / "figures" / "figures.zh.pdf").read_bytes().startswith(b"%PDF-")
