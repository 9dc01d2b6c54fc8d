"""``build.py serve`` over plain HTTP: what it sends, what it refuses, what it writes.

The server runs as a user runs it (``build.py serve`` in a copy of the sample project);
the browser's side is in test_browser.py.  The tests that change nothing (a request refused,
a page read) share one server on the sample (``shared``); a test that changes a note or a
catalog starts its own on a copy of the test root ``official`` (``own``: one page in the six
languages).
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conceptnotes.languages import CODES
from tests.conftest import FRONT, copy_root, run_cli, run_in, running_server, sample_project, write_note

ROOT_NOTE = "official"  # the test root the changing tests serve, and its note's id


def get(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def raw_get(url: str, path: str) -> int:
    """A request for ``path`` exactly as written: no client normalizes its dots away."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


def post(url: str, body: object, *, token: str | None, origin: str | None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["X-Conceptnotes-Token"] = token
    if origin is not None:
        headers["Origin"] = origin
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        data = exc.read()
        return exc.code, json.loads(data) if exc.headers.get_content_type() == "application/json" else {}


def token_of(url: str) -> str:
    status, page = get(url)
    assert status == 200
    return re.search(rb'name="conceptnotes-token" content="([^"]+)"', page).group(1).decode()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """A copy of the sample project with its server running, for the tests that change nothing:
    (project folder, URL).  Its output folder holds a link to a file elsewhere and a hidden file."""
    project = sample_project(tmp_path_factory.mktemp("shared"))
    (project / "output" / "malaga-2022").mkdir(parents=True)
    os.symlink("/etc/passwd", project / "output" / "malaga-2022" / "link.pdf")
    (project / "output" / ".hidden.pdf").write_bytes(b"%PDF-")
    with running_server(project) as url:
        yield project, url


@pytest.fixture
def own(tmp_path):
    """A copy of the test root ``official`` with its server running, for a test that changes it:
    (project folder, URL)."""
    project = copy_root(ROOT_NOTE, tmp_path)
    with running_server(project) as url:
        yield project, url


def status_json(project: Path) -> list[dict]:
    result = run_in(project, "i18n", "status", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_index_counts_as_i18n_status_does(own):
    project, url = own
    fr = project / "locales" / "fr" / "LC_MESSAGES" / f"{ROOT_NOTE}.po"
    fr.write_text(fr.read_text(encoding="utf-8").replace(f"#: content/{ROOT_NOTE}/note.md:22\n",
                                                         f"#: content/{ROOT_NOTE}/note.md:22\n#, fuzzy\n", 1),
                  encoding="utf-8")
    status, page = get(url)
    assert status == 200
    rows = {(row["note"], row["language"]): row for row in status_json(project) if row["note"] == ROOT_NOTE}
    assert rows[(ROOT_NOTE, "fr")]["fuzzy"] == 1
    shown = re.findall(rb'<tr data-lang="(\w+)">(?:(?!</tr>).)*?<td class="translated">(\d+)</td><td class="fuzzy">(\d+)</td>'
                       rb'<td class="untranslated">(\d+)</td>', page, re.S)
    assert len(shown) == len(CODES) - 1  # every language but the source
    for lang, translated, fuzzy, untranslated in shown:
        row = rows[(ROOT_NOTE, lang.decode())]
        assert (int(translated), int(fuzzy), int(untranslated)) == (row["translated"], row["fuzzy"],
                                                                    row["untranslated"])


@pytest.mark.parametrize("path", [
    "/output/../build.py",
    "/output/%2e%2e/%2e%2e/build.py",
    "/output/%2E%2E%2Fcontent/malaga-2022/note.md",
    "/output//etc/passwd",
    "/output/%2Fetc%2Fpasswd",
    "/output/..%5c..%5cbuild.py",
    "/static/../app.py",
    "/static/%2e%2e/app.py",
    "/static/..%2fapp.py",
    "/preview/malaga-2022/en/1/..%2f..%2f..%2fnote.md",
    "/preview/malaga-2022/en/1/%00.png",
    "/note/..%2f..%2fetc/en",
    "/api/source/..%2fcontent/en",
    "/api/source/malaga-2022/xx",
    "/output/malaga-2022/link.pdf",
    "/output/.hidden.pdf",
    "/content/malaga-2022/note.md",
    "/locales/fr/LC_MESSAGES/malaga-2022.po",
])
def test_paths_out_of_the_served_folders_are_refused(shared, path):
    project, url = shared
    assert (project / "output" / "malaga-2022" / "link.pdf").is_symlink()
    assert (project / "output" / ".hidden.pdf").is_file()
    assert raw_get(url, path) == 404


def test_an_output_document_and_the_preview_files_are_served(shared):
    project, url = shared
    (project / "output" / "malaga-2022" / "malaga-2022.en.pdf").write_bytes(b"%PDF-1.7 test")
    assert get(url + "output/malaga-2022/malaga-2022.en.pdf") == (200, b"%PDF-1.7 test")
    status, body = get(url + "api/preview/malaga-2022/en")
    state = json.loads(body)
    assert status == 200 and state["problems"] == [] and len(state["pages"]) >= 2
    status, png = get(f"{url}preview/malaga-2022/en/{state['version']}/{state['pages'][0]}")
    assert status == 200 and png.startswith(b"\x89PNG")
    status, pdf = get(f"{url}preview/malaga-2022/en/{state['version']}/{state['pdf']}")
    assert status == 200 and pdf.startswith(b"%PDF")
    # every block links to a line of note.md that holds text, and the first heading is among them
    lines = (project / "content" / "malaga-2022" / "note.md").read_text(encoding="utf-8").splitlines()
    linked = {block["line"] for block in state["blocks"]}
    assert all(lines[line - 1].strip() for line in linked)
    assert lines.index("# Introduction") + 1 in linked


@pytest.mark.parametrize("lang", ["ar", "zh"])
def test_arabic_and_chinese_previews_are_laid_out_with_their_fonts(shared, lang):
    """Chinese takes subsets of its faces, made for the characters the document shows."""
    _, url = shared
    state = json.loads(get(f"{url}api/preview/malaga-2022/{lang}")[1])
    assert state["problems"] == [] and len(state["pages"]) >= 2 and len(state["blocks"]) > 20
    status, pdf = get(f"{url}preview/malaga-2022/{lang}/{state['version']}/{state['pdf']}")
    assert status == 200
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert {"ar": "مكافحة الإرهاب", "zh": "反恐"}[lang] in text


def test_a_translation_s_blocks_link_to_their_catalog_lines(shared):
    project, url = shared
    state = json.loads(get(url + "api/preview/malaga-2022/fr")[1])
    catalog = (project / "locales" / "fr" / "LC_MESSAGES" / "malaga-2022.po").read_text(encoding="utf-8").splitlines()
    po_lines = [block["po_line"] for block in state["blocks"] if block["po_line"]]
    assert len(po_lines) > 20
    assert all(catalog[line - 1].startswith("msgid") for line in po_lines)
    source = json.loads(get(url + "api/source/malaga-2022/fr")[1])
    assert source["path"].endswith("fr/LC_MESSAGES/malaga-2022.po") and source["lines"] == catalog


def test_a_post_needs_the_token_and_the_same_origin(shared):
    project, url = shared
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "malaga-2022.po"
    before = catalog.read_bytes()
    token = token_of(url)
    origin = url.rstrip("/")
    save = url + "api/units/malaga-2022/fr"
    body = {"key": "x", "msgstr": "y", "base_msgstr": "", "base_state": "untranslated"}
    assert post(save, body, token=None, origin=origin)[0] == 403
    assert post(save, body, token="forged", origin=origin)[0] == 403
    assert post(save, body, token=token, origin=None)[0] == 403
    assert post(save, body, token=token, origin="http://evil.example")[0] == 403
    assert post(url + "api/check/malaga-2022/fr", {"msgid": "a", "msgstr": "b"}, token=None, origin=origin)[0] == 403
    # a page of another site reaching the server through its own name (DNS rebinding) is refused too
    assert get(url, headers={"Host": "evil.example"})[0] == 400
    assert catalog.read_bytes() == before


def test_writes_go_only_to_a_catalog_of_an_existing_note_and_language(shared):
    project, url = shared
    catalogs = {path: path.read_bytes() for path in sorted((project / "locales").rglob("*.po"))}
    token, origin = token_of(url), url.rstrip("/")
    body = {"key": "x", "msgstr": "y", "base_msgstr": "", "base_state": "untranslated"}
    assert post(url + "api/units/no-such-note/fr", body, token=token, origin=origin)[0] == 404
    assert post(url + "api/units/malaga-2022/de", body, token=token, origin=origin)[0] == 404
    assert post(url + "api/units/..%2f..%2fetc/fr", body, token=token, origin=origin)[0] == 404
    status, answer = post(url + "api/units/malaga-2022/en", body, token=token, origin=origin)
    assert status in (400, 422) and answer["problems"]  # English is the source: nothing to translate
    status, answer = post(url + "api/units/malaga-2022/fr", body, token=token, origin=origin)
    assert status in (400, 422) and answer["problems"]  # no such unit
    assert {path: path.read_bytes() for path in sorted((project / "locales").rglob("*.po"))} == catalogs


def test_two_saves_of_one_unit_from_the_same_start_conflict(own):
    project, url = own
    token, origin = token_of(url), url.rstrip("/")
    status, body = get(url + f"api/units/{ROOT_NOTE}/fr?show=all")
    unit = json.loads(body)["units"][3]
    save = url + f"api/units/{ROOT_NOTE}/fr"
    first = {"key": unit["key"], "msgstr": "Première version.", "base_msgstr": unit["msgstr"],
             "base_state": unit["state"]}
    second = dict(first, msgstr="Seconde version.")
    status, answer = post(save, first, token=token, origin=origin)
    assert status == 200 and answer["unit"]["msgstr"] == "Première version."
    status, answer = post(save, second, token=token, origin=origin)
    assert status == 409 and answer["unit"]["msgstr"] == "Première version."
    catalog = (project / "locales" / "fr" / "LC_MESSAGES" / f"{ROOT_NOTE}.po").read_text(encoding="utf-8")
    assert 'msgstr "Première version."' in catalog and "Seconde version." not in catalog


def wait_for(predicate, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def test_a_broken_note_is_told_with_its_line_and_the_server_lives_on(own):
    project, url = own
    note = project / "content" / ROOT_NOTE / "note.md"
    good = note.read_text(encoding="utf-8")
    assert json.loads(get(url + f"api/preview/{ROOT_NOTE}/en")[1])["problems"] == []
    note.write_text(good.replace("  end: 2022-05-11", "  end: 2022-05-01"), encoding="utf-8")
    line = good.splitlines().index("  end: 2022-05-11") + 1

    def state():
        return json.loads(get(url + f"api/preview/{ROOT_NOTE}/en")[1])

    broken = wait_for(lambda: (s := state())["problems"] and s)
    assert any(f"note.md:{line}:" in problem for problem in broken["problems"]), broken["problems"]
    assert get(url)[0] == 200  # the server answers on
    note.write_bytes(b"\xff\xfe not UTF-8")
    wait_for(lambda: any("note.md" in p and "UTF-8" in p for p in state()["problems"]))
    note.write_text(good, encoding="utf-8")
    fixed = wait_for(lambda: (s := state())["problems"] == [] and s["version"] > broken["version"] and s)
    assert fixed["pages"]


def test_a_host_other_than_this_machine_needs_a_flag(tmp_path):
    result = run_cli("serve", "--host", "0.0.0.0", cwd=tmp_path)
    assert result.returncode == 2 and "--allow-remote" in result.stderr
    result = run_cli("serve", "--port", "70000", cwd=tmp_path)
    assert result.returncode == 2 and "port" in result.stderr


def _renderers_of(server_pid: int) -> list[int]:
    """The pids of the server's warm workers (spawned children that are no resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == server_pid and b"multiprocessing" in command and b"resource_tracker" not in command:
            found.append(int(entry.name))
    assert found, "no renderer found"
    return found


def test_a_renderer_that_dies_is_started_again(tmp_path):
    import signal

    project, started = copy_root(ROOT_NOTE, tmp_path), []
    with running_server(project, started=started) as url:
        assert json.loads(get(url + f"api/preview/{ROOT_NOTE}/en")[1])["problems"] == []
        for pid in _renderers_of(started[0].pid):
            os.kill(pid, signal.SIGKILL)
        note = project / "content" / ROOT_NOTE / "note.md"
        text = note.read_text(encoding="utf-8")
        assert "in 2023.[^strategy]" in text
        note.write_text(text.replace("in 2023.[^strategy]", "in June 2023.[^strategy]"), encoding="utf-8")

        def state():
            return json.loads(get(url + f"api/preview/{ROOT_NOTE}/en")[1])

        wait_for(lambda: any("renderer stopped" in p for p in state()["problems"]))
        assert get(url)[0] == 200
        note.write_text(text, encoding="utf-8")  # the next save renders again, in a new worker
        wait_for(lambda: (s := state())["problems"] == [] and s["pages"])


def test_ctrl_c_stops_the_server_at_once_with_pages_open(tmp_path):
    """An open event stream (a page) does not hold the server: Ctrl-C ends it in a moment,
    silently, with its previews' folder removed."""
    import signal
    import subprocess
    import sys

    from tests.conftest import ROOT, free_port

    project = copy_root(ROOT_NOTE, tmp_path)
    env = dict(os.environ, TMPDIR=str(tmp_path))  # where the server makes its previews' folder
    port = free_port()
    server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)], cwd=project,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: raw_get_or_none(url, "/") == 200)
        assert json.loads(get(url + f"api/preview/{ROOT_NOTE}/en")[1])["pages"]
        assert list(tmp_path.glob("conceptnotes-preview-*"))
        stream = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        stream.request("GET", "/events")
        assert stream.getresponse().status == 200
        started = time.monotonic()
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
        assert time.monotonic() - started < 4
        stream.close()
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert server.returncode == 0 and err == "", err
    assert not list(tmp_path.glob("conceptnotes-preview-*"))


def raw_get_or_none(url: str, path: str) -> int | None:
    try:
        return raw_get(url, path)
    except OSError:
        return None


def test_the_host_names_a_server_answers():
    """This machine's names, and the address it listens on; any name only when it listens on
    every address (--allow-remote with 0.0.0.0), where the names others use are unknown."""
    from conceptnotes.serve.app import _hosts

    assert _hosts("127.0.0.1") == ["127.0.0.1", "localhost", "::1", "[::1]"]
    assert _hosts("192.0.2.7") == ["192.0.2.7", "127.0.0.1", "localhost", "::1", "[::1]"]
    assert _hosts("0.0.0.0") == ["*"] and _hosts("::") == ["*"]


def test_the_translate_page_marks_the_source_text_in_the_note_s_own_language(tmp_path):
    """A note written in Arabic is translated from Arabic: the unit's source text is marked
    ``lang="ar" dir="rtl"`` (a browser shapes and orders it so), the translation box the target's."""
    folder = write_note(tmp_path / "arabic" / "content" / "arabic", "# مقدمة\n\nيعقد المؤتمر في مالقة.\n",
                        FRONT.replace("languages: [en]", "languages: [ar, en]\nsource_language: ar"))
    with running_server(folder.parent.parent) as url:
        status, page = get(url + "translate/arabic/en")
    assert status == 200
    assert b'<div class="unit-source" lang="ar" dir="rtl"></div>' in page
    assert b'dir="ltr" lang="en" aria-label="Translation"' in page
