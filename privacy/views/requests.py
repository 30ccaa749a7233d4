"""Subscribers' requests: the dashboard, intake, the request page with its actions, and the letters."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import DetailView, FormView, ListView, TemplateView

from privacy import letters
from privacy.forms import (
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
from privacy.models import AccessLog, SubjectRequest
from privacy.models.requests import EDIT_KINDS, RequestKind
from privacy.portal import pdf_response
from privacy.selectors import requests_visible_to
from privacy.services import requests as service
from privacy.services.access_log import access_log_record

from .base import StaffPermissionMixin, add_service_error

Status = SubjectRequest.Status
DASHBOARD_ROWS = 100


class DashboardView(StaffPermissionMixin, TemplateView):
    """Open requests by due date, overdue first, with the days left shown by urgency."""

    permission_required = "privacy.view_subjectrequest"
    template_name = "privacy/dashboard.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        open_requests = requests_visible_to(self.request.user).open()
        # The most pressing first, and a bounded page: the full list is one click away.
        requests = list(open_requests.select_related("subscriber").by_due_date()[:DASHBOARD_ROWS])
        rows = [
            {
                "request": r,
                "days_left": r.days_left(today),
                "abs_days": abs(r.days_left(today)),
                "urgency": r.urgency(today),
            }
            for r in requests
        ]
        return super().get_context_data(
            rows=rows,
            today=today,
            total=open_requests.count(),
            overdue=open_requests.overdue(today).count(),
            incident_rows=incident_deadlines(self.request.user, today),
            **kwargs,
        )


def incident_deadlines(user, today) -> list[dict]:
    """Open incidents' next report deadlines, for those who may see incidents; soonest first."""
    if not user.has_perm("privacy.view_incident"):
        return []
    from privacy.models import Incident, IncidentSettings

    config = IncidentSettings.current()
    rows = []
    for incident in Incident.objects.open().with_counts():
        deadline = incident.next_deadline(config)
        if deadline:
            left = (deadline[1] - today).days
            urgency = "overdue" if left < 0 else "under5" if left < 5 else "under10" if left < 10 else "ok"
            rows.append(
                {
                    "incident": incident,
                    "report": deadline[0],
                    "due_on": deadline[1],
                    "urgency": urgency,
                    "abs_days": abs(left),
                }
            )
    return sorted(rows, key=lambda r: r["due_on"])


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
    def get_request_object(self) -> SubjectRequest:
        if not hasattr(self, "_request_object"):
            self._request_object = get_object_or_404(
                requests_visible_to(self.request.user).select_related("subscriber", "department"), pk=self.kwargs["pk"]
            )
        return self._request_object


# Each action on the request page: (form, service call, permission, success message).
ACTIONS = {
    "verify": (
        IdentityForm,
        lambda r, u, d: service.request_verify_identity(
            request=r, user=u, method=d["identity_method"], note=d["identity_note"]
        ),
        "privacy.change_subjectrequest",
        gettext_lazy("Recorded the identity check."),
    ),
    "review": (
        NoteForm,
        lambda r, u, d: service.request_start_review(request=r, user=u),
        "privacy.change_subjectrequest",
        gettext_lazy("The request is under review."),
    ),
    "pause": (
        RequiredNoteForm,
        lambda r, u, d: service.request_pause(request=r, user=u, note=d["note"]),
        "privacy.change_subjectrequest",
        gettext_lazy("The clock is stopped until the requester answers."),
    ),
    "resume": (
        NoteForm,
        lambda r, u, d: service.request_resume(request=r, user=u, note=d["note"]),
        "privacy.change_subjectrequest",
        gettext_lazy("The clock runs again; the due date moved."),
    ),
    "extend": (
        ExtendForm,
        lambda r, u, d: service.request_extend(request=r, user=u, days=d["days"], reason=d["reason"]),
        "privacy.change_subjectrequest",
        gettext_lazy("Extended. Send the extension notice to the requester."),
    ),
    "decide": (
        DecideForm,
        lambda r, u, d: service.request_decide(
            request=r, user=u, decision=d["decision"], reasons=d["reasons"], withheld_items=d["withheld_items"]
        ),
        "privacy.decide_subjectrequest",
        gettext_lazy("Recorded the decision."),
    ),
    "reply": (
        ReplyForm,
        lambda r, u, d: service.request_record_reply(
            request=r, user=u, replied_on=d["replied_on"], method=d["reply_method"]
        ),
        "privacy.change_subjectrequest",
        gettext_lazy("Recorded the reply."),
    ),
    "close": (
        NoteForm,
        lambda r, u, d: service.request_close(request=r, user=u, note=d["note"]),
        "privacy.change_subjectrequest",
        gettext_lazy("Closed the request."),
    ),
    "withdraw": (
        RequiredNoteForm,
        lambda r, u, d: service.request_withdraw(request=r, user=u, note=d["note"]),
        "privacy.change_subjectrequest",
        gettext_lazy("Recorded the withdrawal."),
    ),
    "fee": (
        FeeForm,
        lambda r, u, d: service.request_record_fee(request=r, user=u, paid_on=d["paid_on"]),
        "privacy.change_subjectrequest",
        gettext_lazy("Recorded the fee."),
    ),
}


def _available_actions(request: SubjectRequest, user) -> list[str]:
    """The actions the page offers now: those the transition map and the user's permissions allow."""
    moves = service.allowed_moves(request)
    offered = {
        "verify": Status.IDENTITY_VERIFIED in moves and request.status == Status.RECEIVED,
        "review": Status.UNDER_REVIEW in moves and request.status == Status.IDENTITY_VERIFIED,
        "pause": Status.PAUSED in moves,
        "resume": request.status == Status.PAUSED,
        "extend": request.is_open and request.status != Status.DECIDED and not request.extension_days,
        "decide": Status.DECIDED in moves,
        "reply": Status.REPLIED in moves,
        "close": Status.CLOSED in moves,
        "withdraw": Status.WITHDRAWN in moves,
        "fee": bool(request.fee_yen) and request.fee_paid_on is None,
    }
    return [name for name, ok in offered.items() if ok and user.has_perm(ACTIONS[name][2])]


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
        actions = _available_actions(req, user)
        forms = {name: ACTIONS[name][0](prefix=name) for name in actions}
        forms.update(kwargs.pop("bound_forms", {}))
        return super().get_context_data(
            events=req.events.select_related("actor"),
            forms=forms,
            today=timezone.localdate(),
            urgency=req.urgency(),
            abs_days=abs(req.days_left()),
            can_edit_record=(
                req.kind in EDIT_KINDS
                and req.status == Status.DECIDED
                and req.decision != SubjectRequest.Decision.NONE
                and user.has_perm("subscribers.change_subscriber")
            ),
            is_disclosure=req.kind == RequestKind.DISCLOSURE and req.decision in ("full", "partial"),
            **kwargs,
        )


class RequestActionView(StaffPermissionMixin, RequestObjectMixin, View):
    """POST one action from the request page; errors re-render the page with the form as typed."""

    http_method_names = ["post"]

    def has_permission(self):
        action = ACTIONS.get(self.kwargs["action"])
        return action is not None and self.request.user.has_perm(action[2])

    def post(self, request, pk, action):
        req = self.get_request_object()
        if action not in _available_actions(req, request.user):
            # A stale page or a double click: say so, change nothing.
            messages.error(request, _("This step is not possible at this stage of the request."))
            return redirect("privacy:request_detail", pk=req.pk)
        form_class, call, _perm, done = ACTIONS[action]
        form = form_class(request.POST, prefix=action)
        if form.is_valid():
            try:
                call(req, request.user, form.cleaned_data)
            except PermissionDenied:
                raise
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, done)
                return redirect("privacy:request_detail", pk=req.pk)
        view = RequestDetailView(request=request, kwargs={"pk": pk})
        view.object = req
        context = view.get_context_data(bound_forms={action: form}, failed_action=action)
        return view.render_to_response(context, status=200)


class RequestLetterView(StaffPermissionMixin, RequestObjectMixin, View):
    """The letters as PDF: the decision (決定通知書) and the extension notice. Printing one is logged."""

    permission_required = "privacy.view_subjectrequest"
    letters = {
        "decision": (lambda r: bool(r.decision), letters.decision_letter_pdf),
        "extension": (lambda r: bool(r.extension_days), letters.extension_notice_pdf),
    }

    def get(self, request, pk, letter):
        req = self.get_request_object()
        exists, render = self.letters.get(letter, (lambda r: False, None))
        if not exists(req):
            raise Http404
        access_log_record(
            user=request.user,
            subscribers=[req.subscriber],
            action=AccessLog.Action.EXPORT,
            path=request.path,
            detail={"letter": letter, "request": req.number},
        )
        return pdf_response(render(req), f"{letter}-{req.number}.pdf")


class RequestDisclosureView(StaffPermissionMixin, RequestObjectMixin, View):
    """Hand over the disclosed data (PDF, or CSV/JSON for an electronic copy): a POST, recorded and logged."""

    permission_required = "privacy.change_subjectrequest"
    http_method_names = ["post"]

    def post(self, request, pk, form):
        req = self.get_request_object()
        if form not in ("pdf", "csv", "json"):
            raise Http404
        if req.kind != RequestKind.DISCLOSURE or req.decision not in ("full", "partial"):
            raise PermissionDenied(_("Only a disclosure request granted in full or in part is disclosed."))
        with transaction.atomic():
            # Handing the data over is recorded on the request and, like any export, in the access log.
            service.request_record_handover(request=req, user=self.request.user, form=form)
            access_log_record(
                user=self.request.user,
                subscribers=[req.subscriber],
                action=AccessLog.Action.EXPORT,
                path=self.request.path,
                detail={"export": f"disclosure.{form}", "request": req.number},
            )
            if form == "pdf":
                return pdf_response(letters.disclosure_pdf(req, self.request.user), f"disclosure-{req.number}.pdf")
            body = (
                letters.disclosure_csv(req, self.request.user)
                if form == "csv"
                else letters.disclosure_json(req, self.request.user)
            )
        response = HttpResponse(
            body, content_type="text/csv; charset=utf-8" if form == "csv" else "application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="disclosure-{req.number}.{form}"'
        response["Cache-Control"] = "no-store"
        return response
