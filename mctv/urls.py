from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .help import HelpView

admin.site.site_header = admin.site.site_title = "MCTV"


def _superusers_only(request) -> bool:
    """Django admin is the administrators' configuration tool: office staff never reach it, even with is_staff."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only  # type: ignore[method-assign]  # one site, one rule

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("help/<slug:screen>/", HelpView.as_view(), name="help"),
    path("subscribers/", include("subscribers.urls")),
    path("", include("privacy.urls")),
    path("portal/", include("privacy.portal_urls")),
    path("admin/", admin.site.urls),
]

handler403 = "mctv.views.permission_denied"
handler404 = "mctv.views.page_not_found"
