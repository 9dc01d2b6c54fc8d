"""Make locales/glossary.tbx: the project's glossary, from the sample's reviewed translations.

Every term is quoted from a catalog entry of the sample note (content/malaga-2022): the
English from the entry's msgid, each language's from its translation (msgstr) in
``locales/<lang>/LC_MESSAGES/malaga-2022.po``.  ``TERMS`` below names, for each term and
language, the entry (by the start of its msgid) and the words quoted from it; the script
refuses a quotation that is not, character for character, in that entry, or an entry that
is fuzzy or untranslated.  No term is typed here from memory: each was copied from the
translated sentence it is quoted from, after reading the sentence to see that the words
translate the term (the TBX keeps the sentence, as the term's context, for the next
reviewer).  A language the catalogs do not show a term in is left out, never guessed.

A language's first form is the term; the others are its variants (another grammatical
case in Russian, a form after a preposition in Arabic), each quoted from its own entry.
The check (``conceptnotes/i18n/glossary.py``) accepts any of them.

After writing, the script reports every reviewed unit of the sample whose source holds a
term and whose translation holds none of its forms: what the check would warn of.

    .venv/bin/python tools/make_glossary.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from conceptnotes import writing  # noqa: E402
from conceptnotes.i18n import catalogs, glossary  # noqa: E402

NOTE = "malaga-2022"
LOCALES = ROOT / "locales"
TARGET = LOCALES / glossary.FILE_NAME

OFFICE = "United Nations Office of Counter-Terrorism"
STRATEGY = "The United Nations Global Counter-Terrorism Strategy was adopted"
REVIEW = "To contribute to the eighth review"
COMPACT = "United Nations Global Counter-Terrorism Coordination Compact entities;"
FIRST = "This High-Level International Conference follows up"
MEMBERS = "Member States, including Ministers"
BUILD_ON = "The Conference will build on these conclusions"
COOPERATION = "strengthened cooperation between Member States"
PARTNERS = "civil society partners;"
WORKSHOP = "a civil society workshop, hosted by Spain"
ORGANIZED = "The Conference is organized by UNOCT"
DEFENDERS = "human rights defenders;"
UNDERSCORE = "To underscore the critical role"

# (id, English term, its entry, {language: [(form, entry), ...]}): each form quoted from its entry
TERMS = [
    ("unoct", "United Nations Office of Counter-Terrorism", OFFICE, {
        "ar": [("مكتب الأمم المتحدة لمكافحة الإرهاب", OFFICE)],
        "es": [("Oficina de las Naciones Unidas de Lucha contra el Terrorismo", OFFICE)],
        "fr": [("Bureau de lutte contre le terrorisme de l'ONU", OFFICE)],
        "ru": [("Контртеррористическое управление ООН", OFFICE),
               ("Контртеррористическим управлением ООН", FIRST)],
        "zh": [("联合国反恐怖主义办公室", OFFICE)],
    }),
    ("gcts", "United Nations Global Counter-Terrorism Strategy", STRATEGY, {
        "ar": [("استراتيجية الأمم المتحدة العالمية لمكافحة الإرهاب", STRATEGY)],
        "es": [("Estrategia Global de las Naciones Unidas contra el Terrorismo", STRATEGY)],
        "fr": [("Stratégie antiterroriste mondiale des Nations Unies", STRATEGY)],
        "ru": [("Глобальная контртеррористическая стратегия Организации Объединенных Наций", STRATEGY),
               ("Глобальной контртеррористической стратегии Организации Объединенных Наций", REVIEW)],
        "zh": [("联合国全球反恐战略", STRATEGY)],
    }),
    ("compact", "United Nations Global Counter-Terrorism Coordination Compact", COMPACT, {
        "ar": [("اتفاق الأمم المتحدة العالمي لتنسيق مكافحة الإرهاب", COMPACT)],
        "es": [("Pacto Mundial de Coordinación de la Lucha Antiterrorista de las Naciones Unidas", COMPACT)],
        "fr": [("Pacte mondial de coordination contre le terrorisme des Nations Unies", COMPACT)],
        "ru": [("Глобального договора Организации Объединенных Наций о координации контртеррористической"
                " деятельности", COMPACT)],
        "zh": [("联合国全球反恐协调契约", COMPACT)],
    }),
    ("member-states", "Member States", MEMBERS, {
        "ar": [("الدول الأعضاء", MEMBERS), ("للدول الأعضاء", BUILD_ON)],
        "es": [("Estados Miembros", MEMBERS)],
        "fr": [("États Membres", MEMBERS)],
        "ru": [("государств-членов", MEMBERS), ("государствам-членам", BUILD_ON),
               ("государствами-членами", COOPERATION)],
        "zh": [("会员国", MEMBERS)],
    }),
    ("civil-society", "civil society", PARTNERS, {
        "ar": [("المجتمع المدني", PARTNERS), ("للمجتمع المدني", WORKSHOP)],
        "es": [("sociedad civil", PARTNERS)],
        "fr": [("société civile", PARTNERS)],
        "ru": [("гражданского общества", PARTNERS), ("гражданскому обществу", ORGANIZED),
               ("гражданским обществом", COOPERATION)],
        "zh": [("民间社会", PARTNERS)],
    }),
    ("hr-defenders", "human rights defenders", DEFENDERS, {
        "ar": [("المدافعون عن حقوق الإنسان", DEFENDERS), ("المدافعين عن حقوق الإنسان", FIRST)],
        "es": [("defensores de los derechos humanos", DEFENDERS)],
        "fr": [("défenseurs des droits de l'homme", DEFENDERS)],
        "ru": [("правозащитники", DEFENDERS), ("правозащитников", UNDERSCORE)],
        "zh": [("人权维护者", DEFENDERS)],
    }),
]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def entry(catalog, path: Path, start: str):
    """The one reviewed entry whose msgid starts with ``start``."""
    found = [msg for msg in catalog if isinstance(msg.id, str) and msg.id.startswith(start)]
    if len(found) != 1:
        sys.exit(f"{path}: {len(found)} entries start with {start!r}, not one")
    if catalogs.state(catalog, found[0].id)[0] != "translated":
        sys.exit(f"{path}:{found[0].lineno}: the entry {start!r} is not a reviewed translation")
    return found[0]


def _quote(start: str, msgid: str) -> str:
    """A msgid as a source note quotes it: as a JSON string (a test reads it back), its start
    followed by an ellipsis when the msgid goes on."""
    return json.dumps(start, ensure_ascii=False) + ("\u2026" if msgid != start else "")


def quoted(form: str, text: str, where: str) -> None:
    if form not in text:
        sys.exit(f"{where}: {form!r} is not in the entry's text")


def tig(lang_set: etree._Element, form: str, kind: str, where: str, context: str) -> None:
    element = etree.SubElement(lang_set, "tig")
    etree.SubElement(element, "term").text = form
    etree.SubElement(element, "termNote", type="termType").text = kind
    etree.SubElement(element, "descrip", type="context").text = context
    etree.SubElement(element, "admin", type="source").text = where


def make(loaded: dict) -> bytes:
    """The TBX document of :data:`TERMS`, each form checked against its entry."""
    root = etree.Element("martif", type="TBX")
    root.set(XML_LANG, "en")
    source = etree.SubElement(etree.SubElement(etree.SubElement(root, "martifHeader"), "fileDesc"), "sourceDesc")
    etree.SubElement(source, "p").text = (
        f"Quoted from the reviewed translations of the note {NOTE} (locales/*/LC_MESSAGES/{NOTE}.po)"
        " by tools/make_glossary.py; each term names its catalog entry.")
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    for term_id, english, start, forms in TERMS:
        term_entry = etree.SubElement(body, "termEntry", id=term_id)
        english_set = etree.SubElement(term_entry, "langSet")
        english_set.set(XML_LANG, "en")
        path, catalog = loaded["en"]  # the template: the msgids
        message = next(msg for msg in catalog if isinstance(msg.id, str) and msg.id.startswith(start))
        quoted(english, message.id, f"{path}:{message.lineno}")
        where = f"{path.relative_to(ROOT)}:{message.lineno}"
        tig(english_set, english, "fullForm", f"{where}: msgid {_quote(start, message.id)}", message.id)
        for lang, said in forms.items():
            lang_set = etree.SubElement(term_entry, "langSet")
            lang_set.set(XML_LANG, lang)
            path, catalog = loaded[lang]
            for number, (form, opening) in enumerate(said):
                message = entry(catalog, path, opening)
                where = f"{path.relative_to(ROOT)}:{message.lineno}"
                quoted(form, message.string, where)
                kind = "variant" if number else "fullForm"
                tig(lang_set, form, kind, f"{where}: msgstr of msgid {_quote(opening, message.id)}", message.string)
    etree.indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def report(loaded: dict) -> int:
    """Print every reviewed unit whose source holds a term and whose translation none of
    its forms (what ``check`` would warn of); their number."""
    terms = glossary.parse(TARGET.read_bytes(), TARGET)
    count = 0
    for lang, (path, catalog) in sorted(loaded.items()):
        if lang == "en":
            continue
        for message in catalog:
            if not message.id or catalogs.state(catalog, message.id)[0] != "translated":
                continue
            for _term, form in glossary.missing(terms, message.id, message.string, "en", lang):
                count += 1
                print(f"{path.relative_to(ROOT)}:{message.lineno}: {form!r} has no {lang} form")
    return count


def main() -> None:
    template = catalogs.template_path(LOCALES, NOTE)
    loaded = {"en": (template, catalogs.load(template))}
    for lang in ("ar", "es", "fr", "ru", "zh"):
        path = catalogs.catalog_path(LOCALES, lang, NOTE)
        loaded[lang] = (path, catalogs.load(path, lang))
    writing.write_atomic(TARGET, make(loaded), ROOT)
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(TERMS)} terms")
    print(f"{report(loaded)} unit(s) of {NOTE} whose translation lacks a term of its source")


if __name__ == "__main__":
    main()
