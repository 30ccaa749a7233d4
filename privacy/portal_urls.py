from django.urls import path

from .views import portal

app_name = "portal"
urlpatterns = [
    path("", portal.PortalHomeView.as_view(), name="home"),
    path("work-orders/<int:pk>/", portal.PortalWorkOrderView.as_view(), name="work_order"),
    path("work-orders/<int:pk>/sheet.pdf", portal.PortalWorkSheetView.as_view(), name="work_sheet"),
]
