"""The pipeline's structure: check writes nothing, no library is patched, the language
facts live in the registry, and no function or class grows past what a reader can hold."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conceptnotes.languages import CODES

from .conftest import ROOT, SAMPLE, copy_root

PACKAGE = ROOT / "conceptnotes"


def six_languages(where) -> Path:
    """The note of a copy of the test root ``official`` (one page in the six languages); its folder."""
    return copy_root("official", where) / "content" / "official"


def test_check_writes_nothing_not_even_the_cache(tmp_path):
    """Not even the digest of a large file (over a mebibyte, which a build keeps in the cache):
    here one in the project's own templates."""
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    note = six_languages(tmp_path)
    templates = note.parent.parent / "templates" / "concept-note"
    shutil.copytree(ROOT / "templates" / "concept-note", templates)
    (templates / "letterhead.png").write_bytes(b"\0" * (2 << 20))
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", str(note)], cwd=note.parent.parent,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert list(cache.rglob("*")) == []


def test_a_build_fills_the_cache_it_reads(tmp_path):
    """The Chinese PDF names subsets of its faces: the build writes them (and only the build)."""
    cache = tmp_path / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    note = six_languages(tmp_path)
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", str(note), "--lang", "zh",
                             "--format", "pdf", "--out", str(tmp_path / "out")],
                            cwd=note.parent.parent, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert list((cache / "conceptnotes" / "fonts" / "subsets").glob("NotoSerifCJK-Regular-2-*.otf"))
    assert list((cache / "conceptnotes" / "fonts" / "cmaps").glob("*.json"))


def test_importing_and_running_the_pipeline_patches_no_library(tmp_path):
    """python-docx's part factory and PIL's pixel limit are as the libraries left them."""
    code = """
import PIL.Image
from docx.opc.part import PartFactory
before = (dict(PartFactory.part_type_for), PIL.Image.MAX_IMAGE_PIXELS)
import pkgutil, importlib, conceptnotes
for module in pkgutil.walk_packages(conceptnotes.__path__, "conceptnotes."):
    importlib.import_module(module.name)
from conceptnotes.build.pipeline import check
from pathlib import Path
check([Path(NOTE)])
assert (dict(PartFactory.part_type_for), PIL.Image.MAX_IMAGE_PIXELS) == before
print("unchanged")
"""
    note = six_languages(tmp_path)
    result = subprocess.run([sys.executable, "-c", code.replace("NOTE", repr(str(note)))], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.stdout.strip() == "unchanged", result.stderr


LANGUAGE_FACT = re.compile(r"RTL_LANGUAGES|\"(ar|en|es|fr|ru|zh)\"")


def test_language_facts_live_in_the_registry_only():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "languages.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if LANGUAGE_FACT.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_no_function_over_80_lines_and_no_class_over_250():
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            size = (node.end_lineno or 0) - node.lineno + 1
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and size > 80:
                too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} def {node.name}: {size} lines")
            elif isinstance(node, ast.ClassDef) and size > 250:
                too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} class {node.name}: {size} lines")
    assert too_long == []


@pytest.mark.parametrize("formats", ["pdf", "docx"])
def test_an_image_without_alt_text_is_one_warning_and_the_draft_builds(tmp_path, monkeypatch, capsys, formats):
    from PIL import Image

    from conceptnotes.cli import main

    from .conftest import write_note

    folder = write_note(tmp_path / "content" / "test-note", "# Introduction\n\nA map:\n\n![](assets/map.png)\n")
    (folder / "assets").mkdir()
    Image.new("RGB", (40, 30), (0, 90, 160)).save(folder / "assets" / "map.png")
    monkeypatch.chdir(tmp_path)
    warning = "content/test-note/note.md:17: warning: image 'assets/map.png' has no alt text"
    assert main(["check", "content/test-note"]) == 0
    assert capsys.readouterr().err.splitlines() == [warning]
    assert main(["build", "content/test-note", "--format", formats, "--out", "out"]) == 0
    assert capsys.readouterr().err.splitlines() == [warning]
    built = tmp_path / "out" / "test-note" / f"test-note.en.{formats}"
    assert built.is_file()
    if formats == "pdf":  # the draft PDF names the figure by its file, as PDF/UA needs a name
        from pypdf import PdfReader

        root = PdfReader(built).trailer["/Root"]["/StructTreeRoot"].get_object()
        assert "map.png" in alt_texts(root)
    assert main(["build", "content/test-note", "--strict", "--format", formats, "--out", "out2"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == warning.replace("warning: ", "")


def alt_texts(element) -> list[str]:
    """Every /Alt of a PDF structure tree."""
    element = element.get_object()
    found = [str(element["/Alt"])] if hasattr(element, "get") and "/Alt" in element else []
    kids = element.get("/K", []) if hasattr(element, "get") else []
    for kid in kids if isinstance(kids, list) else [kids]:
        if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
            found += alt_texts(kid)
    return found


def test_a_broken_stylesheet_is_the_same_problem_for_check_and_every_format(root, monkeypatch, capsys):
    """WeasyPrint's CSS warnings and url()s out of the templates are refused by check too,
    and by a DOCX-only build, at the stylesheet's line, not only when a PDF is laid out."""
    from conceptnotes.cli import main

    project = root("table")
    templates = project / "templates" / "concept-note"
    shutil.copytree(ROOT / "templates" / "concept-note", templates)
    css = templates / "note.css"
    lines = css.read_text(encoding="utf-8").count("\n")
    css.write_text(css.read_text(encoding="utf-8") + "p { colour: red; }\nbody { background: url(file:///etc/hosts); }\n",
                   encoding="utf-8")
    monkeypatch.chdir(project)
    expected = [
        f"templates/concept-note/note.css:{lines + 1}:5: template error: Ignored `colour: red`, unknown property.",
        f"templates/concept-note/note.css:{lines + 2}: template error: url(file:///etc/hosts) is outside the"
        " template folder",
        "failed: 2 problems; nothing was written",
    ]
    for argv in (["check"], ["build", "--format", "docx"], ["build", "--format", "pdf"], ["official"]):
        assert main(argv) == 1, argv
        assert capsys.readouterr().err.splitlines() == expected, argv
    assert not (project / "output" / "table").exists()


def test_an_image_without_alt_text_in_a_note_of_two_languages_is_said_once_by_every_command(tmp_path, capsys):
    """Item 9 of issue 10: one warning with its line in a draft (check and build), one error in a
    strict check, a strict build and the official build; never once per language."""
    from PIL import Image

    from .conftest import build_in, copy_root

    project = copy_root("translated", tmp_path)
    folder = project / "content" / "translated"
    (folder / "assets").mkdir()
    Image.new("RGB", (40, 30), (0, 90, 160)).save(folder / "assets" / "map.png")
    text = (folder / "note.md").read_text(encoding="utf-8")
    assert "languages: [en, fr]" in text
    (folder / "note.md").write_text(text + "\n![](assets/map.png)\n", encoding="utf-8")
    line = text.count("\n") + 2
    warning = f"content/translated/note.md:{line}: warning: image 'assets/map.png' has no alt text"
    for command, code, expected in [
        (["check"], 0, warning),
        (["build", "--format", "docx", "--jobs", "1"], 0, warning),
        (["check", "--strict"], 1, warning.replace("warning: ", "")),
        (["build", "--strict", "--format", "docx", "--jobs", "1"], 1, warning.replace("warning: ", "")),
        (["official", "--jobs", "1"], 1, warning.replace("warning: ", "")),
    ]:
        assert build_in(project, *command) == code, command
        said = [shown for shown in capsys.readouterr().err.splitlines() if "alt text" in shown]
        assert said == [expected], command


def test_a_localized_document_pickles_for_a_worker_and_renders_the_same():
    """Worker processes receive documents pickled (they start before the check): the labels'
    gettext is data, and a document that went through pickle renders the same HTML."""
    import pickle

    from conceptnotes.build.pipeline import check
    from conceptnotes.render.html import render_html

    documents = check([SAMPLE]).documents  # every kind of node the sample has (a table too)
    assert {d.lang for d in documents} == set(CODES)
    for document in documents:
        copy = pickle.loads(pickle.dumps(document))
        assert copy.gettext("Page {page} of {pages}") == document.gettext("Page {page} of {pages}")
        assert render_html(copy) == render_html(document)


def test_package_versions_are_those_importlib_metadata_reads():
    from importlib import metadata

    from conceptnotes.build.provenance import PACKAGES
    from conceptnotes.project import package_version

    for name in (*PACKAGES, "PyYAML", "pypdf"):
        assert package_version(name) == metadata.version(name), name


def test_the_html_the_check_rendered_makes_the_same_pdf():
    """A PDF whose fonts are the faces' own files is laid out from the HTML the check
    rendered (the worker does not render it again): the same bytes either way."""
    from conceptnotes import fonts
    from conceptnotes.build.pipeline import Scope, check
    from conceptnotes.render.pdf import render_pdf

    checked = check([SAMPLE], Scope(langs=("en", "ar")))
    documents, htmls = checked.documents, checked.htmls
    for document in documents:
        assert not any(face.subsetted for face in fonts.faces(document.lang))
        given = render_pdf(document, html=htmls[document.note.id, document.lang])
        assert given.data == render_pdf(document).data, document.lang



def test_a_kind_the_html_templates_have_no_macro_for_is_said_at_its_first_line(root, monkeypatch, capsys):
    """Templates that lack a kind's macro refuse a note that holds that kind, at its first
    block of the kind; a note without it passes (the walk for kinds is skipped only when
    every kind has its macro)."""
    from conceptnotes.cli import main

    project = root("table")
    templates = project / "templates" / "concept-note"
    shutil.copytree(ROOT / "templates" / "concept-note", templates)
    blocks = templates / "blocks.html.j2"
    blocks.write_text(blocks.read_text(encoding="utf-8").replace("{% macro definition_list(b)",
                                                                 "{% macro glossary_list(b)"), encoding="utf-8")
    monkeypatch.chdir(project)
    assert main(["check"]) == 0, capsys.readouterr().err
    note = project / "content" / "table" / "note.md"
    lines = note.read_text(encoding="utf-8").count("\n")
    note.write_text(note.read_text(encoding="utf-8") + "\nTerm\n: Its definition.\n\nTerm two\n: Another.\n",
                    encoding="utf-8")
    capsys.readouterr()
    assert main(["check"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"content/table/note.md:{lines + 2}: the HTML templates have no macro for definition_list"
        " (add '{% macro definition_list(node) %}' to templates/concept-note/blocks.html.j2)")
