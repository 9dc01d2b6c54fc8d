"""Every file the build reads is opened by one function (``read/files.py``), which refuses
a symbolic link, a path out of its root and anything but a regular file; a PDF/A carries
only what the build read and validated.  Issue 9: each of these leaked or hung before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_hostile import (  # noqa: F401 (fixtures)
    BODY,
    FRONT,
    NOTE,
    SAMPLE_ID,
    cli,
    hashes,
    refused,
    run,
    sample,
    sample_base,
    save_picture,
    small,
    small_base,
    write,
)

SECRET = "TOP-SECRET-7f3a"
LINK = "is a symbolic link, which is not allowed: put the file itself here"
FR_PO = f"locales/fr/LC_MESSAGES/{SAMPLE_ID}.po"
EN_PO = f"locales/en/LC_MESSAGES/{SAMPLE_ID}.po"


def _secret(project: Path) -> Path:
    outside = project.parent / "outside.md"
    outside.write_text(FRONT + BODY.replace("Geneva", SECRET), encoding="utf-8")
    return outside


def _everything_written(project: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted((project / "output").rglob("*")) if p.is_file())


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_note_md_linked_to_a_file_outside_is_refused(small, capsys, command):
    note = small / NOTE
    note.unlink()
    note.symlink_to(_secret(small))
    refused(small, [command, "content/t"], [f"{NOTE}: {LINK}"], capsys)
    assert SECRET.encode() not in _everything_written(small)


def test_a_note_folder_that_is_a_link_is_refused(small, capsys):
    elsewhere = small.parent / "elsewhere"
    (small / "content" / "t").rename(elsewhere)
    (small / "content" / "t").symlink_to(elsewhere)
    refused(small, ["build", "content/t"], [f"{NOTE}: its folder t {LINK}"], capsys)


def test_a_note_md_that_is_a_fifo_is_refused_at_once(small):
    note = small / NOTE
    note.unlink()
    os.mkfifo(note)
    for command in ("check", "build"):
        result = cli(command, "content/t", cwd=small, timeout=60)  # the timeout only stops a hang
        assert (result.returncode, result.stderr.splitlines()[0]) == (
            1,
            f"{NOTE}: is a FIFO (named pipe); only regular files are read",
        )


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_fifo_in_assets_is_refused_at_once(small, command):
    assets = small / "content" / "t" / "assets"
    assets.mkdir()
    save_picture(assets / "map.png")
    os.mkfifo(assets / "pipe.png")
    write(small, FRONT + BODY + "\n![A map](assets/map.png)\n")
    result = cli(command, "content/t", cwd=small, timeout=60)
    assert (result.returncode, result.stderr.splitlines()[0]) == (
        1,
        f"{NOTE}: assets/pipe.png is not a regular file (a FIFO, socket or device)",
    )


def test_an_image_that_is_a_fifo_is_refused_at_its_line(small, capsys):
    assets = small / "content" / "t" / "assets"
    assets.mkdir()
    os.mkfifo(assets / "pipe.png")
    write(small, FRONT + BODY + "\n![A map](assets/pipe.png)\n")
    refused(
        small,
        ["check", "content/t"],
        [
            f"{NOTE}: assets/pipe.png is not a regular file (a FIFO, socket or device)",
            f"{NOTE}:14: image 'assets/pipe.png' is a FIFO (named pipe); only regular files are read",
        ],
        capsys,
    )


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_catalog_linked_to_a_file_elsewhere_is_refused(sample, capsys, command):
    po = sample / FR_PO
    copy = sample.parent / "elsewhere.po"
    copy.write_bytes(po.read_bytes().replace(b'msgstr "Contexte"', f'msgstr "{SECRET}"'.encode()))
    po.unlink()
    po.symlink_to(copy)
    argv = ["build", f"content/{SAMPLE_ID}", "--lang", "fr"] if command == "build" else ["check", f"content/{SAMPLE_ID}"]
    refused(sample, argv, [f"{FR_PO}: {LINK}"], capsys)
    assert SECRET.encode() not in _everything_written(sample)


def test_a_catalog_that_is_a_fifo_is_refused_at_once(sample):
    po = sample / FR_PO
    po.unlink()
    os.mkfifo(po)
    result = cli("check", f"content/{SAMPLE_ID}", cwd=sample, timeout=60)
    assert (result.returncode, result.stderr.splitlines()[0]) == (
        1,
        f"{FR_PO}: is a FIFO (named pipe); only regular files are read",
    )


def _attachments(pdf: Path) -> dict[str, bytes]:
    from pypdf import PdfReader

    return {name: data[0] for name, data in PdfReader(pdf).attachments.items()}


@pytest.mark.parametrize("what", ["environ", "garbage"])
def test_a_pdf_a_never_carries_a_catalog_the_build_did_not_read(sample, what):
    """The English document reads no English content catalog: linked to the build's
    environment or full of garbage, it is neither read nor attached."""
    po = sample / EN_PO
    po.parent.mkdir(parents=True, exist_ok=True)
    if what == "environ":
        po.symlink_to("/proc/self/environ")
    else:
        po.write_bytes(os.urandom(4096))
    env = {**os.environ, "CI_TOKEN": SECRET}
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", f"content/{SAMPLE_ID}", "--lang", "en", "--format", "pdf",
         "--pdf-variant", "pdf/a-3b"],
        cwd=sample, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    attached = _attachments(sample / "output" / SAMPLE_ID / f"{SAMPLE_ID}.en.pdf")
    assert sorted(attached) == ["note.md"]
    assert attached["note.md"] == (sample / "content" / SAMPLE_ID / "note.md").read_bytes()
    assert SECRET.encode() not in _everything_written(sample)


def test_a_pdf_a_carries_exactly_the_note_and_the_catalogs_it_was_translated_with(sample):
    result = cli(
        "build", f"content/{SAMPLE_ID}", "--lang", "fr", "--format", "pdf", "--pdf-variant", "pdf/a-3u", cwd=sample
    )
    assert result.returncode == 0, result.stderr
    attached = _attachments(sample / "output" / SAMPLE_ID / f"{SAMPLE_ID}.fr.pdf")
    labels = "locales/fr/LC_MESSAGES/messages.po"
    assert sorted(attached) == sorted(["note.md", FR_PO.removeprefix("locales/"), labels.removeprefix("locales/")])
    assert attached[FR_PO.removeprefix("locales/")] == (sample / FR_PO).read_bytes()
    assert attached[labels.removeprefix("locales/")] == (sample / labels).read_bytes()


def test_a_linked_stylesheet_in_a_projects_templates_is_refused(small, capsys):
    templates = small / "templates" / "concept-note"
    templates.parent.mkdir()
    import shutil

    shutil.copytree(ROOT / "templates" / "concept-note", templates)
    outside = small.parent / "evil.css"
    outside.write_text((templates / "note.css").read_text(encoding="utf-8"), encoding="utf-8")
    (templates / "note.css").unlink()
    (templates / "note.css").symlink_to(outside)
    status, _, err = run(["check", "content/t"], capsys)
    assert status == 1 and f"templates/concept-note/note.css: {LINK}" in err


# The audit hook: no other open() of a project file ------------------------------------------------------

AUDIT = textwrap.dedent(
    """\
    import json, os, sys
    sys.path.insert(0, {root!r})
    watched = [os.path.abspath(p) for p in {watched!r}]
    seen, others = set(), set()

    def hook(event, args):
        if event != "open" or not isinstance(args[0], str):
            return
        frame, through, removing = sys._getframe(1), False, False
        while frame is not None:
            # the one opener of what is read, and the one gate of what is written
            if frame.f_code.co_filename.endswith((os.path.join("read", "files.py"), os.path.join("conceptnotes", "writing.py"))):
                through = True
                break
            # shutil.rmtree opens folders by a name relative to their parent's descriptor
            removing |= frame.f_code.co_name.startswith("_rmtree")
            frame = frame.f_back
        if removing:  # a temporary folder being removed, not a file read
            return
        if through:
            seen.add(args[0])  # a name relative to the folder opened before it
            return
        path = os.path.abspath(args[0])
        writes = (isinstance(args[1], str) and any(c in args[1] for c in "wax+")) or (
            isinstance(args[2], int) and args[2] & os.O_ACCMODE != os.O_RDONLY)
        if not writes and not os.path.isdir(path) and any(path == w or path.startswith(w + os.sep) for w in watched):
            others.add(path)  # a read of a project file past read/files.py (a folder is fsynced, not read)

    sys.addaudithook(hook)
    from conceptnotes.cli import main
    status = main({argv!r})
    print(json.dumps({{"status": status, "seen": sorted(seen), "others": sorted(others)}}))
    """
)


def test_every_project_file_is_opened_through_one_function(sample):
    """A build in one process (PDF/A and DOCX, English and French, an image): every open()
    of a project file, a template or a font comes from ``read/files.py``."""
    folder = sample / "content" / SAMPLE_ID
    save_picture(folder / "assets" / "map.png")
    note = folder / "note.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n![A map of the venue](assets/map.png)\n", encoding="utf-8")
    subprocess.run([sys.executable, str(ROOT / "build.py"), "i18n", "update"], cwd=sample, check=True)
    watched = [str(sample), str(ROOT / "templates"), "/usr/share/fonts"]
    argv = ["build", f"content/{SAMPLE_ID}", "--lang", "en,fr", "--jobs", "1", "--pdf-variant", "pdf/a-3u"]
    script = AUDIT.format(root=str(ROOT), watched=watched, argv=argv)
    result = subprocess.run([sys.executable, "-c", script], cwd=sample, capture_output=True, text=True, timeout=600)
    assert result.stdout.strip(), result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == 0, result.stderr
    # the hook sees the build's reads (else this test proves nothing) ...
    for name in ("note.md", "map.png", f"{SAMPLE_ID}.po", "messages.po", "note.html.j2", "reference.docx"):
        assert name in report["seen"], name
    assert any(name.endswith((".ttf", ".ttc", ".otf")) for name in report["seen"])
    # ... and no other open of a project file, a template or a font
    assert [p for p in report["others"] if not p.startswith(str(sample / "output"))] == []


def test_i18n_extract_reads_a_linked_template_through_the_one_function_too(sample):
    """``i18n extract`` compares each template with what it would write: a template that is a
    link to a file elsewhere is refused, never read nor written through, nor replaced."""
    pot = sample / "locales" / f"{SAMPLE_ID}.pot"
    outside = sample.parent / "outside.pot"
    outside.write_text(SECRET, encoding="utf-8")
    pot.unlink()
    pot.symlink_to(outside)
    script = AUDIT.format(root=str(ROOT), watched=[str(sample)], argv=["i18n", "extract"])
    result = subprocess.run([sys.executable, "-c", script], cwd=sample, capture_output=True, text=True, timeout=300)
    assert result.stdout.strip(), result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == 1, result.stderr
    assert f"locales/{SAMPLE_ID}.pot: is a symbolic link: nothing is written through it, nor in its place" \
        in result.stderr
    assert report["others"] == []
    assert pot.is_symlink()
    assert outside.read_text(encoding="utf-8") == SECRET
