"""Field links are slow: pages and API answers go out compressed, and static files, named by their
content, are cached by the browser for a year (issue 11).

The static case runs collectstatic into a temporary folder and serves it with production settings
in a fresh interpreter, as WhiteNoise serves it behind gunicorn.
"""

import gzip
import json
import subprocess
import sys

import pytest

from .factories import UnitFactory
from .test_settings import BASE_DIR, PRODUCTION, UNSET


@pytest.mark.django_db
def test_pages_are_sent_compressed_to_browsers_that_accept_it(client, hro):
    client.force_login(hro)

    compressed = client.get("/registry/units/", headers={"accept-encoding": "gzip"})
    plain = client.get("/registry/units/")

    assert compressed.status_code == plain.status_code == 200
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed.headers["Vary"]
    html = gzip.decompress(compressed.content)
    assert b"</html>" in html
    assert len(compressed.content) * 3 < len(html)
    assert "Content-Encoding" not in plain.headers


@pytest.mark.django_db
def test_api_answers_are_sent_compressed(client, hro):
    UnitFactory.create_batch(10)  # Answers under 200 bytes are not worth compressing.
    client.force_login(hro)

    response = client.get("/api/v1/units/", headers={"accept-encoding": "gzip"})

    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "results" in json.loads(gzip.decompress(response.content))


STATIC_IN_PRODUCTION = """
import json, sys
import django
django.setup()
from django.core.management import call_command
call_command("collectstatic", "--noinput", verbosity=0)
from django.templatetags.static import static
from django.test import Client
url = static("css/hrddp.css")
response = Client().get(url, secure=True, headers={"host": "hrddp.example.org",
                                                   "accept-encoding": "gzip"})
print(json.dumps({"url": url, "status": response.status_code, "headers": dict(response.headers)}))
"""


def test_static_files_are_named_by_content_cached_for_a_year_and_precompressed(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-c", STATIC_IN_PRODUCTION],
        cwd=BASE_DIR,
        env={
            **UNSET,
            **PRODUCTION,
            "DJANGO_SETTINGS_MODULE": "hrddp.settings",
            "STATIC_ROOT": str(tmp_path / "static"),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    served = json.loads(completed.stdout.splitlines()[-1])

    # The file's name carries a hash of its content, so a new release gets a new URL.
    assert served["url"].startswith("/static/css/hrddp.")
    assert served["url"] != "/static/css/hrddp.css"
    assert served["status"] == 200
    cache_control = served["headers"]["Cache-Control"]
    assert "immutable" in cache_control
    max_age = int(cache_control.split("max-age=")[1].split(",")[0])
    assert max_age >= 365 * 24 * 3600
    assert served["headers"]["Content-Encoding"] in {"gzip", "br"}
