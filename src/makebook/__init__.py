"""makebook: builds a digital critical edition (EPUB 3 and PDF) from TEI sources."""

from pathlib import Path

__version__ = "0.1.0"

# What a designer touches: stylesheets, fonts and page templates.
STYLES = Path(__file__).resolve().parents[2] / "styles"
