"""Bar charts and maps as SVG markup, made on the server: readable without JavaScript, with a
<title> and <desc> for screen readers (the page also has a table of the same figures)."""

from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from . import mapping

W, H = 640, 180
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 10, 26


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    values: list[int],
    labels: list[str],
    tick_every: int,
    bar_titles: list[str],
) -> str:
    """Bars for `values`; every `tick_every`-th label printed under the axis."""
    top = max(values) if values else 0
    inner_w, inner_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    step = inner_w / max(1, len(values))
    gap = 1 if step > 3 else 0
    parts = [
        f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP + inner_h}" x2="{W - RIGHT}" '
        f'y2="{TOP + inner_h}"/>',
        f'<text class="tick" x="{LEFT - 6}" y="{TOP + 12}" text-anchor="end">'
        f"{escape(number_format(top, force_grouping=True))}</text>",
        f'<text class="tick" x="{LEFT - 6}" y="{TOP + inner_h}" text-anchor="end">0</text>',
    ]
    for index, value in enumerate(values):
        x = LEFT + index * step
        if value and top:
            height = max(1.0, inner_h * value / top)
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + inner_h - height:.1f}" '
                f'width="{max(0.5, step - gap):.1f}" height="{height:.1f}">'
                f"<title>{escape(bar_titles[index])}</title></rect>"
            )
        if index % tick_every == 0:
            parts.append(
                f'<text class="tick" x="{x + step / 2:.1f}" y="{H - 8}" text-anchor="middle">'
                f"{escape(labels[index])}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def _shaded_paths(paths: dict[str, str], counts, names, bounds, noun) -> list[str]:
    parts = []
    for place, path in paths.items():
        count = counts.get(place, 0)
        shade = mapping.shade(count, bounds)
        fill = mapping.PALETTE[shade] if shade >= 0 else mapping.EMPTY
        label = f"{names.get(place, place)}: {noun(count)}"
        parts.append(
            f'<path d="{path}" fill="{fill}" data-place="{escape(place)}">'
            f"<title>{escape(label)}</title></path>"
        )
    return parts


def _legend(bounds: list[int]) -> list:
    legend = []
    low = 1
    for high in bounds:
        legend.append((mapping.PALETTE[mapping.shade(high, bounds)], low, high))
        low = high + 1
    return legend


def choropleth(
    map_id: str,
    title: str,
    description: str,
    counts: dict[str, int],
    names: dict[str, str],
    by_state: bool,
    noun,
) -> tuple[str, list]:
    """The map and its legend [(colour, low, high)]; `noun(n)` words a count."""
    shapes = mapping.shapes()
    paths = shapes.states if by_state else shapes.districts
    bounds = mapping.breaks(list(counts.values()))
    parts = [
        f'<svg class="map" viewBox="0 0 {mapping.WIDTH} {mapping.HEIGHT}" role="img" '
        f'aria-labelledby="{map_id}-t {map_id}-d">',
        f'<title id="{map_id}-t">{escape(title)}</title>',
        f'<desc id="{map_id}-d">{escape(description)}</desc>',
        *_shaded_paths(paths, counts, names, bounds, noun),
        "</svg>",
    ]
    return mark_safe("".join(parts)), _legend(bounds)  # every text above is escaped


def uk_choropleth(
    map_id: str,
    title: str,
    description: str,
    counts: dict[str, int],
    names: dict[str, str],
    noun,
    london_label: str,
) -> tuple[str, list]:
    """The map of UK constituencies, London again in an inset, and its legend."""
    shapes = mapping.uk_shapes()
    bounds = mapping.breaks(list(counts.values()))
    x, y, width, height = mapping.LONDON_BOX
    parts = [
        f'<svg class="map uk" viewBox="0 0 {mapping.UK_WIDTH} {mapping.UK_HEIGHT}" role="img" '
        f'aria-labelledby="{map_id}-t {map_id}-d">',
        f'<title id="{map_id}-t">{escape(title)}</title>',
        f'<desc id="{map_id}-d">{escape(description)}</desc>',
        *_shaded_paths(shapes.constituencies, counts, names, bounds, noun),
    ]
    if shapes.london:
        parts += [
            '<g class="inset">',
            f'<rect class="inset-frame" x="{x - 6}" y="{y - 6}" width="{width + 12}" '
            f'height="{height + 12}"/>',
            f'<text class="inset-label" x="{x - 6}" y="{y - 14}">{escape(london_label)}</text>',
            *_shaded_paths(shapes.london, counts, names, bounds, noun),
            "</g>",
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts)), _legend(bounds)  # every text above is escaped


def swatch(colour: str) -> str:
    return format_html(
        '<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10"'
        ' fill="{}"/></svg>',
        colour,
    )
