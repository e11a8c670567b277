"""Page make-up after layout: a long note cut in two keeps every word, in order."""
from __future__ import annotations

from lxml import etree

from makebook.writers.makeup import split_note

PARA = ('<p>Text<span class="footnote" id="n1" data-n="3">One two <i>three four</i> five <a>six</a> seven.</span>'
        '<span class="fn-call" id="ref-n1"/> and more.</p>')


def _split(words: int):
    p = etree.fromstring(PARA)
    split_note(p[0], words)
    return p


def test_a_note_cut_inside_an_element_keeps_its_words_and_markup():
    p = _split(3)
    first, call, rest = p
    assert "".join(first.itertext()) == "One two three" and first.find("i").text == "three"
    assert call.get("class") == "fn-call" and call.tail is None
    assert rest.get("class") == "footnote continued" and rest.get("id") is None and rest.get("data-n") == "3"
    assert "".join(rest.itertext()) == "four five six seven." and rest.find("i").text == "four"
    assert rest.tail == " and more."


def test_a_note_cut_between_elements():
    first, _, rest = _split(5)
    assert "".join(first.itertext()) == "One two three four five"
    assert "".join(rest.itertext()) == "six seven." and rest.find("a").text == "six"


def test_a_cut_note_joined_again_is_the_note_it_was():
    from makebook.writers.makeup import _join
    p = _split(3)
    _join(p[0], p[2])
    assert "".join(p[0].itertext()).split() == "One two three four five six seven.".split()
    assert len(p) == 2 and p[1].tail == " and more."
