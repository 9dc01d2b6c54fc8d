"""Each object of a finished PDF serialized once.

Given an identifier (the build always gives one: :func:`conceptnotes.render.pdf._write`),
pydyf 0.13 writes every object, then serializes every object again to hash them for the
second half of the file identifier (``/ID``): each content stream and font is joined and
compressed at level 9 a second time.  On the sample's body repeated 50 times (138
pages) that second pass is 0.25-0.6 s, up to a twentieth of the whole PDF.  Here each object
keeps the bytes it gave the first time, so the hash reads the same bytes without making
them again: the file is byte for byte what it was.

Only the objects the PDF holds when it is finished are concerned; pydyf's object stream
and cross-reference stream, made while writing, are serialized as before.  Nothing may
change an object once :func:`serialize_once` has run: it is the last step of the
finisher, right before WeasyPrint writes the file.
"""

from __future__ import annotations

from typing import Any


def serialize_once(pdf: Any) -> None:
    """Make each object of ``pdf`` (a ``pydyf.PDF``) remember its serialized bytes."""
    remembering: dict[type, type] = {}
    for obj in pdf.objects:
        if obj.free == "f":
            continue
        kind = type(obj)
        if kind not in remembering:
            remembering[kind] = _remembering(kind)
        obj.__class__ = remembering[kind]


def _remembering(kind: type) -> type:
    """A subclass of pydyf's ``kind`` whose ``data`` is computed once per object (it adds no
    field, so an object's class may be changed to it)."""
    make = kind.data.fget

    def data(self) -> bytes:
        held = self.__dict__
        if "_serialized" not in held:
            held["_serialized"] = make(self)
        return held["_serialized"]

    return type(kind.__name__, (kind,), {"data": property(data), "__module__": kind.__module__,
                                         "__doc__": kind.__doc__})
