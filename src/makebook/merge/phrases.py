"""Finding an anchored phrase in a text as read: exactly once (with the words before or
after it, or its occurrence number), or a located error with the nearest candidates.
Notes and the index's exclusions and inclusions are anchored alike."""
from __future__ import annotations

import difflib
import re
from pathlib import Path

from ..errors import EditionError
from ..textview import fold
from .anchoring import Reading
from .document import MergedText
from .numbering import locator


def find_phrase(mt: MergedText, anchor: str, prefix: str, suffix: str, occurrence: int | None,
                who: str, path: Path, line: int, errors: list[EditionError]) -> tuple[Reading, int, int] | None:
    """The one place of `anchor` in the text: (reading, start, end) in the reading's folded text."""
    phrase = fold(anchor).strip()
    if not phrase:
        errors.append(EditionError(path, line, f"{who}: anchor “{anchor}” has no words",
                                   "anchor on the words the note explains (quotation marks are ignored)"))
        return None
    prefix, suffix = fold(prefix), fold(suffix)
    # A phrase that begins or ends with a letter matches whole words only ("Pablo" is not "Pabloite").
    pattern = re.compile((r"(?<!\w)" if phrase[:1].isalnum() else "") + re.escape(phrase)
                         + (r"(?!\w)" if phrase[-1:].isalnum() else ""))
    matches = []
    for reading in mt.readings():
        for m in pattern.finditer(reading.text):
            before, after = reading.text[:m.start()], reading.text[m.end():]
            if (not prefix or before.endswith(prefix) or before.rstrip().endswith(prefix.strip())) and \
               (not suffix or after.startswith(suffix) or after.lstrip().startswith(suffix.strip())):
                matches.append((reading, m.start(), m.end()))
    if occurrence:
        if occurrence > len(matches):
            errors.append(EditionError(path, line, f"{who}: occurrence {occurrence} asked, "
                                       f"but “{anchor}” is found {len(matches)} time(s) in {mt.id}", "lower occurrence"))
            return None
        matches = [matches[occurrence - 1]]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        errors.append(EditionError(path, line, f"{who}: phrase “{anchor}” not found in {mt.id}", _nearest(mt, phrase)))
    else:
        where = "; ".join(f"{locator(r.block)}: “…{r.text[max(0, s - 25):e + 25]}…”" for r, s, e in matches)
        errors.append(EditionError(path, line, f"{who}: phrase “{anchor}” found {len(matches)} times in {mt.id} ({where})",
                                   'add prefix="…" or suffix="…" with the words around the right one, or occurrence="N"'))
    return None


def _nearest(mt: MergedText, phrase: str) -> str:
    size = max(1, len(phrase.split()))
    candidates: dict[str, str] = {}
    for reading in mt.readings():
        words = reading.text.split()
        for i in range(max(1, len(words) - size + 1)):
            candidates.setdefault(" ".join(words[i:i + size]), locator(reading.block))
    close = difflib.get_close_matches(phrase, candidates, n=3, cutoff=0.5)
    if not close:
        return "no similar phrase either: check the text id and the spelling"
    return "nearest: " + "; ".join(f"“{c}” ({candidates[c]})" for c in close)
