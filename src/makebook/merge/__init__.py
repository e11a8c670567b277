"""Merge notes, glossary terms, persons and acronyms into each text's TEI tree.

This is the single intermediate form (as pandoc's AST): after `merge`, writers read only
the merged trees and the entry index, never the source files.
"""
from __future__ import annotations

import copy
from collections import defaultdict

from ..errors import EditionError, ErrorList, doing
from ..model import Edition, Note
from ..textview import T
from .acronyms import Acronyms, disagreements
from .anchoring import blocks
from .counts import fill_counts
from .document import Merged, MergedText
from .entries import Forms, mark_entries
from .notes import place_notes
from .numbering import label_interventions, number_paragraphs

_NS = {"tei": T[1:-1]}

def merge(ed: Edition) -> Merged:
    """Return the merged document, or raise ErrorList with every placement problem."""
    errors: list[EditionError] = disagreements(ed.acronyms, ed.glossary)
    merged = Merged(ed, [MergedText(t, copy.deepcopy(t.tree)) for t in ed.texts], copy.deepcopy(ed.meta),
                    Acronyms(ed.acronyms))
    merged.acronyms.mark(merged.meta.xpath("tei:text//tei:p | tei:text//tei:item", namespaces=_NS))
    notes_by_text: dict[str, list[Note]] = defaultdict(list)
    for note in ed.notes:
        notes_by_text[note.text_id].append(note)
    matched_forms: set[int] = set()
    titled_forms: set[int] = set()  # forms found only inside titles of works, which do not count
    forms = Forms.of(ed.entries)
    for mt in merged.texts:
        with doing(f"{mt.text.path.name} and its notes"):  # named by an internal error, should one occur
            number_paragraphs(mt)
            place_notes(mt, notes_by_text[mt.id], errors)
            mark_entries(mt, forms, merged, matched_forms, titled_forms, errors)
            merged.acronyms.mark([*blocks(mt.body), *mt.tei.iterfind(f".//{T}note/{T}p"),
                                  *mt.tei.iterfind(f"{T}text/{T}front//{T}p")])
            label_interventions(mt)
    fill_counts(merged, errors)
    order = {mt.id: i for i, mt in enumerate(merged.texts)}
    for occs in merged.occurrences.values():
        occs.sort(key=lambda o: (order[o.text_id], int(o.id.rsplit("-", 1)[1][1:])))
    for entry in ed.entries:
        if not merged.occurrences.get(entry.id):
            errors.append(EditionError(entry.path, entry.line, f"entry “{entry.id}” occurs in no text",
                                       "add the form the texts use, or remove the entry; headnotes, headings "
                                       "and bylines are not indexed"))
        for form in entry.forms:
            if id(form) not in matched_forms and id(form) in titled_forms:
                errors.append(EditionError(entry.path, form.line, f"form “{form.text}” of “{entry.id}” occurs only inside titles of works",
                                           'add in-titles="yes" to the entry if those count, or remove the form'))
            elif id(form) not in matched_forms:
                errors.append(EditionError(entry.path, form.line, f"form “{form.text}” of “{entry.id}” matches nothing in the texts",
                                           "correct the form to the spelling the text uses, or remove it"))
    if errors:
        raise ErrorList(errors)
    return merged
