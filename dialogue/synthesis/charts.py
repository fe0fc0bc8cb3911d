"""Charts as SVG made on the server: the same code for the screen, the console and every report.

Each chart is a `Chart`: the SVG text and a plain-text alternative (`alt`) that
says everything the picture shows, so that a screen reader, a Word document and a
printed page get the same numbers. Charts use presentation attributes only (no
<style>, no script), so they pass the strict CSP, render in WeasyPrint and convert
to PNG for Word. Colour is never the only meaning: every bar carries its number
and every colour has a text legend.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Sequence

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
WIDTH = 640
INK = "#1a1a1a"
MUTED = "#555555"
BAR = "#1f5f8b"
AGREE = "#2e7d32"
DISAGREE = "#b3261e"
PASS = "#8a8a8a"
# 1..5 from "not at all" to "fully": a blue ramp, every step readable beside the next.
RAMP = ("#d7e3ef", "#a9c4de", "#6f9cc7", "#3a73a8", "#1b4a7a")
CLOUD_COLOURS = ("#1f5f8b", "#7a3e00", "#2e5d27", "#5b2a6e")
LINE = 18          # px between text lines
CHAR = 0.56        # average glyph width in em (DejaVu Sans), for layout without a font engine


@dataclass(frozen=True)
class Chart:
    """An SVG chart and its text alternative."""
    svg: str
    alt: str
    width: int
    height: int


def _x(value: object) -> str:
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    """A number for people: integers without decimals, others with one."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def _wrap(text: str, size: int, width: int, max_lines: int = 2) -> list[str]:
    """`text` broken into lines that fit `width` px at font `size`; the rest cut with an ellipsis."""
    per_line = max(8, int(width / (size * CHAR)))
    words, lines, line = " ".join(str(text).split()).split(" "), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if len(candidate) <= per_line:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word if len(word) <= per_line else word[: per_line - 1] + "…"
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: per_line - 1].rstrip() + "…"
    return lines or [""]


def _text(x: float, y: float, text: str, *, size: int = 14, anchor: str = "start",
          fill: str = INK, weight: str = "normal") -> str:
    bold = ' font-weight="bold"' if weight == "bold" else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}"{bold}>{_x(text)}</text>')


def _svg(body: list[str], height: int, title: str, alt: str, ident: str, width: int = WIDTH) -> Chart:
    ident = _x(ident)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{ident}-t {ident}-d" '
           f'font-family="{FONT}" class="chart">'
           f'<title id="{ident}-t">{_x(title)}</title><desc id="{ident}-d">{_x(alt)}</desc>'
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>'
           + "".join(body) + "</svg>")
    return Chart(svg=svg, alt=f"{title}. {alt}" if title else alt, width=width, height=height)


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, unit: str = "",
              ident: str = "chart") -> Chart | None:
    """Horizontal bars, one per row (dots, poll choices, rank points, upvotes).

    Each row's label stands above its bar so that long item texts stay readable;
    the value stands at the end of the bar. Rows of zero are left out: a bar of nothing
    tells a reader nothing (the tables keep them).
    """
    rows = [(label, value) for label, value in rows if value]
    if not rows:
        return None
    top = max((v for _, v in rows), default=0) or 1
    label_w, bar_w = WIDTH - 20, WIDTH - 90
    body, y = [], 8
    for label, value in rows:
        for line in _wrap(label, 14, label_w):
            y += LINE
            body.append(_text(10, y, line))
        y += 6
        w = max(2.0, bar_w * value / top) if value else 0
        if w:
            body.append(f'<rect x="10" y="{y}" width="{w:.1f}" height="18" fill="{BAR}"/>')
        body.append(_text(16 + w, y + 14, _num(value), weight="bold"))
        y += 26
    alt = "; ".join(f"{label}: {_num(value)}{(' ' + unit) if unit else ''}" for label, value in rows)
    return _svg(body, y + 8, title, alt, ident)


def diverging_chart(rows: Sequence[tuple[str, int, int, int]], *, title: str,
                    labels: tuple[str, str, str] = ("agree", "disagree", "pass"),
                    ident: str = "chart") -> Chart | None:
    """Agree to the right of the middle line, disagree to the left, pass as a number.

    Rows are (statement, agree, disagree, pass); bars are shares of the votes cast
    on that statement, so statements with few votes are comparable.
    """
    rows = list(rows)
    if not rows:
        return None
    mid, half = WIDTH / 2, WIDTH / 2 - 70
    agree_l, disagree_l, pass_l = labels
    body = [_text(mid - 8, 20, f"← {disagree_l}", anchor="end", fill=DISAGREE, weight="bold"),
            _text(mid + 8, 20, f"{agree_l} →", fill=AGREE, weight="bold")]
    y = 28
    alt_parts = []
    for label, agree, disagree, passed in rows:
        total = agree + disagree + passed
        for line in _wrap(label, 14, WIDTH - 20):
            y += LINE
            body.append(_text(10, y, line))
        y += 6
        a = half * agree / total if total else 0
        d = half * disagree / total if total else 0
        pct = (lambda n: round(100 * n / total) if total else 0)
        if d:
            body.append(f'<rect x="{mid - d:.1f}" y="{y}" width="{d:.1f}" height="18" fill="{DISAGREE}"/>')
        if a:
            body.append(f'<rect x="{mid:.1f}" y="{y}" width="{a:.1f}" height="18" fill="{AGREE}"/>')
        body.append(f'<line x1="{mid}" y1="{y - 3}" x2="{mid}" y2="{y + 21}" stroke="{INK}" stroke-width="1"/>')
        body.append(_text(mid - d - 6, y + 14, f"{pct(disagree)} % ({disagree})", anchor="end", size=12))
        body.append(_text(mid + a + 6, y + 14, f"{pct(agree)} % ({agree})", size=12))
        y += 22
        body.append(_text(mid, y + 12, f"{pass_l}: {passed}", anchor="middle", size=12, fill=MUTED))
        y += 20
        alt_parts.append(f"{label}: {agree_l} {agree}, {disagree_l} {disagree}, {pass_l} {passed}")
    return _svg(body, y + 8, title, "; ".join(alt_parts), ident)


def distribution_chart(rows: Sequence[tuple[str, Sequence[int]]], *, title: str,
                       scale_labels: Sequence[str], mean_label: str = "mean", answers_label: str = "n",
                       ident: str = "chart") -> Chart | None:
    """One 100 % bar per row split into the answers 1..n, with the mean and count beside it.

    Rows are (criterion, [count of 1, count of 2, ...]).
    """
    rows = [(label, list(counts)) for label, counts in rows]
    if not rows:
        return None
    n_values = len(scale_labels)
    bar_w = WIDTH - 20
    body, y, alt_parts = [], 4, []
    for label, counts in rows:
        counts = (counts + [0] * n_values)[:n_values]
        total = sum(counts)
        mean = sum((i + 1) * c for i, c in enumerate(counts)) / total if total else None
        summary = f"{mean_label} {mean:.1f} · {answers_label} {total}" if mean is not None \
            else f"{answers_label} 0"
        for n, line in enumerate(_wrap(label, 14, WIDTH - 20 - len(summary) * 13 * CHAR - 16)):
            y += LINE
            body.append(_text(10, y, line))
            if n == 0:
                body.append(_text(WIDTH - 10, y, summary, size=13, anchor="end", weight="bold"))
        y += 6
        x = 10.0
        for i, count in enumerate(counts):
            w = bar_w * count / total if total else 0
            if w:
                body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="22" fill="{RAMP[min(i, len(RAMP) - 1)]}" '
                            f'stroke="#ffffff" stroke-width="1"/>')
                if w >= 22:
                    body.append(_text(x + w / 2, y + 16, str(count), anchor="middle", size=12,
                                      fill="#ffffff" if i >= 3 else INK, weight="bold"))
            x += w
        if not total:
            body.append(f'<rect x="10" y="{y}" width="{bar_w}" height="22" fill="none" stroke="{PASS}"/>')
        y += 30
        mean_text = f"{mean:.1f}" if mean is not None else "–"
        alt_parts.append(f"{label}: " + ", ".join(f"{scale_labels[i]} {c}" for i, c in enumerate(counts))
                         + f" ({answers_label} {total}, {mean_label} {mean_text})")
    # Legend: a swatch with its number and label per value, wrapped to fit.
    x, y = 10.0, y + 6
    for i, name in enumerate(scale_labels):
        text = f"{i + 1} = {name}"
        w = 24 + len(text) * 12 * CHAR + 14
        if x + w > WIDTH - 10:
            x, y = 10.0, y + 22
        body.append(f'<rect x="{x:.1f}" y="{y}" width="16" height="16" fill="{RAMP[min(i, len(RAMP) - 1)]}" '
                    f'stroke="{MUTED}" stroke-width="0.5"/>')
        body.append(_text(x + 22, y + 13, text, size=12))
        x += w
    return _svg(body, int(y + 26), title, "; ".join(alt_parts), ident)


def word_cloud(words: Sequence[tuple[str, int]], *, title: str, ident: str = "chart",
               limit: int = 30) -> Chart | None:
    """The most common words, larger the more often they were said, in centred rows.

    The layout is deterministic (same words, same picture): words in order of count,
    packed into rows by their estimated width.
    """
    words = list(words)[:limit]
    if not words:
        return None
    top, low = words[0][1], min(n for _, n in words)
    span = max(1, math.sqrt(top) - math.sqrt(low))
    sized = [(w, n, int(15 + 27 * (math.sqrt(n) - math.sqrt(low)) / span) if top != low else 24)
             for w, n in words]
    rows: list[list[tuple[str, int, int, float]]] = [[]]
    used = 0.0
    for word, n, size in sized:
        # Bold glyphs are wider than the estimate for regular text; leave a clear gap.
        w = len(word) * size * CHAR * (1.15 if n == top else 1.05) + 0.8 * size
        if rows[-1] and used + w > WIDTH - 20:
            rows.append([])
            used = 0.0
        rows[-1].append((word, n, size, w))
        used += w
    body, y = [], 6
    k = 0
    for row in rows:
        height = max(size for _, _, size, _ in row)
        y += height + 8
        x = (WIDTH - sum(w for *_, w in row)) / 2
        for word, n, size, w in row:
            body.append(_text(x + w / 2, y, word, size=size, anchor="middle",
                              fill=CLOUD_COLOURS[k % len(CLOUD_COLOURS)],
                              weight="bold" if n == top else "normal"))
            x += w
            k += 1
    alt = ", ".join(f"{w} ({n})" for w, n in words)
    return _svg(body, y + 14, title, alt, ident)


def group_map(groups: Sequence[tuple[str, int, float, float]], *, title: str, alt: str,
              ident: str = "groups") -> Chart | None:
    """Opinion groups as circles on the plane of the opinion picture: (label, people, x, y).

    Each circle sits at its group's centre and its area grows with the group's size;
    the picture shows how far apart the groups are, never a person (aggregates only).
    """
    groups = list(groups)
    if not groups:
        return None
    height, pad = 320, 70
    xs, ys = [g[2] for g in groups], [g[3] for g in groups]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    scale = min(WIDTH - 2 * pad, height - 2 * pad) / span
    biggest = max(g[1] for g in groups) or 1
    body = []
    for label, people, x, y in groups:
        px, py = WIDTH / 2 + (x - cx) * scale, height / 2 - (y - cy) * scale
        r = 18 + 32 * math.sqrt(people / biggest)
        body.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{r:.1f}" fill="{BAR}" fill-opacity="0.35" '
                    f'stroke="{INK}" stroke-width="1"/>')
        body.append(_text(px, py + 5, f"{label} ({people})", anchor="middle", weight="bold"))
    return _svg(body, height, title, alt, ident)
