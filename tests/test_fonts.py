"""Hermetic typesetting: the books do not depend on the machine's fonts, and a character
no vendored face draws stops the build, naming it and where it is."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

import pytest
from conftest import MACHINE_FONTCONFIG
from helpers import ROOT, copy_mini
from test_pipeline import built  # noqa: F401  (the session build, made with no system fonts)

BOOKS = ("implosion-of-the-ussr.epub", "implosion-of-the-ussr.pdf")


def _build(out, fontconfig: str | None):
    env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    if fontconfig:
        env["FONTCONFIG_FILE"] = fontconfig
    cmd = [sys.executable, "-c", "from makebook.cli import main; main()", "--root", str(ROOT),
           "build", "--out", str(out), "--quiet"]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in BOOKS}


@pytest.fixture(scope="module")
def debian_garamond(tmp_path_factory):
    """A fontconfig file: the machine's configuration plus Debian's fonts-ebgaramond, unpacked, not installed."""
    folder = tmp_path_factory.mktemp("ebgaramond")
    fetched = subprocess.run(["apt-get", "download", "fonts-ebgaramond"], cwd=folder, capture_output=True, text=True)
    if fetched.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"apt-get download fonts-ebgaramond failed: {fetched.stderr.strip()}")
        pytest.skip("Debian's fonts-ebgaramond cannot be downloaded here")
    deb = next(folder.glob("fonts-ebgaramond_*.deb"))
    subprocess.run(["dpkg", "-x", str(deb), str(folder / "root")], check=True)
    fonts = folder / "root" / "usr" / "share" / "fonts" / "opentype" / "ebgaramond"
    assert list(fonts.glob("EBGaramond12-Bold.otf"))
    machine = MACHINE_FONTCONFIG or "/etc/fonts/fonts.conf"
    conf = folder / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><include ignore_missing="yes">{machine}</include>'
                    f'<dir>{fonts}</dir><cachedir>{folder}/cache</cachedir></fontconfig>', encoding="utf-8")
    listed = subprocess.run(["fc-list"], env={**os.environ, "FONTCONFIG_FILE": str(conf)}, capture_output=True, text=True)
    assert "EB Garamond" in listed.stdout  # the system really has a competing EB Garamond
    return str(conf)


def test_books_are_byte_identical_whatever_fonts_the_machine_has(built, tmp_path, debian_garamond):  # noqa: F811
    no_fonts = {name: hashlib.sha256((built / name).read_bytes()).hexdigest() for name in BOOKS}
    assert _build(tmp_path / "machine", MACHINE_FONTCONFIG) == no_fonts
    assert _build(tmp_path / "garamond", debian_garamond) == no_fonts


def test_pdf_uses_only_the_vendored_faces(built):  # noqa: F811
    if not shutil.which("pdffonts"):
        pytest.skip("poppler-utils not installed")
    listing = subprocess.run(["pdffonts", str(built / BOOKS[1])], capture_output=True, text=True, check=True).stdout
    names = {line.split()[0].split("+", 1)[1] for line in listing.splitlines()[2:]}
    assert names and all(n.startswith("makebook-EB-Garamond") for n in names), names
    assert "makebook-EB-Garamond-Bold" in names  # a real bold, not a synthesised one


def test_a_character_no_face_draws_stops_the_build(tmp_path):
    project = copy_mini(tmp_path)
    text = project / "edition" / "sample.xml"
    source = text.read_text(encoding="utf-8")
    text.write_text(source.replace("A small text for the tests.", "A small text for the tests ☃."), encoding="utf-8")
    line = next(i for i, ln in enumerate(text.read_text(encoding="utf-8").splitlines(), 1) if "☃" in ln)
    dist = project / "dist"
    dist.mkdir()
    (dist / "keep.txt").write_text("previous", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", "from makebook.cli import main; main()", "--root", str(project),
                             "build", "--quiet"], capture_output=True, text=True, cwd=project)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert f"edition/sample.xml:{line}: character U+2603 “☃” (SNOWMAN)" in errors[0]
    assert sorted(p.name for p in dist.iterdir()) == ["keep.txt"]



def _outlined(font) -> set[int]:
    """The ids of a font's glyphs that have an outline."""
    from fontTools.pens.boundsPen import BoundsPen

    glyphs, out = font.getGlyphSet(), set()
    for gid, name in enumerate(font.getGlyphOrder()):
        pen = BoundsPen(glyphs)
        glyphs[name].draw(pen)
        if pen.bounds is not None:
            out.add(gid)
    return out


def test_each_face_is_embedded_once_with_every_glyph_the_pages_draw(built):  # noqa: F811
    import io
    from collections import Counter

    import pikepdf
    from fontTools.ttLib import TTFont

    vendored = {TTFont(p)["name"].getDebugName(6): p for p in (ROOT / "styles" / "fonts").glob("*.otf")}
    pdf = pikepdf.open(built / BOOKS[1])
    fonts = {o.objgen: o for page in pdf.pages for o in page.obj.Resources.Font.values()}
    names = Counter(str(f.BaseFont).split("+")[1] for f in fonts.values())
    programs: dict[str, set] = {}
    for font in fonts.values():
        cid_font = font.DescendantFonts[0]
        stream = cid_font.FontDescriptor.FontFile3
        program = TTFont(io.BytesIO(stream.read_bytes()))
        face = program["name"].getDebugName(6)
        programs.setdefault(face, set()).add(stream.objgen)
        w = list(cid_font.W)
        drawn = {int(w[i]) + k for i in range(0, len(w), 2) for k in range(len(w[i + 1]))}
        # every glyph the pages draw with the font has its outline (if it has one) in the one subset
        assert drawn & _outlined(TTFont(vendored[face])) <= _outlined(program), font.BaseFont
    assert names and set(names.values()) == {1}, names  # one font dictionary per face and variant
    assert "EBGaramond12-Regular" in programs and all(len(s) == 1 for s in programs.values()), programs


# WeasyPrint as it runs where libharfbuzz-subset0 is not installed: the library cannot be loaded.
WITHOUT_HARFBUZZ_SUBSET = """
import cffi
load = cffi.FFI.dlopen
def refuse(ffi, name, *args):
    if "harfbuzz-subset" in str(name):
        raise OSError(f"cannot load library {name!r}")
    return load(ffi, name, *args)
cffi.FFI.dlopen = refuse
import makebook.writers  # silences WeasyPrint's no-fonts warning, as before any writer imports it
import weasyprint.text.ffi
assert weasyprint.text.ffi.harfbuzz_subset is None
"""


def test_without_libharfbuzz_subset_the_build_says_so(tmp_path):
    project = copy_mini(tmp_path)
    dist = project / "dist"
    dist.mkdir()
    (dist / "sample-edition.pdf").write_bytes(b"previous pdf")
    cmd = [sys.executable, "-c", WITHOUT_HARFBUZZ_SUBSET + "from makebook.cli import main; main()", "--root",
           str(project), "build", "--format", "pdf", "--quiet"]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=project)
    assert result.returncode == 3, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [line for line in result.stderr.splitlines() if line.strip()], result.stderr
    assert len(errors) == 1 and "libharfbuzz-subset0" in errors[0], errors
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == {"sample-edition.pdf": b"previous pdf"}
    parts = project / ".makebook-cache" / "parts"
    assert not (parts.is_dir() and any(parts.iterdir())), "the book was laid out before the missing library was noticed"
