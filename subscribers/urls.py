from django.urls import path, re_path

from . import import_views, list_views, postal_views, registration_views, views

app_name = "subscribers"
urlpatterns = [
    path("", list_views.SubscriberListView.as_view(), name="list"),
    path("new/", registration_views.SubscriberCreateView.as_view(), name="create"),
    path("export.csv", views.SubscriberExportView.as_view(), name="export"),
    path("<int:pk>/", views.SubscriberDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.SubscriberUpdateView.as_view(), name="edit"),
    path("<int:pk>/status/", views.SubscriberStatusView.as_view(), name="status"),
    path("<int:pk>/void/", registration_views.SubscriberVoidView.as_view(), name="void"),
    path("<int:pk>/history/", views.SubscriberHistoryView.as_view(), name="history"),
    path("imports/", import_views.ImportListView.as_view(), name="import_list"),
    path("imports/new/", import_views.ImportUploadView.as_view(), name="import_upload"),
    path("imports/<int:pk>/", import_views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/action/", import_views.ImportActionView.as_view(), name="import_action"),
    path("imports/<int:pk>/status.json", import_views.ImportStatusView.as_view(), name="import_status"),
    path("imports/<int:pk>/report.csv", import_views.ImportReportView.as_view(), name="import_report"),
    re_path(r"^postal/(?P<code>[0-9]{7})/$", postal_views.PostalCodeView.as_view(), name="postal"),
]
