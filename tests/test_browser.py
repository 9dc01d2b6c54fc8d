"""The preview server in a real browser: Debian's headless Chromium, driven by Playwright.

Each test works on its own copy of the sample project with ``build.py serve`` running in
it, changes files on disk as an editor would, and watches the open page follow without
a reload.  Each page is photographed (in the test's folder; with
``CONCEPTNOTES_SCREENSHOTS=docs/img`` also there, for the guide).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import urllib.request
from pathlib import Path

import pytest

from conceptnotes.languages import CODES, DEFAULT_SOURCE
from tests.conftest import need, run_in

SCREENSHOTS = os.environ.get("CONCEPTNOTES_SCREENSHOTS")
TIMEOUT = 60_000  # ms: a cold first layout on a loaded CI machine, not a target
EDITED = "Strategy, in June 2023.[^strategy]"  # in place of "Strategy, in 2023.[^strategy]"
FRENCH = ("La Conférence est organisée par le Bureau de lutte contre le terrorisme et le Gouvernement du Royaume"
          " d'Espagne. Il s'agit de la **première conférence internationale thématique consacrée à la société"
          " civile et aux droits de l'homme dans la lutte contre le terrorisme**, qui se tient en amont du"
          " huitième examen de la Stratégie antiterroriste mondiale des Nations Unies, prévu en juin"
          " 2023[^strategy].")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(TIMEOUT)
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == [], errors  # no script error on any page


def photograph(page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=tmp_path / f"{name}.png")
    if SCREENSHOTS:
        page.screenshot(path=Path(SCREENSHOTS) / f"{name}.png")


def pdf_text(url: str) -> str:
    from pypdf import PdfReader

    with urllib.request.urlopen(url, timeout=60) as response:
        reader = PdfReader(io.BytesIO(response.read()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def shown_version(page) -> int:
    return int(page.locator("#pages").get_attribute("data-version") or 0)


def until(page, condition, what: str) -> None:
    """Wait, polling from here: the pages' Content-Security-Policy forbids the string
    evaluation of Playwright's own ``wait_for_function``, and it stays on in these tests."""
    for _ in range(TIMEOUT // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {what}")


def wait_for_pages(page, after: int = 0) -> int:
    """The version of the pages shown once a rendering newer than ``after`` is on screen."""
    until(page, lambda: shown_version(page) > after, f"pages newer than version {after}")
    until(page, lambda: page.evaluate(
        "[...document.querySelectorAll('#pages img')].every(i => i.complete && i.naturalWidth > 0)"), "page images")
    return shown_version(page)


def test_the_index_shows_what_i18n_status_says(served, page, tmp_path):
    project, url = served
    page.goto(url)
    status = json.loads(run_in(project, "i18n", "status", "--json").stdout)
    rows = {row["language"]: row for row in status if row["note"] == "malaga-2022"}
    shown = page.locator("tbody[data-note='malaga-2022'] tr[data-lang]")
    assert shown.count() == 6
    for lang in (code for code in CODES if code != DEFAULT_SOURCE):
        row = page.locator(f"tbody[data-note='malaga-2022'] tr[data-lang='{lang}']")
        counts = [int(row.locator(f"td.{kind}").inner_text()) for kind in ("translated", "fuzzy", "untranslated")]
        assert counts == [rows[lang]["translated"], rows[lang]["fuzzy"], rows[lang]["untranslated"]]
    assert page.locator("tr[data-lang='en'] td.source").inner_text() == "source language"
    photograph(page, tmp_path, "serve-index")


def test_the_note_page_follows_the_saved_note_without_a_reload(served, page, tmp_path):
    project, url = served
    page.goto(url + "note/malaga-2022/en")
    first = wait_for_pages(page)
    assert page.locator("#source li", has_text="# Introduction").count() == 1
    assert page.locator("#pages .page").count() >= 2
    # the first block of the first page links to the line of the first heading
    heading = page.locator("#source li", has_text="# Introduction").get_attribute("id")
    assert page.locator(f"#pages a.block[href='#{heading}']").count() == 1
    page.locator(f"#pages a.block[href='#{heading}']").click()
    assert "current" in page.locator(f"#{heading}").get_attribute("class")
    photograph(page, tmp_path, "serve-note")
    page.evaluate("window.notReloaded = true")

    note = project / "content" / "malaga-2022" / "note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("Strategy, in 2023.[^strategy]", EDITED),
                    encoding="utf-8")
    wait_for_pages(page, first)
    assert page.evaluate("window.notReloaded") is True
    page.locator("#source li", has_text="in June 2023").wait_for()
    pdf = url.rstrip("/") + page.locator("#pdf-link").get_attribute("href")
    assert "Strategy, in June 2023." in pdf_text(pdf)


def test_a_broken_note_shows_its_line_until_it_is_fixed(served, page, tmp_path):
    project, url = served
    page.goto(url + "note/malaga-2022/en")
    wait_for_pages(page)
    assert page.locator("#problems").is_hidden()
    note = project / "content" / "malaga-2022" / "note.md"
    good = note.read_text(encoding="utf-8")
    line = good.splitlines().index("  end: 2022-05-11") + 1
    note.write_text(good.replace("  end: 2022-05-11", "  end: 2022-05-01"), encoding="utf-8")
    page.locator("#problems").wait_for(state="visible")
    assert f"content/malaga-2022/note.md:{line}:" in page.locator("#problem-list").inner_text()
    page.locator("#problem-list li", has_text=f"note.md:{line}:").click()  # shows the line in the source
    assert "current" in page.locator(f"#L{line}").get_attribute("class")
    photograph(page, tmp_path, "serve-error")
    note.write_text(good, encoding="utf-8")
    page.locator("#problems").wait_for(state="hidden")


def test_a_translator_translates_a_fuzzy_unit_and_sees_the_french_page(served, page, tmp_path):
    import polib

    project, url = served
    note = project / "content" / "malaga-2022" / "note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("Strategy, in 2023.[^strategy]", EDITED),
                    encoding="utf-8")
    assert run_in(project, "i18n", "extract").returncode == 0
    assert run_in(project, "i18n", "update").returncode == 0
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "malaga-2022.po"

    page.goto(url + "translate/malaga-2022/fr?show=fuzzy")
    page.locator("#units .unit").first.wait_for()
    assert page.locator("#count-fuzzy").inner_text() == "1"
    unit = page.locator("#units .unit")
    assert unit.count() == 1 and unit.get_attribute("data-state") == "fuzzy"
    inserted = [text.strip() for text in unit.locator(".diff ins").all_inner_texts()]
    assert inserted == ["June"], unit.locator(".diff").inner_html()  # what changed in the source
    first = wait_for_pages(page)

    box = unit.locator("textarea")
    box.fill(FRENCH.replace("[^strategy]", ""))  # the footnote call forgotten: the check says so
    unit.locator(".checks li", has_text="[^strategy]").wait_for()
    box.fill(FRENCH)
    unit.locator(".checks li").first.wait_for(state="detached")
    photograph(page, tmp_path, "serve-translate")
    unit.locator("button.save").click()
    unit.locator(".saved", has_text="saved").wait_for()
    assert unit.get_attribute("data-state") == "translated"
    until(page, lambda: page.locator("#count-fuzzy").inner_text() == "0", "the fuzzy count to go down")

    entry = polib.pofile(str(catalog)).find(FRENCH, by="msgstr")
    assert entry is not None and "fuzzy" not in entry.flags and entry.previous_msgid is None
    assert EDITED in entry.msgid.replace("\n", "")
    subprocess.run([need("msgfmt"), "--check", "-o", os.devnull, str(catalog)], check=True)
    assert run_in(project, "i18n", "update", "--check").returncode == 0  # written as pybabel writes

    wait_for_pages(page, first)  # the French pages are laid out again from the saved catalog
    assert "prévu en juin 2023" in pdf_text(f"{url.rstrip('/')}/preview/malaga-2022/fr/"
                                            f"{shown_version(page)}/malaga-2022.fr.pdf")
