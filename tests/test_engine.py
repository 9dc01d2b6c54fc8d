"""WeasyPrint imported without the library search (render/engine): the same libraries
loaded, no process started for the search, and the search as it was when the shortcut fails."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.conftest import ROOT

LOADED = """
import ctypes.util, json, subprocess
started = []
class Counting(subprocess.Popen):
    def __init__(self, args, *a, **k):
        started.append(args if isinstance(args, str) else args[0])
        super().__init__(args, *a, **k)
subprocess.Popen = Counting
search = ctypes.util.find_library
{load}
libraries = sorted({{line.split()[-1].rsplit("/", 1)[-1] for line in open("/proc/self/maps")
                     if ".so" in line and any(n in line for n in ("pango", "harfbuzz", "gobject", "fontconfig"))}})
print(json.dumps({{"started": started, "libraries": libraries, "restored": ctypes.util.find_library is search,
                  "version": weasyprint.__version__}}))
"""


def _run(load: str) -> dict:
    script = textwrap.dedent(LOADED).format(load=load)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_same_libraries_are_loaded_and_no_process_is_started_to_find_them():
    plain = _run("import weasyprint")
    quick = _run("from conceptnotes.render.engine import weasyprint as engine\nweasyprint = engine()")
    assert plain["started"]  # the search WeasyPrint's import makes: ldconfig, gcc, ld
    assert quick["started"] == [] and quick["restored"]
    assert quick["libraries"] == plain["libraries"]
    assert any(name.startswith("libpango-1.0.so") for name in quick["libraries"])
    assert any(name.startswith("libharfbuzz-subset.so") for name in quick["libraries"])


def test_when_the_shortcut_fails_weasyprint_is_imported_with_the_search():
    """A system whose libraries have other sonames: the first import fails (as cffi fails,
    with OSError, WeasyPrint having printed its advice), the second searches as ever."""
    load = """
import importlib, sys
real = importlib.import_module
failed = []
def once(name, *args):
    if name == "weasyprint" and not failed:
        failed.append(name)
        print("WeasyPrint could not import some external libraries.")
        real("weasyprint.text")  # a part imported before the failure, to be forgotten
        raise OSError("cannot load library 'libgobject-2.0.so.0'")
    return real(name, *args)
importlib.import_module = once
from conceptnotes.render.engine import weasyprint as engine
weasyprint = engine()
assert failed and "weasyprint.text.ffi" in sys.modules
"""
    found = _run(load)
    assert found["restored"] and found["started"]  # the search, as without the shortcut
    assert found["version"]


def test_threads_asking_at_once_each_get_the_whole_module():
    """The preview server checks from a thread pool: a thread must not be given WeasyPrint
    while another is still importing it (it had no attribute 'CSS' yet: a 500), and
    ``find_library``, which every thread shares, is not replaced while others run."""
    load = """
import threading, time
from conceptnotes.render.engine import weasyprint as engine
start, got = threading.Barrier(8), []
def ask(number):
    start.wait()
    time.sleep(number * 0.02)  # while the first is importing it
    module = engine()
    got.append(hasattr(module, "CSS") and hasattr(module, "HTML"))
threads = [threading.Thread(target=ask, args=(number,)) for number in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
assert got == [True] * 8, got
weasyprint = engine()
"""
    found = _run(load)
    assert found["restored"] and found["started"]  # with other threads, the search as ever: never replaced
