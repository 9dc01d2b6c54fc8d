"""Render a localized note to HTML with the Jinja templates of ``templates/concept-note``.

The HTML is what WeasyPrint lays out as the PDF.  ``note.html.j2`` is the page; each
kind of node has its macro in ``blocks.html.j2``, which :class:`HtmlVisitor` dispatches
to.  Text from notes is always autoescaped, never evaluated as a template, and an
undefined variable is an error.
"""

from __future__ import annotations

import functools
import html as html_module
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from conceptnotes import fonts, languages, placeholders
from conceptnotes.errors import NoteError, Problem
from conceptnotes.model import Localized, plain_text
from conceptnotes.model.localized import PAGE_NAMES, styled
from conceptnotes.model.visitor import Visitor
from conceptnotes.project import BUILTIN_TEMPLATES
from conceptnotes.read.characters import decode
from conceptnotes.read.files import is_present, read_input
from conceptnotes.render import formats
from conceptnotes.render.common import author, created

TEMPLATE_DIR = BUILTIN_TEMPLATES  # the tool's own; a project may have its own (project.Project)
BLOCKS = "blocks.html.j2"
log = logging.getLogger(__name__)
_FIRST_TAG = re.compile(r"^(\s*<[A-Za-z][\w-]*)")  # where a block's element starts, for its data-line


@dataclass(frozen=True)
class Face:
    family: str
    weight: str
    style: str
    url: str


def css_string(value: str) -> Markup:
    """A CSS string literal; safe inside a <style> element."""
    escaped = "".join(c if c.isalnum() or c in " .,:;/_-%()" else f"\\{ord(c):x} " for c in str(value))
    return Markup(f'"{escaped}"')


def css_counters(label: str) -> Markup:
    """'Page {page} of {pages}' as CSS content: "Page " counter(page) " of " counter(pages)."""
    out = []
    for part in placeholders.parts(str(label), PAGE_NAMES):
        out.append(f"counter({part})" if isinstance(part, placeholders.Name) else css_string(part))
    return Markup(" ".join(out))


def paragraph_number(lang: str) -> Markup:
    """The CSS content of a numbered paragraph's number: counter(paragraph) "." ("%1." in Word)."""
    before, _, after = languages.get(lang).paragraph_number.partition("%1")
    parts = ([css_string(before)] if before else []) + [Markup("counter(paragraph)")]
    return Markup(" ".join([*parts, *([css_string(after)] if after else [])]))


# The labels of lists (languages.list_label, in Word's terms) as list styles: "(%2)" of
# "lowerLetter" is note.css's counter style "paren-alpha", "%2)" "close-alpha", "%1." CSS's
# own "decimal", a bullet its character and a space.
COUNTER_SYSTEMS = {"lowerLetter": "alpha", "lowerRoman": "roman", "arabicAbjad": "abjad"}
_DECIMAL = re.compile(r"%[1-9]\.")
# a list inside an item or a definition is one level deeper (as in the DOCX renderer)
_NESTING = ":is(ol, ul, dd) "


def counter_style(num_fmt: str, lvl_text: str) -> str:
    """The list style that labels items as Word's ``w:numFmt`` and ``w:lvlText`` do."""
    if num_fmt == "bullet":
        return f'"{lvl_text} "'  # the registry's own character, as typed (a CJK subset includes it)
    if num_fmt == "decimal" and _DECIMAL.fullmatch(lvl_text):
        return "decimal"
    return f"{'paren' if lvl_text.startswith('(') else 'close'}-{COUNTER_SYSTEMS[num_fmt]}"


def list_properties(code: str) -> dict[str, str]:
    """``--list-number-N`` and ``--list-bullet-N``: the list style of a numbered and a bulleted
    list nested N deep in a document in ``code`` (the rule of languages.list_label)."""
    return {f"--list-{'number' if ordered else 'bullet'}-{depth}":
            counter_style(*languages.list_label(code, ordered, depth))
            for ordered in (True, False) for depth in range(languages.LIST_LEVELS)}


def list_rules() -> list[str]:
    """The rules that give each list the style of its depth (:func:`list_properties`)."""
    return [f"{_NESTING * depth}{tag} {{ list-style-type: var(--list-{kind}-{depth}); }}"
            for tag, kind in (("ol", "number"), ("ul", "bullet")) for depth in range(languages.LIST_LEVELS)]


def language_properties(lang: languages.Language) -> dict[str, str]:
    """The custom properties note.css reads for text in ``lang``, from the registry: upright
    text where the script has no italics, unspaced capitals, justified list items.  Only what
    differs from note.css's own default is set, so that an element inside text in such a
    language takes it whatever its own language (English source text in an Arabic draft is
    upright, as the document is).  The labels of lists are :func:`list_properties`."""
    values = {} if lang.italics else {"--italic": "normal"}
    if not lang.letter_spacing:
        values |= {"--letter-spacing": "0", "--uppercase": "none"}
    if lang.justified_lists:
        values["--list-align"] = "justify"
    return values


def language_styles() -> Markup:
    """A ``<style>`` block's rules, before note.css: each registry language's custom
    properties (:func:`language_properties`), its line height where it has its own, and
    bold emphasis where the script has no italics and no other face shows emphasis (as the
    DOCX renderer does: Arabic).  note.css uses the properties with ``var()``; a project's
    note.css may override any of them.  (Bold emphasis is a rule, not a property: no value
    of a property would leave the weight of other languages' emphasis as it inherits it.)"""
    rules = list_rules()
    for lang in languages.LANGUAGES.values():
        properties = language_properties(lang) | list_properties(lang.code)
        declarations = [f"{name}: {value};" for name, value in properties.items()]
        if lang.line_height:
            declarations.append(f"line-height: {lang.line_height};")
        if declarations:
            rules.append(f":lang({lang.code}) {{ {' '.join(declarations)} }}")
        if not lang.italics and not fonts.emphasis_families(lang.code):
            rules.append(f":lang({lang.code}) em {{ font-weight: bold; }}")
    return Markup("\n".join(rules))


# Full-width punctuation: each mark is drawn in the middle or at one side of a full em, so
# two in a row ("：（", "）。") leave a double gap.  The first of such a pair is set at half
# width (the font's 'halt' feature, in the class "halt" of the stylesheet), as Chinese
# typesetting does (W3C clreq, 3.1.6); the pinned CJK font has no 'chws' to do it itself.
FULL_WIDTH_PUNCTUATION = "，。、；：！？（）《》〈〉「」『』【】〔〕“”‘’"
_ADJACENT_MARKS = re.compile(f"([{FULL_WIDTH_PUNCTUATION}])(?=[{FULL_WIDTH_PUNCTUATION}])")


def punctuation_spacing(text: str) -> Markup:
    """``text`` escaped, with the first of two adjacent full-width marks in a half-width span."""
    escaped = str(Markup.escape(text))
    return Markup(_ADJACENT_MARKS.sub(r'<span class="halt">\1</span>', escaped))


def plain_length(nodes: Any) -> int:
    """Length of the text of a run of inline nodes."""
    return len(plain_text(nodes))


@functools.lru_cache(maxsize=16)
def environment(template_dir: Path = TEMPLATE_DIR) -> jinja2.Environment:
    """The templates' Jinja environment (one per folder, for the last folders used: compiled
    templates are kept; a long-lived server may see many projects)."""
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(functools.partial(_load_template, template_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=False,
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.filters["css_string"] = css_string
    env.filters["css_counters"] = css_counters
    env.filters["plain_length"] = plain_length
    env.filters["punctuation_spacing"] = punctuation_spacing
    return env


def _load_template(template_dir: Path, name: str) -> tuple[str, str, Callable[[], bool]] | None:
    """A template's text, read through :func:`read_input` (None: Jinja's "not found")."""
    path = template_dir / name
    if not is_present(path):
        return None
    text = decode(read_input(path, template_dir), path)
    mtime = path.lstat().st_mtime_ns

    def uptodate() -> bool:  # an edited template is read again, as Jinja's FileSystemLoader does
        return is_present(path) and path.lstat().st_mtime_ns == mtime

    return text, str(path), uptodate


class HtmlVisitor(Visitor):
    """Renders nodes with the macros of ``blocks.html.j2``, one per kind of node."""

    def __init__(self, env: jinja2.Environment, localized: Localized, *, lines: bool = False) -> None:
        document = localized.note.document
        self.lines = lines
        self.called: set[str] = set()
        self.env = env
        self.globals = (
            {
                "render_blocks": self.blocks,
                "render_inlines": self.inlines,
                "render_node": self.visit,
                "first_call": self.first_call,
                "footnote_of": lambda ref: document.footnote(ref.key),
                "image_url": lambda image: image.path.as_uri(),
                "caption_label": localized.shown.caption_label,
                "source_direction": languages.get(localized.note.meta.source_language).direction,
            }
        )
        self._macros: Any = None

    @property
    def macros(self) -> Any:
        """The macros of ``blocks.html.j2``, loaded when the page first renders a node."""
        if self._macros is None:
            self._macros = self.env.get_template(BLOCKS).make_module(self.globals)
        return self._macros

    def handler(self, kind: str) -> Callable[..., Any] | None:
        macro = getattr(self.macros, kind, None)
        return macro if isinstance(macro, jinja2.runtime.Macro) else None

    def visit(self, node: Any, *args: Any, **kwargs: Any) -> Any:
        rendered = super().visit(node, *args, **kwargs)
        line = getattr(node, "line", 0) if self.lines else 0  # inline nodes have no line
        if line:
            rendered = Markup(_FIRST_TAG.sub(rf'\1 data-line="{int(line)}"', str(rendered), count=1))
        return rendered

    def blocks(self, blocks: tuple[Any, ...]) -> Markup:
        return Markup("".join(f"{self.visit(block)}\n" for block in blocks))

    def inlines(self, nodes: tuple[Any, ...]) -> Markup:
        return Markup("".join(str(self.visit(node)) for node in nodes))

    def first_call(self, ref: Any) -> bool:
        """Whether this is the first call of its footnote (which carries the text in the PDF)."""
        first = ref.key not in self.called
        self.called.add(ref.key)
        return first


def render_html(
    localized: Localized,
    template_dir: Path = TEMPLATE_DIR,
    font_files: Mapping[fonts.FontFace, Path] | None = None,
    *,
    lines: bool = False,
    visitor: type[HtmlVisitor] | None = None,
) -> str:
    """The localized note as a complete HTML document for print, whose ``@font-face`` rules
    name ``font_files`` (what :func:`pdf_font_files` gives), else the fonts' own files.
    With ``lines`` (the preview), each block's element carries ``data-line``: its line in
    note.md, so the preview can link what it shows back to the source.  ``visitor`` renders
    the nodes another way (the HTML page: ``render.html_page``)."""
    env = environment(template_dir)
    log.debug("rendering the HTML of %s in %s", localized.note.id, localized.lang)
    try:
        visitor = (visitor or HtmlVisitor)(env, localized, lines=lines)
        template = env.get_template("note.html.j2")
        # per-document callables go in the context, not in the shared environment
        return template.render(
            **context(localized, font_files or {}),
            render_blocks=visitor.blocks,
            front=functools.partial(front_text, visitor, localized.shown.front),
            gettext=localized.gettext,
            _=localized.gettext,
            ngettext=lambda s, p, n: localized.gettext(s if n == 1 else p),
        )
    except jinja2.TemplateSyntaxError as exc:
        raise NoteError(
            Problem(exc.filename or str(template_dir), exc.lineno or 0, f"template error: {exc.message}")
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise NoteError(Problem(str(template_dir / exc.name), 0, "template error: the template is missing")) from None
    except jinja2.UndefinedError as exc:
        name, line = _template_place(exc)
        raise NoteError(Problem(name or str(template_dir / "note.html.j2"), line,
                                f"template error: {exc.message}")) from None


def front_text(visitor: HtmlVisitor, front: Mapping[str, tuple[Any, ...]], field: str, text: str) -> Markup | str:
    """A front-matter text of the page (``title``, ``organizers.0``, ``event``): ``text``,
    escaped; where ``front`` has the field, its pieces: the source text shown untranslated
    marked as in the body, the rest (the event line's own words) written as ``text`` is."""
    if field not in front:
        return text
    return Markup("".join(str(shown_html(node.text)) if node.kind == "text" else str(visitor.visit(node))
                          for node in front[field]))


def handled_kinds(template_dir: Path = TEMPLATE_DIR) -> frozenset[str]:
    """The kinds of node the templates have a macro for (a template error: a NoteError)."""
    env = environment(template_dir)
    try:
        module = env.get_template(BLOCKS).module
    except jinja2.TemplateSyntaxError as exc:
        raise NoteError(
            Problem(exc.filename or str(template_dir), exc.lineno or 0, f"template error: {exc.message}")
        ) from None
    except jinja2.TemplateNotFound:
        raise NoteError(Problem(str(template_dir / BLOCKS), 0, "template error: the template is missing")) from None
    return frozenset(name for name in dir(module) if isinstance(getattr(module, name), jinja2.runtime.Macro))


def _template_place(exc: BaseException) -> tuple[str, int]:
    """The template file and line where a rendering error happened (the innermost frame)."""
    tb = exc.__traceback__
    name, line = "", 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            name, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return name, line


def private_family(family: str) -> str:
    """The name our @font-face rules give a family: not a system font's name, so that
    fontconfig can never answer with an installed font of the same name instead."""
    return f"cn {family}"


def _families(names: list[str]) -> Markup:
    return Markup(", ".join(str(css_string(f)) for f in names))


_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")


def _css_unescaped(match: re.Match) -> str:
    point = int(match.group(1), 16)
    return chr(point) if 0 < point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF else ""


def shown_characters(html: str, template_dir: Path) -> frozenset[int]:
    """Every code point the PDF of ``html`` may show: the whole HTML (text, attributes,
    its ``<style>`` with the generated content of page labels and paragraph numbers),
    entities and CSS escapes decoded, the template's stylesheets (list markers, quotes),
    and what :func:`fonts.shown_characters` adds.  Over-counting costs a few glyphs; a
    character missed would fall back to another font."""
    sheets = [decode(read_input(path, template_dir), path)
              for path in sorted(template_dir.rglob("*.css")) if not path.is_dir()]
    texts = [html_module.unescape(html), *sheets]
    return fonts.shown_characters([*texts, *(_CSS_ESCAPE.sub(_css_unescaped, text) for text in texts)])


def pdf_characters(localized: Localized, template_dir: Path = TEMPLATE_DIR) -> frozenset[int]:
    """The code points the document's PDF may show (:func:`shown_characters` of its HTML)."""
    return shown_characters(render_html(localized, template_dir), template_dir)


def pdf_font_files(localized: Localized, template_dir: Path = TEMPLATE_DIR) -> dict[fonts.FontFace, Path]:
    """The file the document's PDF names for each face: a large face's subset to the
    characters of the document (see :func:`fonts.document_fonts`); without a large face,
    the faces' own files (the HTML is not rendered twice to learn its characters)."""
    if not fonts.has_subsets(localized.lang):
        return fonts.document_fonts(localized.lang, frozenset())
    return fonts.document_fonts(localized.lang, pdf_characters(localized, template_dir))


def shown_html(text: str) -> Markup:
    """A string of ``Localized.shown`` as HTML: escaped, its superscripts in ``<sup>``."""
    return Markup("").join(Markup("<sup>{}</sup>").format(piece) if up else Markup.escape(piece)
                           for piece, up in styled(text))


def context(localized: Localized, font_files: Mapping[fonts.FontFace, Path]) -> dict[str, Any]:
    note, lang, shown = localized.note, localized.lang, localized.shown
    meta = note.meta
    faces = [Face(private_family(f.family), f.weight, f.style, font_files.get(f, f.source).as_uri())
             for f in fonts.faces(lang)]
    return {
        "lang": lang,
        "source_lang": meta.source_language,
        "direction": languages.get(lang).direction,
        "source_direction": languages.get(meta.source_language).direction,
        "meta": meta,
        "document": note.document,
        "author": author(note),
        "created": created(note).isoformat(),
        "masthead_details": [shown_html(detail) for detail in shown.masthead_details],
        "masthead_lang": shown.masthead_lang,
        "event_line": shown_html(shown.event_line),
        "page_label": shown.page_label,
        "paragraph_number": paragraph_number(lang),
        "language_styles": language_styles(),
        "font_faces": faces,
        "font_families": _families([private_family(f) for f in fonts.configured(lang, formats.get("pdf").fonts)]),
        "emphasis_families": _families([private_family(f) for f in fonts.emphasis_families(lang)]),
        "latin_families": _families([private_family(f) for f in fonts.latin_families(lang)]),
    }
