"""The parts of the PDF, each laid out and written by WeasyPrint, put together as one book.

The first part gives the catalogue: PDF/UA identification and XMP metadata, /Lang, the
document information, the structure tree's root. Every other part's pages, structure
elements, bookmarks and named destinations are copied in, with their structure keys
renumbered after those before them. A link to another part is written by WeasyPrint as a
URI (`CROSS` + id, see pdf.cross_part_links) and becomes a link to the named destination
here. The parts' fonts become one per face (pdf_fonts.py). qpdf writes the result with a content-derived /ID, so the same parts give the same bytes.
"""
from __future__ import annotations

import warnings
from io import BytesIO

from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .pdf_fonts import share_subsets

CROSS = "makebook-part:"


def merge(parts: list[bytes], labels: list[tuple[int, str]], faces: list[Path]) -> bytes:
    """One PDF from the parts' PDFs, in order. `labels`: (first page index, style) of each
    run of page labels, style "r" (lower roman) or "D" (arabic), numbered from 1; `faces`:
    the vendored font files the parts' fonts are subsets of."""
    out = pikepdf.open(BytesIO(parts[0]))
    root = out.Root.StructTreeRoot
    document = root.K[0]
    nums = root.ParentTree.Nums
    next_key = max(int(k) for k in nums[::2]) + 1
    dests = _dests(out.Root)
    outline = list(_outline_items(out.Root))
    count = int(out.Root.Outlines.Count) if "/Outlines" in out.Root else 0
    for data in parts[1:]:
        src = pikepdf.open(BytesIO(data))
        next_key = _renumber(src, next_key)
        src_root = src.Root.StructTreeRoot
        kids = list(src_root.K[0].K)
        src_nums = list(src_root.ParentTree.Nums)
        src_dests = _dests(src.Root)
        src_outline = list(_outline_items(src.Root))
        count += int(src.Root.Outlines.Count) if "/Outlines" in src.Root else 0
        with warnings.catch_warnings():  # named destinations are merged below
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            out.pages.extend(src.pages)
        holder = src.make_indirect(Array([Array(kids), Array(src_nums[1::2]), Array(list(src_dests.values())),
                                          Array(src_outline)]))
        copied = out.copy_foreign(holder)
        for kid in copied[0]:
            kid.P = document
            document.K.append(kid)
        for key, value in zip(src_nums[::2], copied[1]):
            nums.append(key)
            nums.append(value)
        for name, dest in zip(src_dests, copied[2]):
            dests.setdefault(name, dest)
        outline.extend(copied[3])
    _link_outline(out, outline, count)
    _link_across(out)
    share_subsets(out, faces)
    out.Root.Names.Dests = Dictionary(Names=Array([x for name in sorted(dests) for x in (String(name), dests[name])]))
    out.Root.PageMode = Name.UseOutlines  # the outline shown when the PDF is opened
    out.Root.PageLabels = Dictionary(Nums=Array([x for start, style in labels
                                                 for x in (start, Dictionary(S=Name("/" + style)))]))
    buf = BytesIO()
    out.save(buf, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             compress_streams=True)
    return buf.getvalue()


def _renumber(src: pikepdf.Pdf, offset: int) -> int:
    """Shift the part's structure keys (pages, annotations, parent tree) by `offset`; return
    the next free key."""
    nums = src.Root.StructTreeRoot.ParentTree.Nums
    for i in range(0, len(nums), 2):
        nums[i] = int(nums[i]) + offset
    for page in src.pages:
        page.obj.StructParents = int(page.obj.StructParents) + offset
        for annot in page.obj.get("/Annots", []):
            if "/StructParent" in annot:
                annot.StructParent = int(annot.StructParent) + offset
    return max(int(k) for k in nums[::2]) + 1


def _dests(catalog) -> dict[str, pikepdf.Object]:
    names = catalog.Names.Dests.Names if "/Names" in catalog and "/Dests" in catalog.Names else []
    return {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}


def _outline_items(catalog):
    """The top-level bookmarks of a part, in order."""
    if "/Outlines" not in catalog or "/First" not in catalog.Outlines:
        return
    item = catalog.Outlines.First
    while True:
        yield item
        if "/Next" not in item:
            return
        item = item.Next


def _link_outline(out: pikepdf.Pdf, items: list, count: int) -> None:
    """Chain every part's top-level bookmarks under one outline root."""
    if not items:
        return
    if "/Outlines" not in out.Root:
        out.Root.Outlines = out.make_indirect(Dictionary(Type=Name.Outlines))
    top = out.Root.Outlines
    for prev, item in zip([None, *items], items):
        item.Parent = top
        if prev is None:
            if "/Prev" in item:
                del item.Prev
        else:
            item.Prev, prev.Next = prev, item
    if "/Next" in items[-1]:
        del items[-1].Next
    top.First, top.Last, top.Count = items[0], items[-1], count


def _link_across(out: pikepdf.Pdf) -> None:
    """Links written as CROSS URIs become links to the named destination."""
    for page in out.pages:
        for annot in page.obj.get("/Annots", []):
            action = annot.get("/A")
            if action is None or action.get("/S") != Name.URI:
                continue
            uri = str(action.URI)
            if uri.startswith(CROSS):
                del annot.A
                annot.Dest = String(uri[len(CROSS):])
                annot.Contents = String(uri[len(CROSS):])
