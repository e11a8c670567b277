"""The RELAX NG schemas as editors' tools see them: every schema compiles in libxml2 (the
build's validator) and in Jing (oXygen's and LemMinX's), both accept every source file of
the edition, the fixture and the `makebook new` skeleton, both refuse a broken one, and
each file names its schema in an `<?xml-model?>` line."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from helpers import MINI, ROOT

SCHEMAS = sorted((ROOT / "schema").glob("*.rng"))
FOLDERS = [ROOT, MINI, ROOT / "src" / "makebook" / "skeleton"]
FILES = sorted(p for folder in FOLDERS for p in [*(folder / "edition").glob("*.xml"), *(folder / "notes").glob("*.xml")])
MODEL = re.compile(rb'<\?xml-model href="([^"]+)" type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"\?>')
JING = shutil.which("jing")


def _schema_of(path: Path) -> Path:
    m = MODEL.search(path.read_bytes()[:400])
    assert m, f"{path} has no <?xml-model?> line"
    name = Path(m.group(1).decode()).name
    if "skeleton" in path.parts:  # `makebook new` copies schema/ beside edition/ and notes/
        return ROOT / "schema" / name
    schema = (path.parent / m.group(1).decode()).resolve()
    assert schema.exists(), f"{path}: {m.group(1)} does not exist"
    return schema


def _jing(schema: Path, *docs: Path) -> subprocess.CompletedProcess:
    if JING is None:
        if os.environ.get("CI"):
            pytest.fail("jing is not installed (.ci/run installs it)")
        pytest.skip("jing is not installed")
    proc = subprocess.run([JING, str(schema), *map(str, docs)], capture_output=True, text=True)
    proc.stderr = "\n".join(l for l in proc.stderr.splitlines() if "Unable to locate" not in l)
    return proc


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda p: p.name)
def test_schema_compiles_in_libxml2_and_jing(schema):
    etree.RelaxNG(etree.parse(str(schema)))
    proc = _jing(schema)  # no document: Jing only compiles the schema
    assert proc.returncode == 0 and "error" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_source_names_its_schema_and_both_validators_accept_it(path):
    schema = _schema_of(path)
    doc = etree.parse(str(path))
    if "skeleton" not in path.parts or path.name != "edition.xml":  # the skeleton's header has {placeholders}
        rng = etree.RelaxNG(etree.parse(str(schema)))
        assert rng.validate(doc), rng.error_log
        proc = _jing(schema, path)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_both_validators_refuse_a_broken_file(tmp_path):
    broken = tmp_path / "sample.xml"
    broken.write_text((MINI / "notes" / "sample.xml").read_text(encoding="utf-8").replace('type="explanatory"', 'type="opinion"'),
                      encoding="utf-8")
    schema = ROOT / "schema" / "notes.rng"
    assert not etree.RelaxNG(etree.parse(str(schema))).validate(etree.parse(str(broken)))
    proc = _jing(schema, broken)
    assert proc.returncode != 0 and "sample.xml:4:" in proc.stdout and "\"explanatory\"" in proc.stdout, proc.stdout
