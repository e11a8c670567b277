"""Typographic refinements add no-break spaces and never take a character away."""
from __future__ import annotations

import zipfile

import pytest
from lxml import etree
from test_pipeline import built  # noqa: F401  (the session build)

from makebook.render.typography import NBSP, RULES, refine


@pytest.mark.parametrize("text, expected", [
    ("No. When Stalin abandoned", "No. When Stalin abandoned"),
    ("vol. IV of the Works", f"vol.{NBSP}IV of the Works"),
    ("in vol. I, p. 47", f"in vol.{NBSP}I, p.{NBSP}47"),
    ("No. 5 and Nos 6", f"No.{NBSP}5 and Nos{NBSP}6"),
    ("Mr Gorbachev met Dr. Zubok", f"Mr{NBSP}Gorbachev met Dr.{NBSP}Zubok"),
    ("40 % of 15 republics", f"40{NBSP}% of 15 republics"),
])
def test_refine_only_joins(text, expected):
    assert refine(text) == expected


def test_every_rule_keeps_every_character():
    sample = "No. When vol. IV, vol. I. Mr Gorbachev, Dr. Zubok, M. Gorbachev, p. 47, No. 5, ¶ 3, 40 %, a – b"
    for pattern, repl in RULES:
        assert pattern.sub(repl, sample).replace("\x00", " ") == sample, pattern.pattern


def test_books_print_the_authors_full_stops(built):  # noqa: F811
    with zipfile.ZipFile(built / "implosion-of-the-ussr.epub") as z:
        text = "".join(t for n in z.namelist() if n.endswith(".xhtml")
                       for t in etree.fromstring(z.read(n)).itertext()).replace(NBSP, " ")
    assert "No. When Stalin abandoned" in text
    assert "No When Stalin" not in text
    assert "vol IV" not in text and "vol I " not in text
