"""`makebook import`: turn a raw witness into a draft TEI text for an editor to correct.

The draft drops boilerplate, navigation, share and footer lines (recording each omission
as a counted gap), splits paragraphs, takes the first heading as the title and later ones
as sections, encodes typed quotation marks, Markdown titles and links, and flags
probable mid-sentence breaks with a comment. It validates against the schema. Every
guess is listed for the editor to confirm; the editor then reads every sentence.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..errors import EditionError, ErrorList
from . import import_rules as rules
from .schema import validate
from .xmlio import parse, xml_model

BLANK_LINE = re.compile(r"\r?\n[ \t]*\r?\n")
DATE = re.compile(r"\b(\d{1,2}) (January|February|March|April|May|June|July|August|September|October|November"
                  r"|December),? (\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")
URL = re.compile(r"https?://[^\s)\]>]+")


@dataclass
class Draft:
    """The draft document and the guesses in it, as (line, what was guessed)."""

    xml: str
    guesses: list[tuple[int, str]] = field(default_factory=list)


def site_rules(root: Path) -> list[re.Pattern]:
    """The boilerplate patterns an edition adds in notes/import-rules.xml (none if absent)."""
    path = root / "notes" / "import-rules.xml"
    if not path.exists():
        return []
    tree = parse(path)
    if errors := validate(tree, "import-rules", path):
        raise ErrorList(errors)
    patterns = []
    for el in tree.getroot().iterfind("boilerplate"):
        try:
            patterns.append(re.compile(el.text.strip(), re.IGNORECASE))
        except re.error as exc:
            raise EditionError(path, el.sourceline, f"not a regular expression: {exc}",
                               "escape the special character with a backslash") from None
    return patterns


def _inline(text: str) -> str:
    """Escape a block and encode its quotations, Markdown titles and links."""
    out = escape(text)
    out = rules.DOUBLE_QUOTES.sub(r"<q>\1</q>", out)
    out = rules.SINGLE_QUOTES.sub(r"<q>\1</q>", out).replace("'", "’")
    # Markup with attributes comes last, so the quotation rules never see attribute quotes.
    out = rules.MARKDOWN_TITLE.sub(
        lambda m: f'<choice><orig>*{m.group(1)}*</orig><reg type="repair"><title>{m.group(1)}</title></reg></choice>', out)
    return rules.MARKDOWN_LINK.sub(lambda m: f"<ref target={quoteattr(m.group(2))}>{m.group(1)}</ref>", out)


def _gap(reason: str, words: int, desc: str) -> str:
    return f'<gap reason="{reason}" quantity="{words}" unit="words"><desc>{escape(desc)}</desc></gap>'


def _is_heading(block: str) -> bool:
    words = block.split()
    return 0 < len(words) <= rules.HEADING_MAX_WORDS and not rules.SENTENCE_END.search(block)


def _kinds(blocks: list[str], boilerplate: list[re.Pattern]) -> list[str]:
    """What each block is: duplicate, boilerplate, navigation, heading or paragraph."""
    kinds = []
    for i, block in enumerate(blocks):
        if i and block == blocks[i - 1]:
            kinds.append("duplicate")
        elif any(p.search(block) for p in (*rules.BOILERPLATE, *boilerplate)):
            kinds.append("boilerplate")
        elif any(p.search(block) for p in rules.NAVIGATION):
            kinds.append("navigation")
        else:
            kinds.append("heading" if _is_heading(block) else "p")
    for i in range(len(kinds) - 1):
        if kinds[i] == "heading" and blocks[i + 1][:1].islower():
            kinds[i] = "p"  # a short line continued in lower case: a paragraph the capture broke
    begun = False
    i = 0
    while i < len(kinds):
        begun = begun or kinds[i] == "p"
        j = i
        while j < len(kinds) and kinds[j] == "heading":
            j += 1
        if begun and j - i >= rules.NAVIGATION_RUN:
            kinds[i:j] = ["navigation"] * (j - i)
        i = max(j, i + 1)
    return kinds


def _guess_date(text: str) -> tuple[str, str] | None:
    for m in DATE.finditer(text):
        try:
            if m.group(1):
                found = datetime.strptime(f"{m.group(1)} {m.group(2)} {m.group(3)}", "%d %B %Y").date()
            else:
                found = date(int(m.group(4)), int(m.group(5)), int(m.group(6)))
        except ValueError:
            continue
        return found.isoformat(), m.group(0)
    return None


def draft(witness: Path, text_id: str, today: date, boilerplate: list[re.Pattern] = ()) -> Draft:
    """The draft TEI document for one witness, with its guesses; `boilerplate` adds the edition's own patterns."""
    raw = witness.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EditionError(witness, raw[:exc.start].count(b"\n") + 1, f"witness is not UTF-8 (byte 0x{raw[exc.start]:02x})",
                           "import needs the capture in UTF-8: convert a copy, and keep the original bytes as the witness") from None
    blocks = [b for b in (" ".join(b.split()) for b in BLANK_LINE.split(text)) if b]
    kinds = _kinds(blocks, boilerplate)
    first = next((i for i, k in enumerate(kinds) if k in ("heading", "p")), None)
    if first is None:
        raise EditionError(witness, None, "witness has no text to import", "check that it is the capture of the article")
    kinds[first] = "title"
    body: list[str] = []
    guesses: list[tuple[int, str]] = []  # (index in body, guess)
    title = ""
    in_div = False
    previous_p = None
    for block, kind in zip(blocks, kinds):
        words = len(block.split())
        if kind == "duplicate":
            body.append(_gap("duplicate", words, "block printed twice in the capture"))
            guesses.append((len(body), f"duplicate of the block before: “{block[:50]}”"))
        elif kind in ("boilerplate", "navigation"):
            body.append(_gap("boilerplate", words, f"{kind}: {block[:60]}" if kind == "navigation" else block[:60]))
            guesses.append((len(body), f"left out as {kind}: “{block[:50]}”"))
        elif kind == "title":
            title = block
            body.append(f"<head>{_inline(block)}</head>")
            guesses.append((len(body), f"title of the text: “{block[:50]}”"))
        elif kind == "heading":
            body.append(("</div>\n" if in_div else "") + f"<div><head>{_inline(block)}</head>")
            in_div = True
            guesses.append((len(body), f"section heading: “{block[:50]}”"))
        else:
            if previous_p and not rules.MID_SENTENCE_END.search(previous_p) and block[:1].islower():
                body.append("<!-- makebook import: probable mid-sentence break; if so, join the two paragraphs with "
                            '<choice><orig><lb type="capture-break"/></orig><reg type="repair"/></choice> -->')
                guesses.append((len(body), "probable mid-sentence break: the comment here says how to join"))
            body.append(f"<p>{_inline(block)}</p>")
            previous_p = block
            continue
        previous_p = None
    if in_div:
        body.append("</div>")
    when = _guess_date(text)
    head = _header(witness, text_id, raw, when, title, today)
    offset = head.count("\n") + 2
    lines = "\n".join(body).split("\n")
    # Body items are one line each, except a closing </div> put before an opening one.
    line_of, n = {}, offset
    for i, item in enumerate(body, 1):
        line_of[i] = n + item.count("\n")
        n += item.count("\n") + 1
    listed = [(line_of[i], g) for i, g in guesses]
    listed.insert(0, (head[:head.index("<date")].count("\n") + 1, f"date {when[0]}, from “{when[1]}”" if when else
                      "no date found in the witness: write the date of publication"))
    xml = head + "\n" + "\n".join(f"      {line}" for line in lines) + _FOOT
    return Draft(xml, sorted(listed))


_FOOT = """
    </body>
  </text>
</TEI>
"""


def _header(witness: Path, text_id: str, raw: bytes, when, title: str, today: date) -> str:
    url = URL.search(raw.decode("utf-8"))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{xml_model(witness.parent.parent / f"{text_id}.xml", "tei-edition")}
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="{text_id}" xml:lang="en">
  <teiHeader>
    <fileDesc>
      <titleStmt><title>{_inline(title)}</title><author>AUTHOR</author></titleStmt>
      <publicationStmt><publisher>PUBLISHER</publisher><date when="{when[0] if when else '0001'}">{escape(when[1]) if when else 'DATE'}</date><ptr target={quoteattr(url.group(0) if url else 'URL')}/></publicationStmt>
      <sourceDesc>
        <bibl>BIBLIOGRAPHIC DESCRIPTION</bibl>
        <witness file="witnesses/{witness.name}" sha256="{hashlib.sha256(raw).hexdigest()}"/>
      </sourceDesc>
    </fileDesc>
    <encodingDesc>
      <editorialDecl>
        <normalization><p>NORMALIZATION: what was regularised.</p></normalization>
        <correction><p>CORRECTION: how errors of the source are corrected.</p></correction>
        <omission><p>OMISSION: what the gaps leave out.</p></omission>
      </editorialDecl>
    </encodingDesc>
    <revisionDesc><change when="{today.isoformat()}">Draft made by makebook import.</change></revisionDesc>
  </teiHeader>
  <text>
    <front><div type="headnote"><p>HEADNOTE</p></div></front>
    <body>"""
