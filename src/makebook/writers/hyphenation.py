"""The dictionary WeasyPrint breaks words with: Pyphen's, less the words with a capital.

WeasyPrint asks a `pyphen.Pyphen` where a word may break, and the dictionary knows no
names: it breaks "Mal-var", "Ger-many", "Trot-skyism" as it breaks any word. The
dictionary installed here gives no place to break a word that begins with a capital, so
no name of a person, place, party or month, and no word of a title, is broken (nor a
sentence's first word). It costs nothing at layout, where a span around each such word
would make as many more boxes. Installed in WeasyPrint's line breaking, for the pinned
WeasyPrint only (footnote_fix.PINNED).
"""
from __future__ import annotations

from types import SimpleNamespace

import pyphen
from weasyprint.text import line_break

from . import footnote_fix


class NoCapitals(pyphen.Pyphen):
    """Pyphen's dictionary, which breaks no word that begins with a capital."""

    def positions(self, word):
        return [] if word[:1].isupper() else super().positions(word)


def apply() -> None:
    """Make WeasyPrint's line breaking use `NoCapitals` (once)."""
    footnote_fix.apply()  # refuses any other WeasyPrint
    if line_break.pyphen.Pyphen is not NoCapitals:
        line_break.pyphen = SimpleNamespace(Pyphen=NoCapitals, language_fallback=pyphen.language_fallback)
