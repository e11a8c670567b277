"""Page make-up done on WeasyPrint's laid-out pages, where CSS cannot reach.

Each function takes a document laid out to begin on a recto (as every part of the book
is), so a page's side is known from its place in it."""
from __future__ import annotations

import copy
import re

import lxml.html
from weasyprint.document import Page
from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox, MarginBox, TextBox

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


LINE = 13.9 / 0.75  # the text's leading in CSS pixels (print.css: 10.5 on 13.9 pt)
NOTE_LINE = 10.8 / 0.75  # the notes' leading
NOTE_RULE = 6 * MM  # the footnote area's rule, padding and margin, taken when a page's first note comes


def _lines(box, out, in_notes=False):
    for child in getattr(box, "children", ()):
        if isinstance(child, MarginBox):
            continue
        notes = in_notes or isinstance(child, FootnoteAreaBox)
        if isinstance(child, LineBox):
            out.append((child, notes))
        else:
            _lines(child, out, notes)


def text_lines(page) -> list:
    """The line boxes of a page's text, notes and margins left out."""
    out: list = []
    _lines(page._page_box, out)
    return [line for line, notes in out if not notes]


def note_area(page):
    area = next((c for c in page._page_box.children if isinstance(c, FootnoteAreaBox)), None)
    return area if area is not None and area.children else None


def empty_below(page) -> float:
    """The height left empty between a page's last line of text and its notes (or its foot)."""
    box = page._page_box
    lines = text_lines(page)
    if not lines:
        return 0.0
    area = note_area(page)
    bottom = area.position_y if area is not None else box.content_box_y() + box.height
    return bottom - max(line.position_y + line.height for line in lines)


def short_pages(pages, opening_ids) -> list[int]:
    """Indexes of the pages, other than the last of a part, whose text stops 3 or more lines short."""
    seen: set[str] = set()
    opens = []
    for page in pages:
        opens.append(bool((set(page.anchors) & opening_ids) - seen))
        seen |= set(page.anchors)
    return [i for i, page in enumerate(pages[:-1])
            if text_lines(pages[i + 1]) and not opens[i + 1] and empty_below(page) >= 3 * LINE]


def notes_to_split(pages, opening_ids) -> dict[str, int]:
    """For each short page whose next page begins with a line calling a note too long to come
    back with it: the note's id and how many of its words would fit on the short page."""
    out = {}
    for i in short_pages(pages, opening_ids):
        after = pages[i + 1]
        area = note_area(after)
        lines = text_lines(after)
        if area is None or not lines:
            continue
        note = area.children[0]
        call = after.anchors.get("ref-" + (note.element.get("id") or ""))
        if call is None or call[1] > lines[0].position_y + 2 * LINE:
            continue  # the note is not called from the page's first lines
        room = empty_below(pages[i]) - 2 * LINE - (0 if note_area(pages[i]) is not None else NOTE_RULE)
        note_lines = [line for line, _ in _all_lines(note)]
        fit = int(room // NOTE_LINE) - 1
        if fit >= 2 and len(note_lines) > fit:
            words = len(" ".join(_text(note)).split())
            out[note.element.get("id")] = int(words * fit / len(note_lines))
    return out


def _all_lines(box):
    out: list = []
    _lines(box, out)
    return out


def _text(box):
    return [d.text for d in box.descendants() if isinstance(d, TextBox)]


def split_note(note, words: int) -> None:
    """Cut a footnote (a `span.footnote` in the book's tree) after `words` words: the rest
    becomes a second note, called from the same place but free to go to the next page,
    where it is marked as continued (print.css: `.footnote.continued`)."""
    nodes = list(note.iter())
    count = 0
    for index, node in enumerate(nodes):
        for slot in ("text", "tail") if node is not note else ("text",):
            for m in re.finditer(r"\S+", getattr(node, slot) or ""):
                count += 1
                if count == words:
                    rest = copy.deepcopy(note)
                    _keep_before(note, nodes[index], slot, m.end())
                    _keep_after(rest, list(rest.iter())[index], slot, m.end())
                    rest.set("class", "footnote continued")
                    del rest.attrib["id"]
                    call = note.getnext() if note.getnext() is not None and note.getnext().get("class") == "fn-call" else note
                    rest.tail, call.tail = call.tail, None
                    call.addnext(rest)
                    return


def _keep_before(root, node, slot: str, offset: int) -> None:
    """Drop `root`'s content after a point in `node`'s text or tail (not `root`'s own tail)."""
    setattr(node, slot, getattr(node, slot)[:offset])
    if slot == "text":
        for child in list(node):
            node.remove(child)
        if node is not root:
            node.tail = None
    while node is not root:
        for sibling in list(node.itersiblings()):
            node.getparent().remove(sibling)
        node = node.getparent()
        if node is not root:
            node.tail = None


def _keep_after(root, node, slot: str, offset: int) -> None:
    """Drop `root`'s content before a point in `node`'s text or tail."""
    value = getattr(node, slot)[offset:].lstrip()
    if slot == "tail":
        node.clear(keep_tail=True)
    setattr(node, slot, value)
    while node is not root:
        for sibling in list(node.itersiblings(preceding=True)):
            node.getparent().remove(sibling)
        node = node.getparent()
        node.text = None


def hyphen_ladders(pages) -> set[str]:
    """Ids of the blocks ending a ladder: the third of three lines running that end with a hyphen."""
    out = set()
    for page in pages:
        run = 0
        for line, _ in _all_lines(page._page_box):
            run = run + 1 if line_hyphenated(line) else 0
            if run >= 3 and line.element is not None and line.element.get("id"):
                out.add(line.element.get("id"))
    return out


def line_hyphenated(line) -> bool:
    """Whether a line ends with a hyphen WeasyPrint added (U+2010: a word's own hyphen is U+002D)."""
    texts = [d for d in line.descendants() if isinstance(d, TextBox) and d.text.strip()]
    return bool(texts) and max(texts, key=lambda t: t.position_x + t.width).text.endswith("\u2010")


REPAIRS = 2  # rounds of repair of one part


def repaired(doc, html: str, render):
    """Repair a part laid out from `html` and lay it out again with `render(html)`, at most
    REPAIRS times: a page left short because its next line calls a long note gets the
    note's first part, the rest continuing on the next page; a block ending a ladder of
    three hyphens is set without hyphens. Returns the HTML as repaired."""
    whole: set[str] = set()  # notes whose two parts came out on one page: joined, not cut again
    for _ in range(REPAIRS):
        tree = lxml.html.document_fromstring(html)
        openings = {el.get("id") for el in tree.xpath("//section[@id]")}
        together = _split_on_one_page(doc.pages)
        for first in tree.xpath("//span[@id]"):
            if first.get("id") in together:
                _join(first, first.getnext().getnext())  # the note, its call's marker, the rest
                whole.add(first.get("id"))
        cuts = {k: v for k, v in notes_to_split(doc.pages, openings).items() if k not in whole}
        ladders = hyphen_ladders(doc.pages)
        if not cuts and not ladders and not together:
            break
        for el in tree.xpath("//*[@id]"):
            if el.get("id") in cuts:
                split_note(el, cuts[el.get("id")])
            elif el.get("id") in ladders:
                el.set("class", (el.get("class", "") + " unhyphenated").strip())
        html = lxml.html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")
        doc = render(html)
    return html


def _split_on_one_page(pages) -> set[str]:
    """The ids of the notes cut in two whose parts were laid out on the same page."""
    out = set()
    for page in pages:
        area = note_area(page)
        boxes = [box.element for box in (area.children if area is not None else ()) if box.element is not None]
        continued = {el.get("data-n") for el in boxes if "continued" in (el.get("class") or "")}
        out |= {el.get("id") for el in boxes if el.get("id") and el.get("data-n") in continued}
    return out


def _join(first, rest) -> None:
    """Put a continued note's words back at the end of its first part."""
    last = first[-1] if len(first) else None
    text = " " + (rest.text or "")
    if last is not None:
        last.tail = (last.tail or "") + text
    else:
        first.text = (first.text or "") + text
    first.extend(list(rest))
    parent = rest.getparent()
    previous = rest.getprevious()
    previous.tail = (previous.tail or "") + (rest.tail or "")
    parent.remove(rest)
