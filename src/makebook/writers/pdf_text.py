"""The text a laid-out page prints, read from WeasyPrint's boxes, for the check of the
PDF's reading text (verify/reading.py).

A page's text is a list of runs `[section, classes, text]`, in the order of the page's
box tree (the reading order): `section` is the id of the innermost section with an id
the text stands in ("" if none: the footnote area), `classes` the classes of the
elements between that section and the text, and the pseudo-element that generated it
(`::footnote-call`, `::after`…). Running heads and folios (the margin boxes) print no
reading text and are left out. Each line ends with a run of one space in the line's own
context, except a line WeasyPrint hyphenated: its added hyphen is dropped, so the word
it broke reads whole.
"""
from __future__ import annotations

from weasyprint.formatting_structure.boxes import LineBox, MarginBox, TextBox

from ..render.typography import ADDED_HYPHEN
from .makeup import line_hyphenated


def page_text(page) -> list[list[str]]:
    runs: list[list] = []
    _walk(page._page_box, "", frozenset(), runs)
    return [[section, " ".join(sorted(classes)), text] for section, classes, text in runs]


def _context(box, section: str, classes: frozenset) -> tuple[str, frozenset]:
    element = box.element
    if element is None:
        return section, classes
    tag, _, pseudo = box.element_tag.partition("::")
    if tag == "section" and element.get("id") and not pseudo:
        return element.get("id"), frozenset()
    return section, classes | set((element.get("class") or "").split()) | ({f"::{pseudo}"} if pseudo else set())


def _walk(box, section: str, classes: frozenset, runs: list) -> None:
    box = getattr(box, "_box", box)  # an absolutely placed box (a paragraph number) where it stands in the flow
    if isinstance(box, MarginBox):
        return
    section, classes = _context(box, section, classes)
    if isinstance(box, TextBox):
        if runs and runs[-1][:2] == [section, classes]:
            runs[-1][2] += box.text
        else:
            runs.append([section, classes, box.text])
        return
    for child in getattr(box, "children", ()):
        _walk(child, section, classes, runs)
    if isinstance(box, LineBox):
        if line_hyphenated(box):
            last = next(run for run in reversed(runs) if run[2].rstrip().endswith(ADDED_HYPHEN))
            last[2] = last[2].rstrip()[:-len(ADDED_HYPHEN)]
        else:
            runs.append([section, classes, " "])
