"""Page make-up done on WeasyPrint's laid-out pages, where CSS cannot reach.

Each function takes a document laid out to begin on a recto (as every part of the book
is), so a page's side is known from its place in it."""
from __future__ import annotations

import copy
import math
import re

import lxml.html
from weasyprint.document import Page
from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox, MarginBox, TextBox

from ..render.typography import ADDED_HYPHEN
from .pdf_words import WHOLE, wrap

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


AVOID = ("avoid", "avoid-page")


def _lines(box, out, in_notes=False, keeps=False, blocks=()):
    """The line boxes under `box`, each with whether it is in the notes; each line notes
    whether it is kept with the next (its block, or one around it, is `break-after: avoid`),
    whether it is the first of a block kept with what comes before (`break-before`), and
    the blocks it stands in, outermost first."""
    first = True
    for child in getattr(box, "children", ()):
        if isinstance(child, MarginBox) or child.is_absolutely_positioned():
            continue  # running heads, paragraph numbers
        notes = in_notes or isinstance(child, FootnoteAreaBox)
        if isinstance(child, LineBox):
            child.kept_with_next = keeps
            child.kept_with_previous = first and box.style["break_before"] in AVOID
            child.blocks = blocks
            out.append((child, notes))
            first = False
        else:
            _lines(child, out, notes, keeps or child.style["break_after"] in AVOID, blocks + (child,))


def page_lines(page) -> list:
    """The line boxes of a page's text and notes, margins left out, in order (found once a
    page: every repair reads them)."""
    if not hasattr(page, "makeup_all_lines"):
        out: list = []
        _lines(page._page_box, out)
        page.makeup_all_lines = [line for line, _ in out]
        page.makeup_lines = [line for line, notes in out if not notes]
    return page.makeup_all_lines


def text_lines(page) -> list:
    """The line boxes of a page's text, notes and margins left out (`page_lines`)."""
    page_lines(page)
    return page.makeup_lines


def note_area(page):
    area = next((c for c in page._page_box.children if isinstance(c, FootnoteAreaBox)), None)
    return area if area is not None and area.children else None


def text_bottom(page) -> float:
    """Where a page's text must end: at its notes, or at its foot."""
    area, box = note_area(page), page._page_box
    return area.position_y if area is not None else box.content_box_y() + box.height


def empty_below(page) -> float:
    """The height left empty between a page's last line of text and its notes (or its foot)."""
    lines = text_lines(page)
    if not lines:
        return 0.0
    return text_bottom(page) - max(line.position_y + line.height for line in lines)


def openings(html: str) -> set[str]:
    """The ids of a part's sections, each of which opens on a page of its own."""
    return set(lxml.html.document_fromstring(html).xpath("//section/@id"))


SLACK = 0.1  # lines: a page this much less short counts too (a reader of the PDF measures its glyphs)


def short_pages(pages, opening_ids, lines: float = 3) -> list[int]:
    """Indexes of the pages, other than the last of a part, whose text stops `lines` or more lines short."""
    seen: set[str] = set()
    opens = []
    for page in pages:
        opens.append(bool((set(page.anchors) & opening_ids) - seen))
        seen |= set(page.anchors)
    return [i for i, page in enumerate(pages[:-1])
            if text_lines(pages[i + 1]) and not opens[i + 1] and empty_below(page) >= (lines - SLACK) * LINE]


LONGER = 0.5  # a paragraph's last line must be this full for a paragraph to be set a line longer
MOST_SPACING = 0.03  # em: the most letter-spacing that makes a paragraph a line longer unseen
SHORTER = 0.35  # a paragraph's last line may be at most this full for a paragraph to be set a line shorter
MOST_TIGHTENING = 0.02  # em: the most letter-spacing taken away to set a paragraph a line shorter
MOST_SAVED = 3  # lines a short page may save to take back what follows
RESET = {"p", "dd"}  # the blocks that may be set a line longer or shorter (a paragraph, a chronology entry)
FOOT = {"aside"}  # the blocks that may stand at a page's foot, the page's empty space above them (a box)
# the blocks whose space above may grow, by at most so many lines, to fill a page that stops short
FEATHER = {"dt": 1, "h2": 1, "h3": 1, "blockquote": 0.5, "figure": 0.5, "aside": 0.5}


def _width(line) -> float:
    texts = [d for d in line.descendants() if isinstance(d, TextBox)]
    return max((t.position_x + t.width for t in texts), default=line.position_x) - line.position_x


def _resettable(pages, tried: dict[str, tuple[float, int]], spacing_for, most: float,
                others: dict) -> dict[int, list[tuple[float, str, int]]]:
    """For each page, the blocks ending on it, in two lines or more, that could be set a
    line longer or shorter (`spacing_for(lines)`: the letter-spacing in em, its sign saying
    which, or None): (spacing, id, lines). A block begun on the page before counts where at
    least three of its lines stand on this one (one fewer leaves no widow). A block `tried`
    before (its spacing and its lines then) whose lines did not change gets twice the
    spacing, up to `most`; one reset the other way (`others`) is left as it is."""
    where: dict = {}  # block element -> [(page index, line)]
    for i, page in enumerate(pages):
        for line in text_lines(page):
            if line.element is not None and line.element.tag in RESET and line.element.get("id"):
                where.setdefault(line.element, []).append((i, line))
    out: dict[int, list[tuple[float, str, int]]] = {}
    for el, lines in where.items():
        ident = el.get("id")
        pages_of = [k for k, _ in lines]
        end = pages_of[-1]
        if len(lines) < 2 or ident in others or pages_of[0] < end - 1 or \
                (pages_of[0] < end and pages_of.count(end) < 3):
            continue
        if ident in tried:
            if tried[ident][1] != len(lines) or abs(tried[ident][0]) >= most:
                continue  # it is reset, or as far as it may be
            spacing = max(-most, min(most, 2 * tried[ident][0]))
        elif (spacing := spacing_for(lines)) is None:
            continue
        out.setdefault(end, []).append((spacing, ident, len(lines)))
    return out


def _chosen(candidates: list[tuple[float, str, int]], wanted: int, tried: dict, least: float) -> dict[str, float]:
    """The `wanted` blocks of `candidates` that need the least spacing, their spacing noted in `tried`."""
    out = {}
    for spacing, ident, count in sorted(candidates, key=lambda c: abs(c[0]))[:wanted]:
        out[ident] = round(spacing if abs(spacing) >= least else math.copysign(least, spacing), 3)
        tried[ident] = out[ident], count
    return out


def pushable(pages, opening_ids, free) -> dict[int, tuple[str, int]]:
    """For each page short by three lines or more (on pages `free(index)`) that begins
    inside a paragraph begun on the page before and ending on it: the paragraph's id and
    the widows that bring over as many more of its lines as leave the page less than three
    short. Only where the page before keeps two lines of it and is left less than three
    short itself: its page break moves up, the page's own stays, the pages after are as
    they were. By page index."""
    out = {}
    for i in short_pages(pages, opening_ids):
        if i == 0 or not free(i):
            continue
        before, here = text_lines(pages[i - 1]), text_lines(pages[i])
        el = here[0].element if here else None
        if not before or el is None or el.tag not in RESET or not el.get("id") or before[-1].element is not el:
            continue
        lines_before = [line for line in before if line.element is el]
        earlier = text_lines(pages[i - 2]) if i > 1 else []
        begun = before.index(lines_before[0]) > 0 or not earlier or earlier[-1].element is not el
        on_here = next((n for n, line in enumerate(here) if line.element is not el), None)
        more = math.floor(empty_below(pages[i]) / LINE - (3 - SLACK)) + 1
        if begun and on_here is not None and len(lines_before) - more >= 2 and \
                empty_below(pages[i - 1]) / LINE + more < 3 - SLACK:
            out[i] = el.get("id"), on_here + more
    return out


def lengthen(pages, opening_ids, free, tried: dict[str, tuple[float, int]], others: dict) -> dict[str, float]:
    """For each page, other than a part's last, whose text stops a line or more short of its
    notes or foot (what comes next cannot come back: a heading kept with its text, a line
    calling a long note, a paragraph's first two lines): paragraphs to set a line longer,
    as many as the empty lines, by letting their letters out a little. They are taken on
    the page itself (it fills from within) and then on the full pages before it (each
    pushes a line on, down to the short page); the pages after it are unchanged. Only
    pages for which `free(index)` is true. Returns each paragraph's id and its
    letter-spacing in em (and notes it in `tried`; `_resettable`)."""
    by_page = _resettable(pages, tried, _spacing_for_a_line, MOST_SPACING, others)
    short = short_pages(pages, opening_ids, 1)
    out = {}
    for n, i in enumerate(short):
        if not free(i):
            continue
        wanted = int(empty_below(pages[i]) // LINE)
        first = short[n - 1] + 1 if n else 0  # the pages before, back to the last short one
        for k in range(i, first - 1, -1):
            if wanted <= 0 or (k < i and text_lines(pages[k]) and _opens(pages[k], opening_ids)):
                break
            chosen = _chosen(by_page.get(k, []), wanted, tried, 0.008)
            out.update(chosen)
            wanted -= len(chosen)
    return out


def tightenable(pages, tried: dict[str, tuple[float, int]], others: dict) -> dict[int, list[tuple[float, str, int]]]:
    """For each page, the paragraphs on it that could be set a line shorter by taking a
    little letter-spacing away (a negative spacing; `_resettable`)."""
    return _resettable(pages, tried, _tightening_for_a_line, MOST_TIGHTENING, others)


def savable(pages, opening_ids, tight: dict[int, list]) -> dict[int, tuple[int, list]]:
    """The short pages (as `lengthen`'s) that could take back the first lines they lack room
    for (`lacking`) by saving at most MOST_SAVED lines, each with the lines to save and the
    paragraphs that could save them (`tight`: `tightenable`): on the page itself, and on the
    page before when this one begins inside a paragraph that can give it a line (three of
    its lines here, none after its page break kept with the next)."""
    out = {}
    short = short_pages(pages, opening_ids, 1)
    for i in short:
        need = lacking(pages, i)
        wanted = math.ceil(need / LINE) if need is not None and need > 0 else 0
        pool = list(tight.get(i, []))
        if i > 0 and i - 1 not in short and not _opens(pages[i], opening_ids):
            before, here = text_lines(pages[i - 1]), text_lines(pages[i])
            if before and len(here) >= 3 and here[0].element is before[-1].element is here[2].element \
                    and not here[0].kept_with_next:
                pool += tight.get(i - 1, [])
        if 0 < wanted <= MOST_SAVED and len(pool) >= wanted:
            out[i] = wanted, pool
    return out


def shorten(saved: dict[int, tuple[int, list]], tried: dict[str, tuple[float, int]]) -> dict[str, float]:
    """The paragraphs to set a line shorter for each page `saved` (page -> lines, paragraphs:
    `savable`), those needing the least spacing; each id with its spacing (noted in `tried`)."""
    out: dict[str, float] = {}
    for wanted, pool in saved.values():
        out.update(_chosen(pool, wanted, tried, 0.005))
    return out


def _segments(pages, opening_ids: list[str]) -> tuple[list[int], list[str]]:
    """For each page, the number of the run of pages it stands in, a run beginning on each
    page where a section opens; and for each run, the id of the first section it opens
    (`opening_ids` in document order)."""
    out, openers, seen = [], [opening_ids[0] if opening_ids else ""], set()
    for page in pages:
        new = [ident for ident in opening_ids if ident in page.anchors and ident not in seen]
        if new:
            openers.append(new[0])
        seen |= set(page.anchors)
        out.append(len(openers) - 1)
    return out, openers


def _opens(page, opening_ids) -> bool:
    return bool(set(page.anchors) & opening_ids)


def _spacing_for_a_line(lines) -> float | None:
    """The letter-spacing (em) that should set a paragraph a line longer, if small enough to pass unseen."""
    measure = lines[0][1].width
    fill = _width(lines[-1][1]) / measure
    # the last line must grow by what it lacks; the line before it, overflowing, helps
    chars = sum(len(t.text) for _, line in lines[-2:] for t in line.descendants() if isinstance(t, TextBox))
    size = lines[0][1].style["font_size"]
    spacing = 0.6 * (1 - fill) * measure / (chars * size) if chars else 1
    return spacing if LONGER <= fill < 1 and 0 < spacing <= MOST_SPACING else None


def _tightening_for_a_line(lines) -> float | None:
    """The (negative) letter-spacing (em) that should set a paragraph a line shorter: the
    lines before its last take in the last line's words; None if more than passes unseen."""
    measure = lines[0][1].width
    last = _width(lines[-1][1])
    chars = sum(len(t.text) for _, line in lines[:-1] for t in line.descendants() if isinstance(t, TextBox))
    size = lines[0][1].style["font_size"]
    spacing = 1.5 * last / (chars * size) if chars else 1
    return -spacing if last / measure <= SHORTER and 0 < spacing <= MOST_TIGHTENING else None


def recto_foot_words(pages) -> list[tuple[str, str, int]]:
    """For each recto whose text ends on a hyphen (a word cut across the page turn): the
    block's id ("" for a block without one: the word is then kept whole in all its
    section), the word, to be kept whole, and the page's index."""
    out = []
    for i in range(0, len(pages) - 1, 2):
        lines, after = text_lines(pages[i]), text_lines(pages[i + 1])
        if not lines or not after or not line_hyphenated(lines[-1]) or lines[-1].element is None:
            continue
        out.append((lines[-1].element.get("id") or "", _broken_word(lines[-1], after[0]), i))
    return out


def _last_text(line):
    texts = [d for d in line.descendants() if isinstance(d, TextBox) and d.text.strip()]
    return max(texts, key=lambda t: t.position_x + t.width)


def _kept_end(lines, k: int) -> int:
    """The last of the lines that must come back to a page with line k: the lines of a block
    kept with the next (a heading, a glossary headword), and the line after them; a block's
    first line with its second (as orphans are 2); a block's last line with the one before
    (as widows are 2), where the block ends on the page; and a block kept with what comes
    before (a quotation's source line)."""
    end = k
    while end + 1 < len(lines) and lines[end].kept_with_next:
        end += 1
    if (end == 0 or lines[end - 1].element is not lines[end].element) and \
            end + 1 < len(lines) and lines[end + 1].element is lines[end].element:
        end += 1
    if end + 2 < len(lines) and lines[end + 1].element is lines[end].element is not lines[end + 2].element:
        end += 1
    if end + 1 < len(lines) and lines[end + 1].kept_with_previous:
        return _kept_end(lines, end + 1)
    return end


def _calls(page, lines) -> dict[int, list]:
    """For each of a page's `lines` (by index), the notes it calls, in order."""
    area, calls = note_area(page), {}
    for note in (area.children if area is not None else ()):
        call = page.anchors.get("ref-" + ((note.element.get("id") or "") if note.element is not None else ""))
        if call is not None:
            line = next((k for k, l in enumerate(lines) if l.position_y <= call[1] < l.position_y + l.height), None)
            if line is not None:
                calls.setdefault(line, []).append(note)
    return calls


def _opened(box) -> tuple[float, float]:
    """A block's top padding and border, and its top margin as specified (WeasyPrint sets it
    to 0 at the head of a page)."""
    margin = box.style["margin_top"]
    return box.padding_top + box.border_top_width, margin.value if getattr(margin, "unit", "") == "px" else 0


def _between(last, first) -> float:
    """The space that would stand between a page's `last` line and the next page's `first`
    were they on one page: the bottom padding and borders of the blocks closing after `last`
    and the top ones of the blocks opening before `first`, with their margins collapsed."""
    before, after = {b.element for b in last.blocks}, {b.element for b in first.blocks}
    closing = [b for b in last.blocks if b.element not in after]
    opening = [_opened(b) for b in first.blocks if b.element not in before]
    margins = [b.margin_bottom for b in closing] + [margin for _, margin in opening]
    return sum(b.padding_bottom + b.border_bottom_width for b in closing) + sum(edge for edge, _ in opening) + \
        max([m for m in margins if m > 0], default=0) + min([m for m in margins if m < 0], default=0)


def _closing(line, after) -> float:
    """The bottom padding and borders of the blocks that close after `line` (before `after`)."""
    if after is None:
        return 0.0
    kept = {b.element for b in after.blocks}
    return sum(b.padding_bottom + b.border_bottom_width for b in line.blocks if b.element not in kept)


def _coming_back(pages, i):
    """The next page's lines taken back to short page `i` one by one, each with the lines
    kept with it and the notes they call, while they fit in its empty space: yields, for
    each, the height of the text and of each note it would add, the notes, and whether
    it fits; ends after the first that does not."""
    after = pages[i + 1]
    lines = text_lines(after)
    calls = _calls(after, lines)
    room = empty_below(pages[i])
    rule = note_area(pages[i]) is None
    taken = 0.0  # the notes' height taken back so far
    here = text_lines(pages[i])
    gap = _between(here[-1], lines[0]) if here and lines else 0.0
    k = 0
    while k < len(lines):
        end = _kept_end(lines, k)
        text = gap + lines[end].position_y + lines[end].height - lines[0].position_y + \
            _closing(lines[end], lines[end + 1] if end + 1 < len(lines) else None)
        notes = [n for j in range(k, end + 1) for n in calls.get(j, [])]
        needed = [len(_all_lines(n)) * NOTE_LINE for n in notes]
        extra = NOTE_RULE if rule and notes and not taken else 0
        fits = text + taken + extra + sum(needed) <= room
        yield room - text - taken - extra, needed, notes, fits
        if not fits:
            return
        taken += extra + sum(needed)
        k = end + 1


# lines at least on either side of a cut note's page break: two, as for widows and orphans,
# left three pages of the real edition short by three lines or more
NOTE_PART = 1


def notes_to_split(pages, opening_ids) -> list[tuple[int, str, int]]:
    """For each short page whose next page's first lines could come back but for a note they
    call: the page's index, that note's id and how many of its words would fit on the page.

    The next page's lines are taken back (`_coming_back`). At the first that does not fit
    because of its notes, the last of them is cut, when the others fit whole and NOTE_PART
    lines of it fit too, leaving as many; its rest continues on the next page."""
    out = []
    for i in short_pages(pages, opening_ids):
        if not text_lines(pages[i + 1]) or note_area(pages[i + 1]) is None:
            continue
        for left, needed, notes, fits in _coming_back(pages, i):
            if fits or not notes or left - sum(needed[:-1]) < NOTE_LINE:
                continue  # taken back; or it does not fit for its text, or for notes that cannot be cut
            last = notes[-1]
            fit = min(int((left - sum(needed[:-1])) // NOTE_LINE), len(_all_lines(last)) - NOTE_PART)
            if last.element.get("id") and fit >= NOTE_PART:
                out.append((i, last.element.get("id"), _words_in(last, fit)))
    return out


def _words_in(note, lines: int) -> int:
    """How many of a note's words its first `lines` lines hold (a word its last line cuts
    with a hyphen left out), as `split_note` counts them: the note's marker is not one."""
    texts = ["".join(t.text for t in line.descendants() if isinstance(t, TextBox) and "::" not in t.element_tag)
             for line, _ in _all_lines(note)[:lines]]
    joined = "".join(t[:-1] if t.endswith(ADDED_HYPHEN) else t + " " for t in texts)  # a hyphenated word is one
    return max(1, len(joined.split()) - texts[-1].endswith(ADDED_HYPHEN))


def lacking(pages, i) -> float | None:
    """How much more height short page `i` needs to take back the first of its next page's
    lines that does not come back (`_coming_back`), with the notes it calls; None if all
    come back."""
    for left, needed, _, fits in _coming_back(pages, i):
        if not fits:
            return sum(needed) - left
    return None


def _all_lines(box):
    out: list = []
    _lines(box, out)
    return out


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


def hyphen_ladders(pages) -> list[tuple[str, str, int]]:
    """The blocks ending a ladder, the third of three lines running that end with a hyphen:
    the block's id, the third word broken (kept whole where the block has no id) and the
    page's index."""
    out = []
    for i, page in enumerate(pages):
        run = 0
        lines = page_lines(page)
        for line, after in zip(lines, lines[1:] + [None]):
            run = run + 1 if line_hyphenated(line) else 0
            if run >= 3 and line.element is not None and after is not None:
                out.append((line.element.get("id") or "", _broken_word(line, after), i))
    return out


def _broken_word(line, after) -> str:
    """The word a hyphenated line's end cuts, whole: its end and the next line's beginning."""
    head = _last_text(line).text.rstrip(ADDED_HYPHEN).split()[-1]
    tail = next((t.text for t in after.descendants() if isinstance(t, TextBox) and t.text.strip()), "").split()
    return re.match(r"[\w’'-]*", head[::-1]).group(0)[::-1] + (re.match(r"[\w’'-]*", tail[0]).group(0) if tail else "")


NUDGE = 0.004  # em of letter-spacing that sets a paragraph again, its lines barely moved


def broken_short(pages) -> list[str]:
    """The paragraphs and notes with a line broken short before their end: one narrower than
    half the measure followed by another of the same block (WeasyPrint, rarely, breaks a
    line after its first word: "So" in a paragraph, "appeared" in a note; any other setting
    of the block mends it)."""
    out = []
    for page in pages:
        lines = page_lines(page)
        for line, after in zip(lines, lines[1:]):
            el = line.element
            if _settable(el) and el is after.element and el.find(".//br") is None and _width(line) < 0.5 * after.width:
                out.append(el.get("id"))
    return out


def _settable(el) -> bool:
    """Whether a block may be set again with other letter-spacing: a paragraph, a chronology
    entry or a note, with an id."""
    return el is not None and bool(el.get("id")) and (el.tag in RESET or "footnote" in (el.get("class") or ""))


def line_hyphenated(line) -> bool:
    """Whether a line ends with a hyphen WeasyPrint added."""
    texts = [d for d in line.descendants() if isinstance(d, TextBox) and d.text.strip()]
    return bool(texts) and _last_text(line).text.endswith(ADDED_HYPHEN)


def keep_whole(el, word: str) -> None:
    """Wrap each occurrence of `word` in the block `el` in a span that is not hyphenated."""
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")
    for node in list(el.iter()):
        if node.text and node.get("class") != WHOLE:
            wrap(node, "text", pattern)
        if node is not el and node.tail and node.getparent().get("class") != WHOLE:
            wrap(node, "tail", pattern)


def faults(pages, html: str) -> int | None:
    """How many pages of a repaired part's layout stay short (None if a repair would still
    change it: `_hard`)."""
    if _hard(pages):
        return None
    return len(short_pages(pages, openings(html)))


def _hard(pages) -> int:
    """The faults no page's fullness excuses: ladders of hyphens, words cut at a recto's
    foot, cut notes with both parts on one page, lines broken short."""
    return len(hyphen_ladders(pages)) + len(recto_foot_words(pages)) + len(_split_on_one_page(pages)) + \
        len(broken_short(pages))


REPAIRS = 10  # rounds of repair of one part (a long text needs a cut note or two, a round each)


def repaired(doc, html: str, render, done: tuple = (), sample=None) -> tuple[str, list]:
    """Repair a part laid out from `html` and lay it out again with `render(html)`, at most
    REPAIRS times: a page left short because its next line calls a long note gets the
    note's first part, the rest continuing on the next page (a cut whose first part did not
    fit is joined again and tried once more, a third shorter); a page left short otherwise
    gets paragraphs set a line shorter, when a line or few saved let it take back what
    follows, or else the lines of a paragraph begun on the page before (`pushable`), or
    else a line longer; a block ending a ladder of three hyphens is set
    without hyphens; a word cut at the foot of a recto is kept whole; a paragraph with a line
    broken short is set a little looser (the pages still short are then `settle`d).
    `done`: the repairs `html` already has (`replay`), which are not tried again; with
    none, the blocks with a loose line are mended first (`mend_loose`, `sample(html)`
    laying out a document from scratch). Returns the HTML as repaired, the best of the
    rounds' (`_score`), which the last call of `render` laid out, and its repairs
    (`_apply`), `done` first."""
    failed: dict[str, int] = {}  # notes whose two parts came out on one page (joined): words of the cut
    cut_at: dict[str, int] = {op[1]: op[2] for op in done if op[0] == "cut"}  # the words of each note's last cut
    kept = {(op[1], op[2]) for op in done if op[0] == "whole"}  # words kept whole, in a block or a section
    # paragraphs set a line longer, and a line shorter: letter-spacing, lines before (-1: not to be tried again)
    lengthened = {op[1]: (op[2], -1) for op in done if op[0] == "spacing" and op[2] > 0}
    tightened = {op[1]: (op[2], -1) for op in done if op[0] == "spacing" and op[2] < 0}
    ops = [tuple(op) for op in done]
    if not done and sample is not None:
        doc, html, mended = mend_loose(doc, html, render, sample)
        ops += mended
    spacing = {op[1]: op[2] for op in ops if op[0] == "spacing"}  # each paragraph's letter-spacing now
    opening_ids = openings(html)
    best = _score(doc.pages, opening_ids), html, len(ops)
    for _ in range(REPAIRS):
        tree = lxml.html.document_fromstring(html)
        together = _split_on_one_page(doc.pages)
        for ident in together:
            failed[ident] = -1 if ident in failed else cut_at.get(ident, -1)
        # A cut changes every page after its own up to the next opening (a new text or part,
        # on a recto): no paragraph after the first cut of a run is reset in the same round,
        # and the run's later cuts are made on a guess (one whose two parts come out on one
        # page is joined again). A cut that left its note whole on the next page is tried
        # once more, shorter by a third.
        segment, opener = _segments(doc.pages, [el.get("id") for el in tree.xpath("//section[@id]")])
        # A page that a line or few saved let take back what follows is not cut a note for.
        tight = tightenable(doc.pages, tightened, lengthened)
        saved = savable(doc.pages, opening_ids, tight)
        planned = [(page, ident, min(words, failed[ident] * 2 // 3) if ident in failed else words)
                   for page, ident, words in notes_to_split(doc.pages, opening_ids)
                   if failed.get(ident, 0) >= 0 and page not in saved]
        cuts = {ident: words for _, ident, words in planned if words > 0}
        cut_at.update(cuts)
        cut_pages: dict[int, int] = {}  # segment -> its first page with a cut
        for page, _, _ in planned:
            cut_pages.setdefault(segment[page], page)
        ladders = hyphen_ladders(doc.pages)
        # a word kept whole in its block, or in the section its page opens where it has no id
        words = [(block or opener[segment[page]], word) for block, word, page in
                 recto_foot_words(doc.pages) + [ladder for ladder in ladders if not ladder[0]]]
        words = [w for w in words if w not in kept]
        kept |= set(words)
        ladders = {block for block, _, _ in ladders if block}
        free = lambda i: i < cut_pages.get(segment[i], len(doc.pages))  # noqa: E731
        saved = {i: n for i, n in saved.items() if free(i)}
        shorter = shorten(saved, tightened)
        pushed = {i: push for i, push in pushable(doc.pages, opening_ids, free).items() if i not in saved}
        longer = {**lengthen(doc.pages, opening_ids, lambda i: free(i) and i not in saved and i not in pushed,
                             lengthened, tightened), **shorter}
        for ident in broken_short(doc.pages):  # set again, a little looser than it was
            if ident not in longer:
                longer[ident] = round(spacing.get(ident, 0) + NUDGE, 3)
        now = [("join", ident) for ident in sorted(together)] + [("cut", i, n) for i, n in cuts.items()] + \
            [("unhyphenated", i) for i in sorted(ladders - set(cuts))] + [("whole", i, w) for i, w in words] + \
            [("spacing", i, v) for i, v in longer.items()] + [("widows", i, n) for i, n in pushed.values()]
        if not now:
            break
        _apply(tree, now)
        ops += now
        spacing.update({op[1]: op[2] for op in now if op[0] == "spacing"})
        html = lxml.html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")
        doc = render(html)
        if (score := _score(doc.pages, opening_ids)) <= best[0]:  # the later of two as good: it is laid out
            best = score, html, len(ops)
    if best[1] != html:  # a later round made it worse: lay the best out again, as the last layout
        render(best[1])
    return best[1], ops[:best[2]]


def _apply(tree, ops) -> None:
    """Make repairs in a part's tree, each (what, id, …): "join" a cut note's two parts
    again, "cut" a note after so many words (`split_note`), set a block "unhyphenated",
    keep a word "whole" in a block or section, set a block's letter-"spacing" (em) or its
    "widows". A
    repair whose element is gone (the part was changed since) is left out."""
    by_id = {el.get("id"): el for el in tree.xpath("//*[@id]")}
    for what, ident, *value in ops:
        el = by_id.get(ident)
        if el is None:
            continue
        if what == "join":
            rest = el.getnext().getnext() if el.getnext() is not None else None
            if rest is not None and "continued" in (rest.get("class") or ""):
                _join(el, rest)  # the note, its call's marker, the rest
        elif what == "cut":
            split_note(el, value[0])
        elif what == "unhyphenated":
            el.set("class", (el.get("class", "") + " unhyphenated").strip())
        elif what == "whole":
            keep_whole(el, value[0])
        elif what == "spacing":
            _style(el, {"letter-spacing": f"{value[0]}em"})
        elif what == "widows":
            _style(el, {"widows": str(value[0])})


def _style(el, declarations: dict[str, str]) -> None:
    """Set CSS declarations in an element's style attribute, keeping its others."""
    now = [d.split(":", 1) for d in (el.get("style") or "").split(";") if ":" in d]
    merged = {name.strip(): value.strip() for name, value in now} | declarations
    el.set("style", "; ".join(f"{name}: {value}" for name, value in merged.items()))


def replay(html: str, ops) -> str:
    """A part's HTML with the repairs made to it (or to an earlier version of it) made again."""
    tree = lxml.html.document_fromstring(html)
    _apply(tree, ops)
    return lxml.html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")


def settle(pages, opening_ids) -> None:
    """Fill, on the laid-out pages, each page that the repairs left short by a line or more
    (other than a part's last): where its text ends with a box that may stand at the foot
    (FOOT), not cut by the page's end, the box is moved down there (its frame on the notes
    or the foot, its margin below let go); otherwise, where the blocks beginning on it
    below its first line (FEATHER) can take the empty space, each within its bound, the
    space above each grows by its share."""
    for i in short_pages(pages, opening_ids, 1):
        lines, after = text_lines(pages[i]), text_lines(pages[i + 1])
        room = empty_below(pages[i]) - 1  # a pixel left for rounding
        box = next((b for b in lines[-1].blocks if b.element_tag in FOOT), None)
        if box is not None and not any(b.element is box.element for b in after[0].blocks):
            _open(pages[i]._page_box, box.position_y, text_bottom(pages[i]) - _border_bottom(box) - 1)
            continue
        tops = {}  # block element -> the top of its box, for the blocks whose first line is on the page
        for k, line in enumerate(lines[1:], 1):
            box = next((b for b in line.blocks if b.element_tag in FEATHER), None)
            if box is not None and box.element not in tops and \
                    not any(b.element is box.element for b in lines[k - 1].blocks):
                tops[box.element] = box.position_y, FEATHER[box.element_tag] * LINE
        bound = sum(most for _, most in tops.values())
        if tops and room <= bound:
            for top, most in sorted(tops.values(), reverse=True):  # from the foot up: a top above stays where it is
                _open(pages[i]._page_box, top, room * most / bound)


def _border_bottom(box) -> float:
    return box.position_y + box.margin_height() - box.margin_bottom


def _open(box, y: float, height: float) -> None:
    """Open `height` of space at `y` in a laid-out page's flow: what begins there or below
    moves down, and the blocks around it grow (the notes, margins and heads stay)."""
    for child in getattr(box, "children", ()):
        if isinstance(child, (MarginBox, FootnoteAreaBox)) or child.is_absolutely_positioned():
            continue
        if child.position_y >= y:
            child.translate(0, height)
        elif child.position_y + child.margin_height() > y and not isinstance(child, LineBox):
            child.height += height
            _open(child, y, height)


def _score(pages, opening_ids) -> tuple[int, int, int, int]:
    """How far a layout is from done, compared first on its `_hard` faults, then on its
    pages short by three lines or more, then by one or more, then on its loose blocks."""
    return _hard(pages), len(short_pages(pages, opening_ids)), len(short_pages(pages, opening_ids, 1)), \
        sum(shape[2] > STRETCHED for shape in block_shapes(pages).values())


STRETCHED = 0.3  # em: the most a justified line's word spaces may be stretched (about 0.5 em a space)
VARIANTS = (-0.006, 0.006, -0.012, 0.012)  # em of letter-spacing tried in turn on a block with a loose line


def block_shapes(pages) -> dict[str, tuple[int, int, float, int]]:
    """For each paragraph, chronology entry and note with an id: its lines, how many end
    hyphenated, the most its word spaces are stretched (em) and the index of its last page."""
    out: dict[str, tuple[int, int, float, int]] = {}
    for i, page in enumerate(pages):
        for line in page_lines(page):
            el = line.element
            if not _settable(el):
                continue
            stretch = max((getattr(t, "justification_spacing", 0) / t.style["font_size"]
                           for t in line.descendants() if isinstance(t, TextBox)), default=0)
            lines, hyphens, most, _ = out.get(el.get("id"), (0, 0, 0.0, i))
            out[el.get("id")] = lines + 1, hyphens + line_hyphenated(line), max(most, stretch), i
    return out


def mend_loose(doc, html: str, render, sample) -> tuple[object, str, list]:
    """Set the blocks with a loose line (word spaces stretched by more than STRETCHED) a
    little tighter or looser: each variant of VARIANTS is tried in turn on the blocks it has
    not mended yet, and a block keeps the first with which it has no loose line, as many
    lines and no more hyphens (its pages are then unchanged). The variants are laid out
    with `sample(html)` in a document of the loose blocks alone (`probe`). Returns the part
    laid out with the variants kept (by `render`), its HTML and the repairs ("spacing")."""
    loose = {ident for ident, shape in block_shapes(doc.pages).items() if shape[2] > STRETCHED}
    if not loose:
        return doc, html, []
    base = block_shapes(sample(probe(html, loose)).pages)
    kept: dict[str, float] = {}
    for variant in VARIANTS:
        trying = [ident for ident in sorted(loose) if ident not in kept and ident in base]
        if not trying:
            break
        shapes = block_shapes(sample(probe(replay(html, [("spacing", i, variant) for i in trying]), loose)).pages)
        kept |= {ident: variant for ident in trying if (shape := shapes.get(ident)) is not None and
                 shape[0] == base[ident][0] and shape[1] <= base[ident][1] and shape[2] <= STRETCHED}
    ops = [("spacing", ident, value) for ident, value in sorted(kept.items())]
    html = replay(html, ops)
    return render(html), html, ops


def probe(html: str, idents: set[str]) -> str:
    """A part's HTML reduced to its blocks `idents`: each stays whole where it stood, its
    ancestors emptied of all else and the element before it kept (hidden) for the
    stylesheet's selectors, so that its lines break as they do in the part."""
    tree = lxml.html.document_fromstring(html)
    blocks = {el for el in tree.iter() if el.get("id") in idents}
    around = {a for el in blocks for a in el.iterancestors()}
    before = {el.getprevious() for el in blocks} - {None}

    def prune(node) -> None:
        node.text = None
        for child in list(node):
            child.tail = None
            if child in blocks:
                continue
            if child in around:
                prune(child)
            elif child in before:
                child.clear()
                child.set("style", "display: none")
            else:
                node.remove(child)
    prune(tree.find("body"))
    return lxml.html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")


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
