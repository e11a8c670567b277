"""`makebook collate`: align each witness with its edited text, word by word.

Every witness word must be in the text, inside a sic/orig, or counted by a gap; every
edited word must be in the witness or inside corr/reg/supplied. What is neither is an
unaccounted difference, reported with its context.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..textview import fold, witness_segments

_NOT_WORD = re.compile(r"[^\w£$€%-]+")


def _norm(word: str) -> str:
    """A word for comparison: typography folded, punctuation and apostrophes dropped.
    A token of punctuation alone (a dash, a bullet, “|”) is kept as it is, since gaps count it."""
    folded = fold(word)
    return _NOT_WORD.sub("", folded).strip("-") or folded.strip()


@dataclass
class Collation:
    text_id: str
    witness_words: int = 0
    omitted: int = 0
    differences: list[str] = field(default_factory=list)


def _witness_tokens(raw: str) -> tuple[list[tuple[str, int, int]], int]:
    """(word, line, index among all whitespace-separated words), and the count of those."""
    tokens = []
    index = 0
    for lineno, line in enumerate(raw.splitlines(), 1):
        for word in line.split():
            if n := _norm(word):
                tokens.append((n, lineno, index))
            index += 1
    return tokens, index


def _edited_tokens(body) -> tuple[list[str], list[list[int]]]:
    """Normalised words of the edited body, and gaps by the word position they precede."""
    words: list[str] = []
    gaps: dict[int, int] = {}
    pending: list[str] = []

    def flush():
        words.extend(n for w in "".join(pending).split() if (n := _norm(w)))
        pending.clear()

    for seg in witness_segments(body):
        if isinstance(seg, int):
            flush()
            gaps[len(words)] = gaps.get(len(words), 0) + seg
        else:
            pending.append(seg)
    flush()
    return words, [[pos, qty] for pos, qty in sorted(gaps.items())]


def collate(text_id: str, body, witness: Path) -> Collation:
    """Compare one edited body with its witness file."""
    wit, total = _witness_tokens(witness.read_text(encoding="utf-8"))
    ed, gaps = _edited_tokens(body)
    result = Collation(text_id, witness_words=total)
    wit_words = [w for w, _, _ in wit]
    matcher = difflib.SequenceMatcher(None, wit_words, ed, autojunk=False)

    def context(i1: int, i2: int) -> str:
        before = " ".join(wit_words[max(0, i1 - 4):i1])
        after = " ".join(wit_words[i2:i2 + 4])
        return f"…{before} [{' '.join(wit_words[i1:i2])}] {after}…"

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        run = i2 - i1
        # A gap counts every whitespace-separated word, punctuation-only ones included,
        # which may sit on either side of the run.
        inner = wit[i2 - 1][2] - wit[i1][2] + 1 if run else 0
        outer = (wit[i2][2] if i2 < len(wit) else total) - (wit[i1 - 1][2] if i1 else -1) - 1
        if op == "delete" and _take_gap(gaps, j1, run, inner, outer):
            result.omitted += inner
            continue
        line = wit[min(i1, len(wit) - 1)][1] if wit else 0
        if i2 > i1:
            result.differences.append(f"witness line {line}: {run} witness word(s) missing from the text: {context(i1, i2)}")
        if j2 > j1:
            result.differences.append(f"witness line {line}: word(s) not in the witness: “{' '.join(ed[j1:j2])}” "
                                      f"(mark them as corr/reg/supplied or fix the text)")
    for pos, qty in gaps:
        if qty:
            result.differences.append(f"a gap of {qty} word(s) before edited word {pos + 1} "
                                      f"(“{' '.join(ed[pos:pos + 3])}…”) matches no omitted witness words; fix its quantity")
    return result


def _take_gap(gaps: list[list[int]], pos: int, run: int, low: int, high: int) -> bool:
    """Consume recorded gaps near `pos` whose quantities add up to the run's word count."""
    # difflib may align a duplicated passage with either copy: look a little beyond the run.
    near = [g for g in gaps if g[1] and abs(g[0] - pos) <= 2 * run + 8]
    for g in near:
        if low <= g[1] <= high:
            g[1] = 0
            return True
    if low <= sum(g[1] for g in near) <= high:
        for g in near:
            g[1] = 0
        return True
    return False
