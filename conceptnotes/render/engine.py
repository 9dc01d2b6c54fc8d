"""The renderers' libraries imported, WeasyPrint without the library search that cost a
third of its import.

WeasyPrint 70 loads GObject, Pango, HarfBuzz, fontconfig and PangoFT2 with cffi, trying
several names for each library, for every platform: ``libgobject-2.0-0``,
``gobject-2.0-0``, ``gobject-2.0``, ``libgobject-2.0.so.0``, ...  cffi hands each name the
dynamic loader refuses to :func:`ctypes.util.find_library`, which on Linux runs
``ldconfig -p``, then ``gcc``, then ``ld``: 22 ``ldconfig``, 16 ``gcc`` and about 160
``ld`` look-ups for one import, 0.3-0.4 s of its 0.65-0.70 s (Kozea/WeasyPrint#1125;
HarfBuzz's vector library, which Debian 12 does not have, is six names searched in vain).
Every library is also listed under its soname
(``libgobject-2.0.so.0``), which the dynamic loader finds by itself, as it finds every
library a program is linked with.  So while WeasyPrint is imported, ``find_library``
answers "not found" at once: the names that are no file are passed over, and each library
is loaded by its soname, the file the search would have named.  That is done only in a
process's only thread (``find_library`` is the process's to replace): the build's workers
and the preview's worker, which import WeasyPrint first thing; a process with other
threads imports it as ever.  Should that fail (a system whose libraries have other
sonames), WeasyPrint is imported again with the search as it was; what WeasyPrint prints on
the way (its installation advice) is not shown then.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import importlib
import io
import sys
import threading
from types import ModuleType


def import_library(name: str) -> ModuleType:
    """The module ``name`` (a format's ``warm_up``), imported: WeasyPrint by :func:`weasyprint`."""
    return weasyprint() if name == "weasyprint" else importlib.import_module(name)


def weasyprint() -> ModuleType:
    """The ``weasyprint`` module, imported without the library search if it was not yet and
    this is the process's only thread: ``ctypes.util.find_library`` (and ``sys.stdout``) are
    the process's, replaced for the time of the import, which no other thread may see (the
    preview server's requests; in a build's workers and the preview's worker, where the
    import is made, there is one thread).  Otherwise WeasyPrint is imported as ``import``
    does, waiting for an import under way in another thread."""
    if "weasyprint" not in sys.modules and threading.active_count() == 1:
        try:
            with _no_search(), contextlib.redirect_stdout(io.StringIO()):
                return importlib.import_module("weasyprint")
        except OSError:
            for module in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
                del sys.modules[module]
    return importlib.import_module("weasyprint")


@contextlib.contextmanager
def _no_search():
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_found
    try:
        yield
    finally:
        ctypes.util.find_library = search


def _not_found(name: str) -> None:
    return None
