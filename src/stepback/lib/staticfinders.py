"""A staticfiles finder for the vega-embed browser bundle, generated from vl-convert.

The bundle (vega-embed, Vega-Lite and Vega, :func:`stepback.lib.vega.vega_embed_bundle`)
is third-party minified JavaScript, so it is never in the repository: vl-convert-python
ships it. :class:`VegaEmbedFinder` writes it once into a cache directory
(``settings.VEGA_EMBED_CACHE_DIR``, one subdirectory per bundle version) and offers it to
Django as the static file :data:`BUNDLE_PATH`. So:

* ``collectstatic`` collects it with the other static files (in production the manifest
  storage gives it a content-hashed name and whitenoise compressed variants and a year of
  caching);
* in development and tests whitenoise finds it through the finders
  (``WHITENOISE_USE_FINDERS``), like every other static file;
* templates load it with ``{% static "vendor/vega-embed/vega-embed.js" %}``.

Writing takes about 2 s the first time for a version; later calls only look at the file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, overload

from django.conf import settings
from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage
from django.core.files.storage import FileSystemStorage, Storage

from stepback.lib import vega

__all__ = ["BUNDLE_PATH", "VegaEmbedFinder", "bundle_file"]

#: The bundle's static path (what ``{% static %}`` takes).
BUNDLE_PATH = "vendor/vega-embed/vega-embed.js"


def cache_dir() -> Path:
    """Where bundles are written: ``VEGA_EMBED_CACHE_DIR``, else a temporary directory."""
    configured = getattr(settings, "VEGA_EMBED_CACHE_DIR", None)
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / "stepback-vega-embed"


def bundle_file(root: Path | None = None) -> Path:
    """The bundle's file for the installed vl-convert, written first if it is missing.

    The file sits under a directory named for :func:`vega.vega_embed_bundle_version`, so
    upgrading vl-convert writes a new one (and removes the older versions). The file is
    written to a temporary name and renamed, so concurrent processes (test workers, web
    workers) never read half a file.
    """
    root = cache_dir() if root is None else root
    version_dir = root / vega.vega_embed_bundle_version()
    target = version_dir / BUNDLE_PATH
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".vega-embed-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(vega.vega_embed_bundle())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; it is a public asset
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    for other in root.iterdir():  # older versions' bundles, and only those
        if other != version_dir and (other / BUNDLE_PATH).is_file():
            shutil.rmtree(other, ignore_errors=True)
    return target


class VegaEmbedFinder(BaseFinder):
    """Finds :data:`BUNDLE_PATH`, the vega-embed bundle written by :func:`bundle_file`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._storage: FileSystemStorage | None = None

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return []

    def storage(self) -> FileSystemStorage:
        """A storage rooted at the version directory, so its paths are static paths.

        Kept for the finder's life (Django keeps finders for the process's), and made again
        if the file has gone since (the cache directory emptied by hand, say).
        """
        if self._storage is None or not os.path.isfile(self._storage.path(BUNDLE_PATH)):
            path = bundle_file()
            root = path.parents[len(Path(BUNDLE_PATH).parts) - 1]
            self._storage = FileSystemStorage(location=root)
        return self._storage

    @overload
    def find(self, path: str, find_all: Literal[False] = False) -> str | None: ...
    @overload
    def find(self, path: str, find_all: Literal[True]) -> list[str]: ...
    def find(self, path: str, find_all: bool = False) -> str | list[str] | None:
        if os.path.normpath(path).replace(os.sep, "/") != BUNDLE_PATH:
            return []  # what Django's own finders return for "not here", either way
        match = self.storage().path(BUNDLE_PATH)
        return [match] if find_all else match

    def list(self, ignore_patterns: Iterable[str] | None) -> Iterator[tuple[str, Storage]]:
        if ignore_patterns and utils.matches_patterns(BUNDLE_PATH, list(ignore_patterns)):
            return
        yield BUNDLE_PATH, self.storage()
