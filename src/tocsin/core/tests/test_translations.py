import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

CATALOG = Path(__file__).resolve().parents[2] / "locale" / "es" / "LC_MESSAGES" / "django.po"


def test_every_spanish_message_is_translated_and_well_formed():
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext's msgfmt is not installed")
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(CATALOG)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "translated messages" in result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


def test_the_compiled_catalog_is_used():
    with translation.override("es"):
        assert translation.gettext("Find your legislators") == "Encuentra a tus legisladores"


@pytest.mark.django_db
def test_the_browser_language_picks_spanish_and_the_switch_link_keeps_it():
    client = Client(HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert 'lang="es"' in client.get("/").content.decode()
    english = client.get("/language/en/", {"next": "/"})
    assert english.status_code == 302
    assert 'lang="en"' in client.get("/").content.decode()
    elsewhere = client.get("/language/es/", {"next": "https://evil.example/"})
    assert elsewhere["Location"] == "/"
