"""`makebook collate`: align each witness with its edited text, word by word and mark by mark.

Both sides are cut into tokens: words (with the apostrophes and hyphens inside them) and
each punctuation mark. Only what the editorial principles normalise is folded before the
comparison: quotation marks (not reproduced: quotations are encoded, and a straight single
mark at a word's edge may be one), dashes (a hyphen for a dash is printed as a dash),
ellipses (three full stops are printed as one character) and kinds of space.

Every witness token must be in the text, inside an intervention (a correction's or a
repair's witness reading, a doubtful reading kept and marked), or among the words a gap
counts; each is counted under what accounts for it. What nothing accounts for is an
unaccounted difference, reported with its witness line.
"""
from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..textview import BLOCKS, EDITORIAL, T, fold, marked

# A word with its inner apostrophes, an ellipsis, or one mark (a hyphen is a mark of its own,
# so that a word broken at a hyphen compares the same however the line was set).
_TOKEN = re.compile(r"\w+(?:'\w+)*|\.\.\.|[^\w\s]")
# Edge apostrophes are dropped: in the witnesses a straight single mark may be a quotation mark.
_DROPPED = {"'"}

TEXT = "in the text"
KINDS = {"correction": "in corrections", "repair": "in repairs", "marked": "in marked readings"}
NAMES = {"correction": "correction", "repair": "repair", "marked": "marked reading"}  # one of each kind


@dataclass
class Token:
    text: str
    kind: str  # TEXT, or the intervention it stands in
    line: int  # witness line, or source line of the edited element
    intervention: object = None  # the element of that intervention (a choice, a marked sic)


@dataclass
class Accounted:
    """One witness reading that an intervention accounts for."""
    kind: str  # "correction", "repair", "marked reading", "gap (boilerplate)"…
    witness_line: int
    words: str  # the witness's words and marks
    elements: list  # the intervention's TEI elements


@dataclass
class Collation:
    text_id: str
    witness_words: int = 0  # whitespace-separated words, as the principles count them
    tokens: int = 0  # words and marks compared
    accounted: Counter = field(default_factory=Counter)
    differences: list[str] = field(default_factory=list)
    details: list[Accounted] = field(default_factory=list)  # what each intervention accounts for

    def figures(self) -> str:
        parts = [f"{n} {k}" for k, n in sorted(self.accounted.items(), key=lambda kv: (kv[0] != TEXT, kv[0]))]
        return f"{self.witness_words} witness words, {self.tokens} words and marks: " + ", ".join(parts)


# Invisible characters the typography may insert (word joiners, zero-width spaces, soft hyphens).
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)


def tokens(text: str, kind: str = TEXT, line: int = 0) -> list[Token]:
    return [Token(t, kind, line) for t in _TOKEN.findall(fold(text.translate(_INVISIBLE))) if t not in _DROPPED]


def witness_tokens(raw: str) -> tuple[list[tuple[Token, int]], list[str], int]:
    """(token, index of its whitespace-separated word), the witness lines, and the word count."""
    out, index = [], 0
    lines = raw.splitlines()
    for lineno, line in enumerate(lines, 1):
        for word in line.split():
            out += [(t, index) for t in tokens(word, TEXT, lineno)]
            index += 1
    return out, lines, index


def _segments(el, kind: str, out: list, where=None) -> None:
    """(text, kind, source line, intervention) pieces and gaps as (words, reason, gap), in
    witness order."""
    tag = el.tag
    if tag == f"{T}gap":
        out.append((int(el.get("quantity", "0")), el.get("reason", "gap"), el))
        return
    if not isinstance(tag, str) or tag in EDITORIAL:
        return
    if tag == f"{T}sic":
        kind, where = ("marked", el) if marked(el) else ("correction", el.getparent())
    elif tag == f"{T}orig":
        kind, where = "repair", el.getparent()
    line = el.sourceline or 0
    if tag in BLOCKS:
        out.append((" ", TEXT, line, None))
    if el.text:
        out.append((fold(el.text.translate(_INVISIBLE)), kind, line, where))
    for child in el:
        _segments(child, kind, out, where)
        if child.tail:
            out.append((fold(child.tail.translate(_INVISIBLE)), kind, child.sourceline or line, where))
    if tag in BLOCKS:
        out.append((" ", TEXT, line, None))


def witness_view(body) -> list:
    """The edited body as the witness should read: Tokens (each with the intervention it
    stands in, if any), and gaps as (words, reason, gap element)."""
    pieces: list = []
    _segments(body, TEXT, pieces)
    out: list = []
    chars: list[str] = []
    where: list[tuple[str, int, object]] = []

    def flush():
        text = "".join(chars)
        for m in _TOKEN.finditer(text):
            if m.group() in _DROPPED:
                continue
            spans = where[m.start():m.end()]
            kind, _, element = next((span for span in spans if span[0] != TEXT), spans[0])
            out.append(Token(m.group(), kind, spans[0][1], element))
        chars.clear()
        where.clear()

    for piece in pieces:
        if isinstance(piece[0], int):
            flush()
            out.append(piece)
        else:
            chars.append(piece[0])
            where.extend([piece[1:]] * len(piece[0]))
    flush()
    return out


def collate(text_id: str, body, witness: Path) -> Collation:
    """Compare one edited body with its witness file."""
    wit, lines, total = witness_tokens(witness.read_text(encoding="utf-8"))
    view = witness_view(body)
    ed = [t for t in view if isinstance(t, Token)]
    gaps, pos = [], 0
    for item in view:
        if isinstance(item, Token):
            pos += 1
        elif gaps and gaps[-1][0] == pos:  # gaps side by side count one run of omitted words
            gaps[-1][1] += item[0]
            gaps[-1][2] = ", ".join(sorted({*gaps[-1][2].split(", "), item[1]}))
            gaps[-1][3].append(item[2])
        else:
            gaps.append([pos, item[0], item[1], [item[2]]])
    result = Collation(text_id, witness_words=total, tokens=len(wit))
    matcher = difflib.SequenceMatcher(None, [t.text for t, _ in wit], [t.text for t in ed], autojunk=False)

    def where(i: int) -> str:
        token = wit[min(i, len(wit) - 1)][0]
        line = lines[token.line - 1].strip()
        return f"witness line {token.line} (“{line[:100]}{'…' if len(line) > 100 else ''}”)"

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            result.accounted.update(KINDS.get(t.kind, TEXT) for t in ed[j1:j2])
            for k in range(j1, j2):
                token = ed[k]
                if token.intervention is None:
                    continue
                if k > j1 and ed[k - 1].intervention is token.intervention:
                    result.details[-1].words += f" {token.text}"
                else:
                    result.details.append(Accounted(NAMES[token.kind], wit[i1 + k - j1][0].line, token.text,
                                                    [token.intervention]))
            continue
        run = i2 - i1
        if op == "delete":
            # A gap counts whitespace-separated words, punctuation-only ones included,
            # which may sit on either side of the run.
            inner = wit[i2 - 1][1] - wit[i1][1] + 1
            outer = (wit[i2][1] if i2 < len(wit) else total) - (wit[i1 - 1][1] if i1 else -1) - 1
            taken = _take_gap(gaps, j1, run, inner, outer)
            if taken:
                reasons = ", ".join(sorted({r for g in taken for r in g[2].split(", ")}))
                result.accounted[f"omitted in gaps ({reasons})"] += run
                result.details.append(Accounted(f"gap ({reasons})", wit[i1][0].line, phrase([t.text for t, _ in wit[i1:i2]]),
                                                [el for g in taken for el in g[3]]))
                continue
        if i2 > i1:
            missing = " ".join(t.text for t, _ in wit[i1:i2])
            result.differences.append(f"{where(i1)}: “{missing}” is in the witness, not in the text")
        if j2 > j1:
            added = " ".join(t.text for t in ed[j1:j2])
            result.differences.append(f"{where(i1)}: “{added}” is in the text, not in the witness "
                                      f"(mark it as corr/reg/supplied or fix the text)")
    for pos, qty, reason, _ in gaps:
        if qty:
            result.differences.append(f"a gap ({reason}) of {qty} word(s) before “{' '.join(t.text for t in ed[pos:pos + 3])}…” "
                                      f"matches no omitted witness words; fix its quantity")
    return result


def phrase(words: list[str]) -> str:
    """The words, or the first dozen of a long run and how many there are."""
    return " ".join(words) if len(words) <= 12 else f"{' '.join(words[:12])} … ({len(words)} words and marks)"


def _take_gap(gaps: list[list], pos: int, run: int, low: int, high: int) -> list[list]:
    """Consume recorded gaps near `pos` whose quantities add up to the run's word count;
    return them (empty if none fits)."""
    # difflib may align a duplicated passage with either copy: look a little beyond the run.
    near = [g for g in gaps if g[1] and abs(g[0] - pos) <= 2 * run + 8]
    taken = next(([g] for g in near if low <= g[1] <= high), None)
    if taken is None:
        taken = near if near and low <= sum(g[1] for g in near) <= high else []
    for g in taken:
        g[1] = 0
    return taken
