"""The whole suite runs with no system fonts: a fontconfig file listing no font folder, so
that fonts a developer has installed can neither hide nor cause a layout fault. The
machine's own setting is kept in MACHINE_FONTCONFIG for the tests that compare the two."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

MACHINE_FONTCONFIG = os.environ.get("FONTCONFIG_FILE")
_folder = Path(tempfile.mkdtemp(prefix="makebook-nofonts-"))
(_folder / "fonts.conf").write_text(
    f'<?xml version="1.0"?><fontconfig><cachedir>{_folder}/cache</cachedir></fontconfig>', encoding="utf-8")
os.environ["FONTCONFIG_FILE"] = str(_folder / "fonts.conf")
