"""The project's glossary: UN terms in the six languages, read from ``locales/glossary.tbx``
(TBX, the term-base exchange format CAT tools read, through translate-toolkit), and the
check of a translation against it.

Each ``<termEntry>`` is one term: a ``<langSet>`` per language, each ``<tig>`` one form
of the term in that language: the first is the term, the others its variants (another
grammatical case, a plural); a form marked deprecated is not one.  A language a term has
no ``<langSet>`` for is not checked for it.

The matching rule, the same everywhere (``check``, the workbench, the XLIFF export):

- both texts are compared case-insensitively (Unicode case folding), with every run of
  white space (a no-break space included) as one space and the typographic apostrophe
  (U+2019) as ``'``;
- a unit's source holds a term when one of the term's forms in the note's source
  language is in it as whole words (not inside a longer word) in a language written with
  spaces between words (Latin, Cyrillic, Greek scripts), anywhere in it in the others;
- its translation holds the term when one of the term's forms in the language is in it
  anywhere, inside a longer word too: Arabic writes a conjunction or a preposition onto
  the next word (``والمجتمع المدني``), Chinese has no spaces, and a word longer than the
  form is more often an inflection of it than another word.

Inflection is not guessed: a form the rule does not find must be in the glossary as a
variant (as the starter set's Russian and Arabic forms are, each quoted from a reviewed
translation by ``tools/make_glossary.py``).

A translated unit whose source holds a term and whose translation holds none of its forms
is a warning at its catalog entry's line (an error in a strict build, as every warning
is); an entry flagged ``#, term-ok`` is not checked, for a deliberate exception.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from conceptnotes import languages
from conceptnotes.errors import NoteError, Problem
from conceptnotes.read.characters import check_characters, decode, forbidden_character
from conceptnotes.read.files import is_present, read_input

FILE_NAME = "glossary.tbx"
FLAG = "term-ok"  # '#, term-ok' on a catalog entry: its terms are not checked
MAX_GLOSSARY_BYTES = 5_000_000
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Term:
    """One glossary term: its forms by language (the term first, then its variants), and
    the line of its ``<termEntry>``."""

    id: str
    forms: dict[str, tuple[str, ...]]
    line: int


def path_of(locales: Path) -> Path:
    """Where a project's glossary is: ``locales/glossary.tbx``."""
    return locales / FILE_NAME


def load(locales: Path) -> tuple[Term, ...]:
    """The project's glossary (none when it has no ``glossary.tbx``); NoteError for a file
    that is not a TBX glossary, at its line."""
    path = path_of(locales)
    if not is_present(path):
        return ()
    data = read_input(path, locales, limit=MAX_GLOSSARY_BYTES,
                      too_large=lambda size: f"the glossary is larger than {MAX_GLOSSARY_BYTES // 1_000_000} MB")
    return _parse_once(data, path)


# The same glossary for every language a check localizes: parsed once per text.  Bounded (a
# server's worker sees every edit); the terms are read, never changed, by every thread.
@functools.lru_cache(maxsize=4)
def _parse_once(data: bytes, path: Path) -> tuple[Term, ...]:
    return parse(data, path)


def parse(data: bytes, path: Path) -> tuple[Term, ...]:
    """The terms of a TBX document (``data``, the file at ``path``), read by translate-toolkit."""
    from lxml import etree  # only when a glossary is read: a build with nothing to do does not
    from translate.storage import tbx

    bad = check_characters(decode(data, path), path)
    if bad:
        raise NoteError(bad)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise NoteError.at(path, exc.lineno or 0, f"the glossary is not well-formed XML: {exc.msg}") from None
    if root.tag != "martif":  # TBX 2008 has no namespace; TBX 3's <tbx> is not read by the toolkit
        name = etree.QName(root)
        said = f"<{name.localname}>" + (f" in the namespace {name.namespace}" if name.namespace else "")
        raise NoteError.at(path, root.sourceline or 0, f"the glossary's root element is {said}: a TBX glossary"
                                                       " (ISO 30042:2008, as CAT tools export it) has <martif>")
    terms = []
    for unit in tbx.tbxfile.parsestring(data).units:
        forms: dict[str, tuple[str, ...]] = {}
        for lang_set in unit.getlanguageNodes():
            code = lang_set.get(_XML_LANG) or ""
            lang = code.split("-")[0].split("_")[0].lower()  # fr-FR, as some tools write it: fr
            if lang:
                found = tuple(term.text.strip() for term in unit.get_target_terms(code)
                              if term.text.strip() and not term.deprecated)
                forms[lang] = tuple(dict.fromkeys(forms.get(lang, ()) + found))
        line = unit.xmlelement.sourceline or 0
        for form in (form for said in forms.values() for form in said):
            if wrong := forbidden_character(form):
                raise NoteError.at(path, line, f"a term of the glossary: {wrong}")
        forms = {lang: said for lang, said in forms.items() if said}
        if forms:
            terms.append(Term(unit.xmlelement.get("id") or f"line {line}", forms, line))
    return tuple(terms)


def normal(text: str) -> str:
    """``text`` as the matching rule compares it: case-folded, white space one space, ’ as '."""
    return _SPACES.sub(" ", text.replace("\u2019", "'")).casefold()


def _spaced(lang: str) -> bool:
    try:
        return languages.get(lang).script in languages.CASED_SCRIPTS
    except KeyError:
        return True


def in_source(term: Term, text: str, lang: str) -> str:
    """The form of ``term`` that ``text`` (in ``lang``) holds, as the glossary writes it; '' if none."""
    return _in_normal(term, normal(text), lang)


def _in_normal(term: Term, said: str, lang: str) -> str:
    """:func:`in_source` of a text already made :func:`normal` (``said``)."""
    for form in term.forms.get(lang, ()):
        wanted = re.escape(normal(form))
        if re.search(rf"(?<!\w){wanted}(?!\w)" if _spaced(lang) else wanted, said):
            return form
    return ""


def in_translation(term: Term, text: str, lang: str) -> bool:
    """Whether ``text`` holds one of the forms of ``term`` in ``lang``."""
    said = normal(text)
    return any(normal(form) in said for form in term.forms.get(lang, ()))


def terms_of(terms: tuple[Term, ...], source: str, source_lang: str, lang: str) -> list[tuple[Term, str]]:
    """The terms ``source`` holds that the glossary has in ``lang``, each with the form found."""
    found, said = [], normal(source)  # once per unit, not once per term
    for term in terms:
        if lang in term.forms and (form := _in_normal(term, said, source_lang)):
            found.append((term, form))
    return found


def missing(terms: tuple[Term, ...], source: str, translation: str, source_lang: str,
            lang: str) -> list[tuple[Term, str]]:
    """The terms of ``source`` (with the form found) of which ``translation`` holds no form."""
    return [(term, form) for term, form in terms_of(terms, source, source_lang, lang)
            if not in_translation(term, translation, lang)]


def notes(terms: tuple[Term, ...], source: str, source_lang: str, lang: str) -> list[str]:
    """The glossary's terms in ``source`` as an XLIFF ``<note from="glossary">`` says each:
    ``Member States = États Membres``, then the variants."""
    out = []
    for term, form in terms_of(terms, source, source_lang, lang):
        first, *others = term.forms[lang]
        out.append(f"{form} = {first}" + (f" (also: {', '.join(others)})" if others else ""))
    return out


def described(term: Term, lang: str) -> str:
    """A term's forms in ``lang`` as a message quotes them: the term, then its variants."""
    first, *others = term.forms[lang]
    return f"'{first}'" + (f" (or {', '.join(repr(o) for o in others)})" if others else "")


def term_problems(terms: tuple[Term, ...], flags: set[str] | frozenset[str], source: str, translation: str,
                  source_lang: str, lang: str, where: tuple[Path, int]) -> list[Problem]:
    """A warning at the catalog entry (``where``: its path and line) for each term of the
    unit's ``source`` its ``translation`` lacks, unless the entry is flagged ``term-ok``."""
    if FLAG in flags or not terms:
        return []
    name = languages.get(lang).name if lang in languages.LANGUAGES else lang
    return [Problem(str(where[0]), where[1],
                    f"the source has the glossary term '{form}', but the translation does not have its {name}"
                    f" term {described(term, lang)} (locales/{FILE_NAME}:{term.line}): use it, or flag the"
                    f" entry '#, {FLAG}' if the difference is deliberate", warning=True)
            for term, form in missing(terms, source, translation, source_lang, lang)]
