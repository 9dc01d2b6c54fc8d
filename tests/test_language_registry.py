"""Language facts live in the registry (conceptnotes/languages.py) only: no other module,
stylesheet or document template names a language by its code, tag or locale, or makes
a label for one.

A seventh language is then languages.py plus its data and catalogs.  What counts as a
language literal is read from the registry itself: codes ("ar"), Word tags ("ar-SA"),
Babel locales ("zh_Hans_CN"), in quotes in code; "Original: Arabic" made in code; and
``:lang()`` or ``lang=`` in the documents' stylesheets and templates (the server's own
pages are in English, the tool's language, and are not documents).
"""

from __future__ import annotations

import re
from pathlib import Path

from conceptnotes import languages

from .conftest import ROOT

PACKAGE = ROOT / "conceptnotes"
TEMPLATES = ROOT / "templates"


def _words() -> list[str]:
    words = set()
    for lang in languages.LANGUAGES.values():
        words |= {lang.code, lang.word_language, lang.babel_locale}
    return sorted(words, key=len, reverse=True)


WORDS = "|".join(map(re.escape, _words()))
NAMES = "|".join(re.escape(lang.name) for lang in languages.LANGUAGES.values())
# in code: a quoted literal ('ar', "ar-SA", "zh_Hans_CN"), or a label made for one (N_("Original: Arabic"))
IN_CODE = re.compile(rf"""(?<![\w-])(["'])(?:{WORDS})\1|\(\s*["']Original: (?:{NAMES})["']""")
# in stylesheets and templates: :lang(ar), [lang=ar], lang="ar"
IN_MARKUP = re.compile(rf"""(?i):lang\(\s*["']?(?:{WORDS})\b|\blang\s*[=~|]*=\s*["']?(?:{WORDS})\b""")


def language_literals(paths: list[Path], pattern: re.Pattern, root: Path = ROOT) -> list[str]:
    """``path:line: line`` of each line of ``paths`` that ``pattern`` finds."""
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_no_module_but_the_registry_names_a_language():
    code = [path for path in sorted(PACKAGE.rglob("*.py")) if path != PACKAGE / "languages.py"]
    assert language_literals(code, IN_CODE) == []


def test_no_stylesheet_or_template_of_the_documents_names_a_language():
    markup = sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".css", ".j2", ".html") and p.is_file())
    assert markup  # the templates are where they were
    assert language_literals(markup, IN_MARKUP) == []


def test_the_patterns_catch_what_they_are_for(tmp_path):
    """The checks above can fail: each kind of literal is caught, and the registry's own
    way of naming (a language object's attribute) is not."""
    code = tmp_path / "code.py"
    code.write_text('east_asia = "zh-CN"\nif lang == \'ar\':\nlocale = "en_GB"\nlabel = N_("Original: French")\n'
                    'fine = language.word_language\n', encoding="utf-8")
    assert [line.split(": ", 1)[1] for line in language_literals([code], IN_CODE, tmp_path)] == [
        'east_asia = "zh-CN"', "if lang == 'ar':", 'locale = "en_GB"', 'label = N_("Original: French")']
    css = tmp_path / "note.css"
    css.write_text(':lang(ar) em { font-weight: bold; }\nem { font-style: var(--italic, italic); }\n'
                   '<span lang="zh">\n', encoding="utf-8")
    assert [line.split(": ", 1)[1] for line in language_literals([css], IN_MARKUP, tmp_path)] == [
        ":lang(ar) em { font-weight: bold; }", '<span lang="zh">']


def test_each_language_takes_its_original_label_from_its_entry():
    from conceptnotes.i18n import labels

    for lang in languages.LANGUAGES.values():
        assert lang.original == f"Original: {lang.name}"
        assert lang.original in labels.ALL


def test_every_list_label_has_a_counter_style_in_the_stylesheet():
    """The registry's list labels are shown by a list style note.css defines (or CSS's own)."""
    from conceptnotes.render.html import counter_style, language_properties, list_properties, list_rules

    css = (TEMPLATES / "concept-note" / "note.css").read_text(encoding="utf-8")
    defined = set(re.findall(r"@counter-style\s+([\w-]+)", css)) | {"decimal"}
    for lang in languages.LANGUAGES.values():
        for ordered in (True, False):
            for depth in range(languages.LIST_LEVELS):
                style = counter_style(*languages.list_label(lang.code, ordered, depth))
                assert style in defined or style.startswith('"'), (lang.code, style)
        for name in language_properties(lang):
            assert f"var({name}," in css, name  # note.css reads every property it is given
        for name in list_properties(lang.code):
            assert any(f"var({name})" in rule for rule in list_rules()), name
