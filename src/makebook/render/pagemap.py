"""What the writers share about the PDF's pages: where each printed page begins, so that
the EPUB (and the web edition) can mark the same pages, and folios in roman numerals."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PageMark:
    """A page of the PDF edition: its label and the first element id found on it, or, for a
    page that only continues an element begun earlier (`at_end`), that element's id."""

    label: str
    element_id: str
    at_end: bool = False
