"""The translation memory: what a project has translated already, offered where it has not.

Its entries are every translated unit (neither fuzzy nor blank) of the notes' catalogs
(``locales/<lang>/LC_MESSAGES/<note-id>.po``; not the labels' ``messages.po``) and the
units of the memories imported from CAT tools (``locales/memory/*.tmx``, by ``i18n memory
import``, :mod:`tmx`).  Each entry names where it came from: the catalog and the line of
its entry, or the TMX file and the line of its ``<tu>``.

- An *exact* match has the same source, character for character.  ``i18n update`` gives
  each unit new in a catalog the translation of one (the one most entries give), as a
  fuzzy translation with a translator's comment naming its source
  (``# memory: locales/fr/LC_MESSAGES/other-note.po:42, the same source``): a translator
  confirms it; the memory never translates a unit.
- A *close* match has a source whose similarity to the unit's, by difflib's ratio
  (``SequenceMatcher``, ``autojunk`` off: twice the matched characters over both lengths),
  is 0.8 or more.  Matches are ranked by it, the exact ones first, and offered: beside the
  unit in the workbench, as ``<alt-trans match-quality="NN">`` in an XLIFF export, and
  counted by ``i18n status``.  (rapidfuzz would be faster; it is not among the tool's
  dependencies, so difflib it is.)

The candidates of a close match are the sources that share at least two thirds of the
unit's distinct words (lower-cased; each Chinese or Japanese character a word): the rarest
words' sources are looked up in an index of words, then those of a length the ratio allows
(the shorter at least two thirds of the longer), then difflib's quick bounds, then its
ratio.  A source that differs in more than a third of its words is missed, even where its
characters are 80% the same (many words each changed by a letter): rare, and measured on
the benchmark's archive (``bench/bench.py --memory-only``).

The entries are kept in the cache folder (``$XDG_CACHE_HOME/conceptnotes/memory/``), one
file per project, each file's entries under its size and modification time: a catalog that
changed is read again alone, one that was removed is dropped.  The cache only saves time.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import os
import re
import stat
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from conceptnotes import languages
from conceptnotes.errors import NoteError
from conceptnotes.i18n import catalogs
from conceptnotes.project import cache_root
from conceptnotes.read.files import is_present, parse_json, read_input
from conceptnotes.writing import write_atomic

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

log = logging.getLogger(__name__)

FOLDER = "memory"  # locales/memory/*.tmx: the memories imported from CAT tools
CLOSE = 0.8  # the least ratio of a close match
OFFERED = 5  # matches offered per unit
SHARED_WORDS = (2, 3)  # a close match's source has at least two thirds of the unit's distinct words
COMMENT = "memory:"  # the translator's comment of a unit filled from the memory
INDEX_VERSION = 1
MAX_INDEX_BYTES = 1_000_000_000
_WORDS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]|[^\W_]+")


@dataclass(frozen=True)
class Match:
    """A translation the memory offers for a unit."""

    quality: int  # percent: 100 for the same source, else the ratio's, rounded down
    source: str  # the source it translates
    translation: str
    origin: str  # where it is: 'locales/fr/LC_MESSAGES/other-note.po:42', 'locales/memory/office.tmx:12'

    @property
    def exact(self) -> bool:
        return self.quality == 100


def words(text: str) -> frozenset[str]:
    return frozenset(_WORDS.findall(text.lower()))


class Memory:
    """The entries of one project, looked up by source and language.

    Made for one command or one request and used by it alone: its word index is built
    when a close match is first asked for, and each source's candidates are kept."""

    def __init__(self, files: list[tuple[str, list[list]]]) -> None:
        """``files``: each file's name (``locales/fr/LC_MESSAGES/x.po``) and its entries,
        ``[source, language, translation, line]``."""
        # each source's (language, translation, file, line)
        found: defaultdict[str, list[tuple[str, str, str, int]]] = defaultdict(list)
        for name, entries in files:
            for source, lang, translation, line in entries:
                found[source].append((lang, translation, name, line))
        self._found = dict(found)
        self._sources = list(found)
        self._words: list[frozenset[str]] | None = None
        self._postings: dict[str, list[int]] = {}
        self._near: dict[str, list[tuple[float, str]]] = {}

    def __len__(self) -> int:
        return sum(len(found) for found in self._found.values())

    def exact(self, source: str, lang: str) -> list[Match]:
        """The translations of ``source`` into ``lang``, the one most entries give first,
        each once (with its first origin)."""
        found = [(translation, f"{name}:{line}" if line else name)
                 for language, translation, name, line in self._found.get(source, ()) if language == lang]
        counts = Counter(translation for translation, _ in found)
        first: dict[str, str] = {}
        for translation, origin in found:
            first.setdefault(translation, origin)
        ranked = sorted(first, key=lambda t: (-counts[t], first[t]))
        return [Match(100, source, translation, first[translation]) for translation in ranked]

    def matches(self, source: str, lang: str, limit: int = OFFERED) -> list[Match]:
        """The exact matches, then the close ones by their ratio, at most ``limit``."""
        found = self.exact(source, lang)
        for ratio, other in self._close_sources(source):
            if len(found) >= limit:
                break
            quality = min(99, int(ratio * 100))
            found += [Match(quality, other, m.translation, m.origin) for m in self.exact(other, lang)]
        return found[:limit]

    def _close_sources(self, source: str) -> list[tuple[float, str]]:
        """The sources other than ``source`` at a ratio of at least :data:`CLOSE`, the closest first."""
        if source not in self._near:
            matcher = difflib.SequenceMatcher(None, autojunk=False)
            matcher.set_seq2(source)  # the one difflib indexes, reused for every candidate
            found = []
            for other in self._candidates(source):
                matcher.set_seq1(other)
                if matcher.real_quick_ratio() >= CLOSE and matcher.quick_ratio() >= CLOSE:
                    ratio = matcher.ratio()
                    if ratio >= CLOSE:
                        found.append((ratio, other))
            self._near[source] = sorted(found, key=lambda item: (-item[0], item[1]))
        return self._near[source]

    def _candidates(self, source: str) -> list[str]:
        """The sources sharing at least half of the words of ``source``, of a length the ratio allows."""
        wanted = words(source)
        if not wanted:
            return []
        sets = self._index()
        need = -(-len(wanted) * SHARED_WORDS[0] // SHARED_WORDS[1])
        rarest = sorted(wanted, key=lambda word: (len(self._postings.get(word, ())), word))
        seen: set[int] = set()
        for word in rarest[: len(wanted) - need + 1]:  # one of these is in any source sharing `need`
            seen.update(self._postings.get(word, ()))
        low, high = len(source) * 2 / 3, len(source) * 3 / 2
        sources = self._sources
        return [sources[i] for i in seen
                if low <= len(sources[i]) <= high and sources[i] != source and len(sets[i] & wanted) >= need]

    def _index(self) -> list[frozenset[str]]:
        if self._words is None:
            self._words = [words(source) for source in self._sources]
            postings: defaultdict[str, list[int]] = defaultdict(list)
            for index, found in enumerate(self._words):
                for word in found:
                    postings[word].append(index)
            self._postings = dict(postings)
        return self._words


# Filling a catalog ------------------------------------------------------------------------------


def fill(catalog: Catalog, msgids: list[str], lang: str, memory: Memory) -> int:
    """Give each unit of ``msgids`` in ``catalog`` (those new in it) that the memory has with
    the same source its translation, fuzzy, with a comment naming where it came from; the
    number filled.  Babel's guess from a similar old unit of the same catalog gives way."""
    filled = 0
    for msgid in msgids:
        message = catalog.get(msgid)
        found = memory.exact(msgid, lang) if message is not None else []
        if not found:
            continue
        message.string = found[0].translation
        message.flags.add("fuzzy")
        message.previous_id = []
        others = f"; {len(found) - 1} other translation(s) in the memory" if len(found) > 1 else ""
        kept = [c for c in message.user_comments if not c.startswith(COMMENT)]
        message.user_comments = [*kept, f"{COMMENT} {found[0].origin}, the same source{others}"]
        filled += 1
    return filled


# Loading: the files, the cached index -----------------------------------------------------------


def files(locales: Path) -> list[tuple[Path, str | None]]:
    """Each file the memory reads, with its language (None for a TMX file): the notes'
    catalogs, then the imported memories."""
    found: list[tuple[Path, str | None]] = []
    for lang in languages.CODES:
        folder = locales / lang / "LC_MESSAGES"
        if folder.is_dir() and not folder.is_symlink():
            found += [(path, lang) for path in sorted(folder.glob("*.po")) if path.stem != catalogs.LABELS]
    imported = locales / FOLDER
    if imported.is_dir() and not imported.is_symlink():
        found += [(path, None) for path in sorted(imported.glob("*.tmx"))]
    return found


def load(locales: Path, *, keep: bool = True) -> Memory:
    """The project's memory: each file's entries from the cache where the file is as it was,
    read again where it changed; with ``keep``, the cache updated when anything was."""
    cached = _read_index(locales)
    index: dict[str, dict] = {}
    for path, lang in files(locales):
        stamp = _stamp(path)
        if stamp is None:
            continue
        name = path.relative_to(locales).as_posix()
        old = cached.get(name)
        index[name] = old if old is not None and old.get("stamp") == stamp else {
            "stamp": stamp, "entries": _entries(path, lang, locales)}
    if keep and index != cached:
        _write_index(locales, index)
    return Memory([(f"{locales.name}/{name}", found["entries"]) for name, found in index.items()])


def _stamp(path: Path) -> list[int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns] if stat.S_ISREG(info.st_mode) else None


def _entries(path: Path, lang: str | None, locales: Path) -> list[list]:
    """[source, language, translation, line] of each entry of one file; none of a file the
    build would refuse (``check`` names its problems)."""
    try:
        if lang is None:
            from conceptnotes.i18n import tmx

            return [list(entry) for entry in tmx.entries(path, locales)]
        catalog = catalogs.load(path, lang)
    except NoteError as exc:
        log.warning("the memory leaves out %s: %s", path, exc)
        return []
    return [[message.id, lang, message.string, message.lineno or 0] for message in catalog
            if message.id and isinstance(message.id, str) and not message.fuzzy
            and isinstance(message.string, str) and message.string.strip()]


def index_path(locales: Path) -> Path:
    """The cache file of a project's memory, named by its ``locales/`` folder."""
    key = hashlib.sha256(os.path.abspath(locales).encode()).hexdigest()[:24]
    return cache_root() / FOLDER / f"{key}.json"


def _read_index(locales: Path) -> dict[str, dict]:
    path = index_path(locales)
    try:
        data = parse_json(read_input(path, cache_root(), limit=MAX_INDEX_BYTES)) if is_present(path) else {}
    except (OSError, ValueError, NoteError):
        return {}
    if not isinstance(data, dict) or data.get("version") != INDEX_VERSION or not isinstance(data.get("files"), dict):
        return {}
    return data["files"]


def _write_index(locales: Path, index: dict[str, dict]) -> None:
    data = json.dumps({"version": INDEX_VERSION, "files": index}, ensure_ascii=False, separators=(",", ":"))
    try:
        write_atomic(index_path(locales), data.encode("utf-8"), cache_root())
    except (OSError, NoteError) as exc:  # the cache only saves time
        log.warning("the memory's index was not kept: %s", exc)
