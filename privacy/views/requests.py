"""Subscribers' requests: the dashboard, intake, the request page with its actions, and the letters."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import DetailView, FormView, ListView, TemplateView

from mctv.forms import add_service_error
from mctv.responses import csv_response, download_response, pdf_response
from mctv.views import StaffPermissionMixin
from privacy import letters
from privacy.forms.requests import (
    DecideForm,
    ExtendForm,
    FeeForm,
    IdentityForm,
    NoteForm,
    ReplyForm,
    RequestFilterForm,
    RequestReceiveForm,
    RequiredNoteForm,
)
from privacy.models import AccessLog, SubjectRequest, User
from privacy.selectors.access import departments_without_responsible_officer
from privacy.selectors.incidents import incident_reports_due, incidents_visible_to, may_see_incidents
from privacy.selectors.requests import requests_visible_to
from privacy.services import requests as service
from privacy.services.access_log import access_log_record

Status = SubjectRequest.Status
DASHBOARD_ROWS = 100


class DashboardView(StaffPermissionMixin, TemplateView):
    """Open requests by due date, overdue first, with the days left shown by urgency; incident reports due."""

    permission_required = "privacy.view_subjectrequest"
    template_name = "privacy/dashboard.html"

    def get_context_data(self, **kwargs):
        today, user = timezone.localdate(), self.request.user
        open_requests = requests_visible_to(user).open()
        # The most pressing first, and a bounded page: the full list is one click away.
        requests = list(open_requests.select_related("subscriber").by_due_date()[:DASHBOARD_ROWS])
        rows = [{"request": r, "abs_days": abs(r.days_left(today)), "urgency": r.urgency(today)} for r in requests]
        return super().get_context_data(
            rows=rows,
            today=today,
            total=open_requests.count(),
            overdue=open_requests.overdue(today).count(),
            shows_incidents=may_see_incidents(user),
            departments_without_officer=list(departments_without_responsible_officer()),
            incident_rows=incident_reports_due(incidents_visible_to(user), today=today),
            **kwargs,
        )


class RequestListView(StaffPermissionMixin, ListView):
    permission_required = "privacy.view_subjectrequest"
    template_name = "privacy/request_list.html"
    context_object_name = "requests"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = RequestFilterForm(self.request.GET or None)
        return (
            self.filter_form.filter(requests_visible_to(self.request.user)).select_related("subscriber").by_due_date()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, today=timezone.localdate(), **kwargs)


@method_decorator(
    sensitive_post_parameters("details", "reason", "agent_name", "agent_address", "agent_phone"), name="dispatch"
)
class RequestReceiveView(StaffPermissionMixin, FormView):
    permission_required = "privacy.add_subjectrequest"
    template_name = "privacy/form.html"
    form_class = RequestReceiveForm
    extra_context = {"title": gettext_lazy("Record a subscriber's request")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        from subscribers.models import Subscriber

        found = Subscriber.objects.visible_to(self.request.user).filter(pk=self.request.GET.get("subscriber") or 0)
        return {"subscriber_number": found[0].number} if found else {}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        data.pop("subscriber_number")
        try:
            request = service.request_receive(user=self.request.user, **data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Recorded request %(number)s; reply due %(due)s.")
            % {"number": request.number, "due": request.due_on.strftime("%Y-%m-%d")},
        )
        return redirect("privacy:request_detail", pk=request.pk)


class RequestObjectMixin:
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_request_object(self) -> SubjectRequest:
        if not hasattr(self, "_request_object"):
            self._request_object = get_object_or_404(
                requests_visible_to(self.request.user).select_related("subscriber", "department"), pk=self.kwargs["pk"]
            )
        return self._request_object


@dataclass(frozen=True)
class Step:
    """A step of the request page: its heading, form, permission, the service it calls, the message on success."""

    title: str | Promise
    form: type[forms.Form]
    permission: str
    call: Callable[[SubjectRequest, User, dict[str, Any]], object]
    done: str | Promise


CHANGE = "privacy.change_subjectrequest"
# In the page's order (the services say from which statuses each may be taken: ``request_next_steps``).
STEPS: dict[str, Step] = {
    "verify": Step(
        gettext_lazy("Record the identity check"),
        IdentityForm,
        CHANGE,
        lambda r, u, d: service.request_verify_identity(
            request=r, user=u, method=d["identity_method"], note=d["identity_note"]
        ),
        gettext_lazy("Recorded the identity check."),
    ),
    "review": Step(
        gettext_lazy("Start the review"),
        NoteForm,
        CHANGE,
        lambda r, u, d: service.request_start_review(request=r, user=u),
        gettext_lazy("The request is under review."),
    ),
    "pause": Step(
        gettext_lazy("Pause: waiting for the requester"),
        RequiredNoteForm,
        CHANGE,
        lambda r, u, d: service.request_pause(request=r, user=u, note=d["note"]),
        gettext_lazy("The clock is stopped until the requester answers."),
    ),
    "resume": Step(
        gettext_lazy("Resume: the requester answered"),
        NoteForm,
        CHANGE,
        lambda r, u, d: service.request_resume(request=r, user=u, note=d["note"]),
        gettext_lazy("The clock runs again; the due date moved."),
    ),
    "extend": Step(
        gettext_lazy("Extend the deadline (once)"),
        ExtendForm,
        CHANGE,
        lambda r, u, d: service.request_extend(request=r, user=u, days=d["days"], reason=d["reason"]),
        gettext_lazy("Extended. Send the extension notice to the requester."),
    ),
    "decide": Step(
        gettext_lazy("Decide (officer)"),
        DecideForm,
        "privacy.decide_subjectrequest",
        lambda r, u, d: service.request_decide(
            request=r, user=u, decision=d["decision"], reasons=d["reasons"], withheld_items=d["withheld_items"]
        ),
        gettext_lazy("Recorded the decision."),
    ),
    "reply": Step(
        gettext_lazy("Record the reply sent"),
        ReplyForm,
        CHANGE,
        lambda r, u, d: service.request_record_reply(
            request=r, user=u, replied_on=d["replied_on"], method=d["reply_method"]
        ),
        gettext_lazy("Recorded the reply."),
    ),
    "close": Step(
        gettext_lazy("Close"),
        NoteForm,
        CHANGE,
        lambda r, u, d: service.request_close(request=r, user=u, note=d["note"]),
        gettext_lazy("Closed the request."),
    ),
    "withdraw": Step(
        gettext_lazy("Withdrawn by the requester"),
        RequiredNoteForm,
        CHANGE,
        lambda r, u, d: service.request_withdraw(request=r, user=u, note=d["note"]),
        gettext_lazy("Recorded the withdrawal."),
    ),
    "fee": Step(
        gettext_lazy("Record the fee paid"),
        FeeForm,
        CHANGE,
        lambda r, u, d: service.request_record_fee(request=r, user=u, paid_on=d["paid_on"]),
        gettext_lazy("Recorded the fee."),
    ),
}


def _available_steps(request: SubjectRequest, user: User) -> list[str]:
    """The steps the page offers now: those the request's status allows and the user's permissions."""
    return [name for name in service.request_next_steps(request) if user.has_perm(STEPS[name].permission)]


@dataclass(frozen=True)
class Letter:
    title: str | Promise
    exists: Callable[[SubjectRequest], bool]
    render: Callable[[SubjectRequest], bytes]


# The letters a request has once what they tell has happened; printing one is logged.
LETTERS: dict[str, Letter] = {
    "decision": Letter(gettext_lazy("Decision letter (PDF)"), lambda r: bool(r.decision), letters.decision_letter_pdf),
    "extension": Letter(
        gettext_lazy("Extension notice (PDF)"), lambda r: bool(r.extension_days), letters.extension_notice_pdf
    ),
}


class RequestDetailView(StaffPermissionMixin, RequestObjectMixin, DetailView):
    permission_required = "privacy.view_subjectrequest"
    template_name = "privacy/request_detail.html"
    context_object_name = "req"

    def get_object(self, queryset=None):
        req = self.get_request_object()
        # The request file holds the subscriber's (or agent's) personal data: opening it is logged.
        access_log_record(
            user=self.request.user,
            subscribers=[req.subscriber],
            action=AccessLog.Action.VIEW,
            path=self.request.path,
            detail={"request": req.number},
        )
        return req

    def get_context_data(self, **kwargs):
        req, user = self.object, self.request.user
        bound = kwargs.pop("bound_forms", {})
        steps = [
            {"name": name, "title": STEPS[name].title, "form": bound.get(name) or STEPS[name].form(prefix=name)}
            for name in _available_steps(req, user)
        ]
        return super().get_context_data(
            events=req.events.select_related("actor"),
            steps=steps,
            letters=[
                (name, letter.title)
                for name, letter in LETTERS.items()
                if letter.exists(req) and user.has_perm(RequestLetterView.permission_required)
            ],
            today=timezone.localdate(),
            urgency=req.urgency(),
            abs_days=abs(req.days_left()),
            can_edit_record=req.record_change_allowed and user.has_perm("subscribers.change_subscriber"),
            can_hand_over=req.grants_disclosure and user.has_perm(RequestDisclosureView.permission_required),
            **kwargs,
        )


class RequestActionView(StaffPermissionMixin, RequestObjectMixin, View):
    """POST one step from the request page; errors re-render the page with the form as typed."""

    http_method_names = ["post"]

    def has_permission(self):
        step = STEPS.get(self.kwargs["action"])
        return step is not None and self.request.user.has_perm(step.permission)

    def post(self, request, pk, action):
        req = self.get_request_object()
        if action not in _available_steps(req, request.user):
            # A stale page or a double click: say so, change nothing.
            messages.error(request, _("This step is not possible at this stage of the request."))
            return redirect("privacy:request_detail", pk=req.pk)
        step = STEPS[action]
        form = step.form(request.POST, prefix=action)
        if form.is_valid():
            try:
                step.call(req, request.user, form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, step.done)
                return redirect("privacy:request_detail", pk=req.pk)
        view = RequestDetailView(request=request, kwargs={"pk": pk})
        view.object = req
        context = view.get_context_data(bound_forms={action: form}, failed_action=action)
        return view.render_to_response(context, status=200)


class RequestLetterView(StaffPermissionMixin, RequestObjectMixin, View):
    """The letters as PDF: the decision (決定通知書) and the extension notice. Printing one is logged. They carry
    the requester's name and address: those who handle requests print them, an auditor does not."""

    permission_required = "privacy.change_subjectrequest"

    def get(self, request, pk, letter):
        req = self.get_request_object()
        found = LETTERS.get(letter)
        if found is None or not found.exists(req):
            raise Http404
        access_log_record(
            user=request.user,
            subscribers=[req.subscriber],
            action=AccessLog.Action.EXPORT,
            path=request.path,
            detail={"letter": letter, "request": req.number},
        )
        return pdf_response(found.render(req), f"{letter}-{req.number}.pdf")


class RequestDisclosureView(StaffPermissionMixin, RequestObjectMixin, View):
    """Hand over the disclosed data (PDF, or CSV/JSON for an electronic copy): a POST, recorded and logged."""

    permission_required = "privacy.change_subjectrequest"
    http_method_names = ["post"]

    def post(self, request, pk, form):
        req = self.get_request_object()
        if form not in ("pdf", "csv", "json"):
            raise Http404
        if not req.grants_disclosure:
            raise PermissionDenied(_("Only a disclosure request granted in full or in part is disclosed."))
        filename = f"disclosure-{req.number}.{form}"
        with transaction.atomic():
            # Handing the data over is recorded on the request and, like any export, in the access log.
            try:
                service.request_record_handover(request=req, user=request.user, form=form)
            except ValidationError as refusal:
                messages.error(request, " ".join(refusal.messages))
                return redirect("privacy:request_detail", pk=req.pk)
            access_log_record(
                user=request.user,
                subscribers=[req.subscriber],
                action=AccessLog.Action.EXPORT,
                path=request.path,
                detail={"export": f"disclosure.{form}", "request": req.number},
            )
            if form == "pdf":
                return pdf_response(letters.disclosure_pdf(req, request.user), filename)
            if form == "csv":
                return csv_response(filename, letters.disclosure_rows(req, request.user))
            return download_response(
                letters.disclosure_json(req, request.user),
                content_type="application/json; charset=utf-8",
                filename=filename,
            )
