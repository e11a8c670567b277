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


def test_compounds_are_kept_whole_and_urls_break_only_after_a_slash_or_a_dot_of_their_path():
    from makebook.writers.pdf_words import WHOLE, WORD_JOINER, ZWSP, mark
    p = etree.fromstring('<p>Malvar’s state-capitalist reading of Malvaria, see <a class="url">https://a.org/b-c/d</a>.</p>')
    mark(p)
    assert [s.text for s in p.iter("span") if s.get("class") == WHOLE] == ["state-capitalist"]
    assert "".join(p.itertext()).replace(ZWSP, "").replace(WORD_JOINER, "") == \
        "Malvar’s state-capitalist reading of Malvaria, see https://a.org/b-c/d."
    assert p.find("a").text == f"https://{ZWSP}a.org/{ZWSP}b-{WORD_JOINER}c/{ZWSP}d"  # not in the host's name


def test_runs_of_pages_print_as_ranges_and_every_page_stays_checked():
    from makebook.render.builder import Target
    from makebook.render.matter import _page_range, _page_runs
    from makebook.render.pagemap import PRINTED, wrong_folios
    groups = {"9": ["a"], "10": ["b"], "12": ["c"], "13": ["d"], "14": ["e", "f"], "xi": ["g"]}
    runs = _page_runs(groups)
    assert [[folio for folio, _ in run] for run in runs] == [["9", "10"], ["12", "13", "14"], ["xi"]]
    span = etree.Element("span")
    for run in runs:
        _page_range(span, run, Target("pdf", lambda i: f"#{i}", None))
    assert "".join(span.itertext()).replace("\u2060", "") == "9–1012–14xi"
    assert [el.get(PRINTED) for el in span.iter() if el.get(PRINTED)] == ["a", "b", "c", "d", "e f", "g"]
    folios = {"a": "9", "b": "10", "c": "12", "d": "13", "e": "14", "f": "14", "g": "xi"}
    assert wrong_folios(span, folios) == []
    assert wrong_folios(span, {**folios, "d": "12"}) == [("d", "13", "12")]  # a page inside a range is checked
