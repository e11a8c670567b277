"""What the EPUB promises readers and reading systems, checked in the built book: locators
that point to numbered paragraphs, page markers outside headings, a page list in spine order,
an NCX as rich as the nav, notes no reader hides, glossary semantics, theme-safe CSS, the
raster cover, and metadata that tells the truth (release date, page navigation)."""
from __future__ import annotations

import copy
import io
import re
import zipfile

import pytest
from lxml import etree

from helpers import ROOT, copy_mini, run_cli
from makebook.sources.load import load
from test_pipeline import built  # noqa: F401  (the session build)

EPUB = "implosion-of-the-ussr.epub"
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "ncx": "http://www.daisy.org/z3986/2005/ncx/"}
LOCATOR = re.compile(r"^(?:(?P<part>standfirst|caption|box|heading|opening)\b)? ?(?P<rel>after|before)? ?(?:¶\u00a0(?P<n>\d+))?$")


@pytest.fixture(scope="module")
def files(built):  # noqa: F811
    with zipfile.ZipFile(built / EPUB) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture(scope="module")
def docs(files):
    return {n: etree.fromstring(b) for n, b in files.items() if n.endswith(".xhtml")}


def _opf(files) -> etree._Element:
    return etree.fromstring(files["EPUB/content.opf"])


def _spine(files) -> list[str]:
    opf = _opf(files)
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
    return [f"EPUB/{hrefs[r.get('idref')]}" for r in opf.iterfind(".//opf:spine/opf:itemref", NS)]


def _para_of(el: etree._Element) -> tuple[str | None, str | None]:
    """The ¶ number of the paragraph holding `el`, and of the last numbered one before it."""
    inside = el.xpath("ancestor-or-self::x:p[x:a[@class='pnum']]/x:a[@class='pnum']/text()", namespaces=NS)
    before = el.xpath("preceding::x:a[@class='pnum'][1]/text()", namespaces=NS)
    return (inside[0] if inside else None), (before[0] if before else None)


def _check_locator(label: str, target: etree._Element) -> str | None:
    """None if `label` says truly where `target` stands, else what is wrong."""
    m = LOCATOR.match(label)
    if not m or not (m["part"] or m["n"]):
        return f"unknown locator {label!r}"
    inside, before = _para_of(target)
    if m["part"] is None and m["rel"] is None:
        return None if inside == m["n"] else f"{label!r} for an element in ¶ {inside}"
    if m["part"] == "standfirst":
        return None if target.xpath("ancestor-or-self::x:div[@class='standfirst']", namespaces=NS) else f"{label!r} outside the standfirst"
    if inside is not None:
        return f"{label!r} for an element in ¶ {inside}"
    if m["rel"] == "after":
        return None if before == m["n"] else f"{label!r} for an element after ¶ {before}"
    return None if before is None and m["n"] == "1" else f"{label!r} for an element after ¶ {before}"


def test_every_locator_points_to_a_numbered_paragraph(docs):
    ids = {el.get("id"): el for doc in docs.values() for el in doc.iter() if el.get("id")}
    checked, wrong = 0, []
    for name in ("EPUB/glossary.xhtml", "EPUB/persons.xhtml"):
        for a in docs[name].xpath("//x:a[@class='occ']", namespaces=NS):
            target = ids[a.get("href").split("#")[1]]
            checked += 1
            if (problem := _check_locator(a.text, target)) is not None:
                wrong.append(f"{name}: {problem}")
    for name, doc in docs.items():
        for li in doc.xpath("//x:ol[@class='app-list']/x:li", namespaces=NS):
            back = li.xpath("x:a[@role='doc-backlink']", namespaces=NS)[0]
            label = back.tail.split(":")[0].strip()
            checked += 1
            if (problem := _check_locator(label, ids[back.get("href")[1:]])) is not None:
                wrong.append(f"{name} {li.get('id')}: {problem}")
    assert checked > 500 and not wrong, wrong[:10]
    assert not any("¶\u00a00" in "".join(d.itertext()) or "¶ 0" in "".join(d.itertext()) for d in docs.values())


def test_the_locator_check_fails_on_a_false_locator(docs):
    para = docs["EPUB/text-doyle-2009.xhtml"].xpath("//x:p[x:a[@class='pnum']='3']", namespaces=NS)[0]
    assert _check_locator("¶\u00a03", para) is None
    assert _check_locator("¶\u00a00", para) is not None and _check_locator("standfirst", para) is not None
    assert _check_locator("caption after ¶\u00a02", para) is not None


def test_page_markers_stand_outside_headings_and_the_page_list_runs_in_spine_order(files, docs):
    inside = [(n, el.get("id")) for n, d in docs.items()
              for el in d.xpath("//x:*[@epub:type='pagebreak'][ancestor::x:h1 or ancestor::x:h2 or ancestor::x:h3 "
                                "or ancestor::x:h4 or ancestor::x:h5 or ancestor::x:h6]", namespaces=NS)]
    assert inside == []
    spine = _spine(files)
    position = {}
    for i, name in enumerate(spine):
        for j, el in enumerate(docs[name].xpath("//x:*[@epub:type='pagebreak']", namespaces=NS)):
            position[f"{name}#{el.get('id')}"] = (i, j)
    hrefs = [f"EPUB/{a.get('href')}" for a in docs["EPUB/nav.xhtml"].xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS)]
    assert len(hrefs) > 50 and all(h in position for h in hrefs)
    assert [position[h] for h in hrefs] == sorted(position[h] for h in hrefs)
    labels = [h.rsplit("page-", 1)[1] for h in hrefs]
    arabic = [int(x) for x in labels if x.isdigit()]
    assert arabic == sorted(arabic) and labels.index(str(arabic[0])) == len(labels) - len(arabic)


def test_the_ncx_is_nested_labelled_and_has_the_page_list(files, docs):
    ncx = etree.fromstring(files["EPUB/toc.ncx"])
    nav = docs["EPUB/nav.xhtml"]
    toc = nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li", namespaces=NS)
    points = ncx.xpath("/ncx:ncx/ncx:navMap/ncx:navPoint", namespaces=NS)
    assert [p.findtext("ncx:navLabel/ncx:text", namespaces=NS) for p in points] == \
           [" ".join("".join(li.find("x:a", NS).itertext()).split()) for li in toc]
    assert sum(len(p.xpath("ncx:navPoint", namespaces=NS)) for p in points) == \
           sum(len(li.xpath("x:ol/x:li", namespaces=NS)) for li in toc) > 20
    page_list = [a.get("href") for a in nav.xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS)]
    targets = ncx.xpath("//ncx:pageList/ncx:pageTarget/ncx:content/@src", namespaces=NS)
    assert targets == page_list and len(targets) > 50
    assert ncx.xpath("string(//ncx:meta[@name='dtb:uid']/@content)", namespaces=NS) == \
           _opf(files).findtext(".//{http://purl.org/dc/elements/1.1/}identifier")


def test_each_text_has_its_notes_and_apparatus_in_the_navigation(docs):
    nav = docs["EPUB/nav.xhtml"]
    for name, doc in docs.items():
        for section in doc.xpath("//x:section[@epub:type='endnotes']", namespaces=NS):
            href = f"{name.split('/')[1]}#{section.get('id')}"
            assert nav.xpath(f"//x:nav[@epub:type='toc']//x:a[@href='{href}']", namespaces=NS), href
        assert not doc.xpath("//x:aside[@epub:type='footnote' or @epub:type='endnote']", namespaces=NS), name


def test_note_calls_stand_after_the_punctuation(docs):
    calls = [a for d in docs.values() for a in d.xpath("//x:a[@class='noteref']", namespaces=NS)]
    before = [(a.get("id"), a.tail[:3]) for a in calls if a.tail and re.match(r"[.,;:!?)\]”]|’(?!\w)", a.tail)]
    assert len(calls) > 100 and before == []


def test_glossary_terms_definitions_and_links_carry_their_semantics(docs):
    glossary = docs["EPUB/glossary.xhtml"]
    dts = glossary.xpath("//x:dl/x:div/x:dt", namespaces=NS)
    assert dts and all(dt.xpath("x:dfn[@epub:type='glossterm']", namespaces=NS) for dt in dts)
    assert all(dd.get("{http://www.idpf.org/2007/ops}type") == "glossdef" for dd in glossary.xpath("//x:dl/x:div/x:dd", namespaces=NS))
    assert len(glossary.xpath("//x:dl/*", namespaces=NS)) == len(dts)  # each term and its definition a group
    links = [a for d in docs.values() for a in d.xpath("//x:a[@class='gloss']", namespaces=NS)]
    assert len(links) > 50
    for a in links:
        assert a.get("{http://www.idpf.org/2007/ops}type") == "glossref" and a.get("role") == "doc-glossref"
        group = glossary.xpath(f"//x:dl/x:div[@id='{a.get('href').split('#')[1]}']", namespaces=NS)
        assert group and [c.tag.split("}")[1] for c in group[0]] == ["dt", "dd"], a.get("href")


def _capital_words(text: str) -> set[str]:
    """Words of two or more capitals, with no more lower-case letters than capitals (KPSS, STKs,
    TsK, U.S.S.R., LIT-CI), in any script."""
    words = re.findall(r"\w+(?:[.\-]\w+)*\.?", text)
    return {w for w in words if sum(c.isupper() for c in w) >= max(2, sum(c.islower() for c in w))}


def _listed_acronyms() -> dict[str, str]:
    """Every acronym the edition's data lists: notes/acronyms.xml, and every word of capitals in the
    glossary's and the index's headwords, forms, originals and transliterations (each must then be
    in acronyms.xml, or it cannot be marked). Value: where the data lists it."""
    ed = load(ROOT)
    listed = {a.abbr: f"{a.path.name}:{a.line}" for a in ed.acronyms}
    for entry in ed.entries:
        el = entry.element
        for text in (entry.label, *(f.text for f in entry.forms), el.findtext("orig"), el.findtext("translit")):
            for word in _capital_words(text or ""):
                listed.setdefault(word, f"{entry.path.name}:{entry.line}")
    return listed


INLINE = {"a", "span", "i", "em", "b", "strong", "q", "dfn", "cite", "sup", "sub", "small"}


def _unmarked(doc: etree._Element, acronyms: dict[str, str]) -> list[str]:
    """The listed acronyms that stand in the reading text of `doc` outside an <abbr>."""
    parts: list[str] = []

    def walk(el):
        tag = el.tag.split("}")[1]
        if tag == "abbr":
            parts.append("\0")  # a marked acronym: a boundary, not text
            return
        block = tag not in INLINE
        parts.append("\0" * block + (el.text or ""))
        for child in el:
            if isinstance(child.tag, str):
                walk(child)
            parts.append(child.tail or "")
        parts.append("\0" * block)

    walk(doc.find("x:body", NS))
    text = "".join(parts)
    pattern = re.compile(r"(?<![\w'’])(" + "|".join(map(re.escape, sorted(acronyms, key=len, reverse=True))) + r")(?![\w])")
    return [f"{m.group(1)} ({acronyms[m.group(1)]}): …{text[max(0, m.start() - 40):m.end() + 20]}…".replace("\0", " ")
            for m in pattern.finditer(text)]


def test_every_acronym_the_data_lists_is_marked_in_the_reading_text(docs):
    """The reading text is the body of every content document, the nav (a page of the book)
    included. The NCX and each document's <title> are plain text, which can hold no markup."""
    listed = _listed_acronyms()
    assert {"KPSS", "ГКЧП", "STKs"} <= set(listed)  # the capitals of the glossary's originals count too
    found = [f"{name}: {u}" for name, doc in docs.items() for u in _unmarked(doc, listed)]
    assert not found, "\n".join(found)
    marked = [a for doc in docs.values() for a in doc.iter(f"{{{NS['x']}}}abbr")]
    assert all(a.get("title") for a in marked) and {a.xpath("string()") for a in marked} <= set(listed)


def test_the_acronym_check_fails_on_an_unmarked_acronym(docs):
    glossary = copy.deepcopy(docs["EPUB/glossary.xhtml"])
    abbr = glossary.xpath("//x:dfn/x:abbr", namespaces=NS)[0]
    abbr.getparent().text = (abbr.getparent().text or "") + abbr.xpath("string()") + (abbr.tail or "")
    abbr.getparent().remove(abbr)
    assert len(_unmarked(glossary, _listed_acronyms())) == 1


def test_the_stylesheet_fixes_no_colour_no_alignment_of_running_text_and_no_absolute_size(files):
    css = re.sub(r"/\*.*?\*/", "", files["EPUB/css/epub.css"].decode(), flags=re.S)
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(|\b(?:black|white|gr[ae]y|red)\b(?!-)", css)  # (white-space is no colour)
    assert "justify" not in css
    assert not re.search(r"font-size:\s*[\d.]+(?:px|pt)", css)
    assert re.search(r"\.hash\s*{[^}]*lining-nums tabular-nums", css)


def test_the_cover_image_is_a_raster_of_the_kindle_size(files):
    from PIL import Image

    opf = _opf(files)
    item = opf.xpath("//opf:item[contains(concat(' ', @properties, ' '), ' cover-image ')]", namespaces=NS)
    assert len(item) == 1 and item[0].get("media-type") == "image/jpeg"
    assert opf.xpath("//opf:meta[@name='cover']/@content", namespaces=NS) == [item[0].get("id")]
    with Image.open(io.BytesIO(files[f"EPUB/{item[0].get('href')}"])) as img:
        assert img.format == "JPEG" and img.size == (1600, 2560)


def _meta(epub: bytes) -> dict[str, list[str]]:
    """The package's meta properties and their values, from the EPUB's bytes."""
    with zipfile.ZipFile(io.BytesIO(epub)) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    out: dict[str, list[str]] = {}
    for m in opf.iterfind(".//opf:metadata/opf:meta[@property]", NS):
        out.setdefault(m.get("property"), []).append(m.text or "")
    return out


def test_accessibility_metadata_names_its_certifier_and_declares_page_navigation_with_a_page_list(built):  # noqa: F811
    meta = _meta((built / EPUB).read_bytes())
    files = {"EPUB/content.opf": zipfile.ZipFile(built / EPUB).read("EPUB/content.opf")}
    publisher = _opf(files).findtext(".//{http://purl.org/dc/elements/1.1/}publisher")
    assert meta["a11y:certifiedBy"] == [publisher]
    assert {"pageNavigation", "pageBreakMarkers"} <= set(meta["schema:accessibilityFeature"])
    assert "page list" in meta["schema:accessibilitySummary"][0] and meta["pageBreakSource"]


def test_an_epub_without_a_page_list_claims_no_page_navigation(tmp_path):
    project = copy_mini(tmp_path)
    result = run_cli("build", "--format", "epub", "--out", str(tmp_path / "dist"), "--quiet", root=project)
    assert result.returncode == 0, result.stderr
    epub = next((tmp_path / "dist").glob("*.epub")).read_bytes()
    with zipfile.ZipFile(io.BytesIO(epub)) as z:
        assert b'epub:type="page-list"' not in z.read("EPUB/nav.xhtml")
    meta = _meta(epub)
    assert not {"pageNavigation", "pageBreakMarkers"} & set(meta["schema:accessibilityFeature"])
    assert "pageBreakSource" not in meta and "page list" not in meta["schema:accessibilitySummary"][0]


def test_a_changed_note_makes_a_new_release(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = copy_mini(tmp_path)

    def modified(out: str) -> str:
        result = run_cli("build", "--format", "epub", "--out", str(tmp_path / out), "--quiet", root=project)
        assert result.returncode == 0, result.stderr
        return _meta(next((tmp_path / out).glob("*.epub")).read_bytes())["dcterms:modified"][0]

    first = modified("a")
    notes = next((project / "notes").glob("sample.xml"))
    text = notes.read_text(encoding="utf-8")
    changed = re.sub(r"(<note\b[^>]*>\s*<p>)", r"\1Revised. ", text, count=1)
    assert changed != text
    notes.write_text(changed, encoding="utf-8")
    second = modified("b")
    assert first != second and first[:10] == second[:10]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert modified("c") == "2023-11-14T22:13:20Z"
