"""Counts in the editorial prose, computed from the encoding, never typed.

`<num type="count" subtype="MEASURE"/>` in the principles (edition.xml) or in a text's
header is filled at merge time with the value of MEASURE, summed over the texts that
`corresp` names (`corresp="#smith-1848 #jones-1850"`; by default the text whose header
holds it, or every text in edition.xml). A count with typed content (`<num type="count"
subtype="gaps">fifteen</num>`) is checked against the encoding instead. `rend` says how
the number is written: figures (the default, 1,035), `words` (fifteen), `Words`
(Fifteen, at the start of a sentence), `times` (once, twice, three times).

In the principles and the headers' editorial declarations a number typed outside such
an element is an error, unless an editor marks it as no count of the encoding
(`<num type="fixed">three</num> full stops`): so no count can drift from the texts.
"""
from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from ..errors import EditionError
from ..model import Text
from ..textview import MARKED_KINDS, T, witness_segments
from .document import Merged

_NS = {"tei": T[1:-1]}
GAP_REASONS = ("boilerplate", "duplicate", "metadata")

# What each measure counts, as an XPath over one text's merged body.
MEASURES: dict[str, str] = {
    "corrections": "count(.//tei:choice[tei:corr])",
    "marked": "count(.//tei:sic[not(parent::tei:choice)])",
    **{f"marked-{k}": f"count(.//tei:sic[not(parent::tei:choice)][@type='{k}'])" for k in MARKED_KINDS},
    "repairs": "count(.//tei:choice[tei:reg])",
    "markdown-repairs": "count(.//tei:choice/tei:reg[tei:title or tei:foreign])",
    "title-repairs": "count(.//tei:choice/tei:reg[tei:title])",
    "foreign-repairs": "count(.//tei:choice/tei:reg[tei:foreign])",
    "joins": "count(.//tei:choice[tei:orig/tei:lb[@type='capture-break']])",
    "hyphen-repairs": "count(.//tei:choice[tei:reg][not(tei:reg/*)][not(tei:orig/tei:lb)])",
    "supplied": "count(.//tei:supplied)",
    "gaps": "count(.//tei:gap)",
    "omitted-words": "sum(.//tei:gap/@quantity)",
    **{f"gaps-{r}": f"count(.//tei:gap[@reason='{r}'])" for r in GAP_REASONS},
    **{f"omitted-words-{r}": f"sum(.//tei:gap[@reason='{r}']/@quantity)" for r in GAP_REASONS},
    "paragraphs": "count(.//tei:p[@n])",
    "unnumbered-paragraphs": "count(.//tei:p[not(@n)][not(ancestor::tei:note)])",
    "sections": "count(.//tei:div[tei:head][not(@type='sidebar')])",
    "titles": "count(.//tei:title[not(ancestor::tei:note)])",
    "foreign-words": "count(.//tei:foreign[not(ancestor::tei:note)])",
    "quotations": "count(.//tei:q[not(ancestor::tei:note)] | .//tei:quote[not(ancestor::tei:note)])",
    "excerpts": "count(.//tei:cit)",
    "captions": "count(.//tei:figure)",
    "boxes": "count(.//tei:div[@type='sidebar'])",
    "authorial-calls": "count(.//tei:ref[@type='authorial-note'])",
    "repeated-authorial-calls": "count(.//tei:ref[@type='authorial-note']"
                                "[@n = (preceding::tei:ref | following::tei:ref)[@type='authorial-note']/@n])",
    "explanatory-notes": "count(.//tei:note[@type='explanatory'])",
    "textual-notes": "count(.//tei:note[@type='textual'])",
}
# Measures of the characters of the text as the witness has it (notes and editors' words left out).
_CHARACTERS: dict[str, re.Pattern] = {
    "ellipses": re.compile("…"),
    "spaced-dashes": re.compile(r"(?<=\s)–(?=\s)"),
}
_WITNESS = "witness-words"
_EDITION = "texts"
KNOWN = sorted([*MEASURES, *_CHARACTERS, _WITNESS, _EDITION])

_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen " \
         "sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_TIMES = {1: "once", 2: "twice"}


def words(n: int) -> str:
    """0..999 999 in English words: 1035 -> one thousand and thirty-five."""
    if n >= 1000:
        rest = n % 1000
        return f"{words(n // 1000)} thousand" + (f"{' and' if rest < 100 else ''} {words(rest)}" if rest else "")
    if n >= 100:
        rest = n % 100
        return f"{_UNITS[n // 100]} hundred" + (f" and {words(rest)}" if rest else "")
    if n >= 20:
        return _TENS[n // 10] + (f"-{_UNITS[n % 10]}" if n % 10 else "")
    return _UNITS[n]


def written(n: int, rend: str | None) -> str:
    if rend == "words":
        return words(n)
    if rend == "Words":
        return words(n)[:1].upper() + words(n)[1:]
    if rend == "times":
        return _TIMES.get(n, f"{words(n)} times")
    return f"{n:,}"


_WORD_VALUES = {**{words(n): n for n in range(1000)}, "once": 1, "twice": 2, "none": 0, "no": 0}


def typed_value(text: str) -> int | None:
    """The number an editor typed ("1,035", "Fifteen", "twice", "three times"), or None."""
    t = " ".join(text.lower().replace(",", "").split()).removesuffix(" times")
    if t.isdigit():
        return int(t)
    return _WORD_VALUES.get(t)


def measure(name: str, texts: list[Text], bodies: dict[str, etree._Element]) -> int:
    """The value of one measure over some texts."""
    if name == _EDITION:
        return len(texts)
    total = 0
    for text in texts:
        if name == _WITNESS:
            total += len(text.witness.read_text(encoding="utf-8").split())
        elif name in _CHARACTERS:
            reading = "".join(s for s in witness_segments(bodies[text.id]) if isinstance(s, str))
            total += len(_CHARACTERS[name].findall(reading))
        else:
            total += int(bodies[text.id].xpath(MEASURES[name], namespaces=_NS))
    return total


def fill_counts(merged: Merged, errors: list[EditionError]) -> None:
    """Fill every empty count and check every typed one, in edition.xml and in each text's header."""
    texts = [mt.text for mt in merged.texts]
    bodies = {mt.id: mt.body for mt in merged.texts}
    by_id = {t.id: t for t in texts}
    meta_path = merged.edition.root / "edition" / "edition.xml"
    places = [(merged.meta, meta_path, texts), *((mt.tei, mt.text.path, [mt.text]) for mt in merged.texts)]
    for root, path, default in places:
        for num in root.iter(f"{T}num"):
            if num.get("type") == "count":
                _count(num, path, default, by_id, bodies, errors)
    for root, path, _ in places:
        for scope in root.xpath("tei:text/tei:front/tei:div[@type='principles'] | tei:teiHeader/tei:encodingDesc",
                                namespaces=_NS):
            _typed_numbers(scope, path, errors)


def _count(num, path: Path, default: list[Text], by_id: dict[str, Text], bodies, errors) -> None:
    name = num.get("subtype")
    if name not in KNOWN:
        errors.append(EditionError(path, num.sourceline, f"count of unknown measure “{name}”",
                                   f"use one of: {', '.join(KNOWN)} (docs/FORMATS.md)"))
        return
    wanted = (num.get("corresp") or "").split()
    unknown = [w for w in wanted if w.lstrip("#") not in by_id]
    if unknown:
        errors.append(EditionError(path, num.sourceline, f"count of {name}: no text “{unknown[0]}”",
                                   f"corresp names texts by id: {', '.join('#' + t for t in by_id)}"))
        return
    texts = [by_id[w.lstrip("#")] for w in wanted] or default
    value = measure(name, texts, bodies)
    typed = "".join(num.itertext()).strip()
    if not typed:
        num.text = written(value, num.get("rend"))
    elif typed_value(typed) != value:
        errors.append(EditionError(path, num.sourceline, f"the text says “{typed}” {name}, the encoding has {value}",
                                   f'leave the element empty (<num type="count" subtype="{name}"/>) to have it computed'))


# A number typed in prose: figures (not inside a word, a bracket, a range or an elided year:
# "SHA-256", "[187]", "1990–95", "’91"), or a number word that is not part of a compound.
_TYPED = re.compile(r"(?<![\w\[¶§–’'-])(?:\d[\d,]*\d|\d)(?![\w\]–-])|(?<![\w-])(?:" + "|".join(
    sorted((w for w in _WORD_VALUES if w not in ("zero", "no", "none")), key=len, reverse=True)) + r")(?![\w-])",
    re.IGNORECASE)
# "one" after these is a pronoun ("the one we used", "where there is one"), not a count.
_MONTH = re.compile(r"\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\b")
_PRONOUN_ONE = re.compile(r"\b(?:the|each|any|is|no)\s+$", re.IGNORECASE)
# Words inside these are quoted, titled or already marked, never counts of the editors.
_EXEMPT = {f"{T}{n}" for n in ("num", "q", "quote", "title", "foreign", "date", "ref")}


def _typed_numbers(scope: etree._Element, path: Path, errors: list[EditionError]) -> None:
    """Report numbers typed by hand in editorial prose that should say counts."""
    for el in scope.iter():
        if not isinstance(el.tag, str):
            continue
        inside = any(a.tag in _EXEMPT for a in (el, *el.iterancestors()))
        tail_free = el is not scope and not any(a.tag in _EXEMPT for a in el.iterancestors())
        for raw in ([] if inside else [el.text]) + ([el.tail] if tail_free else []):
            for m in _TYPED.finditer(raw or ""):
                before, after = raw[:m.start()], raw[m.end():]
                if re.fullmatch(r"1[89]\d\d|20\d\d", m.group(0)) or re.search(r"¶\s*$", before) or \
                        _MONTH.match(after) or m.group(0).lower() == "one" and _PRONOUN_ONE.search(before):
                    continue  # a year, a paragraph number, a day of the month, a pronoun
                errors.append(EditionError(path, el.sourceline, f"number “{m.group(0)}” typed by hand",
                                           'write it as <num type="count" subtype="…"/> to have it computed '
                                           '(or <num type="fixed">…</num> if it counts nothing in the texts)'))
