"""The whole suite runs with no system fonts: a fontconfig file listing no font folder, so
that fonts a developer has installed can neither hide nor cause a layout fault. The
machine's own setting is kept in MACHINE_FONTCONFIG for the tests that compare the two.
The real edition, loaded and merged once, is the `merged` fixture (tests only read it)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

MACHINE_FONTCONFIG = os.environ.get("FONTCONFIG_FILE")
_folder = Path(tempfile.mkdtemp(prefix="makebook-nofonts-"))
(_folder / "fonts.conf").write_text(
    f'<?xml version="1.0"?><fontconfig><cachedir>{_folder}/cache</cachedir></fontconfig>', encoding="utf-8")
os.environ["FONTCONFIG_FILE"] = str(_folder / "fonts.conf")


@pytest.fixture(scope="session")
def merged():
    from helpers import ROOT
    from makebook.merge import merge
    from makebook.sources.load import load
    return merge(load(ROOT))
