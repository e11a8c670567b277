"""Rules for the witness normaliser, kept as data: what boilerplate looks like on any web
page. An edition adds the boilerplate of its own sites in notes/import-rules.xml."""
import re

# A block matching one of these is web boilerplate, not the author's text.
BOILERPLATE = [re.compile(p, re.IGNORECASE) for p in (
    r"^\(?click to enlarge\)?$",
    r"\(Click to enlarge\)",
    r"^join (the|us)\b",
    r"^printable version",
    r"^facebook\s+twitter$",
    r"^link to this page:?$",
    r"^(subscribe|donate) to\b",
    r"^[A-Za-z ]+:? ?0\d{2,3}[ \d]{6,}$",
    r"^(january|february|march|april|may|june|july|august|september|october|november|december) \d{4}$",
    r"^•",
    r"^\[?[\w.]+\.(org|com)/\w*\]?(\(.*\))?$",
)]

# A short block ending without sentence punctuation is probably a heading.
HEADING_MAX_WORDS = 14
SENTENCE_END = re.compile(r"[.!?:;,\"”’)\]]$")

# Quotations typed in the witness, in the order they are tried.
DOUBLE_QUOTES = re.compile(r"[\"“]([^\"“”]+?)[\"”]")
SINGLE_QUOTES = re.compile(r"(?<![\w’'])['‘]([^'‘’\n]+?)['’](?![\w’'])")
MARKDOWN_TITLE = re.compile(r"\*([^*\n]+?)\*")
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)]+)\)")

# Lines any web page may carry around an article: navigation, share buttons, footers.
# A block matching one is a counted gap, whatever the site.
NAVIGATION = [re.compile(p, re.IGNORECASE) for p in (
    r"^(home|menu|search|skip to (main )?content|back to top|next|previous|older posts|newer posts)$",
    r"\s\|\s.*\s\|\s",                    # "Home | Archive | Contact"
    r"^(share( this)?( on \w+)?|tweet|print|e-?mail|whatsapp|telegram|reddit|linkedin)"
    r"([\s,|/]+(share( this)?( on \w+)?|tweet|print|e-?mail|facebook|twitter|whatsapp|telegram|reddit|linkedin))*$",
    r"^(©|\(c\)|copyright\b)", r"all rights reserved", r"^(privacy|cookie)( policy)?\b", r"^terms (of use|and conditions)",
    r"^(tags|categories|filed under|related( articles| posts)?):",
)]
# A run of at least this many heading-like blocks after the text has begun is a list of
# links (other articles, sections of the site), not the text's own headings.
NAVIGATION_RUN = 3
# A paragraph ending without one of these, followed by one beginning in lower case, was
# probably split in mid-sentence by the capture.
MID_SENTENCE_END = re.compile(r"[.!?:;\"”’)\]…]$")
