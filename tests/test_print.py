"""The printed book read back from the built PDF: page labels, colour, the colophon, the outline."""
from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from test_pipeline import built  # noqa: F401  (the session build)


@pytest.fixture(scope="module")
def pdf(built):  # noqa: F811
    return PdfReader(next(built.glob("*.pdf")))


def test_page_labels_are_the_printed_folios(pdf):
    labels = pdf.page_labels
    assert labels[0] == "i" and "1" in labels
    contents = pdf.get_destination_page_number(pdf.named_destinations["contents"])
    checked = 0
    for page, label in list(zip(pdf.pages, labels))[contents:]:  # the prelims before it print no folio
        lines = [line.split() for line in page.extract_text().splitlines() if line.strip()]
        if not lines:
            continue  # a blank page has no folio
        ends = {lines[0][0], lines[0][-1], lines[-1][0], lines[-1][-1]}  # head or foot, either side
        assert label in ends, (label, lines[0], lines[-1])
        checked += 1
    assert checked > len(labels) * 0.8


def test_no_text_or_rule_is_grey(pdf):
    """Every colour set in the page streams is black or white: grey prints screened."""
    greys = set()
    for page in pdf.pages:
        data = page.get_contents().get_data().decode("latin-1")
        for m in re.finditer(r"((?:[\d.]+ ){1,4})(rg|RG|g|G|k|K|sc|SC|scn|SCN)\b", data):
            values = {float(v) for v in m.group(1).split()}
            if not values <= {0.0, 1.0}:
                greys.add(m.group(0))
    assert not greys


def test_the_colophon_speaks_of_the_pdf(pdf):
    colophon = pdf.pages[-1].extract_text()
    assert "this PDF" in colophon and "this EPUB" not in colophon


def test_the_outline_is_shown_on_opening_and_lists_each_apparatus(pdf):
    assert pdf.trailer["/Root"]["/PageMode"] == "/UseOutlines"
    titles = []
    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else titles.append(item.title)
    walk(pdf.outline)
    assert titles.count("Textual apparatus") >= 5  # one for each text
