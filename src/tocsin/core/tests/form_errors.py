"""Checks of a rendered page, without a browser, that a form's errors can be found: every
aria-describedby / aria-labelledby id exists, and a form sent back with errors starts with a
summary whose links each lead to a field that exists and is marked invalid.

Use `form_error_problems(html)` in any test of a page that shows a bound, invalid form; it
returns readable problems, an empty list when all is well."""

from dataclasses import dataclass
from html.parser import HTMLParser

REFERENCE_ATTRIBUTES = ("aria-describedby", "aria-labelledby", "for")


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]


class _Page(HTMLParser):
    """Every element with its attributes, and the links inside the first error summary."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[_Element] = []
        self.summary: _Element | None = None
        self.summary_links: list[str] = []
        self._summary_depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append(_Element(tag, attributes))
        if self._summary_depth:
            if tag == "a":
                self.summary_links.append(attributes.get("href", ""))
            if tag == "div":
                self._summary_depth += 1
        elif self.summary is None and "data-error-summary" in attributes:
            self.summary = _Element(tag, attributes)
            self._summary_depth = 1

    def handle_endtag(self, tag):
        if self._summary_depth and tag == "div":
            self._summary_depth -= 1


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def missing_references(html: str) -> list[str]:
    """Every id named by aria-describedby, aria-labelledby or a label's `for` that no element
    on the page carries."""
    page = parse(html)
    ids = {element.attrs["id"] for element in page.elements if element.attrs.get("id")}
    problems = []
    for element in page.elements:
        for attribute in REFERENCE_ATTRIBUTES:
            for target in element.attrs.get(attribute, "").split():
                if target not in ids:
                    problems.append(
                        f'<{element.tag} {attribute}="{target}">: no element has that id'
                    )
    return problems


def form_error_problems(html: str) -> list[str]:
    """What keeps the errors of a form sent back from being announced and reached."""
    page = parse(html)
    problems = missing_references(html)
    summary = page.summary
    if summary is None:
        return [*problems, "no error summary (data-error-summary) on the page"]
    if summary.attrs.get("role") != "alert":
        problems.append('the error summary is not role="alert"')
    if summary.attrs.get("tabindex") != "-1":
        problems.append('the error summary has no tabindex="-1", so it cannot take focus')
    by_id = {element.attrs["id"]: element for element in page.elements if element.attrs.get("id")}
    invalid = [
        element
        for element in page.elements
        if element.attrs.get("aria-invalid") == "true" and element.attrs.get("type") != "radio"
    ]
    if not page.summary_links and invalid:
        problems.append("fields are marked invalid but the summary links to none of them")
    for href in page.summary_links:
        target = by_id.get(href.removeprefix("#")) if href.startswith("#") else None
        if target is None:
            problems.append(f"summary link {href!r} leads to no element")
        elif target.attrs.get("aria-invalid") != "true":
            problems.append(f"summary link {href!r} leads to a field not marked aria-invalid")
    for element in invalid:
        if not element.attrs.get("aria-describedby"):
            problems.append(f"invalid field #{element.attrs.get('id')} has no aria-describedby")
    return problems
