"""`makebook import`: turn a raw witness into a draft TEI text for an editor to correct.

The draft drops boilerplate (recording each omission as a counted gap), splits
paragraphs, guesses headings, and encodes typed quotation marks, Markdown titles and
links. It is a starting point: the editor reads every sentence afterwards.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..errors import EditionError, ErrorList
from . import import_rules as rules
from .schema import validate
from .xmlio import parse


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
    return 0 < len(words) <= rules.HEADING_MAX_WORDS and not rules.SENTENCE_END.search(block) and "\n" not in block


def draft(witness: Path, text_id: str, boilerplate: list[re.Pattern] = ()) -> str:
    """Return the draft TEI document for one witness; `boilerplate` adds the edition's own patterns."""
    raw = witness.read_bytes()
    blocks = [" ".join(b.split()) for b in raw.decode("utf-8").split("\n\n")]
    body: list[str] = []
    previous = None
    for block in blocks:
        if not block:
            continue
        words = len(block.split())
        if block == previous:
            body.append(_gap("duplicate", words, "caption printed twice in the capture"))
        elif any(p.search(block) for p in (*rules.BOILERPLATE, *boilerplate)):
            body.append(_gap("boilerplate", words, block[:60]))
        elif _is_heading(block):
            body.append(f"<head>{_inline(block)}</head>")
        else:
            body.append(f"<p>{_inline(block)}</p>")
        previous = block
    digest = hashlib.sha256(raw).hexdigest()
    inner = "\n      ".join(body)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="{text_id}" xml:lang="en">
  <teiHeader>
    <fileDesc>
      <titleStmt><title>TITLE</title><author>AUTHOR</author></titleStmt>
      <publicationStmt><publisher>PUBLISHER</publisher><date when="YYYY-MM-DD">DATE</date><ptr target="URL"/></publicationStmt>
      <sourceDesc>
        <bibl>BIBLIOGRAPHIC DESCRIPTION</bibl>
        <witness file="witnesses/{witness.name}" sha256="{digest}"/>
      </sourceDesc>
    </fileDesc>
    <revisionDesc><change when="DATE">Draft made by makebook import.</change></revisionDesc>
  </teiHeader>
  <text>
    <front><div type="headnote"><p>HEADNOTE</p></div></front>
    <body>
      {inner}
    </body>
  </text>
</TEI>
"""
