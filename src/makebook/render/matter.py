"""Front and back matter as XHTML sections: introduction, principles, glossary, index of
persons, sources, colophon. Built from the edition header and the merged document."""
from __future__ import annotations

import copy
from itertools import groupby

from lxml import etree

from ..merge.acronyms import Acronyms
from ..merge.document import Merged
from ..merge.notes import to_tei
from ..merge.numbering import letters
from ..sources.xmlio import XML_NS
from ..textview import T
from .builder import E, Target, append_text, epub_type, page_ref, plain
from .pagemap import PRINTED
from .typography import refine, soft_hard_signs
from .tei import HANDLERS, State, render_children
from .text import linkify

XML_ID = f"{{{XML_NS}}}id"
ROLES = {"introduction": "doc-introduction", "principles": "doc-preface", "chronology": "doc-appendix"}


def edition_field(merged: Merged, xpath: str) -> str:
    return " ".join(merged.meta.xpath(f"string({xpath})", namespaces={"tei": T[1:-1]}).split())


def front_divs(merged: Merged, target: Target, where: str) -> list[etree._Element]:
    """The edition's own divs (introduction, principles, chronology) as sections."""
    st = State(target)
    out = []
    for div in merged.meta.iterfind(f"{T}text/{T}{where}/{T}div"):
        kind = div.get("type")
        sec = E("section", {"id": div.get(XML_ID), "class": f"matter {kind}", "role": ROLES.get(kind),
                            **epub_type(ROLES.get(kind, "doc-appendix")[4:])})
        h = E("h1", {"data-title": plain(div.find(f"{T}head"))})
        render_children(div.find(f"{T}head"), h, st)
        sec.append(h)
        for child in div:
            if child.tag == f"{T}head":
                continue
            if child.tag == f"{T}div":
                sub = E("section")
                h2 = E("h2")
                render_children(child.find(f"{T}head"), h2, st)
                sub.append(h2)
                for c in child:
                    if c.tag != f"{T}head":
                        _matter_block(c, sub, st)
                sec.append(sub)
            else:
                _matter_block(child, sec, st)
        out.append(sec)
    return out


def _matter_block(el, out, st):
    if el.tag == f"{T}list":
        dl = E("dl", {"class": "chronology-list"})
        for item in el:
            label = item.find(f"{T}label")
            dt = E("dt")
            if label is not None:
                render_children(label, dt, st)
            dd = E("dd")
            append_text(dd, label.tail if label is not None else item.text)
            for c in (label.itersiblings() if label is not None else item):
                HANDLERS[c.tag[len(T):]](c, dd, st)
                append_text(dd, c.tail)
            dl.append(dt)
            dl.append(dd)
        out.append(dl)
    else:
        p = E("p")
        render_children(el, p, st)
        out.append(p)


def _marked(el: etree._Element, acronyms: Acronyms) -> etree._Element:
    """A notes-format element in TEI, with its acronyms marked."""
    tei = to_tei(el)
    acronyms.mark([tei])
    return tei


def short_titles(merged: Merged) -> dict[str, str]:
    """Author and year for each text, with a, b… where an author has two texts of one year."""
    base = {mt.id: f"{mt.text.author.split()[-1]} {mt.text.date[:4]}" for mt in merged.texts}
    out = {}
    for text_id, label in base.items():
        same = [t for t, other in base.items() if other == label]
        out[text_id] = label + (letters(same.index(text_id) + 1) if len(same) > 1 else "")
    return out


def _occurrence_links(merged: Merged, entry_id: str, target: Target) -> etree._Element:
    """Back-links to every occurrence: text short title, then ¶ numbers (EPUB) or pages (PDF)."""
    span = E("span", {"class": "occurrences"})
    titles = short_titles(merged)
    first = True
    for text_id, occs in groupby(merged.occurrences.get(entry_id, []), key=lambda o: o.text_id):
        if not first:
            append_text(span, "; ")
        first = False
        append_text(span, f"{titles[text_id]}: ")
        # One reference per page once the PDF is laid out; per paragraph in the EPUB.
        paged = target.page_of is not None
        groups: dict[str, list[str]] = {}
        for occ in occs:
            groups.setdefault(target.page_of.folio(occ.id) if paged else occ.locator, []).append(occ.id)
        if paged:
            for i, run in enumerate(_page_runs(groups)):
                if i:
                    append_text(span, ", ")
                _page_range(span, run, target)
        else:
            _join(span, [E("a", {"href": target.link(ids[0]), "class": "occ"}, text=refine(key)) for key, ids in groups.items()])
    return span


def _page_runs(groups: dict[str, list[str]]) -> list[list[tuple[str, list[str]]]]:
    """The pages (folio, ids), in order, gathered in runs of consecutive arabic folios."""
    runs: list[list[tuple[str, list[str]]]] = []
    for folio, ids in groups.items():
        if runs and folio.isdigit() and runs[-1][-1][0].isdigit() and int(folio) == int(runs[-1][-1][0]) + 1:
            runs[-1].append((folio, ids))
        else:
            runs.append([(folio, ids)])
    return runs


def _page_range(parent: etree._Element, run: list[tuple[str, list[str]]], target: Target) -> None:
    """A page, or a range of pages "13–16" (CMOS 14.14): the first and the last page are links
    to their first occurrence; the pages between print nothing but still say which folios
    they stand for, so that the layout checks them too (render/pagemap.py)."""
    first, *middle, last = run if len(run) > 1 else run * 2
    parent.append(E("a", {"href": target.link(first[1][0]), "class": "occ-page", PRINTED: " ".join(first[1])}, text=first[0]))
    if len(run) == 1:
        return
    for folio, ids in middle:
        parent.append(E("span", {"data-page": folio, PRINTED: " ".join(ids)}))
    append_text(parent, "\u2060\u2013\u2060")  # a range is not broken at its dash
    parent.append(E("a", {"href": target.link(last[1][0]), "class": "occ-page", PRINTED: " ".join(last[1])}, text=last[0]))



def _join(parent: etree._Element, items: list[etree._Element], sep: str = ", ") -> None:
    for i, item in enumerate(items):
        if i:
            append_text(parent, sep)
        parent.append(item)


def with_acronyms(el: etree._Element, text: str, merged: Merged, st: State, typeset: bool = False) -> etree._Element:
    """`el` holding plain `text` (a headword, a label, a citation), its acronyms marked; the text
    as it is, or (`typeset`) with the book's typography, as running text has it."""
    tei = merged.acronyms.marked(text)
    if typeset:
        render_children(tei, el, st)
        return el
    el.text = tei.text
    for abbr in tei:
        tail, abbr.tail = abbr.tail, None
        HANDLERS["abbr"](abbr, el, st)
        el[-1].tail = tail
    return el


def _matter_section(section_id: str, title: str, role: str) -> etree._Element:
    """A back-matter section with its heading; `role` is the DPUB-ARIA role (doc-…)."""
    return E("section", {"id": section_id, "class": f"matter {section_id}", "role": role, **epub_type(role[4:])},
             E("h1", {"data-title": title}, text=title))


def glossary_section(merged: Merged, target: Target) -> etree._Element:
    st = State(target)
    sec = _matter_section("glossary", "Glossary", "doc-glossary")
    where = "page" if target.name == "pdf" else "paragraph"
    sec.append(E("p", {"class": "matter-key"}, text="Terms are linked from their first occurrence in each text; "
                 f"each entry lists every {where} where the term occurs, text by text (short titles as in the Sources)."))
    dl = E("dl")
    for entry in sorted(merged.edition.glossary, key=lambda e: e.sort):
        el = entry.element
        dt = E("dt", {"id": entry.id}, with_acronyms(E("dfn", epub_type("glossterm")), entry.label, merged, st))
        orig = el.find("orig")
        if orig is not None and orig.text.strip() != entry.label:
            lang = orig.get(f"{{{XML_NS}}}lang")
            append_text(dt, " ")
            dt.append(with_acronyms(E("span", {"class": "orig", "lang": lang, f"{{{XML_NS}}}lang": lang}),
                                     orig.text, merged, st))
            translit = el.findtext("translit")
            if translit and translit != entry.label:
                append_text(dt, " ")
                latn = f"{lang}-Latn"
                dt.append(with_acronyms(E("i", {"class": "translit", "lang": latn, f"{{{XML_NS}}}lang": latn}),
                                         translit, merged, st))
                soft_hard_signs(dt[-1])
        dd = E("dd", {"id": f"{entry.id}-def", **epub_type("glossdef")})
        for p in el.find("def"):
            para = E("p")
            render_children(_marked(p, merged.acronyms), para, st)
            dd.append(para)
        if entry.see:
            see = E("p", {"class": "see"}, text="See also ")
            labels = {e.id: e.label for e in merged.edition.glossary}
            links = [with_acronyms(E("a", {"href": target.link(ref)}), labels[ref], merged, st, typeset=True)
                     for ref in entry.see]
            for ref, link in zip(entry.see, links):
                page_ref(link, ref, target)
            _join(see, links)
            append_text(see, ".")
            dd.append(see)
        occ = E("p", {"class": "occ-list"})
        occ.append(_occurrence_links(merged, entry.id, target))
        dd.append(occ)
        # The term and its definition as one group, which term links point to: a reading system
        # that shows the target of a glossref as a pop-up (foliate-js) then shows both.
        dl.append(E("div", {"id": f"{entry.id}-entry", "class": "entry"}, dt, dd))
    sec.append(dl)
    return sec


def persons_section(merged: Merged, target: Target) -> etree._Element:
    st = State(target)
    sec = _matter_section("persons", "Index of persons", "doc-index")
    ul = E("ul", {"class": "index-list"})
    for entry in sorted(merged.edition.persons, key=lambda e: e.sort):
        el = entry.element
        li = E("li", {"id": entry.id})
        li.append(E("b", {"class": "index-name"}, text=el.findtext("sort").strip()))
        append_text(li, f" ({el.findtext('dates').strip()}). ")
        desc = E("span", {"class": "index-desc"})
        render_children(_marked(el.find("desc"), merged.acronyms), desc, st)
        li.append(desc)
        append_text(li, " ")
        li.append(_occurrence_links(merged, entry.id, target))
        ul.append(li)
    sec.append(ul)
    return sec


def sources_section(merged: Merged, target: Target) -> etree._Element:
    sec = _matter_section("sources", "Sources", "doc-bibliography")
    titles = short_titles(merged)
    sec.append(E("p", {"class": "matter-key"}, text="Each text is cited in the glossary and the index by the short title given here in bold."))
    ul = E("ul", {"class": "sources-list"})
    for mt in merged.texts:
        t = mt.text
        li = E("li", None, E("b", {"class": "siglum"}, text=titles[mt.id]))
        append_text(li, ": ")
        bibl = copy.deepcopy(t.tree.find(f"{T}teiHeader//{T}sourceDesc/{T}bibl"))
        merged.acronyms.mark([bibl])
        render_children(bibl, li, State(target))
        url = t.header("tei:fileDesc/tei:publicationStmt/tei:ptr/@target")
        if url not in plain(bibl):
            append_text(li, " Captured from ")
            li.append(E("a", {"href": url, "class": "url"}, text=url))
            append_text(li, ".")
        wit = t.tree.find(f"{T}teiHeader//{T}witness")
        with_acronyms(li, f" Witness: {wit.get('file')}, SHA-256 ", merged, State(target), typeset=True)
        li.append(E("span", {"class": "hash"}, text=wit.get("sha256")))
        append_text(li, ".")
        ul.append(li)
    sec.append(ul)
    linkify(sec)
    return sec


