"""The incident register (§11): officers record, follow the report deadlines, print notices and the report."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from mctv.confirmation import confirmation_page, form_summary, is_confirmed, rehearse
from mctv.edit_versions import VersionedEditMixin
from mctv.forms import add_service_error
from mctv.lists import StaffListMixin
from mctv.responses import pdf_response
from mctv.views import StaffPermissionMixin
from privacy.data_items import item_labels
from privacy.forms.incidents import IncidentForm, IncidentStatusForm, NoticesSentForm
from privacy.models import AccessLog, Incident, IncidentSettings, PrintJob
from privacy.pdf import render_pdf
from privacy.selectors.incident_scope import incident_scope_summary
from privacy.selectors.incidents import incidents_visible_to
from privacy.services.access_log import access_log_record
from privacy.services.incidents import (
    incident_mark_notices_impossible,
    incident_mark_notices_sent,
    incident_record,
    incident_set_status,
    incident_update,
)
from privacy.services.notice_prints import notice_people, notices_job_create, notices_print_now


class IncidentListView(StaffPermissionMixin, StaffListMixin, ListView):
    permission_required = "privacy.view_incident"
    template_name = "privacy/incident_list.html"
    context_object_name = "incidents"
    sort_keys = {"number": ("number",), "discovered_at": ("discovered_at",), "status": ("status",)}
    paginate_by = 50

    def get_queryset(self):
        return self.sorted(incidents_visible_to(self.request.user).with_counts().order_by("-discovered_at", "-pk"))

    def get_context_data(self, **kwargs):
        config = IncidentSettings.current()
        context = super().get_context_data(**kwargs)
        for incident in context["incidents"]:
            incident.deadline = incident.next_deadline(config)
            incident.reasons = incident.reportable_reasons(config)
        return context


def _incident_fields(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("subscriber_numbers", None)
    return data


class IncidentCreateView(StaffPermissionMixin, FormView):
    permission_required = "privacy.add_incident"
    template_name = "privacy/form.html"
    form_class = IncidentForm
    extra_context = {"title": _("Record an incident")}

    def get_initial(self):
        """From a hand-over whose return or destruction is missing (``?handover=``): its items, its subscribers and
        a description naming it, to be checked and completed."""
        from privacy.selectors.handovers import handover_incident_initial, handovers_visible_to

        handover = handovers_visible_to(self.request.user).filter(pk=self.request.GET.get("handover") or 0).first()
        return handover_incident_initial(handover) if handover else {}

    def form_valid(self, form):
        fields = _incident_fields(form)
        subscribers = fields.pop("subscribers", [])
        try:
            incident = incident_record(user=self.request.user, subscribers=subscribers, **fields)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded incident %(number)s.") % {"number": incident.number})
        return redirect("privacy:incident_detail", pk=incident.pk)


class IncidentObjectMixin:
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_incident(self) -> Incident:
        if not hasattr(self, "_incident"):
            self._incident = get_object_or_404(incidents_visible_to(self.request.user), pk=self.kwargs["pk"])
        return self._incident


class IncidentUpdateView(StaffPermissionMixin, IncidentObjectMixin, VersionedEditMixin, FormView):
    permission_required = "privacy.change_incident"
    template_name = "privacy/form.html"
    form_class = IncidentForm

    def get_edited_record(self):
        return self.get_incident()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_incident()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Edit incident"), subject=self.get_incident().number, **kwargs)

    def form_valid(self, form):
        fields = _incident_fields(form)
        subscribers = fields.pop("subscribers", [])
        try:
            incident_update(incident=self.get_incident(), user=self.request.user, add_subscribers=subscribers, **fields)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved the incident."))
        return redirect("privacy:incident_detail", pk=self.get_incident().pk)


class IncidentDetailView(StaffPermissionMixin, IncidentObjectMixin, DetailView):
    permission_required = "privacy.view_incident"
    template_name = "privacy/incident_detail.html"
    context_object_name = "incident"

    def get_object(self, queryset=None):
        return self.get_incident()

    def get_context_data(self, **kwargs):
        config = IncidentSettings.current()
        incident = self.object
        affected = list(incident.affected.select_related("subscriber"))
        # The page names the affected people: opening it is logged for each, as any view of a record is.
        if self.request.method == "GET":
            access_log_record(
                user=self.request.user,
                subscribers=[a.subscriber for a in affected],
                action=AccessLog.Action.VIEW,
                path=self.request.path,
                detail={"incident": incident.number},
            )
        may_change = self.request.user.has_perm("privacy.change_incident")
        scope = incident_scope_summary(incident)
        return super().get_context_data(
            can_change=may_change and incident.is_open,
            notice_gaps=incident.notice_gaps() if incident.is_open else [],
            can_mark_notices=may_change and incident.is_open and bool(affected),
            can_print_notices=may_change and bool(affected) and bool(incident.notice_text),
            notice_text_missing=may_change and bool(affected) and not incident.notice_text,
            # Large prints of the notices this staff member asked for, made by a worker, until their files go.
            notice_jobs=PrintJob.objects.kept_for(self.request.user).filter(incident=incident) if may_change else [],
            config=config,
            affected=affected,
            reasons=incident.reportable_reasons(config),
            deadline=incident.next_deadline(config),
            preliminary_due=incident.preliminary_due(config),
            final_due=incident.final_due(config),
            scope=scope,
            item_labels=item_labels(scope.items),
            events=incident.events.select_related("actor"),
            status_form=kwargs.pop("status_form", None) or IncidentStatusForm(incident=incident),
            notices_form=kwargs.pop("notices_form", None) or NoticesSentForm(incident=incident),
            **kwargs,
        )


class IncidentStatusView(StaffPermissionMixin, IncidentObjectMixin, View):
    permission_required = "privacy.change_incident"
    http_method_names = ["post"]

    def post(self, request, pk):
        incident = self.get_incident()
        form = IncidentStatusForm(request.POST, incident=incident)
        if form.is_valid():
            try:
                incident_set_status(
                    incident=incident,
                    user=request.user,
                    status=form.cleaned_data["status"],
                    on=form.cleaned_data["on"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Changed the status."))
                return redirect("privacy:incident_detail", pk=pk)
        return _rerender(request, pk, status_form=form)


class IncidentNoticesSentView(StaffPermissionMixin, IncidentObjectMixin, View):
    permission_required = "privacy.change_incident"
    http_method_names = ["post"]

    def post(self, request, pk):
        incident = self.get_incident()
        form = NoticesSentForm(request.POST, incident=incident)
        if form.is_valid():
            data = form.cleaned_data

            def mark() -> int:
                if data["outcome"] == NoticesSentForm.SENT:
                    return incident_mark_notices_sent(
                        incident=incident,
                        user=request.user,
                        subscriber_ids=data["subscriber_ids"],
                        sent_on=data["sent_on"],
                        method=data["method"],
                    )
                return incident_mark_notices_impossible(
                    incident=incident, user=request.user, subscriber_ids=data["subscriber_ids"], reason=data["reason"]
                )

            try:
                if not is_confirmed(request):
                    rehearse(mark)
                    return self.confirmation(request, incident, form)
                n = mark()
            except ValidationError as error:
                add_service_error(form, error)
            else:
                if data["outcome"] == NoticesSentForm.SENT:
                    done = _("Recorded %(n)d notices as sent.")
                else:
                    done = _("Recorded %(n)d people as impossible to notify: publish the incident.")
                messages.success(request, done % {"n": n})
                return redirect("privacy:incident_detail", pk=pk)
        return _rerender(request, pk, notices_form=form)

    def confirmation(self, request, incident, form):
        data = form.cleaned_data
        chosen = incident.affected.filter(subscriber_id__in=data["subscriber_ids"]).select_related("subscriber")
        people = [(a.subscriber.number, a.subscriber.full_name) for a in chosen.order_by("subscriber__number")]
        if data["outcome"] == NoticesSentForm.SENT:
            title, label = _("Record notices as sent"), _("Record %(n)d notices as sent") % {"n": len(people)}
            consequence = _("These people are recorded as notified: the incident's notice duty is met for them.")
        else:
            title, label = _("Record notice as impossible"), _("Record %(n)d people as impossible to notify")
            label %= {"n": len(people)}
            consequence = _("These people are recorded as impossible to notify: the incident must then be published.")
        return confirmation_page(
            request,
            title=f"{title}: {incident.number}",
            confirm_label=label,
            back_url=reverse("privacy:incident_detail", args=[incident.pk]),
            summary=form_summary(form),
            consequences=[consequence],
            touched={
                "caption": _("People it records"),
                "columns": [_("subscriber number"), _("full name")],
                "page": Paginator(people, 100).get_page(request.POST.get("page")),
            },
        )


def _rerender(request, pk, **forms):
    view = IncidentDetailView(request=request, kwargs={"pk": pk})
    view.object = view.get_incident()
    return view.render_to_response(view.get_context_data(**forms))


class IncidentNoticesPdfView(StaffPermissionMixin, IncidentObjectMixin, View):
    """Batch-printable notices (§11(1)①): one letter per affected subscriber, each about that person only; more than
    NOTICES_SYNC_MAX go to a worker and the print job's page."""

    permission_required = "privacy.change_incident"

    def get(self, request, pk):
        return self.print_notices(request, pk)

    def post(self, request, pk):
        return self.print_notices(request, pk)

    def print_notices(self, request, pk):
        incident = self.get_incident()
        if not incident.notice_text:
            # The notice tells the person what happened in words written for them, never the internal description.
            messages.error(request, _("Write what the notice tells the people affected before printing the notices."))
            return redirect("privacy:incident_detail", pk=pk)
        wanted = request.GET.getlist("subscriber")
        ids = [int(w) for w in wanted if w.isascii() and w.isdigit()] if wanted else None
        people = notice_people(incident, ids)
        if not people:
            raise Http404
        choice = {"incident": incident, "people": people, "user": request.user, "path": request.get_full_path()}
        if len(people) <= settings.NOTICES_SYNC_MAX:
            pdf, export_no = notices_print_now(**choice)
            return pdf_response(pdf, f"incident-{incident.number}-notices-export{export_no}.pdf")
        if request.method == "POST" and is_confirmed(request):
            job = notices_job_create(**choice)
            return redirect("privacy:print_job", pk=job.pk)
        # A link changes nothing: a large print is asked for by a button, once, as the labels' is.
        return confirmation_page(
            request,
            title=_("Print the notices: %(number)s") % {"number": incident.number},
            confirm_label=_("Make %(n)d notices") % {"n": len(people)},
            back_url=reverse("privacy:incident_detail", args=[incident.pk]),
            warning=_(
                "More than %(n)d letters are made by the server in the background; their page shows the progress."
            )
            % {"n": settings.NOTICES_SYNC_MAX},
            consequences=[
                _("A letter to each of these %(n)d people, one a page; each download is recorded in the access log.")
                % {"n": len(people)}
            ],
        )


class IncidentReportPdfView(StaffPermissionMixin, IncidentObjectMixin, View):
    """The draft report (■20, nine items) from the recorded facts — counts, never names."""

    permission_required = "privacy.view_incident"

    def get(self, request, pk):
        incident = self.get_incident()
        config = IncidentSettings.current()
        scope = incident_scope_summary(incident)
        pdf = render_pdf(
            "pdf/incident_report.html",
            {
                "incident": incident,
                "config": config,
                "items": item_labels(scope.items),
                "reasons": incident.reportable_reasons(config),
                "ordinance_sensitive": incident.involves_ordinance_sensitive(config),
                "issued_on": timezone.localdate(),
                "notices_sent": incident.affected.filter(notice_sent_on__isnull=False).count(),
                "registry_count": incident.affected.count(),
                "affected_count": incident.affected_count,
                "scope": scope,
            },
        )
        return pdf_response(pdf, f"incident-{incident.number}-report.pdf")
