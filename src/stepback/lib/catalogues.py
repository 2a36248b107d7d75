"""Compile the translation catalogues (``locale/*/LC_MESSAGES/*.po`` → ``.mo``).

Django reads only compiled ``.mo`` files, and its ``compilemessages`` needs GNU gettext's
``msgfmt``, which a fresh machine may lack. Babel (from PyPI, a dependency) writes the
same files in pure Python, so ``make setup``, the test run and a deployment's build step
(``python -m stepback.lib.catalogues``) all compile the same way. The ``.mo`` files are
build output, never committed. Fuzzy entries are left out, as ``msgfmt`` does.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_catalogues(locale_dir: Path = LOCALE_DIR, *, force: bool = False) -> list[Path]:
    """Write each ``.mo`` older than its ``.po`` (every one with ``force``); returns them."""
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file, locale=po_path.parts[-3])
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalogue, use_fuzzy=False)
        written.append(mo_path)
    return written


def normalise_catalogues(locale_dir: Path = LOCALE_DIR) -> None:
    """Rewrite each ``.po`` in Babel's layout (lines up to 100 characters).

    ``makemessages`` writes gettext's 76-column layout; rewriting after it keeps the
    committed catalogue in one layout, so a diff shows only the entries that changed.
    """
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file, locale=po_path.parts[-3])
        with po_path.open("wb") as po_file:
            write_po(po_file, catalogue, width=100)


if __name__ == "__main__":
    if "--normalise" in sys.argv:
        normalise_catalogues()
    for path in compile_catalogues(force="--force" in sys.argv):
        print(f"compiled {path}")
