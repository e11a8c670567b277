"""makebook: builds a digital critical edition (EPUB 3 and PDF) from TEI sources."""

__version__ = "0.1.0"
