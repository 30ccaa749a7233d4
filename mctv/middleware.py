"""Middleware of the project's own."""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

REFRESHED_AT = "_idle_refreshed_at"


class IdleSessionRefreshMiddleware:
    """Idle expiry without a database write on every request: a signed-in session's expiry is pushed forward
    when it was last pushed SESSION_REFRESH_SECONDS ago or more (default a minute). Thirty idle minutes still
    end it, to within that minute; saving on every request cost each page three more round trips.
    Sits after SessionMiddleware, so its response phase runs first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Signed-in sessions only: an anonymous one is never kept alive, and a stale cookie (whose loading
        # clears the key) must not become a new session. The key is read after the membership test loads it.
        if session is not None and session.session_key and SESSION_KEY in session and session.session_key:
            now = int(timezone.now().timestamp())
            if now - session.get(REFRESHED_AT, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_AT] = now  # modified: SessionMiddleware saves it with a new expiry
        return response


class NoStoreForSignedInMiddleware:
    """Every response to a signed-in user may carry personal data (a record, a list, a letter, an export): no
    browser or proxy keeps a copy. Public pages and static files are left to cache as usual."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
