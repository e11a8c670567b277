"""The edition's date, the one every book and its metadata give: reproducible, from the
sources, unless SOURCE_DATE_EPOCH says otherwise."""
from __future__ import annotations

import os
from datetime import datetime, timezone

from ..merge.document import Merged
from ..textview import T


def source_date(merged: Merged) -> datetime:
    """The edition's date: SOURCE_DATE_EPOCH if set, else the latest revision in the sources."""
    if epoch := os.environ.get("SOURCE_DATE_EPOCH"):
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    whens = [c.get("when") for root in [merged.edition.meta, *(t.tree for t in merged.edition.texts)]
             for c in root.iter(f"{T}change")]
    return datetime.fromisoformat(max(whens)).replace(tzinfo=timezone.utc)
