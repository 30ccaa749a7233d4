"""Staff pages of the registry. Thin: the form validates, a service writes, a selector decides visibility."""

from itertools import chain
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import DetailView, FormView, View

from mctv.confirmation import confirmation_page, form_summary, is_confirmed, rehearse
from mctv.edit_versions import VersionedEditMixin
from mctv.forms import add_service_error
from mctv.responses import csv_stream_response
from mctv.views import StaffPermissionMixin
from mctv.wareki import wareki
from privacy.data_items import FIELD_ITEMS
from privacy.models import AccessLog, BulkUse, Purpose
from privacy.models.purposes import SERVICE_PURPOSE
from privacy.selectors.access_review import access_reason_needed
from privacy.selectors.provisions import provision_stops_in_force, provisions_visible_to, sheets_to_retrieve_of
from privacy.selectors.purposes import subscribers_usable_by
from privacy.selectors.requests import requests_visible_to
from privacy.selectors.work_orders import work_orders_visible_to
from privacy.services.access_log import access_log_record, export_number_reserve
from privacy.services.purposes import bulk_export_stream
from privacy.services.requests import request_apply_edit

from .access_prompt import AccessReasonMixin
from .forms import SUBSCRIBER_FIELDS, SubscriberForm, SubscriberStatusForm
from .list_views import search_terms, searched
from .models import Subscriber, SubscriberService
from .services import subscriber_services_changed, subscriber_set_status, subscriber_update, unchangeable_message


class SubscriberObjectMixin:
    """Looks the subscriber up through the visibility selector: invisible means 404."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def get_subscriber(self) -> Subscriber:
        if not hasattr(self, "_subscriber"):
            self._subscriber = get_object_or_404(Subscriber.objects.visible_to(self.request.user), pk=self.kwargs["pk"])
        return self._subscriber


class LoggedFormMixin(SubscriberObjectMixin):
    """A form page shows the record, so opening it is logged like the detail page."""

    def get(self, request, *args, **kwargs):
        subscriber = self.get_subscriber()
        if not subscriber.accepts_changes:
            messages.error(request, unchangeable_message(subscriber))
            return redirect("subscribers:detail", pk=subscriber.pk)
        if access_reason_needed(user=request.user, subscriber_id=subscriber.pk):
            # The form shows the record too: the reason is asked on the record's page first, once a day.
            return redirect("subscribers:detail", pk=subscriber.pk)
        access_log_record(user=request.user, subscribers=[subscriber], action=AccessLog.Action.VIEW, path=request.path)
        return super().get(request, *args, **kwargs)


class SubscriberDetailView(StaffPermissionMixin, SubscriberObjectMixin, AccessReasonMixin, DetailView):
    permission_required = "subscribers.view_subscriber"
    template_name = "subscribers/detail.html"
    context_object_name = "subscriber"

    def get_object(self, queryset=None):
        subscriber = self.get_subscriber()
        access_log_record(
            user=self.request.user,
            subscribers=[subscriber],
            action=AccessLog.Action.VIEW,
            path=self.request.path,
            detail=self.access_detail(),
        )
        return subscriber

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["services"] = self.object.services.all()
        context["work_orders"] = (
            work_orders_visible_to(user)
            .filter(subscriber=self.object)
            .select_related("subscriber", "contractor", "kind")
        )
        context["provisions"] = (
            provisions_visible_to(user).filter(subscriber=self.object).select_related("caused_by")[:50]
        )
        context["stops"] = provision_stops_in_force(self.object)
        context["sheets_to_retrieve"] = sheets_to_retrieve_of(self.object)
        context["consents"] = self.object.consents.select_related("purpose", "policy_version")
        context["requests"] = (
            requests_visible_to(user).filter(subscriber=self.object).order_by("-received_on", "-number")
        )
        return context


@method_decorator(sensitive_post_parameters(*SUBSCRIBER_FIELDS, "confirm_address"), name="dispatch")
class SubscriberUpdateView(StaffPermissionMixin, LoggedFormMixin, VersionedEditMixin, FormView):
    permission_required = "subscribers.change_subscriber"
    template_name = "subscribers/form.html"
    form_class = SubscriberForm

    def get_edited_record(self):
        return self.get_subscriber()

    def other_changes(self, record, since):
        return subscriber_services_changed(record, since, label=str(SubscriberForm.base_fields["services"].label))

    def stale_edit_shown(self, record):
        # The refusal shows the record's current values, as the form page does on opening.
        access_log_record(
            user=self.request.user, subscribers=[record], action=AccessLog.Action.VIEW, path=self.request.path
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_subscriber()}

    def get_subject_request(self):
        """A correction, addition or deletion request this edit carries out (``?request=<id>``), if any."""
        pk = self.request.GET.get("request", "")
        if not (pk.isascii() and pk.isdigit()):
            return None
        return get_object_or_404(requests_visible_to(self.request.user), pk=pk, subscriber=self.get_subscriber())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            subscriber=self.get_subscriber(), subject_request=self.get_subject_request(), **kwargs
        )

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in SUBSCRIBER_FIELDS}
        subject_request = self.get_subject_request()
        try:
            if subject_request is not None:
                subscriber = request_apply_edit(
                    request=subject_request, user=self.request.user, services=form.cleaned_data["services"], **data
                )
            else:
                subscriber = subscriber_update(
                    subscriber=self.get_subscriber(),
                    user=self.request.user,
                    services=form.cleaned_data["services"],
                    **data,
                )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved the changes."))
        return redirect("subscribers:detail", pk=subscriber.pk)


class SubscriberStatusView(StaffPermissionMixin, LoggedFormMixin, FormView):
    permission_required = "subscribers.change_subscriber_status"
    template_name = "subscribers/status_form.html"
    form_class = SubscriberStatusForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "subscriber": self.get_subscriber()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(subscriber=self.get_subscriber(), **kwargs)

    def form_valid(self, form):
        def change():
            subscriber_set_status(
                subscriber=self.get_subscriber(),
                status=form.cleaned_data["status"],
                on_date=form.cleaned_data["on_date"],
                reason=form.cleaned_data["reason"],
                user=self.request.user,
            )

        try:
            if form.cleaned_data["status"] == Subscriber.Status.TERMINATED and not is_confirmed(self.request):
                rehearse(change)
                return self.termination_confirmation(form)
            change()
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Changed the status."))
        return redirect("subscribers:detail", pk=self.get_subscriber().pk)

    def termination_confirmation(self, form):
        subscriber = self.get_subscriber()
        on = form.cleaned_data["on_date"]
        services = [row.get_service_display() for row in subscriber.services.filter(ended_on__isnull=True)]
        return confirmation_page(
            self.request,
            title=_("Terminate the contract of %(number)s") % {"number": subscriber.number},
            confirm_label=_("Terminate the contract"),
            back_url=reverse("subscribers:detail", args=[subscriber.pk]),
            summary=form_summary(form),
            consequences=[
                _("Every contracted service ends on %(day)s: %(services)s.")
                % {"day": wareki(on), "services": "、".join(services) or _("none")},
                _("The record can no longer be edited; it is kept for its retention period, then disposed of."),
            ],
        )


class SubscriberHistoryView(StaffPermissionMixin, SubscriberObjectMixin, AccessReasonMixin, DetailView):
    permission_required = "subscribers.view_subscriber"
    template_name = "subscribers/history.html"
    context_object_name = "subscriber"

    def get_object(self, queryset=None):
        subscriber = self.get_subscriber()
        access_log_record(
            user=self.request.user,
            subscribers=[subscriber],
            action=AccessLog.Action.HISTORY,
            path=self.request.path,
            detail=self.access_detail(),
        )
        return subscriber

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["changes"] = _history_changes(
            self.object.history.select_related("history_user").order_by("history_date")
        )
        context["service_changes"] = (
            SubscriberService.history.filter(subscriber_id=self.object.pk)
            .select_related("history_user")
            .order_by("-history_date")
        )
        return context


def _history_changes(records) -> list[dict[str, Any]]:
    """Each history row with the fields it changed, before and after (newest first)."""
    changes, previous = [], None
    for record in records:
        diffs: list[dict[str, Any]] = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = Subscriber._meta.get_field(change.field)
                assert isinstance(field, models.Field)  # the registry's own columns
                labels = dict(field.flatchoices) if field.choices else {}
                diffs.append(
                    {
                        "label": field.verbose_name,
                        "old": labels.get(change.old, change.old),
                        "new": labels.get(change.new, change.new),
                    }
                )
        changes.append({"record": record, "diffs": diffs})
        previous = record
    return list(reversed(changes))


class SubscriberExportView(StaffPermissionMixin, View):
    """CSV of the current search, each exported subscriber written to the access log before their row is sent."""

    permission_required = "subscribers.export_subscriber"
    columns = [
        "number",
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "postal_code",
        "prefecture",
        "municipality",
        "street_address",
        "building",
        "phone",
        "mobile_phone",
        "email",
        "status",
    ]

    def get(self, request):
        # A bulk use names its purpose (§2(2)): the registry's own export serves application, construction,
        # billing and collection, and reaches only whom that purpose may (never a suspension of use).
        purpose = get_object_or_404(Purpose, code=SERVICE_PURPOSE)
        query, status = search_terms(request)
        qs = searched(subscribers_usable_by(request.user, purpose), query, status)
        # Each chunk of the file is written to the access log and committed just before it is sent (the service),
        # so the first byte waits for one chunk and the log names exactly whom the file holds, whatever the size.
        export_no = export_number_reserve()
        people = bulk_export_stream(
            user=request.user,
            purpose=purpose,
            kind=BulkUse.Kind.EXPORT_CSV,
            subscribers=qs,
            columns=self.columns,
            filters={"query": query, "status": status},
            path=request.get_full_path(),
            items={FIELD_ITEMS[c] for c in self.columns if c in FIELD_ITEMS},
            export_no=export_no,
        )
        header = [str(Subscriber._meta.get_field(c).verbose_name) for c in self.columns]
        lines = ([self.cell(subscriber, c) for c in self.columns] for subscriber in people)
        filename = f"subscribers-{timezone.localtime():%Y%m%d-%H%M}-export{export_no}.csv"
        return csv_stream_response(filename, chain([header], lines))

    @staticmethod
    def cell(subscriber: Subscriber, column: str) -> str:
        if column == "status":
            return subscriber.get_status_display()
        if column in ("postal_code", "phone", "mobile_phone"):
            return getattr(subscriber, f"{column}_display")
        return getattr(subscriber, column)
