"""The address a request came from, for the login lockout (django-axes, ``AXES_CLIENT_IP_CALLABLE``).

Behind the office's TLS proxy every request's REMOTE_ADDR is the proxy's: a lockout keyed on it would let anyone
lock out a named user for everybody. With ``TRUSTED_PROXY_COUNT`` proxies in front, the client is the address the
outermost trusted proxy saw, which is that many entries from the right of X-Forwarded-For (entries further left
are whatever the client sent, and are not trusted). With none, REMOTE_ADDR is the client.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote  # not through the expected proxies: the direct peer is all we know
    return forwarded[-proxies]
