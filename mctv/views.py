"""Project-level views: the landing page, liveness and readiness checks, and error pages that log refusals."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views import defaults
from django.views.decorators.cache import never_cache

from .health import readiness

security_log = logging.getLogger("mctv.security")


class StaffPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Every staff page: anonymous users go to the login page, signed-in users without the permission get 403."""


@login_required
def home(request):
    if request.user.is_contractor:
        return redirect("portal:home")
    if request.user.is_office_staff:
        # The day starts with what is due: the request deadlines, when the user may see them.
        if request.user.has_perm("privacy.view_subjectrequest"):
            return redirect("privacy:dashboard")
        return redirect("subscribers:list")
    raise PermissionDenied


def healthz(request):
    """Liveness: the process answers. Nothing else is asked — a restart mends no database (docs/operations.md)."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    """Readiness: the database and the broker answer (mctv/health.py); 503 names what did not."""
    ready, checks = readiness(settings.READINESS_TIMEOUT_SECONDS)
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


def _who(request) -> str:
    user = getattr(request, "user", None)
    return user.get_username() if user is not None and user.is_authenticated else "anonymous"


def permission_denied(request, exception=None):
    security_log.warning("403 %s %s user=%s", request.method, request.path, _who(request))
    return defaults.permission_denied(request, exception, template_name="403.html")


def page_not_found(request, exception=None):
    security_log.info("404 %s %s user=%s", request.method, request.path, _who(request))
    return defaults.page_not_found(request, exception, template_name="404.html")
