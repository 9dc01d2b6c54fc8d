"""What an imported translation may hold but most likely should not: warnings, told at the
unit's line, never a refusal (the build accepts such a text, and a translator may mean it).

- An inline tag inside a word (``mot<x/>ique``), or a paired tag that opens or closes inside
  one (``<g>Dialog</g>ue``), where the source's tag of that id is not: a tag a CAT tool's
  translator dropped one character too far.  Checked in the languages of cased scripts
  (Latin, Cyrillic), whose words are written apart: Arabic writes its conjunctions and
  prepositions onto the next word, Chinese has no spaces.
- Letters of another script than the language's or Latin (Cyrillic in French, Arabic in
  Russian), and, in a language not written in Latin, a text with no letter of its own
  script at all, once web and e-mail addresses, document symbols and acronyms (words in
  capitals) are set aside: a text left in the source language, or pasted from another.
- Arabic-Indic digits (U+0660-U+0669, U+06F0-U+06F9) in Arabic: the UN's Arabic documents
  write Western digits, as the sample's reviewed Arabic translations do.
- A zero width space (U+200B) or a zero width no-break space (U+FEFF, a byte order mark
  left in the text), which no reader sees.
"""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

from conceptnotes import languages
from conceptnotes.i18n.units import without_symbols

# the first word of a letter's Unicode name, by ISO 15924 script
_SCRIPTS = {"LATIN": "Latn", "CYRILLIC": "Cyrl", "ARABIC": "Arab", "GREEK": "Grek", "CJK": "Hans",
            "HIRAGANA": "Jpan", "KATAKANA": "Jpan", "HANGUL": "Kore"}
_NAMES = {"Latn": "Latin", "Cyrl": "Cyrillic", "Arab": "Arabic", "Grek": "Greek", "Hans": "Chinese",
          "Jpan": "Japanese kana", "Kore": "Korean"}
_ARABIC_INDIC = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
_INVISIBLE = {"\u200b": "a zero width space (U+200B)", "\ufeff": "a zero width no-break space (U+FEFF)"}
_ACRONYM = re.compile(r"\b[A-Z]{2,}s?\b")
_TAG_NAMES = {"italic": "italic", "bold": "bold", "link": "link", "x-image": "image", "x-footnote": "footnote call",
              "x-code": "code", "x-placeholder": "placeholder", "lb": "line break"}


def target_warnings(source: etree._Element, target: etree._Element, msgstr: str, lang: str) -> list[str]:
    """What looks wrong in a ``<target>`` (and its Markdown, ``msgstr``) in ``lang``, given
    the unit's ``<source>`` as the export writes it."""
    language = languages.get(lang)
    found = []
    if language.script in languages.CASED_SCRIPTS:
        found += _tags_inside_words(source, target)
    found += _script_warnings(msgstr, language)
    if language.script == "Arab" and _ARABIC_INDIC.search(msgstr):
        found.append("the translation has Arabic-Indic digits ('"
                     f"{_ARABIC_INDIC.search(msgstr).group()}'): UN Arabic documents write Western digits (0-9)")
    for char, name in _INVISIBLE.items():
        if char in msgstr:
            found.append(f"the translation has {name}, which no reader sees: remove it")
    return found


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return _SCRIPTS.get(name.removeprefix("FULLWIDTH ").split(" ")[0], "")


def _script_warnings(msgstr: str, language: languages.Language) -> list[str]:
    own = language.script
    text = _ACRONYM.sub("", without_symbols(re.sub(r"`[^`]*`|\]\([^)]*\)", "", msgstr)))
    scripts = [_script(char) for char in text if char.isalpha()]
    foreign = next((char for char in text if char.isalpha() and _script(char) not in ("", own, "Latn")), None)
    if foreign is not None:
        return [f"the translation has {_NAMES[_script(foreign)]} letters ('{foreign}') in a {language.name} unit:"
                " text of another language?"]
    if own != "Latn" and scripts and own not in scripts:
        return [f"the translation has no {_NAMES.get(own, own)} text, only {_NAMES.get(scripts[0], 'other')}"
                " words (names and symbols aside): is it translated?"]
    return []


def _tags_inside_words(source: etree._Element, target: etree._Element) -> list[str]:
    """Tags whose edge falls between two letters in the target but not in the source."""
    allowed = {(tag_id, edge) for tag_id, edge, _, _ in _inside(source)}
    found = []
    for tag_id, edge, ctype, word in _inside(target):
        if (tag_id, edge) not in allowed:
            what = _TAG_NAMES.get(ctype, "inline")
            found.append(f"the {what} tag {tag_id} {edge} inside the word '{word}': move it to the word's edge")
    return found


def _inside(element: etree._Element) -> list[tuple[str, str, str, str]]:
    """``(tag id, 'opens'|'closes'|'stands', ctype, word)`` of each tag edge between two letters."""
    text, marks = _flatten(element)
    found = []
    for at, edge, child in marks:
        if 0 < at < len(text) and text[at - 1].isalpha() and text[at].isalpha():
            start, end = at, at
            while start > 0 and text[start - 1].isalpha():
                start -= 1
            while end < len(text) and text[end].isalpha():
                end += 1
            found.append((child.get("id", ""), edge, child.get("ctype", ""), text[start:end]))
    return found


def _flatten(element: etree._Element) -> tuple[str, list[tuple[int, str, etree._Element]]]:
    """An inline content's text, and where each tag opens, closes or stands in it."""
    parts: list[str] = []
    marks: list[tuple[int, str, etree._Element]] = []

    def walk(node: etree._Element) -> None:
        parts.append(node.text or "")
        for child in node:
            if not isinstance(child.tag, str):
                parts.append(child.tail or "")
                continue
            name = etree.QName(child).localname
            if name == "mrk":
                walk(child)
            elif name == "g":
                marks.append((len("".join(parts)), "opens", child))
                walk(child)
                marks.append((len("".join(parts)), "closes", child))
            else:
                marks.append((len("".join(parts)), "stands", child))
            parts.append(child.tail or "")

    walk(element)
    return "".join(parts), marks

