"""The EPUB 3 writer: one XHTML file per page of the book, navigation with a page list
that follows the PDF, accessibility metadata, subset fonts; byte-reproducible."""
from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from ebooklib import epub
from lxml import etree
from markupsafe import Markup, escape

from ..merge.document import Merged
from ..render.book import Page, authors, pages, source_date, subtitle, templates, title
from ..render.builder import EPUB_NS, E, Target, plain
from ..render.cover import cover_images
from ..render.links import mark_pages, point_links
from ..render.matter import edition_field, with_acronyms
from ..render.tei import State
from ..render.pagemap import PageMark
from ..sources.xmlio import write_atomic

FONTS = ("EBGaramond12-Regular.otf", "EBGaramond12-Italic.otf", "EBGaramond12-Bold.otf")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FEATURES = ("structuralNavigation", "tableOfContents", "readingOrder", "index", "displayTransformability")
PAGE_FEATURES = ("pageNavigation", "pageBreakMarkers")
SUMMARY = (
    "Text-only publication: the only image is the cover, which repeats the title and has a text "
    "alternative. Headings, a table of contents, landmarks, notes and a textual apparatus listed as "
    "endnotes after each text and linked both ways, a glossary and an index of persons linked to "
    "every occurrence{pages}. Language is marked on the book and on foreign words; acronyms carry "
    "their expansions; no colours or alignment are fixed, so the reading system's settings apply. "
    "This book conforms to EPUB Accessibility 1.1, WCAG 2.1 Level AA: it is checked at every release "
    "with EPUBCheck (no errors or warnings) and Ace by DAISY (no violations), and opened in "
    "foliate-js and converted by calibre.")
PAGE_SUMMARY = ", and a page list with page-break markers giving the pages of the PDF edition"


_AUTO_PREFIX = re.compile(r'\sxmlns:ns\d+="' + re.escape(EPUB_NS) + r'"|(?<=\s)ns\d+(?=:type=)')


def _xml(el: etree._Element) -> str:
    """Serialise a section; lxml names the epub namespace ns0, ns1…: the page shell declares
    it once as epub:, so use that prefix instead."""
    return _AUTO_PREFIX.sub(lambda m: "" if m.group(0).lstrip().startswith("xmlns") else "epub",
                            etree.tostring(el, encoding="unicode", method="xml"))


def _before_contents(docs: dict[str, list[etree._Element]], marks: list[PageMark], front: list[str]) -> int:
    """How many front-matter pages the PDF prints before its contents page (1, the title
    page, without a PDF layout)."""
    owner = {el.get("id"): name for name, roots in docs.items() for root in roots for el in root.iter() if el.get("id")}
    ids = [m.element_id for m in marks]
    if "contents" not in ids:
        return 1
    seen = {owner.get(i) for i in ids[:ids.index("contents")]}
    return max((k + 1 for k, name in enumerate(front) if name in seen), default=0)


def release_time(merged: Merged, contents: list[bytes]) -> datetime:
    """dcterms:modified: SOURCE_DATE_EPOCH if set; else the day of the latest revision in the
    sources, at a time of day taken from a hash of everything the book contains, so that a
    book whose text, notes, styles or code changed is a different release."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return source_date(merged)
    digest = hashlib.sha256(b"".join(hashlib.sha256(c).digest() for c in contents)).digest()
    day = source_date(merged).replace(hour=0, minute=0, second=0)
    return day + timedelta(seconds=int.from_bytes(digest[:8], "big") % 86400)


def _subset_fonts(text: str, styles: Path, cache: Path | None) -> list[tuple[str, bytes]]:
    """The fonts cut down to the characters the book uses; kept in `cache` by character set."""
    chars = "".join(sorted(set(text + "0123456789")))
    out = []
    for name in FONTS:
        source = (styles / "fonts" / name).read_bytes()
        key = hashlib.sha256(source + chars.encode()).hexdigest()[:32]
        cached = cache / f"{key}.otf" if cache else None
        if cached and cached.exists():
            out.append((name, cached.read_bytes()))
            continue
        from fontTools import (
            subset,  # slow to import: only when the cache has no subset
        )

        logging.getLogger("fontTools").setLevel(logging.ERROR)
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        font = subset.load_font(io.BytesIO(source), options)
        sub = subset.Subsetter(options)
        sub.populate(text=chars)
        sub.subset(font)
        buf = io.BytesIO()
        font.save(buf)
        out.append((name, buf.getvalue()))
        if cached:
            write_atomic(cached, buf.getvalue())
    return out


def write_epub(merged: Merged, marks: list[PageMark], cache: Path | None = None) -> bytes:
    """Build the EPUB and return its bytes (`cache`: a folder to keep font subsets and the cover in)."""
    env = templates(merged.edition.styles)
    target = Target("epub", lambda i: f"#{i}")
    book_pages: list[Page] = pages(merged, target)
    docs = {p.name: [p.section, *p.after] for p in book_pages}
    point_links(docs, ".xhtml")
    # The contents stand where the PDF prints its contents page, so that the spine and the
    # page list run in the same order.
    front = [p.name for p in book_pages if p.matter == "front"]
    before = _before_contents(docs, marks, front)
    spine_names = ["cover", *front[:before], "nav", *front[before:], *(p.name for p in book_pages if p.matter != "front")]
    page_list, contents_page = mark_pages(docs, marks, ".xhtml", spine_names)

    meta = merged.edition.metadata
    book_title, book_subtitle, names = title(merged), subtitle(merged), authors(merged)
    identifier = edition_field(merged, "//tei:idno")
    book = epub.EpubBook()
    book.set_identifier(identifier)
    book.set_title(f"{book_title}: {book_subtitle}")
    book.set_language(meta.language)
    for i, name in enumerate(names):
        book.add_author(name, role="aut", uid=f"creator{i}")
    book.add_metadata("DC", "contributor", edition_field(merged, "//tei:titleStmt/tei:editor"), {"id": "editor"})
    book.add_metadata(None, "meta", "edt", {"refines": "#editor", "property": "role", "scheme": "marc:relators"})
    publisher = edition_field(merged, "//tei:publicationStmt/tei:publisher")
    book.add_metadata("DC", "publisher", publisher)
    book.add_metadata("DC", "rights", edition_field(merged, "//tei:availability"))
    book.add_metadata("DC", "date", source_date(merged).strftime("%Y-%m-%d"))
    book.add_metadata("DC", "description", meta.description)
    for subject in meta.subjects:
        book.add_metadata("DC", "subject", subject)
    for mt in merged.texts:
        book.add_metadata("DC", "source", mt.text.header("tei:fileDesc/tei:publicationStmt/tei:ptr/@target"))
    _accessibility(book, publisher, bool(page_list))
    if page_list:  # the page list's source, declared only when the book has one
        book.add_metadata(None, "meta", f"PDF edition of this book ({meta.slug}.pdf), {identifier}",
                          {"property": "pageBreakSource"})

    svg, jpeg = cover_images(book_title, book_subtitle, names, merged.edition.styles / "fonts", cache)
    cover_alt = f"{book_title}: {book_subtitle}. {', '.join(names)}. A critical edition."
    # The raster cover is the cover-image (Kindle, library views); the cover page shows the SVG.
    cover_img = epub.EpubItem(uid="cover-image", file_name="images/cover.jpg", media_type="image/jpeg",
                              content=jpeg)
    cover_img.properties = ["cover-image"]
    book.add_item(cover_img)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})  # for EPUB 2 readers and calibre
    book.add_item(epub.EpubItem(uid="cover-svg", file_name="images/cover.svg", media_type="image/svg+xml",
                                content=svg.encode()))
    shell = env.get_template("epub-page.xhtml.j2")
    cover = _doc("cover", shell.render(lang=meta.language, title="Cover", body_type="cover", content=Markup(
        f'<section class="cover" aria-label="Cover"><img src="images/cover.svg" alt="{cover_alt}" class="cover-image"/></section>')))
    book.add_item(cover)
    spine = [cover]
    for p in book_pages:
        content = "\n".join(_xml(el) for el in [p.section, *p.after])
        body_type = {"front": "frontmatter", "body": "bodymatter", "back": "backmatter"}[p.matter]
        item = _doc(p.name, shell.render(lang=meta.language, title=p.title, body_type=body_type, content=Markup(content)))
        book.add_item(item)
        spine.append(item)

    # The NCX and the reading systems' own contents panels take labels as plain text; the nav,
    # a page of the book, marks their acronyms as the text does.
    entry = lambda href, label: {"href": href, "label": label, "marked": _marked_label(merged, label, target)}  # noqa: E731
    toc = [{**entry(f"{p.name}.xhtml", f"{p.author}, {p.title}" if p.author else p.title),
            "children": [entry(f"{p.name}.xhtml#{cid}", label) for cid, label in p.children]
            + [entry(f"{p.name}.xhtml#{el.get('id')}", plain(el.find("h2"))) for el in p.after]}
           for p in book_pages]
    landmarks = [{"type": "cover", **entry("cover.xhtml", "Cover")}, {"type": "toc", **entry("nav.xhtml", "Contents")}]
    landmarks += [{"type": p.landmark, **entry(f"{p.name}.xhtml", p.title)} for p in book_pages if p.landmark]
    nav = epub.EpubItem(uid="nav", file_name="nav.xhtml", media_type="application/xhtml+xml",
                        content=env.get_template("epub-nav.xhtml.j2").render(lang=meta.language, toc=toc, landmarks=landmarks, pages=page_list, contents_page=contents_page,
                               pages_title=_marked_label(merged, "Pages of the PDF edition", target)).encode())
    nav.properties = ["nav"]
    book.add_item(nav)
    spine.insert(spine_names.index("nav"), nav)
    arabic = [int(p["label"]) for p in page_list if p["label"].isdigit()]
    book.add_item(epub.EpubItem(uid="ncx", file_name="toc.ncx", media_type="application/x-dtbncx+xml",
                                content=env.get_template("epub-ncx.xml.j2").render(
                                    lang=meta.language, uid=identifier, title=f"{book_title}: {book_subtitle}",
                                    authors=names, toc=toc, depth=2 if any(t["children"] for t in toc) else 1,
                                    pages=page_list, max_page=max(arabic, default=0)).encode()))

    css = (merged.edition.styles / "epub.css").read_bytes()
    book.add_item(epub.EpubItem(uid="css", file_name="css/epub.css", media_type="text/css", content=css))
    all_text = "".join(t for roots in docs.values() for root in roots for t in root.itertext())
    for name, data in _subset_fonts(all_text + book_title + book_subtitle, merged.edition.styles, cache):
        book.add_item(epub.EpubItem(uid=name.split(".")[0], file_name=f"fonts/{name}", media_type="font/otf", content=data))
    book.add_item(epub.EpubItem(uid="ofl", file_name="fonts/OFL.txt", media_type="text/plain",
                                content=(merged.edition.styles / "fonts" / "OFL.txt").read_bytes()))
    book.spine = spine
    modified = release_time(merged, [item.get_content() for item in book.get_items()])
    buf = io.BytesIO()
    epub.write_epub(buf, book, {"mtime": modified, "epub3_pages": False, "epub3_landmark": False,
                                "play_order": {"enabled": False}})
    return _reproducible(buf.getvalue(), meta.language)


def _marked_label(merged: Merged, label: str, target: Target) -> Markup:
    """A navigation label as XHTML, its acronyms marked and its text left as it is (the NCX
    gives the same label as plain text)."""
    el = with_acronyms(E("span"), label, merged, State(target))
    return Markup(str(escape(el.text or "")) + "".join(_xml(child) for child in el))


def _accessibility(book: epub.EpubBook, certifier: str, paged: bool) -> None:
    """schema.org accessibility metadata and the conformance claim; page navigation only
    when the book has a page list."""
    meta = [("schema:accessMode", "textual"), ("schema:accessModeSufficient", "textual"),
            *[("schema:accessibilityFeature", f) for f in FEATURES + (PAGE_FEATURES if paged else ())],
            ("schema:accessibilityHazard", "none"),
            ("schema:accessibilitySummary", SUMMARY.format(pages=PAGE_SUMMARY if paged else "")),
            ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
            ("a11y:certifiedBy", certifier)]
    for prop, value in meta:
        book.add_metadata(None, "meta", value, {"property": prop})


def _doc(name: str, content: str) -> epub.EpubItem:
    return epub.EpubItem(uid=name, file_name=f"{name}.xhtml", media_type="application/xhtml+xml", content=content.encode())


def _reproducible(data: bytes, language: str) -> bytes:
    """Rewrite the zip with fixed timestamps and attributes, mimetype first and stored."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            new = zipfile.ZipInfo(info.filename, ZIP_TIME)
            new.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            new.external_attr = 0o644 << 16
            new.create_system = 3
            data = src.read(info.filename)
            if info.filename.endswith("content.opf"):
                # ebooklib cannot set the package's language, which accessibility checkers require.
                data = data.replace(b"<package ", f'<package xml:lang="{language}" '.encode(), 1)
            dst.writestr(new, data)
    return out.getvalue()
