"""One root for expected errors: every exception class the package defines extends
``ConceptnotesError``, but those that signal a bug, and none is a ValueError or a
RuntimeError that a caller could catch for something else."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import conceptnotes
from conceptnotes.errors import BuildLocked, BuildStopped, ConceptnotesError, NoteError, UsageError

# Signals of a bug (a node kind no walker knows), a resource WeasyPrint's fetcher is
# refused (caught inside the rendering), or YAML the front matter may not use (a YAML
# error, so that PyYAML's composer passes it through, caught by the reader that raised it
# and said as a NoteError): never an error of a stage.
NOT_EXPECTED = {"conceptnotes.model.visitor.UnknownNode", "conceptnotes.render.pdf.RefusedResource",
                "conceptnotes.read.frontmatter._Refused"}


def defined_exceptions() -> dict[str, type]:
    found = {}
    for module in pkgutil.walk_packages(conceptnotes.__path__, "conceptnotes."):
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == module.name:
                found[f"{module.name}.{name}"] = value
    return found


def test_every_expected_error_has_the_one_root():
    found = defined_exceptions()
    assert {"conceptnotes.i18n.inline_tags.TagError", "conceptnotes.serve.workbench.Conflict"} <= found.keys()
    outside = sorted(name for name, cls in found.items() if not issubclass(cls, ConceptnotesError))
    assert outside == sorted(NOT_EXPECTED)
    for cls in (NoteError, UsageError, BuildLocked, BuildStopped):
        assert issubclass(cls, ConceptnotesError)


def test_no_expected_error_is_a_value_or_runtime_error():
    wrong = sorted(name for name, cls in defined_exceptions().items() if issubclass(cls, ValueError | RuntimeError))
    assert wrong == []
