from django.urls import path

from mctv.help import PORTAL_SLUG, HelpView

from .views import portal

app_name = "portal"
urlpatterns = [
    path("", portal.PortalHomeView.as_view(), name="home"),
    path("help/", HelpView.as_view(), {"screen": PORTAL_SLUG}, name="help"),
    path("work-orders/<int:pk>/", portal.PortalWorkOrderView.as_view(), name="work_order"),
    path("handovers/<int:pk>/", portal.PortalHandoverView.as_view(), name="handover"),
    path("work-orders/<int:pk>/sheet.pdf", portal.PortalWorkSheetView.as_view(), name="work_sheet"),
]
