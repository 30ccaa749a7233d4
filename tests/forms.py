"""Posting a form as a browser does: with the one-time token the page drew."""

import re

TOKEN = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')


def drawn_token(client, url: str) -> str:
    """The token of the (first) form the page at ``url`` draws."""
    page = client.get(url)
    assert page.status_code == 200, page
    found = TOKEN.search(page.content.decode())
    assert found is not None, f"{url} draws no form with a one-time token"
    return found.group(1)
