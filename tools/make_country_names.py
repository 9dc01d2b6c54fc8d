"""Make conceptnotes/data/country_names.json: the United Nations' names of countries and areas.

The names come from OCHA's Countries and Territories Taxonomy, as the pinned wheel of
hdx-python-country (MIT, maintained by OCHA's Humanitarian Data Exchange) ships it: one
CSV, one row per country or area.  For each ISO 3166-1 alpha-2 code:

- a row marked "Appears in UNTERM list" gives the UN Terminology Database (UNTERM) short
  names, columns "English Short", "French Short", ... "Arabic Short";
- any other row gives the taxonomy's M49 names (the UN Statistics Division's list),
  columns "M49 English", ... "M49 Arabic", when it has all six ("China, Hong Kong Special
  Administrative Region");
- a row with neither in all six languages (and a code no row has) is left out: a note
  names such a place itself, with ``event.country_name``.

Every name is copied as the CSV writes it (surrounding spaces removed); no name is typed
here.  The file records the package, its version, the CSV's path in the wheel and the
CSV's SHA-256; ``tests/test_country_names.py`` checks the file against the wheel when
the wheel is at hand.  To make the file again (the wheel is downloaded, not installed):

    pip download --no-deps --only-binary :all: hdx-python-country==4.2.5 -d /tmp/hdxwheel
    .venv/bin/python tools/make_country_names.py /tmp/hdxwheel/hdx_python_country-4.2.5-py3-none-any.whl
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
import zipfile
from email.parser import HeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from conceptnotes import languages, writing  # noqa: E402

PACKAGE = "hdx-python-country"
VERSION = "4.2.5"
LICENSE = "MIT"
CSV_PATH = "hdx/location/Countries & Territories Taxonomy MVP - C&T Taxonomy.csv"
TARGET = ROOT / "conceptnotes" / "data" / "country_names.json"
CODE = "ISO 3166-1 Alpha 2-Codes"
IN_UNTERM = "Appears in UNTERM list"


def columns(source: str) -> dict[str, str]:
    """The CSV's column of each language's name: ``"UNTERM"`` "English Short", ``"M49"``
    "M49 English" (the language's English name, from the registry)."""
    return {
        code: f"{lang.name} Short" if source == "UNTERM" else f"M49 {lang.name}"
        for code, lang in sorted(languages.LANGUAGES.items())
    }


def read_wheel(wheel: Path) -> bytes:
    """The taxonomy's CSV from the wheel, which must be the pinned version."""
    with zipfile.ZipFile(wheel) as archive:
        metadata = f"{PACKAGE.replace('-', '_')}-{VERSION}.dist-info/METADATA"
        if metadata not in archive.namelist():
            raise SystemExit(f"{wheel}: not the wheel of {PACKAGE} {VERSION} (no {metadata})")
        headers = HeaderParser().parsestr(archive.read(metadata).decode("utf-8"))
        if headers["Name"] != PACKAGE or headers["Version"] != VERSION:
            raise SystemExit(f"{wheel}: {headers['Name']} {headers['Version']}, not {PACKAGE} {VERSION}")
        return archive.read(CSV_PATH)


def _names(row: dict[str, str], source: str) -> dict[str, str] | None:
    names = {lang: row[column].strip() for lang, column in columns(source).items()}
    return names if all(names.values()) else None


def country_names(data: bytes) -> dict:
    """The data file's content, from the CSV's bytes."""
    names: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig"))):
        code = row[CODE].strip()
        if not code:
            continue
        if code in names:
            raise SystemExit(f"{CSV_PATH}: code {code} is given twice")
        source = "UNTERM" if row[IN_UNTERM].strip() == "Y" else "M49"
        found = _names(row, source)
        if source == "UNTERM" and found is None:
            raise SystemExit(f"{CSV_PATH}: {code} is in UNTERM's list without its six short names")
        if found is not None:
            names[code] = {"list": source, **found}
    return {
        "_comment": "Made by tools/make_country_names.py from the wheel named in 'source'; do not edit by hand.",
        "source": {
            "package": PACKAGE,
            "version": VERSION,
            "license": LICENSE,
            "csv": CSV_PATH,
            "csv_sha256": hashlib.sha256(data).hexdigest(),
            "columns": {source: columns(source) for source in ("UNTERM", "M49")},
        },
        "names": dict(sorted(names.items())),
    }


def dump(content: dict) -> bytes:
    return (json.dumps(content, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().split("\n\n")[-1], file=sys.stderr)
        return 2
    content = country_names(read_wheel(Path(argv[0])))
    writing.write_atomic(TARGET, dump(content), ROOT)
    counts = {source: sum(1 for n in content["names"].values() if n["list"] == source) for source in ("UNTERM", "M49")}
    print(f"{TARGET.relative_to(ROOT)}: {counts['UNTERM']} UNTERM names, {counts['M49']} M49 names")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
