"""Shared fixtures: small notes written to tmp_path, and the sample built once."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "malaga-2022"

FRONT = """\
title: Test Conference on Counter-Terrorism
subtitle: Concept note
languages: [en]
event:
  start: 2022-05-10
  end: 2022-05-11
  city: Málaga
  country: ES
organizers:
  - United Nations Office of Counter-Terrorism
"""


def write_note(folder: Path, body: str = "# Introduction\n\nText.\n", front: str = FRONT) -> Path:
    """Write ``folder/note.md`` from front matter and body (both dedented); return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    text = "---\n" + textwrap.dedent(front) + "---\n" + textwrap.dedent(body)
    (folder / "note.md").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def make_note(tmp_path):
    def make(body: str = "# Introduction\n\nText.\n", front: str = FRONT, name: str = "test-note") -> Path:
        return write_note(tmp_path / "content" / name, body, front)

    return make


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python build.py ARGS`` as a user would."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd or ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="session")
def sample_out(tmp_path_factory) -> Path:
    """The sample note built once, into a temporary output folder (PDF and DOCX)."""
    out = tmp_path_factory.mktemp("sample-out")
    result = run_cli("build", str(SAMPLE), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out / "malaga-2022"


@pytest.fixture(scope="session")
def sample_note():
    from conceptnotes.read.loader import load_note

    note, warnings = load_note(SAMPLE)
    assert warnings == []
    return note


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: run 'make test', which installs it")
    return path
