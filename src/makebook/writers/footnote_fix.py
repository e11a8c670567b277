"""A one-line correction to WeasyPrint 70's footnote placement, applied before layout.

When a paragraph's next line does not fit and breaking before it would leave a widow or
an orphan, WeasyPrint moves the page's footnotes, last first, to the next page until the
line fits. Those notes then stand a page after their calls; the notes called later on the
same page follow them, and a note moved while pages are laid out again for
`target-counter()` can be dropped altogether. The correction keeps every note on its
call's page: the line goes over instead, as it does for a page without notes (widows and
orphans are honoured by moving lines, not notes).

The patch edits the source of `weasyprint.layout.block._linebox_layout` at run time; it
refuses any other WeasyPrint than the pinned one, and tests/test_footnote_fix.py fails if
the version or the patched line changes.
"""
from __future__ import annotations

import inspect

import weasyprint
from weasyprint.layout import block

PINNED = "70.0"
MOVES_NOTES = "report = not context.in_column and can_break_now and not could_break_before"
KEEPS_NOTES = "report = False  # makebook: never move a note off its call's page"


def apply() -> None:
    """Install the corrected line-box layout in WeasyPrint's block module (once)."""
    if getattr(block, "_makebook_notes_kept", False):
        return
    if weasyprint.__version__ != PINNED:
        raise RuntimeError(f"footnote_fix is written for WeasyPrint {PINNED}, not {weasyprint.__version__}")
    source = inspect.getsource(block._linebox_layout)
    if source.count(MOVES_NOTES) != 1:
        raise RuntimeError("WeasyPrint's _linebox_layout no longer has the line footnote_fix corrects")
    exec(compile(source.replace(MOVES_NOTES, KEEPS_NOTES), block.__file__, "exec"), block.__dict__)
    block._makebook_notes_kept = True
