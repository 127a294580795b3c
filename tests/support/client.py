"""What the web tests do with a test client: log in as one of the world's accounts, read a page,
find a form field's block."""
from __future__ import annotations

from tests.support.world import PASSWORD


def login(client, email: str, lang: str | None = None):
    """Log the test client in as one of the seeded accounts (optionally choosing a language)."""
    from tests.conftest import csrf_token

    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    if lang:
        client.get(f"/?lang={lang}")
    return response


def field_block(html: str, field_id: str) -> str:
    """The `<div class="field ...">` that holds the input with this id (error messages sit inside)."""

    at = html.index(f'id="{field_id}"')
    start = html.rfind('<div class="field', 0, at)
    end = html.find("</div>", at)
    assert start != -1 and end != -1
    return html[start:end]


def text_of(response) -> str:
    return response.get_data(as_text=True)
