"""The picture shown beside a shared campaign link (og:image): 1200×630, the campaign's title
and the organization's name in the site's colours, drawn with Pillow on the server."""

import io
from functools import cache

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
SHARE_IMAGE_SECONDS = 24 * 60 * 60
INK = "#1b1f24"
WASH = "#f4f1ea"
ACCENT = "#b3261e"
ACCENT_LIGHT = "#f08a82"  # the accent, lightened to read on ink
TITLE_SIZES = (76, 66, 58, 50, 44)
MOST_TITLE_LINES = 4


@cache
def _font(size: int, *, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # DejaVu ships with most Linux servers; Pillow's own font stands in where it does not.
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(name, size)
    except OSError:
        return ImageFont.load_default(size)


def _wrap(text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and font.getlength(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _fit_title(title: str, width: int):
    """The largest size at which the title fits in a few lines; past that it is cut short."""
    for size in TITLE_SIZES:
        font = _font(size, bold=True)
        lines = _wrap(title, font, width)
        if len(lines) <= MOST_TITLE_LINES:
            return font, size, lines
    lines = lines[:MOST_TITLE_LINES]
    lines[-1] = lines[-1].rstrip(".,;:") + "…"
    return font, size, lines


def share_image_png(title: str, organization: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), INK)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 24, HEIGHT), fill=ACCENT)
    text_width = WIDTH - 2 * MARGIN

    draw.text(
        (MARGIN, 56),
        settings.TOCSIN_SITE_NAME.upper(),
        font=_font(30, bold=True),
        fill=ACCENT_LIGHT,
    )

    font, size, lines = _fit_title(title, text_width)
    line_height = round(size * 1.18)
    top = (HEIGHT - line_height * len(lines)) // 2 - 10
    for number, line in enumerate(lines):
        draw.text((MARGIN, top + number * line_height), line, font=font, fill="#ffffff")

    organization_font = _font(34, bold=False)
    organization_lines = _wrap(organization, organization_font, text_width)
    if len(organization_lines) > 1:
        organization_lines = [organization_lines[0].rstrip(".,;:") + "…"]
    draw.rectangle((MARGIN, HEIGHT - 130, MARGIN + 90, HEIGHT - 124), fill=ACCENT)
    draw.text(
        (MARGIN, HEIGHT - 106),
        organization_lines[0] if organization_lines else "",
        font=organization_font,
        fill=WASH,
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
