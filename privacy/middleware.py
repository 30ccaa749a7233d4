"""Middleware of the privacy capabilities."""

import logging

from django.shortcuts import redirect

security_log = logging.getLogger("mctv.security")

# Paths a contractor account may reach besides the portal.
CONTRACTOR_ALLOWED_PREFIXES = ("/portal/", "/accounts/logout/", "/static/", "/privacy/")


class ContractorConfinementMiddleware:
    """A contractor account reaches nothing outside the portal (§4(3)): every other path redirects there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        confined = user is not None and user.is_authenticated and user.is_contractor
        if confined and not request.path.startswith(CONTRACTOR_ALLOWED_PREFIXES):
            if request.path != "/":
                security_log.warning("contractor %s sent to the portal from %s", user.get_username(), request.path)
            return redirect("portal:home")
        return self.get_response(request)
