"""Chinese text is fully justified, as UN Chinese documents are, and reads the same.

WeasyPrint 70 justifies at spaces only; render/justify shares a line's slack between its
characters after layout.  Read back from the Chinese PDF of the ``official`` root by the words'
positions (pdftotext -bbox): every line of a paragraph but its last ends at the right margin,
and the text copied from the page is the translation, character for character.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass

from .readback import pdf_text

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')
PAGE = re.compile(r'<page width="([\d.]+)"')


@dataclass
class Line:
    left: float
    right: float
    top: float
    text: str


def page_lines(pdf) -> tuple[float, list[Line]]:
    """The first page's width and its lines, top to bottom (words within 4 pt of a line's top
    are on it: a footnote call sits higher)."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    lines: list[Line] = []
    for x0, y0, x1, text in sorted(WORD.findall(out), key=lambda word: (float(word[1]), float(word[0]))):
        left, top, right = float(x0), float(y0), float(x1)
        if lines and abs(lines[-1].top - top) < 4:
            line = lines[-1]
            line.left, line.right, line.text = min(line.left, left), max(line.right, right), line.text + text
        else:
            lines.append(Line(left, right, top, text))
    return float(PAGE.search(out).group(1)), lines


def paragraphs(lines: list[Line], margin: float, pitch: tuple[float, float] = (13, 16)) -> list[list[Line]]:
    """Runs of lines at the margin, each ``pitch`` below the last: the lines of one paragraph
    of the body (its lines are 15 pt apart, paragraphs 8 pt more, footnotes' lines 11 pt)."""
    out: list[list[Line]] = []
    for line in lines:
        if abs(line.left - margin) > 0.5:
            continue
        if out and pitch[0] < line.top - out[-1][-1].top < pitch[1]:
            out[-1].append(line)
        else:
            out.append([line])
    return out


def test_chinese_paragraphs_are_justified_to_the_margin_and_read_the_same(built):
    pdf = built("official", "--lang", "zh", "--format", "pdf") / "output" / "official" / "official.zh.pdf"
    width, lines = page_lines(pdf)
    margin = min(line.left for line in lines)
    edge = width - margin  # the page's margins are the same on both sides (note.css)
    # a paragraph of more than one line (the masthead's lines, short, are none)
    runs = [run for run in paragraphs(lines, margin) if len(run) > 1 and run[0].right > edge - 40]
    assert len(runs) >= 4
    for run in runs:
        for line in run[:-1]:  # a paragraph's last line stays at the start
            assert abs(line.right - edge) < 1, (line.text, line.right, edge)
        assert run[-1].right < edge - 11, run[-1].text  # (the test would see a last line filled)
    # what a reader copies: the translation, its characters unspaced
    text = re.sub(r"\s+", "", pdf_text(pdf))
    assert "本次高级别国际会议是联合国反恐怖主义办公室（反恐办）和西班牙王国于2021年5月举办的关于构建更好的" in text


LATIN_IN_CHINESE = """<html lang="zh"><style>@page { size: A4; margin: 2cm } body { margin: 0 }
p { text-align: justify; font: 11pt "Noto Serif CJK SC"; line-height: 1.35 }</style>
<p>本次高级别国际会议是联合国反恐怖主义办公室（United Nations Office on Drugs and Crime）和西班牙王国于2021年5月
举办的关于构建更好的防止和打击恐怖主义范式的人权和民间社会伙伴虚拟对话的后续会议。会议将汇聚来自会员国、联合国全球反恐协调契约
实体、国际和区域组织的专家、从业人员和其他主要利益攸关方以及人权维护者和民间社会伙伴。</p></html>"""


def test_a_latin_name_in_a_chinese_line_is_not_stretched_at_its_spaces(tmp_path):
    """WeasyPrint gives a line with spaces all its slack there (12 pt between "United" and
    "Nations"); the line's slack is shared by all its gaps instead."""
    import weasyprint

    from conceptnotes.render.justify import justify_between_characters

    document = weasyprint.HTML(string=LATIN_IN_CHINESE.replace("\n", "")).render()
    assert justify_between_characters(document) >= 3
    document.write_pdf(tmp_path / "latin.pdf")
    out = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "latin.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    words = {text.split("（")[-1]: (float(x0), float(x1)) for x0, _, x1, text in WORD.findall(out)}
    assert words["Nations"][0] - words["United"][1] < 5  # pt: a space and a share of the slack
    width, lines = page_lines(tmp_path / "latin.pdf")
    edge = width - min(line.left for line in lines)
    assert [abs(line.right - edge) < 1 for line in lines] == [True] * (len(lines) - 1) + [False]
    assert "本次高级别国际会议是联合国" in pdf_text(tmp_path / "latin.pdf")  # copied as it is, unspaced
