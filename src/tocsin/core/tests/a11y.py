"""Accessibility checks run in the browser: axe-core for WCAG 2.2 AA, plus our own checks of
what axe leaves out or only samples (reflow at 320 px, target size with its spacing exception,
a visible focus ring). Each check returns readable problems; an empty list means it passed."""

from axe_playwright_python.sync_playwright import Axe

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# WCAG 1.4.10: 320 CSS px wide is what a 1280 px window shows at 400% zoom, and a phone at 200%.
REFLOW_WIDTH = 320
MIN_TARGET = 24

_axe = Axe()


def axe_violations(page) -> list[str]:
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    problems = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            problems.append(
                f"axe {violation['id']} at {' '.join(map(str, node['target']))}: "
                f"{violation['help']} ({violation['helpUrl']})"
            )
    return problems


def horizontal_overflow(page) -> list[str]:
    """At the reflow width nothing may need sideways scrolling; names the widest culprits."""
    widths = page.evaluate(
        """() => {
          const root = document.documentElement;
          const wide = [...document.body.querySelectorAll('*')]
            .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1)
            .slice(0, 5)
            .map(el => el.tagName.toLowerCase()
              + (el.className ? '.' + String(el.className).trim().split(/\\s+/).join('.') : ''));
          return {scroll: root.scrollWidth, client: root.clientWidth, wide};
        }"""
    )
    if widths["scroll"] <= widths["client"]:
        return []
    return [
        f"scrolls sideways at {widths['client']} px: content is {widths['scroll']} px wide "
        f"({', '.join(widths['wide'])})"
    ]


_TARGETS_JS = """(minimum) => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=button], [role=link], [tabindex]:not([tabindex="-1"])';
  const docWidth = document.documentElement.scrollWidth;
  const shown = el => {
    // checkVisibility() also leaves out the inside of a closed <details>.
    if (!el.checkVisibility({visibilityProperty: true}) || el.closest('[aria-hidden=true]')) {
      return false;
    }
    const r = el.getBoundingClientRect();
    // Off-screen on purpose (the spam trap, the skip link until it has focus).
    return r.width > 0 && r.height > 0 && r.right + scrollX > 0 && r.left + scrollX < docWidth;
  };
  // WCAG 2.5.8's "inline" exception: a link inside a sentence is sized by the text around it.
  const inSentence = el => {
    if (getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
    return block && block.innerText.trim().length > el.innerText.trim().length;
  };
  const targets = [...document.querySelectorAll(selector)].filter(shown).map(el => {
    const r = el.getBoundingClientRect();
    return {
      el, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
      x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2,
      small: (r.width < minimum - 0.5 || r.height < minimum - 0.5) && !inSentence(el),
      width: r.width, height: r.height,
    };
  });
  const distanceToBox = (x, y, t) => Math.hypot(
    Math.max(t.left - x, 0, x - t.right), Math.max(t.top - y, 0, y - t.bottom));
  const name = el => {
    const text = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || '')
      .trim();
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + text.slice(0, 40) + '"';
  };
  const problems = [];
  for (const t of targets.filter(t => t.small)) {
    // The spacing exception: a 24 px circle on its centre touches no other target or circle.
    const crowded = targets.find(o => o !== t && !o.el.contains(t.el) && !t.el.contains(o.el)
      && (o.small ? Math.hypot(o.x - t.x, o.y - t.y) < minimum
                  : distanceToBox(t.x, t.y, o) < minimum / 2));
    if (crowded) {
      problems.push(name(t.el) + ' is ' + Math.round(t.width) + 'x' + Math.round(t.height)
        + ' px and crowded by ' + name(crowded.el));
    }
  }
  return problems;
}"""


def small_targets(page) -> list[str]:
    """Links, buttons and fields smaller than 24x24 CSS px without room around them."""
    return [f"target too small: {problem}" for problem in page.evaluate(_TARGETS_JS, MIN_TARGET)]


_FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {element: null};
  const style = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
    || (style.boxShadow && style.boxShadow !== 'none');
  const inView = r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  const label = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || '').trim();
  return {element: el.tagName.toLowerCase() + ' "' + label.slice(0, 40) + '"', ring, inView,
          outline: style.outlineStyle + ' ' + style.outlineWidth, shadow: style.boxShadow};
}"""


def focus_problem(page) -> str | None:
    """Whatever has keyboard focus must be on screen and wear a visible ring."""
    focus = page.evaluate(_FOCUS_JS)
    if focus["element"] is None:
        return "nothing has keyboard focus"
    if not focus["inView"]:
        return f"{focus['element']} has focus but is off screen"
    if not focus["ring"]:
        return f"{focus['element']} has focus without a visible ring ({focus['outline']})"
    return None


def audit(page, where: str) -> list[str]:
    """Every check on the page as it is now: axe at its own width, then reflow and target
    size at 320 px wide. The viewport is put back afterwards."""
    problems = axe_violations(page)
    viewport = page.viewport_size
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": viewport["height"]})
    try:
        problems += horizontal_overflow(page)
        problems += small_targets(page)
    finally:
        page.set_viewport_size(viewport)
    return [f"{where}: {problem}" for problem in problems]
