"""``build.py serve`` under load and attack, over HTTP as a user or another site reaches it:
concurrent checks each get their own answer, a request is refused by its size and depth
before the work it would cost, one long preview does not hold the others, and a server
started with ``--allow-remote`` answers only whoever opened the address it printed.

No test measures time: "does not block" is shown by the order of the server's events
(a short note's preview done while a long one still renders).
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import copy_root, running_server, sample_project, write_note
from tests.test_browser import page  # noqa: F401 - the browser test's page (its browser: conftest)
from tests.test_serve import get, post, token_of, wait_for

NOTE = "malaga-2022"
LARGE = "large"  # a note of many pages: it takes several seconds to render
SMALL = "official"  # the test root's one-page note


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample project served, for the tests that change nothing: (URL, token, origin)."""
    project = sample_project(tmp_path_factory.mktemp("limits"))
    with running_server(project) as url:
        yield url, token_of(url), url.rstrip("/")


# concurrent checks ---------------------------------------------------------------------------------


def test_concurrent_checks_each_get_their_own_answer(sample):
    """16 threads x 30 checks of different units at once: each answer is the one the unit gets alone."""
    url, token, origin = sample
    units = json.loads(get(url + f"api/units/{NOTE}/fr?show=all")[1])["units"]
    check = url + f"api/check/{NOTE}/fr"

    def answer(index: int) -> list[str]:
        msgstr = f"Texte *a* `c` [lien](http://example.org/{index})."
        status, body = post(check, {"msgid": units[index]["msgid"], "msgstr": msgstr}, token=token, origin=origin)
        assert status == 200, body
        return body["problems"]

    alone = {index: answer(index) for index in range(len(units))}
    assert len({tuple(problems) for problems in alone.values()}) > len(units) // 2  # the answers differ

    def thread(number: int) -> list[tuple[int, list[str]]]:
        indexes = [(number * 7 + k * 5) % len(units) for k in range(30)]
        return [(index, answer(index)) for index in indexes]

    with ThreadPoolExecutor(16) as pool:
        answers = [pair for found in pool.map(thread, range(16)) for pair in found]
    assert len(answers) == 480
    wrong = [(index, problems) for index, problems in answers if problems != alone[index]]
    assert wrong == []


# limits before work --------------------------------------------------------------------------------


def _raw_post(url: str, token: str, headers: list[str], body_parts: list[bytes]) -> int:
    """POST a check with ``headers`` and the body sent in ``body_parts`` (not ended unless they
    end it); the status the server answers with, read before anything more is sent."""
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as connection:
        head = [f"POST /api/check/{NOTE}/fr HTTP/1.1", f"Host: {parts.hostname}:{parts.port}",
                f"Origin: {url.rstrip('/')}", f"X-Conceptnotes-Token: {token}", "Content-Type: application/json",
                *headers]
        connection.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        for part in body_parts:
            try:
                connection.sendall(part)
            except OSError:  # the server answered and closed: what it said is read below
                break
        status_line = connection.makefile("rb").readline()
    return int(status_line.split()[1])


def test_a_body_declared_too_large_is_refused_before_it_is_sent(sample):
    """300 MB declared, 64 kB sent: the answer is 413 at once, not after the server waited for all of it."""
    url, token, _ = sample
    assert _raw_post(url, token, ["Content-Length: 300000000"], [b"{" + b" " * 65_535]) == 413


def test_a_body_that_streams_past_the_limit_is_refused_while_it_streams(sample):
    """A chunked body with no declared length, never ended: refused once it passes the limit."""
    url, token, _ = sample
    chunk = b" " * 65_536
    parts = [b"1\r\n{\r\n", *[b"%x\r\n" % len(chunk) + chunk + b"\r\n"] * 8]  # 512 kB, and no last chunk
    assert _raw_post(url, token, ["Transfer-Encoding: chunked"], parts) == 413


def test_deeply_nested_json_is_refused_as_a_bad_request(sample):
    url, token, origin = sample
    parts = urllib.parse.urlsplit(url)
    body = b'{"msgid": ' + b"[" * 90_000 + b"]" * 90_000 + b', "msgstr": "x"}'
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request("POST", f"/api/check/{NOTE}/fr", body=body, headers={
        "Content-Type": "application/json", "X-Conceptnotes-Token": token, "Origin": origin})
    response = connection.getresponse()
    assert response.status == 400 and json.loads(response.read())["problems"] == ["the body is not JSON"]
    connection.close()
    assert get(url)[0] == 200


def test_a_check_s_msgid_has_the_markup_limits_of_a_note(sample):
    """A msgid of 19,000 '[' (no unit of the note) is refused unparsed: the answer says why."""
    url, token, origin = sample
    status, body = post(url + f"api/check/{NOTE}/fr", {"msgid": "[" * 19_000, "msgstr": "x"}, token=token,
                        origin=origin)
    assert status == 200 and any("too deep to parse" in problem for problem in body["problems"]), body
    status, body = post(url + f"api/check/{NOTE}/fr", {"msgid": "a *b* " + "[" * 30, "msgstr": "x"}, token=token,
                        origin=origin)
    assert status == 200 and any("too deep to parse" in problem for problem in body["problems"]), body


# previews that do not block each other -------------------------------------------------------------


class Events:
    """The server's event stream, read in a thread: every event so far, in order."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
        self.connection.request("GET", "/events")
        self.response = self.connection.getresponse()
        self.events: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for line in self.response:
                if line.startswith(b"data: "):
                    self.events.append(json.loads(line[6:]))
        except Exception:  # noqa: BLE001 - the stream closed under the reader: the events so far stay
            pass

    def of(self, kind: str, note: str) -> list[dict]:
        return [event for event in list(self.events) if event["type"] == kind and event.get("note") == note]

    def close(self) -> None:
        if self.connection.sock is not None:  # the reader's wait ends now, not at the next keep-alive
            self.connection.sock.shutdown(socket.SHUT_RDWR)
        self.connection.close()


def _large_note(project: Path) -> None:
    paragraphs = "".join(f"Paragraph {i} of a long note, with words enough to fill a line or two of the page,"
                         " as a concept note has them.\n\n" for i in range(1_500))
    write_note(project / "content" / LARGE, "# Introduction\n\n" + paragraphs)


@pytest.fixture
def two_notes(tmp_path):
    """The test root ``official`` (a one-page note) and a note of some fifty pages, served:
    (project folder, URL, event stream)."""
    project = copy_root(SMALL, tmp_path)
    _large_note(project)
    with running_server(project) as url:
        events = Events(url)
        yield project, url, events
        events.close()


def _preview_in_background(url: str, note: str) -> None:
    threading.Thread(target=get, args=(url + f"api/preview/{note}/en",), daemon=True).start()


def test_a_short_note_s_preview_is_made_while_a_long_one_renders(two_notes):
    _, url, events = two_notes
    _preview_in_background(url, LARGE)
    wait_for(lambda: events.of("rendering", LARGE))
    small = json.loads(get(url + f"api/preview/{SMALL}/en")[1])
    assert small["problems"] == [] and small["pages"]
    assert events.of("preview", LARGE) == []  # the long one is still rendering (its worker is ended with the server)


def test_a_newer_save_cancels_the_rendering_under_way(tmp_path, monkeypatch):
    """The long note is saved (broken) while it renders, its PDF laid out and its pages being
    drawn: the rendering of the older text is stopped, never shown; the first preview of the
    note is the newer text's."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where the server makes its previews' folder
    project = copy_root(SMALL, tmp_path)
    _large_note(project)
    with running_server(project) as url:
        events = Events(url)
        try:
            _cancel_a_rendering(project, url, events, tmp_path)
        finally:
            events.close()


def _cancel_a_rendering(project: Path, url: str, events: Events, tmp_path: Path) -> None:
    _preview_in_background(url, LARGE)
    wait_for(lambda: list(tmp_path.glob(f"conceptnotes-preview-*/{LARGE}/en/1/{LARGE}.en.pdf")), 300)
    note = project / "content" / LARGE / "note.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("  end: 2022-05-11", "  end: 2022-05-01"), encoding="utf-8")
    first = json.loads(get(url + f"api/preview/{LARGE}/en")[1])  # answered once the note has a preview
    assert any("note.md" in problem for problem in first["problems"]) and first["pages"] == []
    assert wait_for(lambda: events.of("preview", LARGE))[0]["problems"] == first["problems"]
    (older,) = tmp_path.glob(f"conceptnotes-preview-*/{LARGE}/en/1")  # the older text's rendering: stopped
    assert len(list(older.glob("page-*.png"))) < _page_count(older / f"{LARGE}.en.pdf")
    small = json.loads(get(url + f"api/preview/{SMALL}/en")[1])  # the workers are still there
    assert small["problems"] == [] and small["pages"]


def _page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def test_a_rendering_longer_than_the_time_limit_is_stopped_with_a_message(tmp_path):
    project = copy_root(SMALL, tmp_path)
    _large_note(project)
    with running_server(project, "--time-limit", "1") as url:
        large = json.loads(get(url + f"api/preview/{LARGE}/en")[1])
        assert any("took longer than 1 seconds and was stopped" in problem for problem in large["problems"])
        assert get(url)[0] == 200


# --allow-remote --------------------------------------------------------------------------------------


def _request(url: str, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_allow_remote_answers_only_with_the_secret_of_the_printed_address(tmp_path):
    project, started = copy_root(SMALL, tmp_path), []
    with running_server(project, "--allow-remote", started=started) as url:
        printed = started[0].stdout.readline()
        address = printed.split()[-4]
        assert address.startswith(url + "?token=")
        secret = urllib.parse.parse_qs(urllib.parse.urlsplit(address).query)["token"][0]
        for path in ("/", f"/note/{SMALL}/en", f"/api/preview/{SMALL}/en", f"/api/units/{SMALL}/fr", "/events",
                     "/static/serve.css", "/?token=wrong"):
            response = _request(url, path)
            assert response.status == 403, path
        refused = get(url)
        assert refused[0] == 403 and b"?token=" in refused[1]  # the page says which address to open
        opened = _request(url, f"/note/{SMALL}/en?token={secret}")
        assert opened.status == 303 and opened.getheader("location") == f"/note/{SMALL}/en"
        cookie = opened.getheader("set-cookie").split(";")[0]
        assert secret in cookie
        status, page = get(url, headers={"Cookie": cookie})
        assert status == 200 and b"conceptnotes-token" in page
        assert get(url + f"api/units/{SMALL}/fr", headers={"Cookie": cookie})[0] == 200
        # another name that leads here (DNS rebinding) is refused, cookie or not
        assert get(url, headers={"Cookie": cookie, "Host": "evil.example"})[0] == 400


def test_a_local_server_prints_its_address_without_a_secret(tmp_path):
    project, started = copy_root(SMALL, tmp_path), []
    with running_server(project, started=started) as url:
        assert started[0].stdout.readline().split()[-4] == url
        assert get(url)[0] == 200


def test_a_browser_with_the_printed_address_uses_every_page(tmp_path, page):  # noqa: F811 - the fixture
    """The cookie the printed address sets is sent with the pages' own requests: their
    scripts' JSON, the page images and the event stream that brings a saved edit."""
    from tests.test_browser import wait_for_pages

    project, started = sample_project(tmp_path), []
    with running_server(project, "--allow-remote", started=started) as url:
        address = started[0].stdout.readline().split()[-4]
        page.goto(url + "note/malaga-2022/en")
        assert page.locator("body").inner_text().startswith("This preview server needs the address")
        page.goto(address)
        assert page.url == url
        page.goto(url + "note/malaga-2022/en")
        first = wait_for_pages(page)
        note = project / "content" / "malaga-2022" / "note.md"
        text = note.read_text(encoding="utf-8")
        note.write_text(text.replace("Strategy, in 2023.[^strategy]", "Strategy, in June 2023.[^strategy]"),
                        encoding="utf-8")
        wait_for_pages(page, first)
        page.locator("#source li", has_text="in June 2023").wait_for()
