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
