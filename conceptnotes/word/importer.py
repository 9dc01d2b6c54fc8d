"""``build.py import NOTE.docx``: a Word concept note brought in as ``content/<id>/``.

Read everything, then write: the Word file is read once (through :func:`read_input`),
refused if unsafe (:func:`unsafe_docx`, the template's check), converted by mammoth to
HTML (headings by a style map, lists, tables, footnotes, images through a handler that
keeps their bytes and alt text), that HTML to Markdown (:mod:`.html_to_markdown`), its
first lines to front matter (:mod:`.frontmatter_guess`); what mammoth does not report is
read from the package (:mod:`.warnings`).  Only then is the note written, into a
temporary folder beside its place, renamed at the end: a failure writes nothing.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from conceptnotes import new_note
from conceptnotes.errors import NoteError, Problems, UsageError
from conceptnotes.project import NOTE_FILE, Project
from conceptnotes.read.files import read_input
from conceptnotes.render.docx.template import MAX_TEMPLATE_BYTES, main_part, parse_part, unsafe_docx
from conceptnotes.word import frontmatter_guess, html_to_markdown, paragraphs
from conceptnotes.word.warnings import W, package_warnings
from conceptnotes.writing import write_folder

IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}
CONVERTED_TYPES = ("image/bmp", "image/tiff")  # written as PNG

# Word's styles to the HTML mammoth writes (its defaults do Heading 1-6, lists, tables)
STYLE_MAP = f"""
p[style-name='Title'] => p.{frontmatter_guess.TITLE}:fresh
p.{paragraphs.TITLE_STYLE} => p.{frontmatter_guess.LARGEST}:fresh
p.{paragraphs.HEADING_STYLE}1 => h1:fresh
p.{paragraphs.HEADING_STYLE}2 => h2:fresh
p.{paragraphs.HEADING_STYLE}3 => h3:fresh
p[style-name='Subtitle'] => p.{frontmatter_guess.SUBTITLE}:fresh
p[style-name='Masthead Organizer'] => p.{frontmatter_guess.MASTHEAD}:fresh
p[style-name='Masthead Details'] => p.{frontmatter_guess.DETAILS}:fresh
p[style-name='Event'] => p.{frontmatter_guess.EVENT}:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Quotations'] => blockquote > p:fresh
p[style-name='Caption'] => p.{html_to_markdown.CAPTION}:fresh
p[style-name='Table'] => p.{html_to_markdown.CAPTION}:fresh
p[style-name='Figure'] => p.{html_to_markdown.CAPTION}:fresh
p[style-name='Illustration'] => p.{html_to_markdown.CAPTION}:fresh
p[style-name='Drawing'] => p.{html_to_markdown.CAPTION}:fresh
p[style-name='Table Caption'] => p.{html_to_markdown.TABLE_CAPTION}:fresh
p[style-name='Image Caption'] => p.{html_to_markdown.IMAGE_CAPTION}:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='Block Text'] => blockquote > p:fresh
r[style-name='Emphasis'] => em
r[style-name='Strong'] => strong
r[style-name='Strong Emphasis'] => strong
"""


@dataclass(frozen=True)
class Imported:
    folder: Path
    images: int
    problems: Problems  # warnings only: an error refuses the import
    placeholders: list[str]  # the required fields left to fill in
    sources: tuple[tuple[str, str], ...] = ()  # each field a first page may state: where it came from, or "not found"


def slug(name: str) -> str:
    """A note id made of a file name: ``Concept Note Málaga 2022`` -> ``concept-note-malaga-2022``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", plain))[:new_note.MAX_ID].strip("-")


def note_folder(source: Path, project: Project, note_id: str | None) -> Path:
    """Where the note goes; UsageError for an id ``new`` would refuse (not a note id, or taken)."""
    chosen = note_id if note_id is not None else slug(source.stem)
    refused = new_note.refusal(project, chosen)
    if refused:
        made, hint = ("", "") if note_id is not None else ("the id made of the file's name: ", "; give one with --id")
        raise UsageError(f"import: {made}{refused}{hint}")
    return project.content / chosen


def import_docx(source: Path, project: Project, note_id: str | None = None) -> Imported:
    """Convert the Word file ``source`` into ``content/<id>/``; NoteError when it is refused."""
    import mammoth
    from lxml import html as lxml_html

    folder = note_folder(source, project, note_id)
    if not source.name.lower().endswith((".docx", ".docm", ".dotx")):
        raise UsageError(f"import: {source} is not a Word file (.docx)")
    data = read_input(source, source.parent, limit=MAX_TEMPLATE_BYTES,
                      too_large=lambda size: f"larger than {MAX_TEMPLATE_BYTES // 1_000_000} MB")
    refusal = unsafe_docx(data, hyperlinks=True)
    if refusal:
        raise NoteError.at(source, 0, f"refused: {refusal}")
    main = _main_part(data)
    images: dict[str, bytes] = {}
    notes: list[str] = []

    pictures = 0

    def keep(image) -> dict[str, str]:
        from conceptnotes.read.markdown_parse import image_problem, pixels_problem

        nonlocal pictures
        pictures += 1
        with image.open() as stream:
            blob = stream.read()
        kind = image.content_type or ""
        problem = pixels_problem(blob)  # before anything decodes it
        if kind in CONVERTED_TYPES and not problem:
            blob, kind = _as_png(blob), "image/png"
        extension = IMAGE_TYPES.get(kind)
        if not problem:
            problem = image_problem(blob) if extension else f"is of type {kind or 'unknown'}: use PNG, JPEG or GIF"
        if problem:
            notes.append(f"picture {pictures} ({excerpt_alt(image.alt_text)}) {problem}: left out")
            return {"src": ""}
        name = f"image{pictures}.{extension}"
        images[name] = blob
        if not (image.alt_text or "").strip():
            notes.append(f"picture {pictures} (assets/{name}) has no alt text: write one in the note")
        return {"src": f"assets/{name}"}

    try:
        problems = package_warnings(data, source)
        prepared, numbered = _prepared(data)
        result = mammoth.convert_to_html(
            io.BytesIO(prepared),
            style_map=STYLE_MAP,
            id_prefix=html_to_markdown.PREFIX,
            convert_image=mammoth.images.img_element(keep),
        )
        root = lxml_html.fromstring(f"<div>{result.value}</div>")
        headings = any(element.tag in html_to_markdown.HEADINGS for element in root.iter())
        front, used = frontmatter_guess.guess(_head(root), bold_title=headings)
        for index, element in enumerate(_head_elements(root)):
            if index in used:
                root.remove(element)
        body = html_to_markdown.to_markdown(root)
    except Exception as exc:  # zipfile, lxml and mammoth raise many kinds for a damaged package
        raise NoteError.at(source, 0, f"cannot be read as a Word document: '{main}': {_reason(exc)}") from None
    for message in notes + body.warnings:
        problems.add(source, 0, message, warning=True)
    front.numbered_paragraphs = numbered
    text = "---\n" + frontmatter_guess.front_matter(front) + "---\n\n" + body.text
    _write(folder, text, images)
    return Imported(folder, len(images), problems, front.missing(), tuple(front.said()))


NUMBERED_PARAGRAPHS = "UN Numbered Paragraphs"  # the numbering our DOCX gives numbered paragraphs


def _prepared(data: bytes) -> tuple[bytes, bool]:
    """The package as mammoth should read it, and whether it has numbered paragraphs.

    Each simple field (``w:fldSimple``) is replaced by its shown text: mammoth 1.13 drops a
    simple field whole, while it keeps the shown text of a complex one (``w:fldChar``); the
    warnings name each field.  Paragraphs numbered by the numbering "UN Numbered
    Paragraphs" (``numbered_paragraphs: true``, as this project writes them) lose that
    numbering, which mammoth would read as a list.  What the paragraphs say by their look
    is given them as styles (:func:`.paragraphs.mark`)."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        main = main_part(archive, names)
        root = parse_part(archive.read(main))
        numbering = parse_part(archive.read("word/numbering.xml")) if "word/numbering.xml" in names else None
        paragraph_numbers = _paragraph_numbering(numbering) if numbering is not None else set()
        styles = paragraphs.read_styles(parse_part(archive.read("word/styles.xml"))
                                        if "word/styles.xml" in names else None)
        for field in list(root.iter(W + "fldSimple")):
            parent = field.getparent()
            index = parent.index(field)
            for offset, child in enumerate(list(field)):
                parent.insert(index + offset, child)
            parent.remove(field)
        numbered = False
        for number in list(root.iter(W + "numPr")):
            used = number.find(f"{W}numId")
            if used is not None and used.get(W + "val") in paragraph_numbers:
                number.getparent().remove(number)
                numbered = True
        paragraphs.mark(root, styles, numbering)
        parts = {main: root} | ({"word/numbering.xml": numbering} if numbering is not None else {})
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rewritten:
            for entry in archive.infolist():
                part = parts.get(entry.filename)
                rewritten.writestr(entry, archive.read(entry) if part is None else
                                   etree.tostring(part, xml_declaration=True, encoding="UTF-8", standalone=True))
    return out.getvalue(), numbered


def _paragraph_numbering(numbering) -> set[str]:
    """The ids of the numberings "UN Numbered Paragraphs" (this project's numbered paragraphs)."""
    abstract = {a.get(W + "abstractNumId") for a in numbering.iter(W + "abstractNum")
                if a.find(f"{W}name") is not None and a.find(f"{W}name").get(W + "val") == NUMBERED_PARAGRAPHS}
    return {n.get(W + "numId") for n in numbering.iter(W + "num")
            if n.find(f"{W}abstractNumId") is not None and n.find(f"{W}abstractNumId").get(W + "val") in abstract}


def _main_part(data: bytes) -> str:
    """The name of the package's main part (checked by :func:`unsafe_docx`: a zip whose XML is well-formed)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return main_part(archive, set(archive.namelist()))


def _reason(exc: BaseException) -> str:
    """What went wrong, said in words: a recursion is nesting too deep (tables in tables, notes in notes)."""
    if isinstance(exc, RecursionError):
        return "it nests too deep (tables in tables, or notes that call each other)"
    return str(exc) or type(exc).__name__


def _as_png(blob: bytes) -> bytes:
    """A BMP or TIFF picture as PNG (the bytes unchanged when Pillow cannot read them: the
    check of the picture then says why)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(blob)) as picture:
            out = io.BytesIO()
            picture.save(out, "PNG")
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        return blob


def excerpt_alt(alt: str | None) -> str:
    text = " ".join((alt or "").split())
    return f'"{text[:40]}"' if text else "no alt text"


def _head_elements(root) -> list:
    """The paragraphs before the first heading, list or table: the masthead, title, event."""
    head = []
    for element in root:
        if element.tag != "p":
            break
        head.append(element)
    return head


def _head(root) -> list[tuple[str, str]]:
    out = []
    for element in _head_elements(root):
        for br in element.iter("br"):
            br.tail = "\n" + (br.tail or "")
        text = "\n".join(line.strip() for line in element.text_content().split("\n"))
        kind = (element.get("class") or "").strip()
        children = [c for c in element if isinstance(c.tag, str) and c.tag != "br"]
        if not kind and len(children) == 1 and children[0].tag == "strong" and not (element.text or "").strip() \
                and not (children[0].tail or "").strip():
            kind = frontmatter_guess.BOLD
        out.append((kind, text.strip()))
    return out


def _write(folder: Path, text: str, images: dict[str, bytes]) -> None:
    """The note's folder written whole in a temporary folder beside it, then renamed."""
    files = {NOTE_FILE: text.encode("utf-8"), **{f"assets/{name}": blob for name, blob in images.items()}}
    try:
        write_folder(folder, files, folder.parent)  # content/: no link on the way, nothing written through one
    except FileExistsError:  # made meanwhile
        raise UsageError(f"import: a note '{folder.name}' exists already ({folder}):"
                         " choose another with --id") from None
