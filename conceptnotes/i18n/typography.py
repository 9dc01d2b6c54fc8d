"""Typographic conventions of each language applied to a document's text.

Straight apostrophes become ’ in every language; dates and time ranges never break.  Straight double quotes become the
language's quotation marks ("..." is “...” in English,
Spanish and Chinese, «...» in French, Russian and Arabic).  French also gets a no-break
space before ``:``, a narrow no-break space before ``; ! ?`` and no-break spaces inside
« ».  A number written in groups of three digits ("1 000", "25 000 000") keeps its groups
together with the language's group space where CLDR's is one: a narrow no-break space in
French, a no-break space in Russian; other languages' numbers stay as typed.  A French
date's first day, "1er", has its "er" raised (:func:`raised_ordinals`: a text split around
a ``model.Superscript``).  Only text nodes change, never code, link targets or image paths.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from conceptnotes import languages
from conceptnotes import model as m
from conceptnotes.model.visitor import map_inline_nodes, same

NBSP, NNBSP = "\u00a0", "\u202f"


FRENCH_MARKS = re.compile(r"[;!?:«»]")  # what :func:`french` spaces: a text without any is left as it is
DIGIT = re.compile(r"\d")  # dates, times and numbers have one: a text without any is left as it is


# French spacing: a narrow no-break space before ; ! ?, a no-break space before : and inside « »
FRENCH_SPACES = (
    (re.compile(r"(?<=\w)[ \u00a0\u202f]*([;!?]+)(?=\s|$|[»)])|[ \u00a0\u202f]+([;!?]+)(?=\s|$|[»)])"),
     lambda g: NNBSP + (g.group(1) or g.group(2))),
    (re.compile(r"(?<=\S)[ \u00a0\u202f]*:(?=\s|$)|^[ \u00a0\u202f]+:(?=\s|$)|(?<=\s)[ \u00a0\u202f]*:(?=\s)"),
     lambda g: NBSP + ":"),
    (re.compile(r"«[ \u00a0\u202f]*"), lambda g: "«" + NBSP),
    (re.compile(r"[ \u00a0\u202f]*»"), lambda g: NBSP + "»"),
)


def french(text: str) -> str:
    if not FRENCH_MARKS.search(text):
        return text
    for pattern, spaced in FRENCH_SPACES:
        text = pattern.sub(spaced, text)
    return text


def quotes(text: str, lang: str) -> str:
    """Paired straight double quotes as the language's quotation marks."""
    if '"' not in text:
        return text
    opening, closing = languages.get(lang).quotes
    return re.sub(r'"([^"\n]+)"', lambda g: opening + g.group(1) + closing, text)


# A straight apostrophe inside a word (Children's, l'état) or closing a plural possessive
# (victims' associations); a quotation between single quotes ('...') is left alone.
APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])|(?<=[^\W\d_]s)'(?=[\s,.;:!?)»”]|$)")


def apostrophes(text: str) -> str:
    """Straight apostrophes as the typographic apostrophe ’ (U+2019), in every language."""
    return APOSTROPHE.sub("\u2019", text) if "'" in text else text


def _names(names) -> str:
    """Month names as one alternative of a pattern, each found as typed or as typeset here:
    any space a run of spaces or no-break spaces, a slash followed by a word joiner or not."""
    return "|".join(re.escape(name).replace("\\ ", "[ \u00a0]+").replace("/", "/\u2060?") for name in names)


@functools.cache
def _date_pattern(lang: str) -> re.Pattern:
    """A day and month, with or without a year: '9 de mayo de 2022', '10 أيار/مايو 2022'."""
    from conceptnotes.i18n.formatting import month_names

    months = _names(month_names(lang))
    of = r"(?:[ \u00a0]+de)?[ \u00a0]+"  # Spanish "de"; a space elsewhere
    year = rf"(?:{of}\d{{4}}(?:[ \u00a0]+года)?)?"
    return re.compile(rf"(?<!\d)(?:\d{{1,2}}|1er){of}(?:{months}){year}(?!\w)", re.IGNORECASE)


@functools.cache
def _month_pattern(lang: str) -> re.Pattern | None:
    """The language's month names written in more than one word ('تشرين الأول/أكتوبر': UN
    Arabic names each month twice, joined by a slash); None where every name is one word."""
    from conceptnotes.i18n.formatting import month_names

    names = [name for name in month_names(lang) if re.search(r"[ /]", name)]
    return re.compile(rf"(?<!\w)(?:{_names(names)})(?!\w)") if names else None


def _joined(text: str) -> str:
    """No break inside: spaces as no-break spaces, a word joiner (U+2060) after a slash."""
    return re.sub(r"[ \u00a0]+", NBSP, text).replace("/\u2060", "/").replace("/", "/\u2060")


TIME_RANGE = re.compile(r"(?<=\d[:.]\d\d)([ \u00a0]?)([–-])([ \u00a0]?)(?=\d{1,2}[:.]\d\d)")


def no_break_dates(text: str, lang: str) -> str:
    """No line break inside a date (no-break spaces), a month's name of more than one word
    (Arabic 'تشرين الأول/أكتوبر', with or without a day: a word joiner U+2060 after its
    slash, where a line may otherwise break) or a time range such as 10:00–10:30 (no-break
    spaces, or a word joiner after the dash: every font shows it, as nothing)."""
    digits = DIGIT.search(text) is not None
    if digits:
        text = _date_pattern(lang).sub(lambda g: _joined(g.group()), text)
    months = _month_pattern(lang)
    if months is not None:
        text = months.sub(lambda g: _joined(g.group()), text)
    if not digits:
        return text
    return TIME_RANGE.sub(lambda g: (NBSP if g[1] else "") + g[2] + (NBSP if g[3] else "\u2060"), text)


# A number written in groups: one to three digits, then groups of exactly three, each after
# one space ("1 000", "25 000 000"), with no digit right before or after: in "in 2022 100
# participants" no group follows "100", and "2022" has four digits: both stay as typed.
NUMBER_GROUPS = re.compile(r"(?<!\d)\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)")


@functools.cache
def group_separator(lang: str) -> str:
    """The space between a number's groups in ``lang``, when the language writes one: CLDR's
    group symbol, where it is a space (French a narrow no-break space, Russian a no-break
    space); empty where it is a mark (a comma, a point: en, es, zh, ar), and numbers stay as
    typed."""
    from babel.numbers import get_group_symbol

    symbol = get_group_symbol(languages.get(lang).babel_locale)
    return symbol if symbol in (NBSP, NNBSP) else ""


def no_break_numbers(text: str, lang: str) -> str:
    """The spaces between a number's groups of digits as the language's no-break group space."""
    separator = group_separator(lang)
    if not separator or not DIGIT.search(text):
        return text
    return NUMBER_GROUPS.sub(lambda g: re.sub(r"[ \u00a0\u202f]", separator, g.group()), text)


def _rule(lang: str):
    def apply(text: str) -> str:
        text = no_break_numbers(no_break_dates(apostrophes(quotes(text, lang)), lang), lang)
        return french(text) if languages.get(lang).spaced_punctuation else text

    return apply


RULES = {lang: _rule(lang) for lang in languages.CODES}


@functools.cache
def _ordinal_pattern(lang: str) -> re.Pattern | None:
    """The letters of a date's first day written as an ordinal (French "1er"), where a month's
    name follows, right after it or after a second day ("1er mai", "du 1er au 3 mai", "1er et
    2 mai"): the letters are group 1.  None where the language writes the first day as a number."""
    from conceptnotes.i18n.formatting import day_links, month_names, ordinal_day

    ordinal = ordinal_day(lang)
    if ordinal is None:
        return None
    space = "[ \u00a0]+"
    months = _names(month_names(lang))
    links = "|".join(re.escape(link) for link in day_links(lang))
    second = rf"(?:(?:{links}){space}\d{{1,2}}{space})?" if links else ""
    return re.compile(rf"(?<![\w.,]){re.escape(ordinal[0])}({re.escape(ordinal[1])})"
                      rf"(?={space}{second}(?i:{months})(?!\w))")


def raised_ordinals(text: str, lang: str) -> m.Inline | tuple[m.Inline, ...]:
    """``text`` as a text, or in pieces where a date's first day is written as an ordinal: its
    letters a :class:`model.Superscript`, as UN French documents set "1er mai"."""
    pattern = _ordinal_pattern(lang)
    found = list(pattern.finditer(text)) if pattern is not None else []
    if not found:
        return m.Text(text)
    nodes: list[m.Inline] = []
    at = 0
    for match in found:
        nodes += [m.Text(text[at:match.start(1)]), m.Superscript(match.group(1))]
        at = match.end(1)
    return m.merge_text([*nodes, m.Text(text[at:])])


def typeset(nodes: tuple[m.Inline, ...], lang: str) -> tuple[m.Inline, ...]:
    """The inlines with the language's conventions applied to their text (a date's ordinal
    day raised: :func:`raised_ordinals`); source-language text standing in for a translation
    (``Untranslated``), code and link targets unchanged."""
    rule = RULES.get(lang)
    if rule is None:
        return nodes

    def apply(node: m.Inline) -> m.Inline | tuple[m.Inline, ...]:
        if not isinstance(node, m.Text):
            return node
        done = raised_ordinals(rule(node.text), lang)
        return node if isinstance(done, m.Text) and done.text == node.text else done  # unchanged: kept

    return map_inline_nodes(nodes, apply, skip=frozenset({"untranslated"}))


def typeset_note(note: m.Note, lang: str) -> m.Note:
    """The note with its language's typographic conventions applied to all its text."""
    if lang not in RULES:
        return note
    from conceptnotes.i18n.units import map_document, translate_meta

    done: dict[tuple[m.Inline, ...], tuple[m.Inline, ...] | None] = {}  # None: unchanged

    def once(inlines: tuple[m.Inline, ...], line: int, kind: str) -> tuple[m.Inline, ...]:
        """A run typeset once however often it occurs (a table's cells, a list's items repeat)."""
        if inlines not in done:
            typeset_run = typeset(inlines, lang)
            done[inlines] = None if same(typeset_run, inlines) else typeset_run
        return done[inlines] or inlines

    document = map_document(note.document, once)
    meta = translate_meta(note.meta, lambda text, line: RULES[lang](text))
    return dataclasses.replace(note, meta=meta, document=document)
