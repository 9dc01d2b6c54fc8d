"""``manifest merge``: the output folders of the shards of one official build joined into one.

Each folder is a shard's, as CI downloads its artifact: its documents and its partial
manifest (see :mod:`shards`).  Everything is checked before anything is written: the
shards make one complete set (each of ``1..N`` once, all of the same ``N``), were built
by the same code, tools and options from the same inputs, each lists its whole share
and nothing else, and each document is what its manifest says (SHA-256 and size).  The
documents are then copied into the output folder and the whole build's manifest written
(the same bytes as one ``official`` build's), staged and committed in the output
transaction a build writes in (:func:`output.transaction`): a merge that fails or is
stopped leaves the folder as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conceptnotes.build import output, shards
from conceptnotes.build.manifest import Manifest, canonical
from conceptnotes.build.output import PENDING, commit_changes, stage, staging
from conceptnotes.build.pipeline import FORMATS, removable, validate_options
from conceptnotes.errors import NoteError, Problem, Problems, UsageError, display_path
from conceptnotes.project import program_name

# what the shards of one build agree on: the key in the manifest (or its shard block) and what differs
_SAME = (
    ("format_version", False, "another manifest format"),
    ("official", False, "another kind of build"),
    ("strict", False, "another kind of build"),
    ("tools", False, "other tool versions"),
    ("code", True, "another version of conceptnotes"),
    ("variant", True, "another --pdf-variant"),
    ("source_date", True, "another SOURCE_DATE_EPOCH (day)"),
    ("documents", True, "another set of notes (another number of documents)"),
    ("plan", True, "another set of notes (other documents)"),
)


@dataclass
class Part:
    """One shard's output folder and its partial manifest."""

    manifest: Manifest

    @property
    def folder(self) -> Path:
        return self.manifest.folder

    @property
    def record(self) -> dict:
        return self.manifest.record

    @property
    def path(self) -> Path:
        return self.manifest.path

    @property
    def shard(self) -> dict:
        return self.record["shard"]

    @property
    def outputs(self) -> dict[str, dict]:
        return self.manifest.outputs

    def problem(self, message: str, key: str = "shard", depth: int = 1) -> Problem:
        return self.manifest.problem(message, key, depth)

    def at(self, name: str, message: str) -> Problem:
        """A problem with the document ``name``, at its entry."""
        return self.problem(f"{name}: {message}", name, 2)

    def __str__(self) -> str:
        return display_path(self.path)


def merge(folders: list[Path], out: Path) -> int:
    """Join the shards' output ``folders`` into ``out``; return how many documents it holds.

    Raise NoteError with every reason the folders are not one complete set of shards
    (nothing is written then), UsageError for an output folder among the shards'."""
    validate_options(None, FORMATS, out)
    _refuse_among_shards(folders, out)
    parts, problems = [], Problems()
    for folder in folders:
        try:
            parts.append(_read(folder))
        except NoteError as exc:
            problems.extend(exc.problems)
    problems.raise_if_errors(_FAILED)
    problems.extend(_set_problems(parts))
    problems.raise_if_errors(_FAILED)
    outputs, sources = _join(parts, problems)
    problems.raise_if_errors(_FAILED)
    for name in sorted(outputs):
        try:
            sources[name].document(name)
        except NoteError as exc:
            problems.extend(exc.problems)
    problems.raise_if_errors(
        f"merge failed: {len(problems.errors)} document(s) differ from their shard's manifest; nothing was written"
    )
    first = parts[0].record
    merged = Manifest.of(
        dict(sorted(outputs.items())), official=first["official"], strict=first["strict"], tools=first["tools"]
    )
    _write(out.resolve(), outputs, sources, merged.dump())
    return len(outputs)


_FAILED = "merge failed: the folders are not the complete set of one build's shards; nothing was written"


def _refuse_among_shards(folders: list[Path], out: Path) -> None:
    resolved = out.resolve()
    for folder in folders:
        shard = folder.resolve()
        if resolved == shard or shard in resolved.parents or resolved in shard.parents:
            raise UsageError(
                f"the output folder {out} is, is inside or contains the shard folder {folder}:"
                " merge into another folder"
            )


def _read(folder: Path) -> Part:
    """The shard's manifest; a NoteError saying why it is not one."""
    if (folder / PENDING).exists():
        raise NoteError.at(
            folder / PENDING,
            0,
            "an interrupted build is pending in this shard's folder:"
            " its outputs are part-way replaced; build the shard again",
        )
    missing = f"no manifest: not a shard's output folder ({program_name()} official --shard K/N)"
    part = Part(Manifest.load(folder, missing))
    record = part.record
    if "shard" not in record or not record.get("official"):
        raise NoteError(part.problem(
            "not a shard's manifest (no 'shard' block): the output of a whole build needs no merge", "outputs"
        ))
    shard = record["shard"]
    fields = {"index": int, "count": int, "documents": int, "plan": str, "variant": str, "code": str}
    if (
        not isinstance(shard, dict)
        or any(not isinstance(shard.get(k), t) for k, t in fields.items())
        or not (1 <= shard["index"] <= shard["count"])
    ):
        raise NoteError(part.problem("unreadable 'shard' block: it needs index, count, documents, plan, variant"
                                     " and code"))
    return part


def _set_problems(parts: list[Part]) -> Problems:
    """Each shard of ``1..N`` once, all of one build."""
    first, found = parts[0], []
    count = first.shard["count"]
    for part in parts[1:]:
        for key, in_shard, what in _SAME:
            mine, theirs = (part.shard, first.shard) if in_shard else (part.record, first.record)
            if mine.get(key) != theirs.get(key):
                detail = _difference(key, mine.get(key), theirs.get(key))
                found.append(part.problem(f"built with {what} than {first}{detail}", key, 2 if in_shard else 1))
        if part.shard["count"] != count:
            found.append(
                part.problem(
                    f"shard {part.shard['index']} of {part.shard['count']}, but {first} is shard"
                    f" {first.shard['index']} of {count}: shards of different splits (another N)"
                )
            )
    if found:
        return found
    seen: dict[int, Part] = {}
    for part in parts:
        index = part.shard["index"]
        if index in seen:
            found.append(part.problem(f"shard {index} of {count} twice: {seen[index]} is shard {index} too"))
        seen.setdefault(index, part)
    for index in range(1, count + 1):
        if index not in seen:
            found.append(
                first.problem(
                    f"shard {index} of {count} is missing: merge needs the output folders of all {count} shards"
                )
            )
    return found


def _difference(key: str, mine: object, theirs: object) -> str:
    if isinstance(mine, dict) and isinstance(theirs, dict):
        names = sorted(k for k in {*mine, *theirs} if mine.get(k) != theirs.get(k))
        return ": " + ", ".join(f"{k} {mine.get(k)} here, {theirs.get(k)} there" for k in names)
    if key in ("variant", "documents", "format_version", "source_date"):
        return f": {'not set' if mine is None else mine} here, {'not set' if theirs is None else theirs} there"
    return ""


def _join(parts: list[Part], problems: Problems) -> tuple[dict[str, dict], dict[str, Manifest]]:
    """Every document of the shards, each listed by its own shard (and, if by another too,
    with the same entry); the shard's manifest (and folder) it is copied from."""
    listed: dict[str, tuple[Part, dict]] = {}
    for part in parts:
        for name, entry in part.outputs.items():
            if name in listed and canonical(listed[name][1]) != canonical(entry):
                problems.extend([part.at(name, f"listed by {listed[name][0]} too, with different content")])
            listed.setdefault(name, (part, entry))
    if not problems.errors:
        problems.extend(_complete(parts, listed))
    if not problems.errors:
        problems.extend(_input_problems(parts))
    if problems.errors:
        return {}, {}
    owner = shards.owners(
        (shards.of_entry(name, entry) for name, (_, entry) in listed.items()), parts[0].shard["count"]
    )
    sources = {}
    for part in parts:
        index = part.shard["index"]
        for name in part.outputs:
            if owner[name] == index:
                sources[name] = part.manifest
            elif not any(name in other.outputs for other in parts if other.shard["index"] == owner[name]):
                problems.extend(
                    [
                        part.at(
                            name,
                            f"shard {owner[name]}'s share, not shard {index}'s: the shards"
                            " were not built from the same notes",
                        )
                    ]
                )
    return {name: entry for name, (_, entry) in listed.items()}, sources


def _complete(parts: list[Part], listed: dict[str, tuple[Part, dict]]) -> Problems:
    """The shards list every document of their build; else which shard lists fewer than its share."""
    first = parts[0].shard
    if len(listed) == first["documents"] and shards.plan_digest(listed) == first["plan"]:
        return Problems()
    found = [
        parts[0].problem(
            f"the shards list {len(listed)} documents, not the {first['documents']} of their build: not a complete set",
            "plan",
            2,
        )
    ]
    for part in parts:
        expected = shards.share_size(first["documents"], part.shard["index"], first["count"])
        if len(part.outputs) != expected:
            found.append(
                part.problem(
                    f"lists {len(part.outputs)} document(s); the share of shard"
                    f" {part.shard['index']} of {first['count']} is {expected}",
                    "outputs",
                )
            )
    return found


def _input_problems(parts: list[Part]) -> Problems:
    """Every input has one SHA-256 in all shards (the same commit, templates and fonts); one problem a shard."""
    seen: dict[str, tuple[str, Part, str]] = {}
    found = Problems()
    for part in parts:
        for name, entry in sorted(part.outputs.items()):
            inputs = entry.get("inputs") if isinstance(entry.get("inputs"), dict) else {}
            clash = next(
                ((path, seen[path]) for path, sha in sorted(inputs.items()) if path in seen and seen[path][0] != sha),
                None,
            )
            if clash:
                path, (_, other, other_name) = clash
                found.append(
                    part.at(
                        name,
                        f"built from another {path} than {other_name} in {other}: the shards"
                        " must build the same commit on the same system",
                    )
                )
                break
            for path, sha in inputs.items():
                seen.setdefault(path, (sha, part, name))
    return found


def _write(out: Path, outputs: dict[str, dict], sources: dict[str, Manifest], data: bytes) -> None:
    """Copy the documents into ``out`` and write the manifest, as a build commits: all or nothing."""
    with output.transaction(out) as state, staging(out) as staged:
        for name, entry in sorted(outputs.items()):
            old = state.unchanged(out / name)
            if old and old.get("sha256") == entry["sha256"] and not (out / name).is_symlink():
                continue
            try:
                document = sources[name].document(name)
            except NoteError as exc:  # changed since it was checked
                raise NoteError(exc.problems, _FAILED) from exc
            staged.append((stage(out / name, document, out), out / name))
        stale = [name for name in state.outputs if name not in outputs and removable(out, name)]
        commit_changes(out, staged, data, stale)
