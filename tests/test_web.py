"""The web edition: the same ¶ ids as the EPUB, notes readable without scripts and as
pop-ups with them, the witness made visible without the loss of a character, citations that
reference managers read, search that works from a static host, and no axe violation, checked
in Debian's Chromium."""
from __future__ import annotations

import functools
import json
import os
import re
import socket
import subprocess
import sys
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import bibtexparser
import pytest
import rispy
from lxml import html as lxml_html

from conftest import MACHINE_FONTCONFIG
from helpers import ROOT, run_cli
from test_pipeline import built  # noqa: F401  (the session build)

from makebook.cache import file_hash
from makebook.sources.load import load

CHROMIUM = Path(os.environ.get("PUPPETEER_EXECUTABLE_PATH") or "/usr/bin/chromium")
AXE = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TEXTS = [t.id for t in load(ROOT).texts]


def page(site: Path, name: str):
    return lxml_html.fromstring((site / f"{name}.html").read_bytes())


@pytest.fixture(scope="session")
def site(built) -> Path:  # noqa: F811
    return built / "web"


@pytest.mark.parametrize("text_id", TEXTS)
def test_paragraph_ids_are_the_epubs(built, site, text_id):  # noqa: F811
    with zipfile.ZipFile(next(built.glob("*.epub"))) as z:
        epub = lxml_html.fromstring(z.read(f"EPUB/text-{text_id}.xhtml"))
    ids = [p.get("id") for p in epub.iter("{http://www.w3.org/1999/xhtml}p", "p") if "para" in (p.get("class") or "")]
    web = [p.get("id") for p in page(site, f"text-{text_id}").iter("p") if "para" in (p.get("class") or "")]
    assert web == ids and len(ids) > 3


def test_links_notes_and_page_markers_work_without_scripts(built, site):  # noqa: F811
    ids = {name.stem: {el.get("id") for el in page(site, name.stem).iter() if el.get("id")}
           for name in site.glob("*.html")}
    broken = []
    for name in ids:
        for a in page(site, name).iter("a"):
            href = a.get("href", "")
            if href.startswith(("http", "mailto:", "cite/", "pagefind/")) or not href:
                continue
            file, _, frag = href.partition("#")
            target = Path(file).stem if file else name
            if target not in ids or (frag and frag not in ids[target]):
                broken.append(f"{name}: {href}")
    assert not broken, broken[:10]
    with zipfile.ZipFile(next(built.glob("*.epub"))) as z:
        epub_pages = len(re.findall(r'role="doc-pagebreak"', " ".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))))
    web_pages = sum(len(page(site, n.stem).xpath("//span[@class='pagemark']")) for n in site.glob("*.html"))
    assert web_pages == epub_pages > 50  # every PDF page the EPUB marks, the web edition marks too


@pytest.mark.parametrize("text_id", TEXTS)
def test_the_witness_page_shows_the_whole_capture_and_every_intervention(site, text_id):
    raw = (ROOT / "edition" / "witnesses" / f"{text_id}.txt").read_text(encoding="utf-8")
    doc = page(site, f"witness-{text_id}")
    lines = doc.xpath("//ol[@class='witness-lines']/li")
    # Every character of the capture, in order, and nothing else but the marks' letters and carets.
    own = ".//text()[not(parent::a[@class='w-entry' or @class='w-supplied' or @class='w-break'])]"
    assert "\n".join("".join(li.xpath(own)) for li in lines) == raw.removesuffix("\n")
    apparatus = {li.get("id") for li in page(site, f"text-{text_id}").xpath("//ol[contains(@class,'app-list')]/li")
                 if not li.get("class", "").endswith("note")}
    marked = {a.get("data-app") for a in doc.xpath("//a[@data-app]")}
    assert apparatus - marked == set()  # every correction, repair, supplied word, omission shown on the capture


@pytest.mark.parametrize("text_id", TEXTS)
def test_citations_are_read_by_reference_managers(site, text_id):
    doc = page(site, f"text-{text_id}")
    meta = {m.get("name"): m.get("content") for m in doc.iter("meta") if m.get("name", "").startswith("citation_")}
    assert meta["citation_title"] and meta["citation_author"] and meta["citation_inbook_title"]
    jsonld = json.loads(doc.xpath("//script[@type='application/ld+json']")[0].text)
    assert jsonld["@type"] == "Chapter" and jsonld["name"] == meta["citation_title"]
    bib = bibtexparser.parse_string((site / "cite" / f"{text_id}.bib").read_text(encoding="utf-8"))
    assert not bib.failed_blocks and bib.entries[0]["title"] == meta["citation_title"]
    ris = rispy.loads((site / "cite" / f"{text_id}.ris").read_text(encoding="utf-8"))
    assert ris[0]["type_of_reference"] == "CHAP" and ris[0]["title"] == meta["citation_title"]
    csl = json.loads((site / "cite" / f"{text_id}.json").read_text(encoding="utf-8"))
    assert csl[0]["type"] == "chapter" and csl[0]["title"] == meta["citation_title"] and csl[0]["issued"]["date-parts"]
    cited = [p.get("data-cite") for p in doc.iter("p") if p.get("data-cite")]
    assert cited and all(f"¶ {n}" in c for n, c in enumerate(cited, 1)) and any("PDF p." in c for c in cited)


def test_the_site_is_the_same_from_build_to_build(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        assert run_cli("build", "--format", "web", "--out", str(out), "--quiet").returncode == 0
    assert file_hash(a / "web") == file_hash(b / "web")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser_page(site):
    if not CHROMIUM.is_file() or not AXE.is_file():
        reason = f"needs {CHROMIUM} and {AXE} (.ci/run installs them)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", _free_port()),
                                 functools.partial(type("Q", (SimpleHTTPRequestHandler,), {"log_message": lambda *a: None}),
                                                   directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with sync_playwright() as pw:
        # The site is built without system fonts (conftest); the browser gets the machine's
        # fontconfig back, since Chromium cannot load even a page's own fonts without one.
        env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
        if MACHINE_FONTCONFIG:
            env["FONTCONFIG_FILE"] = MACHINE_FONTCONFIG
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"], env=env)
        tab = browser.new_page(viewport={"width": 1100, "height": 900})
        tab.base = f"http://127.0.0.1:{server.server_address[1]}/"
        yield tab
        browser.close()
    server.shutdown()


def test_pop_ups_open_where_they_are_called(browser_page):
    tab = browser_page
    tab.goto(tab.base + "text-doyle-2009.html")
    tab.evaluate("document.fonts.ready")
    assert tab.evaluate("[...document.fonts].every(f => f.status === 'loaded')")  # the site's own fonts
    tab.click("a.noteref >> nth=0")
    assert tab.locator(".popup").count() == 1 and len(tab.locator(".popup").inner_text()) > 20
    tab.keyboard.press("Escape")
    tab.click("a.gloss >> nth=0")
    tab.wait_for_selector(".popup dd, .popup dfn, .popup p", timeout=5000)
    tab.keyboard.press("Escape")
    tab.click("p.para a.pnum >> nth=2")
    assert "¶ 3" in tab.locator(".popup").inner_text() and "text-doyle-2009.html#doyle-2009-p3" in tab.locator(".popup").inner_text()


def test_search_finds_a_name_in_a_note(browser_page):
    tab = browser_page
    tab.goto(tab.base + "search.html")
    tab.fill(".pagefind-ui__search-input", "Ligachev")
    tab.wait_for_selector(".pagefind-ui__result", timeout=10000)
    assert "Ligachev" in tab.locator(".pagefind-ui__results").inner_text()


@pytest.mark.parametrize("name", ["index", "text-doyle-2009", "witness-malvar-2021", "glossary", "persons", "search"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation(browser_page, name, scheme):
    tab = browser_page
    tab.emulate_media(color_scheme=scheme)
    tab.goto(tab.base + f"{name}.html")
    if name == "search":
        tab.wait_for_selector("label[for=search-input]")
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]
    assert not found, "\n".join(found)


def test_serve_shows_the_site_on_a_local_address(built, tmp_path):  # noqa: F811
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-c", "from makebook.cli import main; main()", "--root", str(ROOT), "serve",
                             "--port", str(port), "--out", str(built)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert f"http://127.0.0.1:{port}/" in proc.stdout.readline()
        import urllib.request
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=30) as r:
            assert r.status == 200 and b"Contents" in r.read()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_each_text_is_cited_alike_in_every_format(built, site):  # noqa: F811
    from pypdf import PdfReader

    with zipfile.ZipFile(next(built.glob("*.epub"))) as z:
        epub = " ".join(lxml_html.fromstring(z.read("EPUB/copyright.xhtml")).text_content().split())
    pdf = PdfReader(next(built.glob("*.pdf")))
    copyright_page = pdf.get_destination_page_number(pdf.named_destinations["copyright"])
    printed = " ".join(pdf.pages[copyright_page].extract_text().split())
    home = " ".join(page(site, "index").text_content().split())
    for text_id in TEXTS:
        cited = " ".join(page(site, f"text-{text_id}").xpath("//p[@class='cite-sentence']")[0].text_content().split())
        assert cited in epub and cited in home
        assert re.sub(r"\W", "", cited) in re.sub(r"\W", "", printed)  # line breaks and hyphens of the page aside
