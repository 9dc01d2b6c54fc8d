"""Checks on the Word template before python-docx opens it.

The template is a file from outside the code (an editor restyles it in Word), so it is
treated as input: size, entry count and compression ratio are bounded (a zip bomb),
macros are refused, and so is any relationship to an external resource (a remote
template, image or OLE object that Word or LibreOffice would fetch), a damaged member and
an XML part that the parser of every part (:func:`parse_part`: no DTD) cannot read.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from conceptnotes.errors import NoteError, Problem, Problems
from conceptnotes.read.files import is_present, read_input

DOCX_TEMPLATE = "reference.docx"
MAX_TEMPLATE_BYTES = 20_000_000
MAX_TEMPLATE_ENTRIES = 500
MAX_TEMPLATE_UNPACKED = 100_000_000
MAX_COMPRESSION_RATIO = 100


def read_template(path: Path) -> bytes:
    """The Word template's bytes, read through :func:`read_input`, at most 20 MB."""
    return read_input(
        path,
        path.parent,
        limit=MAX_TEMPLATE_BYTES,
        too_large=lambda size: f"larger than {MAX_TEMPLATE_BYTES // 1_000_000} MB",
    )


def check_template(path: Path) -> Problems:
    """What makes a DOCX template unsafe to open: a zip bomb, macros, links out of the file."""

    def problem(message: str) -> Problems:
        return Problems([Problem(str(path), 0, f"DOCX template refused: {message}")])

    if not is_present(path):
        return problem("the file is missing")
    try:
        data = read_template(path)
    except NoteError as exc:
        return problem(exc.problems[0].message)
    refusal = unsafe_docx(data)
    return problem(refusal) if refusal else Problems()


def unsafe_docx(data: bytes, *, hyperlinks: bool = False) -> str | None:
    """Why a Word file (its bytes) is unsafe to open, or None: not a zip, a zip bomb, macros,
    a relationship to an external resource, a member that cannot be read whole (a bad CRC),
    or an XML part (:func:`xml_parts`) that cannot be parsed or declares a DTD (entities).

    With ``hyperlinks``, a hyperlink to an https:, http: or mailto: address is allowed (a
    note's text links out; a template has no reason to).

    The one check of a DOCX from outside the code: the template, and a note brought in by
    ``build.py import``."""
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        return f"not a DOCX (zip) file: {exc}"
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_TEMPLATE_ENTRIES:
            return f"{len(entries)} entries (at most {MAX_TEMPLATE_ENTRIES})"
        unpacked = sum(e.file_size for e in entries)
        if unpacked > MAX_TEMPLATE_UNPACKED:
            return f"unpacks to {unpacked // 1_000_000} MB (at most {MAX_TEMPLATE_UNPACKED // 1_000_000})"
        for entry in entries:
            if entry.compress_size and entry.file_size / entry.compress_size > MAX_COMPRESSION_RATIO:
                return (
                    f"'{entry.filename}' is compressed {entry.file_size // entry.compress_size} to 1"
                    f" (at most {MAX_COMPRESSION_RATIO}): a zip bomb?"
                )
        names = {e.filename for e in entries}
        if any(name.lower().endswith("vbaproject.bin") or "vbadata" in name.lower() for name in names):
            return "it contains macros (vbaProject.bin)"
        if "[Content_Types].xml" not in names:
            return "no [Content_Types].xml"
        problem = _damaged_part(archive, entries) or _xml_problem(archive, names)
        if problem:  # past here, every member reads whole and every XML part parses
            return problem
        types = [t.get("ContentType") or "" for t in parse_part(archive.read("[Content_Types].xml"))]
        if any("macroEnabled" in t or "vbaProject" in t for t in types):
            return "it is a macro-enabled document"
        return _external_link(archive, names, hyperlinks)
    return None


def _external_link(archive, names: set[str], hyperlinks: bool) -> str | None:
    """The first relationship to an external resource, said as a refusal (read from the
    parsed parts, whatever their encoding), or None; see :func:`unsafe_docx`."""
    for name in sorted(n for n in names if n.endswith(".rels")):
        for relationship in parse_part(archive.read(name)).iter():
            if (relationship.get("TargetMode") or "").strip().lower() != "external":
                continue
            shown = relationship.get("Target") or "?"
            if hyperlinks and (relationship.get("Type") or "").endswith("/hyperlink") and re.match(
                r"(?i)(https?|mailto):", shown.strip()
            ):
                continue  # a link the reader may follow, never fetched to show the document
            return f"'{name}' links to an external resource ({shown})"
    return None


def xml_parser():
    """The parser of every XML part of a Word file: no entity resolved, nothing fetched, no
    DTD loaded; a part that declares one is refused after parsing (:func:`parse_part`)."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False)


def parse_part(xml: bytes):
    """The root element of an XML part of a Word file; ValueError if it is not well-formed
    or declares a DTD (whatever its encoding: the parser reads the declaration, not the bytes)."""
    from lxml import etree

    try:
        root = etree.fromstring(xml, xml_parser())
    except etree.LxmlError as exc:
        raise ValueError(f"cannot be read as XML ({exc})") from None
    if root is None:
        raise ValueError("is empty")
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.externalDTD is not None or info.doctype:
        raise ValueError("declares a DTD (<!DOCTYPE> or <!ENTITY>), which Word never writes")
    return root


def xml_parts(archive, names: set[str]) -> list[str]:
    """The parts of the package that are XML: by their name (``.xml``, ``.rels``), by the
    content type ``[Content_Types].xml`` gives them, and the main part ``_rels/.rels`` names."""
    from lxml import etree

    parts = {n for n in names if n.lower().endswith((".xml", ".rels"))}
    types = parse_part(archive.read("[Content_Types].xml"))
    xml_extensions = {d.get("Extension", "").lower() for d in types if etree.QName(d).localname == "Default"
                      and (d.get("ContentType") or "").endswith("xml")}
    parts |= {n for n in names if n.rsplit(".", 1)[-1].lower() in xml_extensions}
    parts |= {o.get("PartName", "").lstrip("/") for o in types if etree.QName(o).localname == "Override"
              and (o.get("ContentType") or "").endswith("xml")} & names
    main = main_part(archive, names)
    return sorted(parts | ({main} if main in names else set()))


def main_part(archive, names: set[str]) -> str:
    """The name of the main document part: the target of ``_rels/.rels``'s officeDocument
    relationship (``word/document.xml`` when there is none)."""
    if "_rels/.rels" in names:
        for relationship in parse_part(archive.read("_rels/.rels")):
            if (relationship.get("Type") or "").endswith("/officeDocument"):
                target = (relationship.get("Target") or "").lstrip("/")
                return target
    return "word/document.xml"


def _damaged_part(archive, entries) -> str | None:
    """Why a member of the zip cannot be read whole (a bad CRC, a broken stream), or None."""
    import zipfile
    import zlib

    for entry in entries:
        try:
            with archive.open(entry) as stream:
                while stream.read(1 << 20):
                    pass
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            return f"'{entry.filename}' is damaged: {exc}"
    return None


def _xml_problem(archive, names: set[str]) -> str | None:
    """Why an XML part of the package is refused (not well-formed, a DTD), or None."""
    for name in ("[Content_Types].xml", "_rels/.rels"):  # they name the other parts: read first
        problem = _part_problem(archive, name) if name in names else None
        if problem:
            return problem
    return next(filter(None, (_part_problem(archive, name) for name in xml_parts(archive, names))), None)


def _part_problem(archive, name: str) -> str | None:
    try:
        parse_part(archive.read(name))
    except ValueError as exc:
        return f"'{name}' {exc}"
    return None


# What the renderer needs of the template, checked before anything renders ---------------

REQUIRED_STYLES = (
    "Body Text",
    "Title",
    "Subtitle",
    "Event",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "List Number",
    "List Bullet",
    "List Continue",
    "Quote",
    "footnote text",
    "footnote reference",
    "Table Text",
    "Table Heading",
    "UN Table",
    "Definition Term",
    "Definition",
    "Source Code",
    "Figure",
    "Caption",
    "Hyperlink",
    "Inline Code",
    "Masthead Organizer",
    "Masthead Details",
)
NUMBERED_STYLES = ("List Number", "List Bullet")
# {name} in the template's header or footer, filled in by the renderer
PLACEHOLDERS = ("symbol", "title", "date", "page", "pages", "page_of_pages")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def folder_problems(template_dir: Path) -> Problems:
    """The problems of the Word template of a template folder (see :func:`template_problems`)."""
    return template_problems(template_dir / DOCX_TEMPLATE)


def template_problems(path: Path) -> Problems:
    """Everything that would stop the DOCX renderer: an unsafe file, a missing style, a
    list style without numbering, an unknown placeholder in a header or footer."""
    problems = check_template(path)
    if problems:
        return problems
    from conceptnotes.render.docx import ooxml

    try:
        document = ooxml.open_document(io.BytesIO(read_template(path)))
    except Exception as exc:  # python-docx and lxml raise many kinds for a broken package
        return Problems([Problem(str(path), 0, f"DOCX template refused: python-docx cannot open it ({exc})")])
    names = {style.name for style in document.styles}
    missing = [name for name in REQUIRED_STYLES if name not in names]
    if missing:
        styles = ", ".join(f"'{n}'" for n in missing)
        return Problems([Problem(str(path), 0, f"the DOCX template lacks the style(s) {styles}")])
    for name in NUMBERED_STYLES:
        if ooxml.style_abstract_num(document, name) is None:
            problems.append(
                Problem(
                    str(path),
                    0,
                    f"the style '{name}' of the DOCX template has no list numbering: in Word, give it"
                    " a numbering (Format > Style > Modify > Format > Numbering)",
                )
            )
    for section in document.sections:
        for part in headers_footers(section):
            for paragraph in part.paragraphs:
                for name in PLACEHOLDER.findall(paragraph.text):
                    if name not in PLACEHOLDERS:
                        problems.append(
                            Problem(
                                str(path),
                                0,
                                f"unknown placeholder {{{name}}} in the header or footer of the DOCX template"
                                " (known: symbol, title, date, page, pages, page_of_pages)",
                            )
                        )
    return problems


def headers_footers(section) -> list:
    """The headers and footers a section defines (not those it takes from the one before)."""
    parts = (
        section.header,
        section.first_page_header,
        section.even_page_header,
        section.footer,
        section.first_page_footer,
        section.even_page_footer,
    )
    return [part for part in parts if not part.is_linked_to_previous]
