"""What the writers share about the PDF's pages: where each printed page begins, so that
the EPUB (and the web edition) can mark the same pages, and the page map from which every
page reference of the PDF (contents, glossary, index, cross-references) is printed."""
from __future__ import annotations

from dataclasses import dataclass

UNKNOWN = "0"  # printed for an anchor not laid out yet: the layout loop lays its part out again


@dataclass
class PageMark:
    """A page of the PDF edition: its label and the first element id found on it, or, for a
    page that only continues an element begun earlier (`at_end`), that element's id."""

    label: str
    element_id: str
    at_end: bool = False


class PageMap(dict):
    """Anchor id -> printed folio, from the last layout of each part."""

    def folio(self, anchor: str) -> str:
        return self.get(anchor, UNKNOWN)


PRINTED = "data-page-of"  # on each element that prints a folio: the anchor ids it stands for


def wrong_folios(root, folios: dict[str, str]) -> list[tuple[str, str, str]]:
    """(anchor, printed, actual) for every folio printed under `root` that is not where its
    anchor landed. An element standing for several anchors (a page printed once for two
    occurrences on it) is right only if they all landed on the page it prints. The folio is
    the element's text, or its data-page attribute (the contents print it with CSS)."""
    return [(anchor, el.get("data-page", el.text), folios.get(anchor, UNKNOWN))
            for el in root.iter() if el.get(PRINTED)
            for anchor in el.get(PRINTED).split() if folios.get(anchor, UNKNOWN) != el.get("data-page", el.text)]
