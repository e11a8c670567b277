"""The witness made visible: the raw capture of a text, line by line as it was saved, with
every intervention of the editors marked on it and linked to the edited text and to its
apparatus entry: omissions, corrections, repairs, supplied words, doubtful readings kept."""
from __future__ import annotations

import difflib
import re
from bisect import bisect_left
from dataclasses import dataclass

from lxml import etree

from ..merge.document import MergedText
from ..sources.xmlio import XML_NS
from ..textview import EDITORIAL, T, fold, marked
from .builder import E

XML_ID = f"{{{XML_NS}}}id"
KINDS = {"gap": "omitted", "supplied": "supplied by the editors", "sic": "error of the source, corrected",
         "orig": "damage of the capture, repaired", "marked": "doubtful reading, kept as the witness has it",
         "break": "paragraph broken by the capture, joined"}
CARETS = {"supplied": "‸", "break": "¶"}  # marks of a place rather than of words
_BLOCKS = {f"{T}{n}" for n in ("p", "head", "div", "figure", "cit", "quote", "bibl", "byline", "dateline", "opener")}
_WORD = re.compile(r"\S+")


@dataclass
class _Word:
    """A word of the witness reading of the edited text, and the intervention holding it."""

    key: str
    app: str | None
    kind: str | None


def _key(word: str) -> str:
    """A word for the alignment: letters and figures, or the mark itself where it has none (“|”, “–”)."""
    folded = fold(word).lower()
    return re.sub(r"[^\w£$€%]", "", folded) or folded.strip("\"'.,;:")


class _Reading:
    """The witness's words as the encoding records them: the text run through once, each
    character with the intervention holding it, and the place of every gap and supplied word."""

    def __init__(self, body: etree._Element):
        self.chars: list[str] = []
        self.owners: list[tuple[str | None, str | None]] = []
        self.points: list[tuple[int, str, str, int]] = []  # (character offset, app id, kind, words)
        self._walk(body, None, None)
        text = "".join(self.chars)
        self.words: list[_Word] = []
        offsets = {}
        for m in _WORD.finditer(text):
            if key := _key(m.group(0)):
                offsets[m.start()] = len(self.words)
                owner = next((o for o in self.owners[m.start():m.end()] if o[0]), (None, None))
                self.words.append(_Word(key, *owner))
        starts = sorted(offsets)
        # A point's place among the words: the first word that begins at or after it.
        self.points = [(offsets[starts[i]] if (i := bisect_left(starts, at)) < len(starts) else len(self.words),
                        app, kind, qty) for at, app, kind, qty in self.points]

    def _add(self, text: str | None, app, kind) -> None:
        if text:
            self.chars.append(text)
            self.owners.extend([(app, kind)] * len(text))

    def _walk(self, el: etree._Element, app, kind) -> None:
        tag = el.tag
        if tag in (f"{T}gap", f"{T}supplied"):
            self._add(" ", None, None)
            self.points.append((len(self.owners), el.get(XML_ID), tag[len(T):], int(el.get("quantity", "0"))))
            return
        if tag in EDITORIAL:
            return
        if tag in _BLOCKS:
            self._add(" ", None, None)
        if tag == f"{T}choice":
            for child in el:
                if child.tag in (f"{T}sic", f"{T}orig"):
                    if "".join(child.itertext()).strip():
                        self._walk(child, el.get(XML_ID), child.tag[len(T):])
                    else:  # a paragraph break of the capture, undone: nothing to mark but its place
                        self.points.append((len(self.owners), el.get(XML_ID), "break", 0))
            return
        if marked(el):
            app, kind = el.get(XML_ID), "marked"
        self._add(el.text, app, kind)
        for child in el:
            if isinstance(child.tag, str):
                self._walk(child, app, kind)
            self._add(child.tail, app, kind)
        if tag in _BLOCKS:
            self._add(" ", None, None)


def witness_section(mt: MergedText, raw: str, text_href: str) -> etree._Element:
    """The capture as an ordered list of its lines, interventions marked."""
    reading = _Reading(mt.body)
    words, points = reading.words, reading.points
    spans = [(m.start(), m.end(), _key(m.group(0))) for m in _WORD.finditer(raw)]
    keyed = [i for i, s in enumerate(spans) if s[2]]
    marks: dict[int, tuple[str, str]] = {}  # witness word index -> (kind, app id)
    carets: dict[int, list[tuple[str, str]]] = {}  # witness word index -> what is marked just before it
    matcher = difflib.SequenceMatcher(None, [spans[i][2] for i in keyed], [w.key for w in words], autojunk=False)
    gaps = [(pos, app, qty) for pos, app, kind, qty in points if kind == "gap"]
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                if words[j1 + k].app:
                    marks[keyed[i1 + k]] = (words[j1 + k].kind, words[j1 + k].app)
        elif op == "delete" and gaps:
            _omitted(keyed[i1], keyed[i2 - 1], j1, gaps, marks)
    # Words of no letter inside an omitted run (a bullet, a bar) are omitted with it.
    for i, (_, _, key) in enumerate(spans):
        if not key and 0 < i < len(spans) - 1 and marks.get(i - 1, ("",))[0] == "gap" == marks.get(i + 1, ("",))[0]:
            marks[i] = marks[i - 1]
    aligned = {j1 + k: keyed[i1 + k] for op, i1, i2, j1, j2 in matcher.get_opcodes() if op == "equal" for k in range(i2 - i1)}
    for pos, app, kind, _ in points:
        if kind in CARETS:
            after = next((aligned[j] for j in range(pos, len(words)) if j in aligned), len(spans))
            carets.setdefault(after, []).append((app, kind))
    return _lines(raw, spans, marks, carets, mt, text_href)


def _omitted(first: int, last: int, at: int, gaps: list, marks: dict) -> None:
    """Share a run of omitted witness words among the gaps recorded where it falls, in order,
    each taking as many words as it counts (the last takes what remains)."""
    nearest = min(abs(g[0] - at) for g in gaps)
    here = [g for g in gaps if abs(g[0] - at) == nearest]
    i = first
    for n, (_, app, qty) in enumerate(here):
        end = last if n == len(here) - 1 else min(last, i + qty - 1)
        for k in range(i, end + 1):
            marks[k] = ("gap", app)
        i = end + 1


def _add(parent: etree._Element, text: str) -> None:
    """The capture's characters as they are (no typography applied)."""
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _lines(raw, spans, marks, carets, mt: MergedText, text_href: str) -> etree._Element:
    letters = {el.get(XML_ID): el.get("n") for el in mt.body.iter() if el.get(XML_ID) and el.get("n")}
    ol = E("ol", {"class": "witness-lines", "aria-label": "The capture, line by line"})
    starts = [0, *(m.end() for m in re.finditer("\n", raw))]
    word = 0
    for n, start in enumerate(starts, 1):
        end = starts[n] - 1 if n < len(starts) else len(raw)
        li = E("li", {"id": f"w{n}"})
        run, pos = None, start
        while word < len(spans) and spans[word][0] < end:
            s, e, _ = spans[word]
            mark = marks.get(word)
            _add(run if run is not None and mark and run.get("data-app") == mark[1] else li, raw[pos:s])
            for app, kind in carets.get(word, []):
                run = None
                li.append(_entry(app, letters, text_href))
                li.append(_run(app, kind, text_href, CARETS[kind]))
            if mark is None:
                run = None
                _add(li, raw[s:e])
            else:
                if run is None or run.get("data-app") != mark[1]:
                    li.append(_entry(mark[1], letters, text_href))
                    run = _run(mark[1], mark[0], text_href, "")
                    li.append(run)
                _add(run, raw[s:e])
            pos, word = e, word + 1
        _add(li, raw[pos:end])
        ol.append(li)
    return ol


def _entry(app: str, letters: dict, text_href: str) -> etree._Element:
    """The letter of the apparatus entry, linked to it."""
    return E("a", {"class": "w-entry", "href": f"{text_href}#{app}", "title": "apparatus entry"}, text=letters.get(app, "*"))


def _run(app: str, kind: str, text_href: str, text: str) -> etree._Element:
    """A marked run of the witness, linked to its place in the edited text."""
    return E("a", {"class": f"w-{kind}", "data-app": app, "href": f"{text_href}#ref-{app}",
                   "title": KINDS[kind]}, text=text or None)
