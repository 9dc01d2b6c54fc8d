"""The preview's "Review import" page: a reviewed DOCX's changes shown unit by unit, the
ones the officer accepts written into note.md or the catalog.

No HTTP here: ``serve/app.py`` calls these functions with the DOCX's bytes as the page sent
them.  They are read by ``word/review.read_review``, as ``build.py review import`` reads a
file (the same size limit, hostile-DOCX check and record), and written by its
``chosen`` and ``apply_review``: all the accepted changes or nothing, through the same
checks.  The page holds the DOCX, not the server: the write sends it again with the ids of
the accepted changes and ``base``, the digest of the plan the page showed.  When the plan
read now differs (note.md or the catalog changed meanwhile: a line moved, a unit became a
conflict), :class:`Conflict` carries the plan as it is now and nothing is written.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import re
import threading
from pathlib import Path
from typing import Any

from conceptnotes.errors import ConceptnotesError, NoteError, UsageError, display_path
from conceptnotes.project import Project

log = logging.getLogger(__name__)


class Conflict(ConceptnotesError):
    """The review reads otherwise now than when the page showed it."""

    def __init__(self, current: dict[str, Any]) -> None:
        self.current = current
        super().__init__("the note or its catalog changed since the review was shown")


def posted_docx(body: dict[str, Any]) -> tuple[Path, bytes]:
    """The DOCX a page sent (``name``, and ``docx``: its bytes in base64); UsageError when
    the body is not that.  The name is the file's own, without a folder: messages name it."""
    name, data = body.get("name"), body.get("docx")
    if not isinstance(name, str) or not isinstance(data, str):
        raise UsageError("name, docx: texts expected")
    try:
        docx = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise UsageError("docx: the file's bytes in base64 expected") from None
    return Path(Path(name.replace("\\", "/")).name or "reviewed.docx"), docx


def plan(folder: Path, lang: str, name: Path, data: bytes, project: Project) -> dict[str, Any]:
    """What the page shows of the reviewed DOCX ``data``: each change, conflict, comment and
    what is not applied, each with its id and its line; NoteError as the command says it."""
    return _plan(_review(folder, lang, name, data, project))


def write(folder: Path, lang: str, name: Path, data: bytes, project: Project, accept: Any, base: Any,
          lock: threading.Lock) -> dict[str, Any]:
    """Write the changes ``accept`` (their ids) of the reviewed DOCX ``data``; the file
    written and the plan.  :class:`Conflict` when the plan now is not the one shown (``base``)."""
    from conceptnotes.word.review import apply_review, chosen

    if not isinstance(accept, list) or not all(isinstance(key, str) for key in accept):
        raise UsageError("accept: a list of the accepted changes' ids expected")
    with lock:
        review = _review(folder, lang, name, data, project)
        shown = _plan(review)
        if shown["base"] != base:
            raise Conflict(shown)
        written = apply_review(chosen(review, accept), project)
    if written is not None:
        log.info("review of %s written into %s", name, written)
    return {"written": display_path(written) if written else "", "accepted": len(accept), "plan": shown}


def _review(folder: Path, lang: str, name: Path, data: bytes, project: Project):
    from conceptnotes.word.review import read_review

    review = read_review(name, project, data)
    record = review.record
    if record.note != folder.name:
        raise NoteError.at(name, 0, f"this DOCX was built from the note '{record.note}', not"
                                    f" '{folder.name}': import it on that note's page")
    if record.lang != lang:
        raise NoteError.at(name, 0, f"this DOCX is the note in '{record.lang}': import it on the page of"
                                    f" '{record.lang}'")
    return review


def _plan(review) -> dict[str, Any]:
    from conceptnotes.word.review_diff import word_diff

    def change(item, why: str = "") -> dict[str, Any]:
        return {"id": item.id, "where": item.where, **_located(item.where), "source": item.unit.mark.text,
                "before": item.before, "after": item.after,
                "diff": word_diff(item.before, item.after, item.unit.mark.text),
                "tracked": list(item.tracked), **({"why": why} if why else {})}

    found = {
        "note": review.record.note, "lang": review.record.lang,
        "changes": [change(item) for item in review.changes],
        "conflicts": [change(item, why) for item, why in review.conflicts],
        "comments": [{"id": f"comment-{c.id}", "author": c.author, "text": c.text, "anchored": c.anchored,
                      "where": c.where, **_located(c.where)} for c in review.comments],
        "listed": [{"id": f"listed-{n}", "text": text, **_located(text)} for n, text in enumerate(review.listed, 1)],
    }
    # what the officer saw: the same plan read again gives the same digest
    found["base"] = hashlib.sha256(json.dumps(found, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return found


def _located(where: str) -> dict[str, Any]:
    """The file and line a ``where`` (or a not-applied item, which starts with it) names."""
    found = re.match(r"([^\s:]+):(\d+)", where)
    return {"file": found[1], "line": int(found[2])} if found else {"file": "", "line": 0}
