"""Splitting the official build across the jobs of a CI matrix: which documents a shard builds.

The unit is the document (a note in one language and format).  Every document of the
build is put in one order, by format, language, note id and file name (plain string
order: no machine, directory listing or hash seed plays a part), and dealt out round
robin: the document at position ``i`` (from 0) is shard ``i % N + 1``'s.  Each shard gets
the same number of documents, give or take one, and about as many PDFs of each language
as the others (a Chinese PDF takes longer than an English DOCX).

A shard's manifest is partial: it lists the shard's documents only, and says so in its
``shard`` block (:func:`block`), which ``verify``, the next ``official`` and
``manifest merge`` read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from conceptnotes.build import provenance
from conceptnotes.build.validate import Target
from conceptnotes.errors import UsageError
from conceptnotes.render.common import source_date

USAGE = "--shard takes K/N, this job's number K of N jobs, with 1 <= K <= N (e.g. --shard 2/3)"


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse(text: str) -> Shard:
    """``K/N`` as a shard; UsageError saying what is wrong."""
    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not found:
        raise UsageError(f"{USAGE}, not '{text}'")
    index, count = int(found.group(1)), int(found.group(2))
    if count < 1 or not 1 <= index <= count:
        raise UsageError(f"{USAGE}, not '{text}'")
    return Shard(index, count)


Document = tuple[str, str, str, str]  # format, language, note id, name in the output folder


def owners(documents: Iterable[Document], count: int) -> dict[str, int]:
    """The shard (1-based) of each document, by its name, among ``count`` shards."""
    return {doc[3]: n % count + 1 for n, doc in enumerate(sorted(set(documents)))}


def of_target(target: Target) -> Document:
    return (target.fmt, target.lang, target.note.id, target.name)


def of_entry(name: str, entry: dict) -> Document:
    return (str(entry.get("format")), str(entry.get("lang")), str(entry.get("note")), name)


def share(targets: list[Target], shard: Shard) -> list[Target]:
    """The targets shard ``shard`` builds, in the order of ``targets``."""
    owner = owners((of_target(t) for t in targets), shard.count)
    return [t for t in targets if owner[t.name] == shard.index]


def plan_digest(names: Iterable[str]) -> str:
    """Digest of the names of every document of the whole build: the shards of one build agree on it."""
    return hashlib.sha256("\n".join(sorted(set(names))).encode()).hexdigest()


def block(shard: Shard, targets: list[Target], variant: str) -> dict:
    """The ``shard`` block of a partial manifest: which shard, of how many, of what build."""
    return {
        "index": shard.index,
        "count": shard.count,
        "documents": len(targets),
        "plan": plan_digest(t.name for t in targets),
        "variant": variant,
        "code": provenance.code_fingerprint(),
        # the date of a note without one; the same in every shard, or their documents disagree
        "source_date": day.isoformat() if (day := source_date()) else None,
    }


def share_size(documents: int, index: int, count: int) -> int:
    """How many of ``documents`` shard ``index`` of ``count`` builds."""
    return len(range(index - 1, documents, count))
