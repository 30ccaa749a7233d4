"""Posting a form as a browser does: with the one-time token the page drew."""

import re
from datetime import date

TOKEN = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')


def drawn_token(client, url: str) -> str:
    """The token of the (first) form the page at ``url`` draws."""
    page = client.get(url)
    assert page.status_code == 200, page
    found = TOKEN.search(page.content.decode())
    assert found is not None, f"{url} draws no form with a one-time token"
    return found.group(1)


def as_drawn(page) -> dict:
    """What the browser sends back for the page's form as drawn: every field's value, and its one-time token."""
    form = page.context["form"]
    data = {}
    for field in form:
        value = field.value()
        if value is None:
            continue
        if isinstance(value, date):  # as its box shows it (R8.12.17 for the office's boxes)
            value = field.field.widget.format_value(value) or value.isoformat()
        data[field.html_name] = value if isinstance(value, list) else str(value)
    found = TOKEN.search(page.content.decode())
    if found is not None:
        data["submission_token"] = found.group(1)
    return data
