"""The vega-embed bundle as a static file: generated from vl-convert, found, collected."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings

from stepback.lib import staticfinders, vega
from stepback.lib.staticfinders import BUNDLE_PATH, VegaEmbedFinder

FAKE_BUNDLE = "window.vegaEmbed=function(){};"


@pytest.fixture
def fake_bundle(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """vl-convert's bundle replaced by a short fake; counts how often it is built."""
    calls: list[int] = []

    def build() -> str:
        calls.append(1)
        return FAKE_BUNDLE

    monkeypatch.setattr(vega, "vega_embed_bundle", build)
    monkeypatch.setattr(vega, "vega_embed_bundle_version", lambda: "vl6.0-test")
    return calls


def test_the_finder_finds_and_lists_the_bundle(tmp_path: Path, fake_bundle: list[int]) -> None:
    with override_settings(VEGA_EMBED_CACHE_DIR=tmp_path):
        finder = VegaEmbedFinder()
        found = finder.find(BUNDLE_PATH)
        assert finder.find(BUNDLE_PATH, find_all=True) == [found]
        assert finder.find("js/charts.js") == []
        assert finder.find("js/charts.js", find_all=True) == []
        listed = list(finder.list(None))
        assert list(finder.list(["*.js"])) == []

    assert found == str(tmp_path / "vl6.0-test" / BUNDLE_PATH)
    assert Path(found).read_text() == FAKE_BUNDLE
    assert Path(found).stat().st_mode & 0o777 == 0o644
    [(path, storage)] = listed
    assert path == BUNDLE_PATH
    assert storage.path(path) == found
    assert fake_bundle == [1]  # written once, then read from the cache directory


def test_the_finder_writes_the_file_again_when_it_has_gone(
    tmp_path: Path, fake_bundle: list[int]
) -> None:
    with override_settings(VEGA_EMBED_CACHE_DIR=tmp_path):
        finder = VegaEmbedFinder()
        Path(finder.find(BUNDLE_PATH) or "").unlink()
        found = finder.find(BUNDLE_PATH)

    assert found and Path(found).read_text() == FAKE_BUNDLE
    assert fake_bundle == [1, 1]


def test_it_writes_each_version_once_and_drops_older_ones(
    tmp_path: Path, fake_bundle: list[int]
) -> None:
    old = tmp_path / "vl5.0-old" / BUNDLE_PATH
    old.parent.mkdir(parents=True)
    old.write_text("old")
    unrelated = tmp_path / "notes"
    unrelated.mkdir()

    first = staticfinders.bundle_file(tmp_path)
    second = staticfinders.bundle_file(tmp_path)

    assert first == second == tmp_path / "vl6.0-test" / BUNDLE_PATH
    assert fake_bundle == [1]
    assert not old.exists()
    assert unrelated.is_dir()  # only other bundles' directories are removed
    assert [p.name for p in first.parent.iterdir()] == ["vega-embed.js"]  # no temporary files


def test_django_finds_the_bundle_through_the_settings() -> None:
    found = finders.find(BUNDLE_PATH)

    assert found
    assert Path(found).is_relative_to(staticfinders.cache_dir())


@pytest.mark.slow
def test_the_file_is_vl_converts_bundle() -> None:
    found = finders.find(BUNDLE_PATH)

    assert found
    assert Path(found).read_text(encoding="utf-8") == vega.vega_embed_bundle()
    assert Path(found).parent.parent.parent.name == vega.vega_embed_bundle_version()


def test_collectstatic_collects_the_bundle(tmp_path: Path) -> None:
    with override_settings(STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)

    collected = tmp_path / BUNDLE_PATH
    assert collected.read_text(encoding="utf-8") == Path(finders.find(BUNDLE_PATH)).read_text()
    assert (tmp_path / "js" / "charts.js").is_file()


@pytest.mark.slow
def test_production_collects_it_hashed_and_compressed(tmp_path: Path) -> None:
    production = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(DEBUG=False, STATIC_ROOT=tmp_path, STORAGES=production):
        call_command("collectstatic", interactive=False, verbosity=0)
        url = staticfiles_storage.url(BUNDLE_PATH)

    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    hashed = manifest["paths"][BUNDLE_PATH]
    assert re.fullmatch(r"vendor/vega-embed/vega-embed\.[0-9a-f]{12}\.js", hashed)
    assert url == f"/static/{hashed}"
    original = (tmp_path / BUNDLE_PATH).read_bytes()
    assert gzip.decompress((tmp_path / f"{hashed}.gz").read_bytes()) == original
