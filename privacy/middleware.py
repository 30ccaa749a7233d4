"""Middleware of the privacy capabilities."""

import logging
import uuid
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

security_log = logging.getLogger("mctv.security")

SUBMISSION_TOKEN_FIELD = "submission_token"

# Paths a contractor account may reach besides the portal.
CONTRACTOR_ALLOWED_PREFIXES = ("/portal/", "/accounts/logout/", "/static/", "/privacy/")
# What a contractor may post: signing out, and its statement that it destroyed a hand-over (■19(2)④). The portal
# is read-only besides; its provision log is written by the pages it reads.
CONTRACTOR_POSTS = frozenset({"logout", "portal:handover"})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _contractor_may_post(request) -> bool:
    try:
        return resolve(request.path_info).view_name in CONTRACTOR_POSTS
    except Resolver404:
        return False


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
        if confined and request.method not in READ_METHODS and not _contractor_may_post(request):
            security_log.warning("contractor %s refused %s %s", user.get_username(), request.method, request.path)
            return HttpResponseNotAllowed(sorted(READ_METHODS))
        return self.get_response(request)


class OneTimeSubmissionMiddleware:
    """A form the system draws carries a one-time token (``{% submission_token %}``). The first POST that carries
    it claims it in the same transaction as its work and records where it led; a second submit of the same form —
    a double click, a reload, a second tab — is not done again but sent where the first went. Two submits at once:
    the second waits on the first's claim (the token is the primary key) and then finds it.

    The request runs in one transaction: a 5xx rolls back everything it wrote. A form drawn again with its errors,
    or a refusal sent back with an error message, releases the token, so the corrected form can be sent. A
    document answered directly (a work sheet, a disclosure handed over) spends it: a second click does not print
    or hand over again, and leads back to the page the form was on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = self._token(request)
        if token is None:
            return self.get_response(request)
        from privacy.models import FormSubmission

        with transaction.atomic():
            claim, claimed = FormSubmission.objects.get_or_create(
                token=token, defaults={"user": request.user, "path": request.path[:500]}
            )
            if not claimed:
                return self._replay(request, claim)
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            elif response.get("Content-Disposition", "").startswith("attachment"):
                claim.result_url = _came_from(request)
                claim.save(update_fields=["result_url"])
            elif response.status_code in (301, 302, 303) and response.has_header("Location") and not _refused(request):
                claim.result_url = response["Location"][:2000]
                claim.save(update_fields=["result_url"])
            else:
                claim.delete()
        return response

    @staticmethod
    def _token(request) -> uuid.UUID | None:
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        value = request.POST.get(SUBMISSION_TOKEN_FIELD, "")
        try:
            return uuid.UUID(value) if value else None
        except ValueError:
            security_log.warning("malformed form token from %s on %s", request.user.get_username(), request.path)
            return None

    @staticmethod
    def _replay(request, claim):
        if claim.user_id != request.user.pk or not claim.result_url:
            security_log.warning("form token of another user or path replayed by %s", request.user.get_username())
            raise PermissionDenied
        messages.info(
            request, _("This form had already been sent, so it was not done again. Here is where it first led.")
        )
        return redirect(claim.result_url)


def _came_from(request) -> str:
    """The page the form was on, when it is this site's; else the start page."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return urlsplit(referer).path[:2000] or "/"
    return "/"


def _refused(request) -> bool:
    """The view answered with an error message (a refusal): nothing was done, so the form may be sent again."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return any(message.level >= messages.ERROR for message in queued)
