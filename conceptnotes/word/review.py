"""``build.py review import FILE.docx``: a reviewed DOCX of this project's back into its note.

The DOCX says which build it came from (``render/docx/review_marks``: a custom XML part,
and a bookmark per run of text).  Each marked paragraph's text, its tracked changes
accepted, is compared with the text the build recorded for it; a run that differs is a
change, carried into what it was rendered from (:mod:`.review_edits`): the note's lines in
the source language, the catalog's translation in another (through ``i18n/editing``, the
workbench's and the XLIFF import's path).  Reviewers' comments are listed with their unit.
All or nothing: a change that cannot be carried refuses the whole import, nothing written.

:func:`read_review` is the plan, writing nothing: each change (and conflict) named by its
unit's id, each comment by its id in the DOCX, with the line of note.md or the catalog it
is about; :func:`chosen` keeps the changes an officer accepted (the command's prompts, the
preview's review page) and :func:`apply_review` writes them, all or nothing.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from conceptnotes import languages
from conceptnotes.errors import NoteError, Problem, Problems, UsageError, display_path, excerpt
from conceptnotes.project import Project, command
from conceptnotes.read.files import read_input
from conceptnotes.read.loader import NOTE_ID, load_note
from conceptnotes.render.docx import review_marks as marks
from conceptnotes.render.docx.template import MAX_TEMPLATE_BYTES, parse_part, unsafe_docx
from conceptnotes.word import review_conflicts, review_runs
from conceptnotes.word.review_edits import carried, cell_span
from conceptnotes.writing import write_atomic

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARTS = {"document": "word/document.xml", "footnotes": "word/footnotes.xml"}
TOOL_AUTHOR = "conceptnotes"  # the build's own comments (text shown untranslated): no reviewer's
TOO_LARGE = f"larger than {MAX_TEMPLATE_BYTES // 1_000_000} MB"


@dataclass(frozen=True)
class Change:
    unit: marks.Recorded
    before: str  # the text the build rendered
    after: str  # the text as reviewed
    where: str  # "note.md:22" or "fr/...po:40"
    tracked: tuple[str, ...] = ()  # each tracked change, said: "inserted by X: 'text'"
    styles: tuple[review_runs.Style, ...] = ()  # each character's of ``after``, where the formatting changed

    @property
    def id(self) -> str:
        """The change's id in the plan: its unit's (the same for every reading of one DOCX)."""
        return self.unit.mark.id


@dataclass(frozen=True)
class Comment:
    author: str
    text: str
    anchored: str
    where: str  # the unit's line, or "" outside the note's text
    id: str = ""  # the comment's id in the DOCX


@dataclass
class Review:
    path: Path
    record: marks.Record
    changes: list[Change] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)  # what the source cannot hold: not applied
    conflicts: list[tuple[Change, str]] = field(default_factory=list)  # changed on both sides: not written
    now: review_conflicts.Now | None = None
    links: dict[str, dict[str, str]] = field(default_factory=dict)  # each part's hyperlinks' targets, by id


def read_review(path: Path, project: Project, data: bytes | None = None) -> Review:
    """The changes and comments of the reviewed DOCX at ``path`` (or of ``data``, its bytes
    sent by the preview's page, which names it ``path``); NoteError if it is too large,
    unsafe or not one this project built."""
    if data is None:
        data = read_input(path, path.parent, limit=MAX_TEMPLATE_BYTES, too_large=lambda size: TOO_LARGE)
    elif len(data) > MAX_TEMPLATE_BYTES:
        raise NoteError.at(path, 0, TOO_LARGE)
    refusal = unsafe_docx(data, hyperlinks=True)
    if refusal:
        raise NoteError.at(path, 0, f"refused: {refusal}")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        record = _record(archive, names, path)
        parts = {part: parse_part(archive.read(name)) for part, name in _PARTS.items() if name in names}
        comments = parse_part(archive.read("word/comments.xml")) if "word/comments.xml" in names else None
        links = {part: review_runs.relationships(parse_part(archive.read(rels))) for part, name in _PARTS.items()
                 if (rels := name.replace("word/", "word/_rels/") + ".rels") in names}
    review = Review(path, record, now=review_conflicts.now(record, project.content / record.note, path), links=links)
    wheres = _wheres(review.now, record)
    paragraphs = _marked(parts)
    for unit in record.units:
        _compare(review, unit, paragraphs.get(unit.mark.id), wheres.get(unit.mark.id, ""))
    review.changes.sort(key=lambda change: review.now.line(change.unit))  # the note's order (footnotes: their lines)
    review.conflicts = [(c, why) for c in review.changes if (why := review.now.conflict(c.unit))]
    review.changes = [c for c in review.changes if not review.now.conflict(c.unit)]
    if comments is not None and "document" in parts:
        review.comments = _comments(comments, parts["document"], paragraphs, wheres)
    return review


def _record(archive, names: set[str], path: Path) -> marks.Record:
    for name in sorted(n for n in names if re.fullmatch(r"customXml/item\d+\.xml", n)):
        root = parse_part(archive.read(name))
        if marks.is_record(root):
            try:
                record = marks.read_record(root)
            except ValueError as exc:
                raise NoteError.at(path, 0, str(exc)) from None
            # the record is the reviewer's file: its note and languages name folders and catalogs to read
            if not NOTE_ID.fullmatch(record.note) or {record.lang, record.source_language} - set(languages.CODES):
                raise NoteError.at(path, 0, "the DOCX's record names no note of a project"
                                            f" ('{excerpt(record.note, 40)}' in '{excerpt(record.lang, 10)}');"
                                            " nothing was applied")
            return record
    raise NoteError.at(path, 0, "this DOCX was not built by this project (it has no record of a build): to bring"
                                f" a Word note in as a new note, use {command('import')}")


def _marked(parts: dict) -> dict[str, tuple]:
    """Each run's paragraph and bookmark start, by the run's id (LibreOffice names a copy of
    a footnote's bookmark ``<name>_Copy_1``: the same run)."""
    found: dict[str, tuple] = {}
    for root in parts.values():
        for start in root.iter(_W + "bookmarkStart"):
            name = re.sub(r"_Copy_\d+$", "", start.get(_W + "name") or "")
            paragraph = next((a for a in start.iterancestors(_W + "p")), None)
            if name.startswith(marks.BOOKMARK_PREFIX) and paragraph is not None:
                found.setdefault(name[len(marks.BOOKMARK_PREFIX):], (paragraph, start))
    return found


def _wheres(now: review_conflicts.Now, record: marks.Record) -> dict[str, str]:
    """Where each run is edited now: its note.md line, or its catalog entry's line."""
    if now.opened is None:
        return {u.mark.id: f"note.md:{now.line(u)}" + ("" if u.mark.id in now.marks else " (as built)")
                for u in record.units}
    from conceptnotes.i18n import editing

    name = display_path(now.opened.path)
    return {u.mark.id: f"{name}:{editing.entry(now.opened, u.mark.source).po_line}" for u in record.units}


def _compare(review: Review, unit: marks.Recorded, found: tuple | None, where: str) -> None:
    said = f"{where or 'the unit'} ('{excerpt(unit.rendered, 60)}')"
    if found is None:
        review.listed.append(f"{said}: its paragraph was deleted or lost its mark; not applied")
        return
    paragraph, start = found
    text, at = marks.paragraph_text(paragraph, start=start)
    if text[:at].strip() != unit.prefix.strip():  # LibreOffice writes a tab after a footnote's mark
        review.listed.append(f"{said}: the text before it ('{excerpt(text[:at], 40)}') is the build's; not applied")
        return
    run = marks.paragraph_suffix(text[at:], unit.suffix)  # the venue: the rest of its event line after it
    if run is None:
        review.listed.append(f"{said}: the text after it ('{excerpt(unit.suffix, 40)}') is the build's; not applied")
        return
    text = text[:at] + run
    links = review.links.get("footnotes" if unit.part == "footnotes" else "document", {})
    styles, refused, restyled = review_runs.reviewed_change(unit, paragraph, start, review.record, links)
    tracked = tuple(_tracked(paragraph)) + (restyled if styles else ())
    review.listed += [f"{said}: {change}; not applied" for change in _formatting(paragraph, bool(styles), refused)]
    if text[at:] != unit.rendered or styles:
        review.changes.append(Change(unit, unit.rendered, text[at:], where, tracked, styles))


def _tracked(paragraph):
    for node in paragraph.iter(_W + "ins", _W + "del", _W + "moveFrom", _W + "moveTo"):
        if node.getparent().tag == _W + "rPr":
            continue
        text, _ = marks.paragraph_text(_wrapped(node), accepted=node.tag in (_W + "ins", _W + "moveTo"))
        verb = {"ins": "inserted", "del": "deleted", "moveFrom": "moved from here", "moveTo": "moved here"}
        yield f"{verb[node.tag[len(_W):]]} by {node.get(_W + 'author') or '?'}: '{excerpt(text, 60)}'"


def _wrapped(node):
    """A tracked change's element alone in a paragraph, to read its text."""
    from lxml import etree

    holder = etree.Element(_W + "p")
    holder.append(copy.deepcopy(node))
    return holder


def _formatting(paragraph, styled: bool, refused: str):
    """The formatting changes of a paragraph the source cannot hold; ``styled``: its text's
    bold, italics and links are a change already, ``refused``: why they cannot be one."""
    if paragraph.find(f"{_W}pPr/{_W}pPrChange") is not None:
        yield "a change of paragraph style or format"
    if refused:
        yield refused
    elif not styled and next(paragraph.iter(_W + "rPrChange"), None) is not None:
        yield "a change of text formatting"


def _comments(comments, document, paragraphs: dict, wheres: dict[str, str]) -> list[Comment]:
    units_by_paragraph = {id(p): key for key, (p, _) in paragraphs.items()}
    anchored: dict[str, list[str]] = {}
    place: dict[str, str] = {}
    open_ids: set[str] = set()
    for node in document.iter(_W + "commentRangeStart", _W + "commentRangeEnd", _W + "t", _W + "delText"):
        key = node.get(_W + "id") or ""
        if node.tag == _W + "commentRangeStart":
            open_ids.add(key)
            paragraph = next(node.iterancestors(_W + "p"), None)
            unit = units_by_paragraph.get(id(paragraph)) if paragraph is not None else None
            place[key] = wheres.get(unit, "") if unit else ""
        elif node.tag == _W + "commentRangeEnd":
            open_ids.discard(key)
        else:
            for key in open_ids:
                anchored.setdefault(key, []).append(node.text or "")
    out = []
    for comment in comments.iter(_W + "comment"):
        author = comment.get(_W + "author") or ""
        if author == TOOL_AUTHOR:
            continue
        key = comment.get(_W + "id") or ""
        text = "\n".join(marks.paragraph_text(p)[0] for p in comment.iter(_W + "p"))
        out.append(Comment(author, text.strip(), "".join(anchored.get(key, [])), place.get(key, ""), key))
    return out


# Applying ------------------------------------------------------------------------------------


def chosen(review: Review, ids: Iterable[str]) -> Review:
    """``review`` with only the changes whose ids are ``ids`` (UsageError for an id it has not)."""
    wanted = set(ids)
    unknown = wanted - {change.id for change in review.changes}
    if unknown:
        raise UsageError(f"no change of this review has the id {sorted(unknown)[0]!r}")
    return replace(review, changes=[change for change in review.changes if change.id in wanted])


def apply_review(review: Review, project: Project) -> Path | None:
    """Write the changes into the note (source language) or its catalog; NoteError, nothing
    written, if any cannot be carried.  The file written, or None when nothing changed."""
    if not review.changes:
        return None
    folder = project.content / review.record.note
    if review.record.lang == review.record.source_language:
        return _apply_to_note(review, folder, project)
    return _apply_to_catalog(review, folder)


def _refused(review: Review, change: Change, why: str) -> Problem:
    return Problem(str(review.path), 0, f"{change.where}: {why}: the paragraph reads"
                                        f" '{excerpt(change.after, 120)}'; nothing was applied")


def _apply_to_note(review: Review, folder: Path, project: Project) -> Path:
    note, _ = load_note(folder)
    lines = note.raw.decode("utf-8").splitlines(keepends=True)
    problems = Problems()
    body = [change for change in review.changes if change.unit.part != "front"]
    for change in sorted(body, key=lambda c: -review.now.line(c.unit)):
        first, last = _block(lines, review.now.line(change.unit))
        block = "".join(lines[first:last])
        start, end = _cell(review.record, change.unit, block)
        old = block[start:end]
        new = (review_runs.carried_styled(change.before, change.after, change.styles, change.unit, True, old)
               if change.styles else carried(change.before, change.after, old))
        new = new if new is None else block[:start] + new + block[end:]
        if new is None:
            problems.append(_refused(review, change, "this change touches text the note writes otherwise"
                                                     " (markup, a footnote call, a link) and cannot be placed"))
            continue
        lines[first:last] = new.splitlines(keepends=True)
    data = _front_written(review, folder, "".join(lines).encode("utf-8"), problems)
    problems.raise_if_errors()
    _, found = load_note(folder, data=data)
    Problems(p for p in found if not p.warning).raise_if_errors(f"failed: nothing was written to {note.source}")
    write_atomic(note.source, data, project.root)
    return note.source


def _front_written(review: Review, folder: Path, data: bytes, problems: Problems) -> bytes:
    """``data`` (note.md) with the reviewed front-matter texts written into the YAML's own
    lines, comments and every other byte kept (the Details form's writer, ``serve/front_lines``)."""
    from conceptnotes.serve.details import read_front

    changes = [change for change in review.changes if change.unit.part == "front"]
    if not changes:
        return data
    front = read_front(folder, data)
    values = dict(front.values)
    for change in changes:
        new = carried(change.before, change.after, change.unit.mark.source, markdown=False)
        if new is None:
            problems.append(_refused(review, change, "this change touches text the build writes otherwise"
                                                     " and cannot be placed"))
            continue
        field, _, index = change.unit.mark.name.partition(".")
        if isinstance(values.get(field), dict):  # event.venue
            values[field] = {**values[field], index: new}
        elif index:
            values[field] = [*values[field]]
            values[field][int(index)] = new
        else:
            values[field] = new
    return front.with_values(values) if not problems.errors else data


def _cell(record: marks.Record, unit: marks.Recorded, block: str) -> tuple[int, int]:
    """Where ``unit`` stands in ``block`` (its lines in note.md): a table cell, in its row's
    line, at its column (its place among the record's cells of that line); else all of it."""
    if unit.mark.name != "table cell":
        return 0, len(block)
    row = [u for u in record.units if u.mark.name == "table cell" and u.mark.line == unit.mark.line]
    return cell_span(block, row.index(unit))


def _block(lines: list[str], line: int) -> tuple[int, int]:
    """The lines of the block that starts at ``line`` (1-based): to a blank line or the next
    line that starts a block of its own (a list item, a heading, a table row, a quotation)."""
    first = max(line - 1, 0)
    last = first + 1
    while last < len(lines) and lines[last].strip() and not re.match(r"\s*([-*+] |\d+[.)] |#|\||>|\[\^)", lines[last]):
        last += 1
    return first, last


def _apply_to_catalog(review: Review, folder: Path) -> Path:
    from conceptnotes.i18n import editing
    from conceptnotes.i18n.localize import catalog_problems

    opened = editing.open_note(folder, review.record.lang)
    units = {unit.msgid: unit for unit in opened.units}
    problems, updates = Problems(), []
    for change in review.changes:
        mark = change.unit.mark
        unit = units.get(mark.source)
        entry = editing.entry(opened, mark.source)
        if unit is None:  # the note changed meanwhile (a conflict already: not here)
            problems.append(_refused(review, change, "the note changed at this unit since the DOCX was built"))
            continue
        new = (review_runs.carried_styled(change.before, change.after, change.styles, change.unit, False)
               if change.styles else carried(change.before, change.after, mark.text,
                                             markdown=change.unit.part != "front"))
        if new is None:
            problems.append(_refused(review, change, "this change touches a footnote call, a link or markup, which"
                                                     " the catalog's entry sets; change them in the .po"))
            continue
        problems.extend(Problem(str(review.path), 0, f"{change.where}: {p.message}")
                        for p in editing.unit_problems(opened, unit, new, entry.po_line).errors)
        updates.append((mark.source, new, False))
    problems.raise_if_errors()
    data = editing.merged(opened, updates)
    catalog_problems(opened.note, opened.lang, data).raise_if_errors(
        f"failed: nothing was written to {display_path(opened.path)}, which the build would refuse so")
    editing.write_catalog(opened, data)
    return opened.path
