"""Page make-up done on WeasyPrint's laid-out pages, where CSS cannot reach.

Each function takes a document laid out to begin on a recto (as every part of the book
is), so a page's side is known from its place in it."""
from __future__ import annotations

from weasyprint.document import Page

MM = 96 / 25.4  # CSS pixels
NUMBER_GAP = 3 * MM  # between the text's outer edge and a paragraph number


def outer_margin_numbers(doc) -> None:
    """Move the paragraph numbers of every recto from the left margin, where CSS sets them,
    to the right, so that on both pages of a spread they stand in the outer margin."""
    for i in range(0, len(doc.pages), 2):
        box = doc.pages[i]._page_box
        right = box.content_box_x() + box.width
        moved = False
        for number in _numbers(box):
            texts = [d for d in number.descendants() if d.is_in_normal_flow() and hasattr(d, "text")]
            if texts:
                number.translate(right + NUMBER_GAP - min(t.position_x for t in texts), 0)
                moved = True
        if moved:  # gather the moved links and anchors again
            doc.pages[i] = Page(box)


def _numbers(box):
    for child in getattr(box, "children", ()):
        if child.element_tag == "a" and "pnum" in (child.element.get("class") or "").split():
            yield child
        else:
            yield from _numbers(child)
