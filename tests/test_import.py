"""`makebook import`: a draft from each raw witness loses no word and records every omission."""
from __future__ import annotations

import shutil

import pytest

from helpers import ROOT, run_cli

WITNESSES = sorted((ROOT / "edition" / "witnesses").glob("*.txt"))


@pytest.mark.parametrize("witness", WITNESSES, ids=lambda p: p.stem)
def test_draft_of_each_witness_collates_without_difference(tmp_path, witness):
    (tmp_path / "edition" / "witnesses").mkdir(parents=True)
    shutil.copy(witness, tmp_path / "edition" / "witnesses")
    result = run_cli("import", str(tmp_path / "edition" / "witnesses" / witness.name), "--id", witness.stem, root=tmp_path)
    assert result.returncode == 0, result.stderr
    draft = (tmp_path / "edition" / f"{witness.stem}.xml").read_text()
    assert "<body>" in draft and "sha256=" in draft
    collation = run_cli("collate", witness.stem, root=tmp_path)
    assert collation.returncode == 0, collation.stdout
    assert " 0 unaccounted difference(s)" in collation.stdout


def test_import_never_overwrites_a_corrected_text(tmp_path):
    (tmp_path / "edition" / "witnesses").mkdir(parents=True)
    witness = shutil.copy(ROOT / "edition" / "witnesses" / "doyle-2009.txt", tmp_path / "edition" / "witnesses")
    target = tmp_path / "edition" / "doyle-2009.xml"
    target.write_text("hand-corrected")
    result = run_cli("import", str(witness), "--id", "doyle-2009", root=tmp_path)
    assert result.returncode == 1 and "--force" in result.stderr
    assert target.read_text() == "hand-corrected"
