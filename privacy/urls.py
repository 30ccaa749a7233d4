from django.urls import path

from .views import access_log, contractors, provisions, requests, work_orders

app_name = "privacy"
urlpatterns = [
    path("dashboard/", requests.DashboardView.as_view(), name="dashboard"),
    path("requests/", requests.RequestListView.as_view(), name="request_list"),
    path("requests/new/", requests.RequestReceiveView.as_view(), name="request_create"),
    path("requests/<int:pk>/", requests.RequestDetailView.as_view(), name="request_detail"),
    path("requests/<int:pk>/<slug:action>/", requests.RequestActionView.as_view(), name="request_action"),
    path("requests/<int:pk>/letters/<slug:letter>.pdf", requests.RequestLetterView.as_view(), name="request_letter"),
    path("requests/<int:pk>/disclosure.<slug:form>", requests.RequestDisclosureView.as_view(),
         name="request_disclosure"),
    path("audit/access-log/", access_log.AccessLogListView.as_view(), name="access_log"),
    path("contractors/", contractors.ContractorListView.as_view(), name="contractor_list"),
    path("contractors/new/", contractors.ContractorCreateView.as_view(), name="contractor_create"),
    path("contractors/<int:pk>/", contractors.ContractorDetailView.as_view(), name="contractor_detail"),
    path("contractors/<int:pk>/edit/", contractors.ContractorUpdateView.as_view(), name="contractor_edit"),
    path("contractors/<int:contractor_pk>/agreements/new/", contractors.AgreementCreateView.as_view(),
         name="agreement_create"),
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
    path("exceptional-provisions/<int:pk>/decide/", provisions.ExceptionalProvisionDecideView.as_view(),
         name="exceptional_decide"),
]
