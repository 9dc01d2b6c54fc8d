"""The front matter of an imported note, read from the first lines of the Word file.

A concept note in Word opens with its masthead (the organizers, one per line), the kind
of document ("Concept note", style Subtitle), the title (style Title) and a line with the
place and dates ("Málaga, Spain, 10 and 11 May 2022").  What is found is written as the
note's front matter; every required field that is not is written ``TODO``, the placeholder
``build.py new`` writes too (:data:`conceptnotes.read.frontmatter.PLACEHOLDER`): a draft
``check`` reports it as a warning at its line, saying what to write, and the official build
refuses it.  A line that names the kind of document (:mod:`conceptnotes.read.document_kinds`)
is the ``subtitle`` in whatever style, and the title the next candidate (the style Subtitle's
line when the style Title held the kind).  Each field found keeps the paragraph it came from
(:meth:`Guess.said`), which the command prints for the officer to confirm.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

import yaml

from conceptnotes import countries, languages
from conceptnotes.errors import excerpt
from conceptnotes.i18n.formatting import country_name
from conceptnotes.read.document_kinds import is_document_kind

TITLE, SUBTITLE, MASTHEAD, DETAILS, EVENT = "cn-title", "cn-subtitle", "cn-masthead", "cn-details", "cn-event"
LARGEST = "cn-largest"  # the masthead's line in the largest type, when no paragraph has the style Title
BOLD = "bold"  # a paragraph all in bold: the title, when no paragraph has the style Title
HEAD_CLASSES = (TITLE, LARGEST, SUBTITLE, MASTHEAD, DETAILS, EVENT)
# masthead lines that are not organizers: distribution, original language, a symbol, a date
NOT_ORGANIZER = re.compile(r"^(Distr\.|Original:|Date:|\d|[A-Z]{1,6}(/[\w.-]+)+$)")
MAX_ORGANIZER = 120  # characters: a longer line is text, not a masthead's line
HEAD_LINES = 8  # the first paragraphs looked at for the masthead and the event line
TODO = "# TODO: fill in"
NOT_FOUND = "not found"
GUESSED = ("title", "subtitle", "organizers", "event.start", "event.end", "event.city", "event.country",
           "event.venue", "symbol")
SHOWN = 80  # characters of a paragraph quoted to say where a field came from
PLACEHOLDER = "TODO"
# the language an imported note is taken to be written in (its month and country names are read)
LANGUAGE = languages.DEFAULT_SOURCE


@dataclass
class Guess:
    """What the first lines said; empty or None where they did not say it."""

    title: str = ""
    subtitle: str = ""
    organizers: list[str] = field(default_factory=list)
    start: dt.date | None = None
    end: dt.date | None = None
    city: str = ""
    country: str = ""
    symbol: str = ""
    numbered_paragraphs: bool = False
    sources: dict[str, str] = field(default_factory=dict)  # a field -> the paragraph it came from

    def said(self) -> list[tuple[str, str]]:
        """Each front-matter field the first page may state, with the paragraph it came from or "not found"."""
        return [(name, self.sources.get(name, NOT_FOUND)) for name in GUESSED]

    def missing(self) -> list[str]:
        """The required fields left as placeholders."""
        names = [("title", self.title), ("event.start", self.start), ("event.end", self.end),
                 ("event.city", self.city), ("event.country", self.country)]
        return [name for name, value in names if not value]


def _months() -> dict[str, int]:
    from babel.dates import get_month_names

    months: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for number, name in get_month_names(width, locale=languages.get(LANGUAGE).babel_locale).items():
            months[name.lower().rstrip(".")] = number
    months["sept"] = 9
    return months


def _month_pattern(months: dict[str, int]) -> str:
    return "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))


def parse_dates(text: str) -> tuple[dt.date, dt.date, tuple[int, int]] | None:
    """The first and last day an English line names, and where they are in it:
    "10 and 11 May 2022", "10-11 May 2022", "30 May to 2 June 2022", "10 May 2022",
    "May 10-11, 2022", "10 May - 2 June 2022"."""
    months = _months()
    month = f"(?:{_month_pattern(months)})\\.?"
    to = r"\s*(?:-|–|—|to|and|until)\s*"
    forms = [
        # 30 May to 2 June 2022
        rf"(?P<d1>\d{{1,2}})\s+(?P<m1>{month}){to}(?P<d2>\d{{1,2}})\s+(?P<m2>{month}),?\s+(?P<y>\d{{4}})",
        # 10 and 11 May 2022, 10-11 May 2022, 10 May 2022
        rf"(?P<d1>\d{{1,2}})(?:{to}(?P<d2>\d{{1,2}}))?\s+(?P<m1>{month}),?\s+(?P<y>\d{{4}})",
        # May 30 - June 2, 2022
        rf"(?P<m1>{month})\s+(?P<d1>\d{{1,2}}){to}(?P<m2>{month})\s+(?P<d2>\d{{1,2}}),?\s+(?P<y>\d{{4}})",
        # May 10-11, 2022, May 10, 2022
        rf"(?P<m1>{month})\s+(?P<d1>\d{{1,2}})(?:{to}(?P<d2>\d{{1,2}}))?,?\s+(?P<y>\d{{4}})",
    ]
    for form in forms:
        found = re.search(rf"(?<!\w){form}(?!\w)", text, re.IGNORECASE)
        if not found:
            continue
        parts = found.groupdict()
        year = int(parts["y"])
        first_month = months[parts["m1"].lower().rstrip(".")]
        last_month = months[parts["m2"].lower().rstrip(".")] if parts.get("m2") else first_month
        try:
            start = dt.date(year, first_month, int(parts["d1"]))
            end = dt.date(year, last_month, int(parts["d2"] or parts["d1"]))
        except ValueError:
            return None
        if end < start:
            return None
        return start, end, found.span()
    return None


def _countries() -> dict[str, str]:
    """Country names in English (the UN's and CLDR's, and the UN's long forms' short
    ones) to their codes, lower-cased: the codes the UN names (a note may give no other)."""
    from conceptnotes.i18n.formatting import locale

    names: dict[str, str] = {}
    territories = locale(LANGUAGE).territories
    for code in countries.codes():
        for name in (territories.get(code), country_name(code, LANGUAGE)):
            if name:
                names[name.lower()] = code
    return names


def parse_place(text: str) -> tuple[str, str]:
    """City and country code of "Málaga, Spain" (either may be empty)."""
    parts = [p.strip(" ,.;:–-") for p in text.split(",")]
    parts = [p for p in parts if p]
    if not parts:
        return "", ""
    countries = _countries()
    code = countries.get(parts[-1].lower().removeprefix("the "), "")
    if code:
        parts = parts[:-1]
    city = parts[0] if parts and len(parts[0]) <= 60 else ""
    return city, code


def event_line(text: str) -> tuple[dt.date, dt.date, str, str] | None:
    """Dates, city and country of a line "Málaga, Spain, 10 and 11 May 2022" (or with the
    dates first), or None when it does not read like one."""
    dates = parse_dates(text)
    if not dates:
        return None
    start, end, (begin, finish) = dates
    rest = (text[:begin] + " , " + text[finish:]).strip()
    if len(rest) > 100:  # a sentence that names a date, not a heading line
        return None
    city, country = parse_place(rest)
    return start, end, city, country


STYLES = {TITLE: "style Title", LARGEST: "the largest type on the page", SUBTITLE: "style Subtitle",
          MASTHEAD: "style Masthead Organizer",
          DETAILS: "style Masthead Details", EVENT: "style Event", BOLD: "a line in bold", "": "a plain line"}
SYMBOL = re.compile(r"^[A-Z]{1,6}(/[\w.-]+)+$")


def _from(text: str, kind: str, why: str = "") -> str:
    """Where a field came from: the paragraph's first words, and how it was known."""
    return f'"{excerpt(" ".join(text.split()), SHOWN)}" ({", ".join(filter(None, (STYLES.get(kind, kind), why)))})'


def _title_at(head: list[tuple[str, str]], used: set[int], bold_title: bool) -> int | None:
    """The title's paragraph: the style Title's, else the line in the largest type (when no
    paragraph has the style Title), else the style Subtitle's when the Title's said the kind
    of document, else the first bold one (when ``bold_title``)."""
    for wanted in (TITLE, LARGEST, SUBTITLE) + ((BOLD,) if bold_title else ()):
        found = next((i for i, (kind, text) in enumerate(head[:HEAD_LINES]) if kind == wanted and i not in used
                      and (kind != BOLD or len(text) <= MAX_ORGANIZER * 2)), None)
        if found is not None and (wanted != SUBTITLE or any(k == TITLE for k, _ in head[:HEAD_LINES])):
            return found
    return None


def guess(head: list[tuple[str, str]], *, bold_title: bool = True) -> tuple[Guess, set[int]]:
    """What the first paragraphs say (``(class, text)`` each: the style map's class,
    :data:`BOLD` or ``""``), and the indexes of those used (taken out of the body).

    A line that names the kind of document ("Concept note", in any of the six languages) is
    the ``subtitle``, whatever its style, never the title.  ``bold_title``: whether a bold
    paragraph may be the title when none has the style Title (not when bold lines are the
    document's headings)."""
    found = Guess()
    used: set[int] = set()
    kind_at = next((i for i, (_, text) in enumerate(head[:HEAD_LINES]) if is_document_kind(text)), None)
    if kind_at is not None:
        found.subtitle = " ".join(head[kind_at][1].split())
        found.sources["subtitle"] = _from(head[kind_at][1], head[kind_at][0], "the kind of document")
        used.add(kind_at)
    title_at = _title_at(head, used, bold_title)
    if title_at is not None:
        found.title = " ".join(head[title_at][1].split())
        found.sources["title"] = _from(*reversed(head[title_at]))
        used.add(title_at)
    for index, (kind, text) in enumerate(head):
        if kind == SUBTITLE and not found.subtitle and index not in used:
            found.subtitle = " ".join(text.split())
            found.sources["subtitle"] = _from(text, kind)
        elif kind != DETAILS or index in used:
            continue
        used.add(index)
    _event(head, found, used)
    first = min((i for i in (title_at, kind_at) if i is not None), default=None)
    if first is not None:
        _organizers(head[:first], found, used)
    return found, used


def _event(head: list[tuple[str, str]], found: Guess, used: set[int]) -> None:
    """The dates, city and country of the first line that says them."""
    for index, (kind, text) in enumerate(head[:HEAD_LINES]):
        if index in used:
            continue
        event = event_line(text)
        if event:
            found.start, found.end, found.city, found.country = event
            said = _from(text, kind)
            for name, value in (("start", found.start), ("end", found.end), ("city", found.city),
                                ("country", found.country)):
                if value:
                    found.sources[f"event.{name}"] = said
            used.add(index)
            return


def _organizers(head: list[tuple[str, str]], found: Guess, used: set[int]) -> None:
    """The organizers: the lines above the title (or the kind of document), but the masthead's
    details (a symbol, "Distr.", a date), of which the symbol is kept."""
    for index, (kind, text) in enumerate(head):
        if index in used:
            continue
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        symbol = next((line for line in lines if SYMBOL.match(line)), "")
        if symbol and not found.symbol:
            found.symbol = symbol
            found.sources["symbol"] = _from(symbol, kind)
        if all(NOT_ORGANIZER.match(line) for line in lines):
            used.add(index)  # the masthead's details
            continue
        if kind in (MASTHEAD, BOLD, "") and len(text) <= MAX_ORGANIZER and not text.endswith("."):
            names = [line for line in lines if not NOT_ORGANIZER.match(line)]
            found.organizers.extend(names)
            said = _from(text, kind)
            found.sources["organizers"] = "; ".join(filter(None, (found.sources.get("organizers"), said)))
            used.add(index)


def _scalar(value: str) -> str:
    """``value`` as YAML that the note's reader reads back as that text: plain when it can
    be, else in double quotes (a JSON string is a YAML double-quoted scalar)."""
    plain = re.fullmatch(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#\n]*", value) and ": " not in value
    if plain and not value.endswith((":", " ")):
        try:
            if yaml.safe_load(f"x: {value}") == {"x": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def _placeholder(key: str, hint: str = "") -> str:
    return f"{key}: {PLACEHOLDER}  {TODO}" + (f" {hint}" if hint else "")


def front_matter(found: Guess) -> str:
    """The front matter (between the ``---`` lines, without them), placeholders included."""
    lines = []
    lines.append(f"title: {_scalar(found.title)}" if found.title else _placeholder("title", "(the event's title)"))
    if found.subtitle:
        lines.append(f"subtitle: {_scalar(found.subtitle)}")
    if found.symbol:
        lines.append(f"symbol: {_scalar(found.symbol)}")
    lines.append(f"languages: [{LANGUAGE}]")
    lines.append("event:")
    for key, day in (("start", found.start), ("end", found.end)):
        lines.append(f"  {key}: {day.isoformat()}" if day else _placeholder(f"  {key}", "(YYYY-MM-DD)"))
    lines.append(f"  city: {_scalar(found.city)}" if found.city else _placeholder("  city"))
    lines.append(f"  country: {found.country}" if found.country else _placeholder("  country", "(ISO code, e.g. ES)"))
    if found.numbered_paragraphs:
        lines.append("numbered_paragraphs: true")
    if found.organizers:
        lines.append("organizers:")
        lines.extend(f"  - {_scalar(name)}" for name in found.organizers)
    return "\n".join(lines) + "\n"
