"""Every page names the SVG favicon; /favicon.ico, which browsers ask for anyway, leads to it."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_link_the_svg_favicon(client):
    page = client.get("/coverage/").content.decode()
    assert '<link rel="icon" href="/static/idi/favicon.svg" type="image/svg+xml">' in page


def test_favicon_ico_redirects_to_the_svg_which_is_served(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301
    assert answer.url == "/static/idi/favicon.svg"
    icon = client.get(answer.url)
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(icon.streaming_content)
