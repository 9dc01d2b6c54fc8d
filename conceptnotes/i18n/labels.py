"""The fixed words of the documents (masthead, footer, captions), marked for translation.

Translated through the label catalogs (``locales/<lang>/LC_MESSAGES/messages.po``) and
made into the strings a document shows (:func:`shown`) before anything renders: both
renderers read them from ``model.Localized``, so a PDF and a DOCX say the same.
"""

from __future__ import annotations

from conceptnotes import languages
from conceptnotes.model.localized import Shown


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is used."""
    return message


DISTRIBUTION = {
    "General": N_("Distr.: General"),
    "Limited": N_("Distr.: Limited"),
    "Restricted": N_("Distr.: Restricted"),
}

# "Original: Arabic": each language's own label is in its registry entry (languages.Language.original)
ORIGINAL = {lang.name: lang.original for lang in languages.LANGUAGES.values()}

# TRANSLATORS: the footer of every page. {page} becomes the number
# of this page and {pages} the number of pages: "Page 2 of 5".
PAGE_OF_PAGES = N_("Page {page} of {pages}")

# The title block's line: "Málaga, Spain, 10 and 11 May 2022"
# TRANSLATORS: {city} becomes the city of the meeting (as the note's
# catalog translates it) and {country} the official UN short name of
# its country: "Málaga, Spain".
EVENT_PLACE = N_("{city}, {country}")
# TRANSLATORS: {venue} becomes the venue of the meeting and {place}
# the city and country: "Palais des Nations, Geneva, Switzerland".
EVENT_VENUE = N_("{venue}, {place}")
# TRANSLATORS: the line under the title. {place} becomes the city and
# country (after the venue, where the note names one) and {dates} the
# dates of the meeting, written in this language:
# "Málaga, Spain, 10 and 11 May 2022".
EVENT_LINE = N_("{place}, {dates}")

# Captions: the figure's numerals are the language's (languages.figure_number)
# TRANSLATORS: above a figure. {number} becomes the figure's number,
# written as this language's UN documents write it: "Figure I".
FIGURE = N_("Figure {number}")
# TRANSLATORS: above a table. {number} becomes the table's number:
# "Table 1".
TABLE = N_("Table {number}")

# Every label a document may show: what the label catalogs must translate.  A label whose
# English has placeholders is a pattern (see conceptnotes.placeholders): its translation
# may use the same names and no others, and writes a brace doubled.
ALL = (*DISTRIBUTION.values(), *ORIGINAL.values(), PAGE_OF_PAGES, EVENT_PLACE, EVENT_VENUE, EVENT_LINE,
       FIGURE, TABLE)


def event_line(gettext, meta, lang: str) -> str:
    """The event's place and dates in ``lang``, in the order and punctuation its labels give."""
    from conceptnotes import model as m

    return m.plain_text(event_inlines(gettext, meta, lang))


def event_inlines(gettext, meta, lang: str, front=None) -> tuple:
    """:func:`event_line` as inlines: the city, venue and place's name that ``front`` has
    (``event.city``, ``event.venue``, ``event.country_name``: the source text shown
    untranslated) as it has them, the rest as text (the dates' superscripts marked)."""
    from conceptnotes import model as m
    from conceptnotes.i18n.formatting import event_country, format_date_range, superscripts
    from conceptnotes.i18n.typography import no_break_dates

    front = front or {}

    def shown(name: str, text: str) -> tuple:
        return (front[name],) if name in front else (m.Text(text),)

    country = shown("event.country_name", event_country(meta.event, lang))
    place = _fill(gettext(EVENT_PLACE), {"city": shown("event.city", meta.event.city), "country": country})
    if meta.event.venue:
        place = _fill(gettext(EVENT_VENUE), {"venue": shown("event.venue", meta.event.venue), "place": place})
    dates = superscripts(no_break_dates(format_date_range(meta.event.start, meta.event.end, lang), lang), lang)
    return _fill(gettext(EVENT_LINE), {"place": place, "dates": (m.Text(dates),)})


def _fill(pattern: str, values: dict[str, tuple]) -> tuple:
    """``pattern`` with each ``{name}`` replaced by the inlines ``values[name]``."""
    from conceptnotes import model as m
    from conceptnotes.placeholders import Name, parts

    pieces = [values[part] if isinstance(part, Name) else (m.Text(part),) for part in parts(pattern, values)]
    return m.merge_text(node for piece in pieces for node in piece)


def masthead_details(gettext, meta, lang: str) -> list[str]:
    """Distribution, date of issue and original language, one a line under the symbol.

    UN practice: Arabic, Chinese and Russian documents keep these lines in English
    ("Distr.: General", "Original: English"), whatever their catalogs say; French and
    Spanish documents translate them ("Distr. générale", "Original : anglais").
    """
    from conceptnotes.i18n.formatting import format_day, superscripts
    from conceptnotes.i18n.typography import no_break_dates

    if languages.get(lang).english_masthead:
        gettext, lang = (lambda message: message), languages.LABEL_LANGUAGE
    details = [gettext(DISTRIBUTION[meta.distribution])]
    if meta.date:
        details.append(superscripts(no_break_dates(format_day(meta.date, lang), lang), lang))
    details.append(gettext(languages.get(meta.source_language).original))
    return details


def caption_label(gettext, node, lang: str) -> str:
    """"Figure I" of a figure, "Table 1" of a captioned table, in ``lang``."""
    from conceptnotes.placeholders import fill

    if node.kind == "figure":
        return fill(gettext(FIGURE), {"number": languages.figure_number(node.number, lang)})
    return fill(gettext(TABLE), {"number": str(node.number)})


def fallback_mark(node) -> str:
    """The remark on source text that stands in for a missing or fuzzy translation (a Word
    comment), in English: it is for the reviewer of a draft."""
    source, where = languages.get(node.lang).name, node.where
    if node.fuzzy:
        text = f"Fuzzy translation: the {source} text is shown until a translator checks it."
        return text + (f" Review it and clear its fuzzy flag in {where}." if where else "")
    return f"Untranslated: the {source} text is shown." + (f" Translate it in {where}." if where else "")


def raised_front(meta, lang: str, marked) -> dict[str, tuple]:
    """The title, subtitle and organizers whose text writes a date's first day as an ordinal
    ("Atelier du 1er décembre 2023"), each as one text with its superscript marked
    (``model.localized.superscript``), as :attr:`Shown.front` holds them; a field shown
    untranslated (in ``marked``) stays as it is."""
    from conceptnotes import model as m
    from conceptnotes.i18n.typography import raised_ordinals
    from conceptnotes.model.localized import superscript

    fields = [("title", meta.title), ("subtitle", meta.subtitle),
              *((f"organizers.{n}", organizer) for n, organizer in enumerate(meta.organizers))]
    raised = {}
    for field, text in fields:
        nodes = raised_ordinals(text, lang)
        if field not in marked and isinstance(nodes, tuple):
            pieces = (superscript(node.text) if node.kind == "superscript" else node.text for node in nodes)
            raised[field] = (m.Text("".join(pieces)),)
    return raised


def shown(note, lang: str, gettext, front=None) -> Shown:
    """Every string a document of ``note`` (localized) in ``lang`` shows besides its text;
    ``front`` maps a front-matter field shown untranslated (``title``, ``organizers.1``,
    ``event.city``) to its source text, marked (``model.Untranslated``)."""
    from conceptnotes import model as m
    from conceptnotes.i18n.formatting import format_day, superscripts
    from conceptnotes.model.visitor import walk

    front = front or {}
    meta = note.meta
    event = event_inlines(gettext, meta, lang, front)
    marked = {name: (node,) for name, node in front.items() if not name.startswith("event.")}
    marked |= raised_front(meta, lang, marked)
    if any(isinstance(node, m.Untranslated) for node in event):
        marked["event"] = event
    nodes = [*walk(note.document), *front.values()]
    english = languages.get(lang).english_masthead
    venue = ()
    if meta.event.venue:  # found by a character no note holds (XML-illegal) standing in for it
        probe = m.plain_text(event_inlines(gettext, meta, lang, {**front, "event.venue": m.Text("\uffff")}))
        start = probe.index("\uffff")
        venue = (start, start + len(m.plain_text(event)) - len(probe) + 1)
    return Shown(
        venue=venue,
        masthead_details=tuple(masthead_details(gettext, meta, lang)),
        masthead_lang=languages.LABEL_LANGUAGE if english else lang,
        event_line=m.plain_text(event),
        front=marked,
        date=superscripts(format_day(meta.date, lang), lang) if meta.date else "",
        page_label=gettext(PAGE_OF_PAGES),
        captions={(node.kind, node.number): caption_label(gettext, node, lang) for node in nodes
                  if node.kind in ("figure", "table") and node.number},
        fallback_marks={(node.lang, node.where, node.fuzzy): fallback_mark(node) for node in nodes
                        if node.kind == "untranslated"},
    )
