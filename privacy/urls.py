from django.urls import path

from .views import access_log, contractors, incidents, provisions, purposes, requests, retention, work_orders

app_name = "privacy"
urlpatterns = [
    path("incidents/", incidents.IncidentListView.as_view(), name="incident_list"),
    path("incidents/new/", incidents.IncidentCreateView.as_view(), name="incident_create"),
    path("incidents/<int:pk>/", incidents.IncidentDetailView.as_view(), name="incident_detail"),
    path("incidents/<int:pk>/edit/", incidents.IncidentUpdateView.as_view(), name="incident_edit"),
    path("incidents/<int:pk>/status/", incidents.IncidentStatusView.as_view(), name="incident_status"),
    path("incidents/<int:pk>/notices-sent/", incidents.IncidentNoticesSentView.as_view(), name="incident_notices_sent"),
    path("incidents/<int:pk>/notices.pdf", incidents.IncidentNoticesPdfView.as_view(), name="incident_notices"),
    path("incidents/<int:pk>/report.pdf", incidents.IncidentReportPdfView.as_view(), name="incident_report"),
    path("retention/", retention.DisposalListView.as_view(), name="disposal_list"),
    path("retention/<int:pk>/", retention.DisposalDetailView.as_view(), name="disposal_detail"),
    path("retention/<int:pk>/decide/", retention.DisposalDecideView.as_view(), name="disposal_decide"),
    path(
        "retention/<int:pk>/certificate.pdf", retention.DisposalCertificateView.as_view(), name="disposal_certificate"
    ),
    path("privacy/", purposes.PublicPrivacyView.as_view(), name="public_privacy"),
    path("purposes/", purposes.PurposeListView.as_view(), name="purpose_list"),
    path("purposes/<slug:code>/export.csv", purposes.PurposeExportView.as_view(), name="purpose_export"),
    path("purposes/<slug:code>/labels.pdf", purposes.PurposeLabelsView.as_view(), name="purpose_labels"),
    path("subscribers/<int:pk>/consents/new/", purposes.ConsentCreateView.as_view(), name="consent_create"),
    path("consents/<int:pk>/withdraw/", purposes.ConsentWithdrawView.as_view(), name="consent_withdraw"),
    path("statistics/", purposes.StatisticsView.as_view(), name="statistics"),
    path("statistics.csv", purposes.StatisticsCsvView.as_view(), name="statistics_csv"),
    path("dashboard/", requests.DashboardView.as_view(), name="dashboard"),
    path("requests/", requests.RequestListView.as_view(), name="request_list"),
    path("requests/new/", requests.RequestReceiveView.as_view(), name="request_create"),
    path("requests/<int:pk>/", requests.RequestDetailView.as_view(), name="request_detail"),
    path("requests/<int:pk>/<slug:action>/", requests.RequestActionView.as_view(), name="request_action"),
    path("requests/<int:pk>/letters/<slug:letter>.pdf", requests.RequestLetterView.as_view(), name="request_letter"),
    path(
        "requests/<int:pk>/disclosure.<slug:form>", requests.RequestDisclosureView.as_view(), name="request_disclosure"
    ),
    path("audit/access-log/", access_log.AccessLogListView.as_view(), name="access_log"),
    path("contractors/", contractors.ContractorListView.as_view(), name="contractor_list"),
    path("contractors/new/", contractors.ContractorCreateView.as_view(), name="contractor_create"),
    path("contractors/<int:pk>/", contractors.ContractorDetailView.as_view(), name="contractor_detail"),
    path("contractors/<int:pk>/edit/", contractors.ContractorUpdateView.as_view(), name="contractor_edit"),
    path(
        "contractors/<int:contractor_pk>/agreements/new/",
        contractors.AgreementCreateView.as_view(),
        name="agreement_create",
    ),
    path("agreements/<int:pk>/edit/", contractors.AgreementUpdateView.as_view(), name="agreement_edit"),
    path("work-orders/", work_orders.WorkOrderListView.as_view(), name="work_order_list"),
    path("work-orders/new/", work_orders.WorkOrderCreateView.as_view(), name="work_order_create"),
    path("work-orders/<int:pk>/", work_orders.WorkOrderDetailView.as_view(), name="work_order_detail"),
    path("work-orders/<int:pk>/edit/", work_orders.WorkOrderUpdateView.as_view(), name="work_order_edit"),
    path("work-orders/<int:pk>/close/", work_orders.WorkOrderCloseView.as_view(), name="work_order_close"),
    path("work-orders/<int:pk>/sheet.pdf", work_orders.WorkOrderSheetView.as_view(), name="work_order_sheet"),
    path("provisions/", provisions.ProvisionListView.as_view(), name="provision_list"),
    path("provisions/export.csv", provisions.ProvisionExportView.as_view(), name="provision_export"),
    path("subscribers/<int:pk>/provisions/new/", provisions.ProvisionRecordView.as_view(), name="provision_record"),
    path("exceptional-provisions/", provisions.ExceptionalProvisionListView.as_view(), name="exceptional_list"),
    path(
        "exceptional-provisions/<int:pk>/decide/",
        provisions.ExceptionalProvisionDecideView.as_view(),
        name="exceptional_decide",
    ),
]
