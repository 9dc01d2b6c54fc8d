"""The PDF writer's shortcut (each object serialized once) changes no byte of the file."""

from __future__ import annotations

import weasyprint

from conceptnotes.render.pdf_serialize import serialize_once

HTML = """<html lang="en"><head><style>@page { size: A5 } p { font-family: serif }</style></head>
<body><h1>Concept note</h1>{}</body></html>"""


def _pdf(finish) -> bytes:
    body = "".join(f"<p>Paragraph {n}: the conference met in Malaga on 10 and 11 May 2022.</p>"
                   for n in range(120))
    document = weasyprint.HTML(string=HTML.replace("{}", body)).render()
    return document.write_pdf(pdf_identifier=b"conceptnotes-test", finisher=finish,
                              pdf_variant="pdf/ua-1", pdf_tags=True)


def test_a_pdf_written_with_each_object_serialized_once_is_the_same_file():
    plain = _pdf(lambda document, pdf: None)
    seen = []

    def finish(document, pdf):
        serialize_once(pdf)
        seen.append(sum(1 for obj in pdf.objects if "_serialized" in obj.__dict__))

    once = _pdf(finish)
    assert once == plain
    assert b"/ID" in once and len(plain) > 10_000
    assert seen == [0]  # nothing serialized before the writer runs


def test_each_object_keeps_its_bytes_after_the_first_serialization():
    kept = []

    def finish(document, pdf):
        serialize_once(pdf)
        kept.append(pdf)

    _pdf(finish)
    objects = [obj for obj in kept[0].objects if obj.free != "f"]
    remembered = [obj for obj in objects if "_serialized" in obj.__dict__]
    assert len(objects) > 50 and len(remembered) > 0.9 * len(objects)  # the ones written, in object streams or not
    assert all(obj.data is obj.data for obj in remembered[:20])  # the same bytes object, not made again
