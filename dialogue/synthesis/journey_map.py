"""The service-path journey map as SVG: stages across, feelings as a curve, pains and good moments.

A journey map shows what happened to people along a service path (e.g. "registering
as a job seeker" -> "first meeting" -> "the plan" -> ...): one column per stage, in
order; the average feeling per stage (1 very bad .. 5 very good) as a curve across
the columns; under each stage the number of pain points and good moments and the
first few of them as text.

Like `charts.py`: presentation attributes only (no <style>, no script), so the SVG
passes the strict CSP, renders in WeasyPrint and converts to PNG; role="img" with a
<title> and a <desc> that says in words everything the picture shows. Colour is never
the only meaning: every row is labelled and every number is written out.

Values can be read back from data-* attributes: each stage's <g class="stage"> has
data-stage (its 0-based position), data-name, data-pain, data-good and, when the
stage has feelings, data-mean; each point of the curve (<circle class="feeling-point">)
has data-stage and data-mean; a stage without feelings has no point and the curve
breaks there (one <polyline class="feeling-curve"> per unbroken run of stages).
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape

from .charts import AGREE, BAR, CHAR, DISAGREE, FONT, INK, MUTED, _wrap

WIDTH = 960
MARGIN = 16
AXIS_W = 112            # the left band: row labels and the feeling scale
FEELING_H = 180         # the feeling band, from 5 (top) to 1 (bottom)
TOP_TEXTS = 3           # texts shown per stage and row; the count says how many there are
TEXT_SIZE = 13          # at 960 px across A4 landscape, about 9 pt
NAME_SIZE = 14
LINE = 17
GRID = "#b8b8b8"
HEADER_FILL = "#e6eef5"

DEFAULT_LABELS = {
    "title": "Service path journey map",
    "feeling": "Feeling",
    "very_bad": "very bad",
    "very_good": "very good",
    "no_feelings": "no feelings",
    "pain": "Pain points",
    "good": "Good moments",
    "stage": "Stage",
    "mean": "average feeling",
}

# Characters XML 1.0 does not allow, even escaped: one would make the whole SVG unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(value: object) -> str:
    """`value` as text safe inside an XML element or a quoted attribute."""
    return escape(_NOT_XML.sub("", str(value)), quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}"


def _text(x: float, y: float, text: str, *, size: int = TEXT_SIZE, anchor: str = "start",
          fill: str = INK, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}"{weight}>{_x(text)}</text>')


def _feeling_y(mean: float, top: float) -> float:
    """The y of a feeling 1..5 in the band starting at `top`: higher feeling, higher on the page."""
    mean = min(5.0, max(1.0, float(mean)))
    return top + FEELING_H * (5.0 - mean) / 4.0


def journey_map_svg(stages: Sequence[Mapping], *, title: str | None = None,
                    labels: Mapping[str, str] | None = None, ident: str = "journey-map") -> str:
    """The journey map of `stages` as an accessible SVG string (about 960 px wide).

    Each stage is a mapping with name, pain_count, good_count, mean_feeling (1..5 or
    None when nobody gave a feeling), pain_texts and good_texts (most important
    first; the first TOP_TEXTS are shown, cut to fit). `title` is drawn above the map
    and is the SVG's accessible name (labels["title"] when None). `labels` holds the
    already translated words (keys as in DEFAULT_LABELS; missing ones are English).
    `ident` makes the ids of <title> and <desc> unique on a page with several maps.
    """
    words = {**DEFAULT_LABELS, **(labels or {})}
    stages = list(stages)
    n = max(1, len(stages))
    col_w = (WIDTH - 2 * MARGIN - AXIS_W) / n
    left = MARGIN + AXIS_W
    centre = [left + col_w * (i + 0.5) for i in range(len(stages))]
    text_w = col_w - 12
    body: list[str] = []
    y = MARGIN

    if title:
        y += 22
        body.append(_text(MARGIN, y, title, size=20, bold=True))
        y += 10

    # Stage headers: the position number and the name, in a box per column.
    # Bold glyphs are wider than _wrap's estimate for regular text: wrap them narrower.
    names = [_wrap(f"{i + 1}. {s['name']}", NAME_SIZE, text_w / 1.15, max_lines=3) for i, s in enumerate(stages)]
    header_h = 12 + LINE * max((len(lines) for lines in names), default=1)
    body.append(_text(MARGIN, y + header_h / 2 + 5, words["stage"], size=13, fill=MUTED, bold=True))
    groups: list[list[str]] = [[] for _ in stages]
    for i, lines in enumerate(names):
        x0 = left + col_w * i
        groups[i].append(f'<rect x="{x0 + 3:.1f}" y="{y}" width="{col_w - 6:.1f}" height="{header_h}" '
                         f'rx="4" fill="{HEADER_FILL}" stroke="{BAR}" stroke-width="1.5"/>')
        for k, line in enumerate(lines):
            groups[i].append(_text(centre[i], y + 4 + LINE * (k + 1), line, size=NAME_SIZE,
                                   anchor="middle", bold=True))
    y += header_h + 36

    # The feeling band: grid lines at 1..5, labelled at the left.
    band_top = y
    body.append(_text(MARGIN, band_top - 14, words["feeling"], size=13, fill=MUTED, bold=True))
    for level in range(1, 6):
        gy = _feeling_y(level, band_top)
        dashes = "" if level in (1, 5) else ' stroke-dasharray="4 4"'
        body.append(f'<line x1="{left:.1f}" y1="{gy:.1f}" x2="{WIDTH - MARGIN:.1f}" y2="{gy:.1f}" '
                    f'stroke="{GRID}" stroke-width="1"{dashes}/>')
        scale_word = {1: words["very_bad"], 5: words["very_good"]}.get(level, "")
        body.append(_text(left - 8, gy + 4, f"{level} {scale_word}".strip(), size=12, anchor="end", fill=MUTED))
    body.extend(_curve(stages, centre, col_w, band_top, words))
    y = band_top + FEELING_H + 44

    # The two rows of texts: pains, then good moments.
    for key, label, colour in (("pain", words["pain"], DISAGREE), ("good", words["good"], AGREE)):
        row_top = y
        body.append(f'<line x1="{MARGIN}" y1="{row_top - 18}" x2="{WIDTH - MARGIN}" y2="{row_top - 18}" '
                    f'stroke="{colour}" stroke-width="2"/>')
        for line_no, line in enumerate(_wrap(label, 13, AXIS_W - 8, max_lines=2)):
            body.append(_text(MARGIN, row_top + LINE * line_no, line, size=13, fill=colour, bold=True))
        row_h = LINE * 2
        for i, stage in enumerate(stages):
            cells, h = _cell(stage, key, left + col_w * i + 6, row_top, text_w, colour)
            groups[i].extend(cells)
            row_h = max(row_h, h)
        y = row_top + row_h + 30

    for i, stage in enumerate(stages):
        body.append(_stage_group(i, stage, groups[i]))
    height = int(y)
    name = title or words["title"]
    ident = _x(ident)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{ident}-t {ident}-d" '
            f'font-family="{FONT}" class="chart journey-map">'
            f'<title id="{ident}-t">{_x(name)}</title><desc id="{ident}-d">{_x(_describe(stages, words))}</desc>'
            f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>'
            + "".join(body) + "</svg>")


def _curve(stages: Sequence[Mapping], centre: list[float], col_w: float, band_top: float,
           words: Mapping[str, str]) -> list[str]:
    """The feeling curve: a polyline per unbroken run of stages with feelings, and its points."""
    parts: list[str] = []
    runs: list[list[int]] = [[]]
    for i, stage in enumerate(stages):
        if stage.get("mean_feeling") is None:
            # No feelings: no point, and the curve breaks so that no value is implied.
            runs.append([])
            # On a white patch, so that the grid line does not run through the words.
            note_w = min(len(words["no_feelings"]) * 12 * CHAR + 10, col_w - 6)
            mid = _feeling_y(3, band_top)
            parts.append(f'<rect x="{centre[i] - note_w / 2:.1f}" y="{mid - 10:.1f}" width="{note_w:.1f}" '
                         f'height="20" fill="#ffffff"/>')
            parts.append(_text(centre[i], mid + 4, words["no_feelings"], size=12, anchor="middle", fill=MUTED))
            continue
        runs[-1].append(i)
    for run in runs:
        if len(run) < 2:
            continue
        points = " ".join(f"{centre[i]:.1f},{_feeling_y(stages[i]['mean_feeling'], band_top):.1f}" for i in run)
        parts.append(f'<polyline class="feeling-curve" points="{points}" fill="none" stroke="{BAR}" '
                     f'stroke-width="3" stroke-linejoin="round" data-stages="{" ".join(map(str, run))}"/>')
    for run in runs:
        for i in run:
            mean = float(stages[i]["mean_feeling"])
            py = _feeling_y(mean, band_top)
            parts.append(f'<circle class="feeling-point" cx="{centre[i]:.1f}" cy="{py:.1f}" r="6" '
                         f'fill="{BAR}" stroke="#ffffff" stroke-width="2" data-stage="{i}" '
                         f'data-mean="{mean:.2f}"/>')
            # The value beside the point: below it when the point is at the top of the band.
            label_y = py - 12 if mean < 4.6 else py + 22
            parts.append(_text(centre[i], label_y, _num(mean), size=13, anchor="middle", bold=True))
    return parts


def _cell(stage: Mapping, key: str, x: float, top: float, width: float, colour: str) -> tuple[list[str], float]:
    """One stage's pains or good moments: the count, then the first texts; and its height."""
    count = int(stage.get(f"{key}_count") or 0)
    parts = [_text(x, top + 4, str(count), size=22, fill=colour, bold=True)]
    y = top + 4 + 6
    for text in list(stage.get(f"{key}_texts") or [])[:TOP_TEXTS]:
        y += 4
        # Cut the raw text, then escape (in _text): never half an entity.
        for k, line in enumerate(_wrap(text, TEXT_SIZE, width - 10, max_lines=2)):
            y += LINE
            # SVG drops leading spaces: a continued line is indented by its x instead.
            parts.append(_text(x, y, f"• {line}", size=TEXT_SIZE) if k == 0
                         else _text(x + TEXT_SIZE * 0.9, y, line, size=TEXT_SIZE))
    return parts, y - top + 4


def _stage_group(i: int, stage: Mapping, parts: list[str]) -> str:
    mean = stage.get("mean_feeling")
    data_mean = f' data-mean="{float(mean):.2f}"' if mean is not None else ""
    return (f'<g class="stage" data-stage="{i}" data-name="{_x(stage["name"])}" '
            f'data-pain="{int(stage.get("pain_count") or 0)}" data-good="{int(stage.get("good_count") or 0)}"'
            f'{data_mean}>' + "".join(parts) + "</g>")


def _describe(stages: Sequence[Mapping], words: Mapping[str, str]) -> str:
    """The map in words, stage by stage, for a screen reader and for a text-only copy."""
    parts = []
    for i, stage in enumerate(stages):
        mean = stage.get("mean_feeling")
        feeling = (f"{words['mean']} {_num(float(mean))} (1 {words['very_bad']} – 5 {words['very_good']})"
                   if mean is not None else words["no_feelings"])
        rows = []
        for key in ("pain", "good"):
            texts = list(stage.get(f"{key}_texts") or [])[:TOP_TEXTS]
            row = f"{words[key]} {int(stage.get(f'{key}_count') or 0)}"
            rows.append(row + (": " + "; ".join(" ".join(str(t).split()) for t in texts) if texts else ""))
        parts.append(f"{i + 1}. {stage['name']}: {feeling}; " + "; ".join(rows))
    return ". ".join(parts)
