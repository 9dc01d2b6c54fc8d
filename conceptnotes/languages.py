"""The six UN official languages: every fact the pipeline knows about each, in one place.

Direction, script, Babel locale, Word language tag, UN document letter, quotation marks,
italics, the labels of list items, paragraph numbers and figure numerals, the masthead's
language: code asks :func:`get` instead of keeping a table of its own.  Longer per-language
data (fonts, date patterns, country names) stays in ``data/*.json``, keyed by the same codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Mark a label for extraction (``i18n extract``); it is translated in the label catalogs."""
    return message


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, as in front matter and locales/<code>/
    name: str  # in English, as the label "Original: <name>" says it
    direction: str  # "ltr" or "rtl"
    script: str  # ISO 15924
    babel_locale: str  # CLDR locale of dates, numbers, country names and catalogs
    word_language: str  # the w:lang tag Word proofs the text with
    un_letter: str  # the language letter of UN document file names
    quotes: str  # opening and closing quotation marks for straight "..."
    italics: bool = True  # False: emphasis takes another face or bold, never a slanted glyph
    spaced_punctuation: bool = False  # French: no-break spaces before : ; ! ? and inside « »
    # UN practice: the masthead's distribution, date and original language stay in English
    # ("Distr.: General", "Original: English") in Arabic, Chinese and Russian documents
    english_masthead: bool = False
    # False: letters are never spaced out (the Subtitle's letter-spacing is reset): joined
    # Arabic letters would come apart, and Chinese has no such convention
    letter_spacing: bool = True
    # the numbering of nested numbered lists where it differs from NUMBERED_LEVELS' (a), (i):
    # {level: (w:numFmt, w:lvlText)} (see list_label)
    subparagraphs: dict[int, tuple[str, str]] = field(default_factory=dict)
    # The number of a numbered paragraph as Word's w:lvlText ("%1." is "1."), and the
    # numerals of figures ("Figure I"): "roman", "chinese" (图一) or "ordinal" (الشكل الأول)
    paragraph_number: str = "%1."
    figure_numerals: str = "roman"
    # typography of the PDF that differs by language (note.css reads it as custom properties:
    # see render/html.language_styles): a taller line (Arabic's marks above and below the
    # letters), list items justified as paragraphs are (Chinese: a full em per character)
    line_height: float | None = None
    justified_lists: bool = False
    # justified lines share their slack between characters, not spaces (Chinese has none to
    # widen; UN Chinese documents are fully justified): render/justify, after layout
    inter_character: bool = False
    # the masthead's "Original: <name>" of a note written in this language (a label: its
    # translations are in the label catalogs, locales/<lang>/LC_MESSAGES/messages.po)
    original: str = ""

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"


_LETTERED = {1: ("lowerLetter", "%2)"), 2: ("lowerRoman", "%3)")}

LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("ar", "Arabic", "rtl", "Arab", "ar", "ar-SA", "A", "«»", italics=False, english_masthead=True,
                 letter_spacing=False, subparagraphs={1: ("arabicAbjad", "(%2)")}, paragraph_number="%1 -",
                 figure_numerals="ordinal", line_height=1.6, original=N_("Original: Arabic")),
        Language("en", "English", "ltr", "Latn", "en_GB", "en-GB", "E", "“”", original=N_("Original: English")),
        Language("es", "Spanish", "ltr", "Latn", "es", "es-ES", "S", "“”", subparagraphs=_LETTERED,
                 original=N_("Original: Spanish")),
        Language("fr", "French", "ltr", "Latn", "fr", "fr-FR", "F", "«»", subparagraphs=_LETTERED,
                 spaced_punctuation=True, original=N_("Original: French")),
        Language("ru", "Russian", "ltr", "Cyrl", "ru", "ru-RU", "R", "«»", subparagraphs=_LETTERED,
                 english_masthead=True, original=N_("Original: Russian")),
        Language("zh", "Chinese", "ltr", "Hans", "zh_Hans_CN", "zh-CN", "C", "“”", italics=False,
                 english_masthead=True, letter_spacing=False, figure_numerals="chinese", justified_lists=True,
                 inter_character=True, original=N_("Original: Chinese")),
    )
}
CODES = tuple(LANGUAGES)  # sorted: ar en es fr ru zh

# The language a note is written in when its front matter does not say, and the
# language the templates' labels are written in (the msgids of messages.po).
DEFAULT_SOURCE = "en"
LABEL_LANGUAGE = "en"


# Lists: the label of an item by how deep its list is nested, the one rule of the PDF and the
# DOCX.  Depth 0 is a list at the margin; a list inside an item or a definition is one deeper,
# whatever the kind of the lists around it (Word numbers a paragraph by its level alone).
# UN documents number 1., then sub-paragraphs (a), then (i) (the language's own where
# ``subparagraphs`` says); deeper levels repeat the three, down to Word's ninth and last.
# In Word's terms: w:numFmt and w:lvlText, where "%2" is the number of the second level.
NUMBERED_LEVELS = (("decimal", "%1."), ("lowerLetter", "(%2)"), ("lowerRoman", "(%3)"))
BULLETED_LEVELS = (("bullet", "•"), ("bullet", "–"), ("bullet", "◦"))
LIST_LEVELS = 9  # Word's levels of a list (w:ilvl 0 to 8); a deeper list takes the last


def list_label(code: str, ordered: bool, depth: int) -> tuple[str, str]:
    """The label of an item of a list nested ``depth`` deep in a document in ``code``, as
    Word's ``(w:numFmt, w:lvlText)``: ("decimal", "%1."), ("lowerLetter", "(%2)"), ("bullet", "–").
    The DOCX's numbering definitions and the PDF's list styles are both made from it."""
    level = min(depth, LIST_LEVELS - 1)
    cycle = level % len(NUMBERED_LEVELS)
    if not ordered:
        return BULLETED_LEVELS[cycle]
    num_fmt, text = LANGUAGES[code].subparagraphs.get(cycle, NUMBERED_LEVELS[cycle])
    return num_fmt, text.replace(f"%{cycle + 1}", f"%{level + 1}")


def get(code: str) -> Language:
    """The language ``code``; a KeyError for a code the front-matter check would refuse."""
    return LANGUAGES[code]


def is_rtl(code: str) -> bool:
    return LANGUAGES[code].rtl


# Scripts Word sets apart: East Asian text (w:eastAsia) and cased alphabets (w:val)
EAST_ASIAN_SCRIPTS = ("Hans", "Hant", "Jpan", "Kore")
CASED_SCRIPTS = ("Latn", "Cyrl", "Grek")


def word_tags(code: str) -> dict[str, str]:
    """The w:lang of a document in ``code``: its Latin-script text (English inside Arabic
    or Chinese documents), East Asian text and complex-script (right-to-left) text, each
    the document's own language where it is of that kind, else the registry's first that is."""
    lang = LANGUAGES[code]
    latin = lang if lang.script in CASED_SCRIPTS else LANGUAGES[LABEL_LANGUAGE]
    east_asian = _own_or_first(lang, lambda other: other.script in EAST_ASIAN_SCRIPTS)
    complex_script = _own_or_first(lang, lambda other: other.rtl)
    return {"val": latin.word_language, "eastAsia": east_asian.word_language, "bidi": complex_script.word_language}


def _own_or_first(lang: Language, test) -> Language:
    return lang if test(lang) else next(other for other in LANGUAGES.values() if test(other))


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
_CHINESE_DIGITS = "〇一二三四五六七八九"
# Arabic ordinals of a masculine noun (الشكل), as UN Arabic documents number figures
_ARABIC_ORDINALS = (
    "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر",
    "الحادي عشر", "الثاني عشر", "الثالث عشر", "الرابع عشر", "الخامس عشر",
    "السادس عشر", "السابع عشر", "الثامن عشر", "التاسع عشر", "العشرون",
)


def roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def chinese_numeral(number: int) -> str:
    """一, 十, 十一, 二十三, 一百零五: the numerals of Chinese UN documents' figures (below 1,000)."""
    if number >= 1000:
        return str(number)
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    out = f"{_CHINESE_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else _CHINESE_DIGITS[tens]) + "十"
    elif hundreds and units:
        out += "零"
    return out + (_CHINESE_DIGITS[units] if units else "")


def figure_number(number: int, code: str) -> str:
    """A figure's number as UN documents in ``code`` write it: I, 一, الأول (digits beyond words)."""
    numerals = LANGUAGES[code].figure_numerals
    if numerals == "chinese":
        return chinese_numeral(number)
    if numerals == "ordinal":
        return _ARABIC_ORDINALS[number - 1] if number <= len(_ARABIC_ORDINALS) else str(number)
    return roman(number)
