"""Subscribers' requests: the dashboard, intake, the request page with its actions, and the letters."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import DetailView, FormView, ListView

from mctv import dates
from mctv.confirmation import ask_before
from mctv.forms import add_service_error
from mctv.lists import StaffListMixin
from mctv.views import StaffPermissionMixin
from privacy.forms.requests import (
    CarryOutForm,
    CorrectedFormArrivedForm,
    DecideForm,
    DismissForm,
    ExtendForm,
    FeeForm,
    FormCorrectionForm,
    IdentityForm,
    NoteForm,
    ReplyForm,
    RequestFilterForm,
    RequestReceiveForm,
    RequiredNoteForm,
    SentOnForm,
    SpecialExtendForm,
    TransferForm,
    WaiveFeeForm,
)
from privacy.models import AccessLog, PrintJob, SubjectRequest, User
from privacy.selectors.requests import consultations_visible_to, requests_visible_to, requests_with_names_for
from privacy.services import requests as service
from privacy.services.access_log import access_log_record

from .request_documents import LETTERS, RequestDisclosureView, RequestLetterView, RequestObjectMixin

Status = SubjectRequest.Status


class RequestListView(StaffPermissionMixin, StaffListMixin, ListView):
    permission_required = "privacy.view_subjectrequest"
    template_name = "privacy/request_list.html"
    context_object_name = "requests"
    paginate_by = 50
    sort_keys = {
        "number": ("number",),
        "kind": ("kind",),
        "received_on": ("received_on",),
        "status": ("status",),
        "due_on": ("due_on",),
    }

    def get_queryset(self):
        self.filter_form = RequestFilterForm(self.request.GET or None)
        user = self.request.user
        qs = self.filter_form.filter(requests_visible_to(user)).select_related("subscriber").by_due_date()
        return self.sorted(requests_with_names_for(user, qs.with_overdue(timezone.localdate())))

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

        initial = {}
        found = Subscriber.objects.visible_to(self.request.user).filter(pk=_int(self.request.GET.get("subscriber")))
        if found:
            initial["subscriber_number"] = found[0].number
        # A consultation becoming a request: what was noted then is the start of the form.
        consultation = (
            consultations_visible_to(self.request.user)
            .filter(pk=_int(self.request.GET.get("consultation")), request__isnull=True)
            .select_related("subscriber")
            .first()
        )
        if consultation is not None:
            initial.update(
                consultation=consultation.pk,
                kind=consultation.kind,
                details=consultation.summary,
                subscriber_number=consultation.subscriber.number if consultation.subscriber else "",
                subject_name="" if consultation.subscriber else consultation.name,
            )
        return initial

    def form_valid(self, form):
        try:
            request = service.request_receive(user=self.request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Recorded request %(number)s; reply due %(due)s.")
            % {"number": request.number, "due": dates.with_weekday(request.due_on)},
        )
        return redirect("privacy:request_detail", pk=request.pk)


def _int(value: str | None) -> int:
    """A query parameter as an id; anything else finds nothing."""
    return int(value) if value and value.isdigit() and len(value) < 12 else 0


@dataclass(frozen=True)
class Step:
    """A step of the request page: its heading, form, permission, the service it calls, the message on success."""

    title: str | Promise
    form: type[forms.Form]
    permission: str
    call: Callable[[SubjectRequest, User, dict[str, Any]], object]
    done: str | Promise
    # The decision form offers what the request's kind allows: it is built knowing the request.
    knows_request: bool = False
    # A step that cannot be undone asks first, saying what it does (``mctv.confirmation``).
    consequence: str | Promise = ""

    def build_form(self, req: SubjectRequest, *args: Any, **kwargs: Any) -> forms.Form:
        if self.knows_request:
            kwargs["request"] = req
        return self.form(*args, **kwargs)


CHANGE = "privacy.change_subjectrequest"
# In the page's order (the services say from which statuses each may be taken: ``request_next_steps``).
STEPS: dict[str, Step] = {
    "verify": Step(
        gettext_lazy("Record the identity check"),
        IdentityForm,
        CHANGE,
        lambda r, u, d: service.request_verify_identity(
            request=r,
            user=u,
            method=d["identity_method"],
            note=d["identity_note"],
            agent_authority=d["agent_authority"],
        ),
        gettext_lazy("Recorded the identity check."),
    ),
    "review": Step(
        gettext_lazy("Start the review"),
        NoteForm,
        CHANGE,
        lambda r, u, d: service.request_start_review(request=r, user=u, note=d["note"]),
        gettext_lazy("The request is under review."),
    ),
    "pause": Step(
        gettext_lazy("Ask for a correction of the form"),
        FormCorrectionForm,
        CHANGE,
        lambda r, u, d: service.request_pause(request=r, user=u, note=d["note"], correct_by=d["correct_by"]),
        gettext_lazy("The clock is stopped until the corrected form arrives. Send the letter asking for it."),
    ),
    "resume": Step(
        gettext_lazy("The corrected form arrived"),
        CorrectedFormArrivedForm,
        CHANGE,
        lambda r, u, d: service.request_resume(request=r, user=u, note=d["note"], on=d["on"]),
        gettext_lazy("The clock runs again; the due date moved."),
    ),
    "extend": Step(
        gettext_lazy("Extend the deadline (once)"),
        ExtendForm,
        CHANGE,
        lambda r, u, d: service.request_extend(request=r, user=u, days=d["days"], reason=d["reason"]),
        gettext_lazy("Extended. Send the extension notice to the requester."),
    ),
    "special_extend": Step(
        gettext_lazy("Apply the special rule for a very large request"),
        SpecialExtendForm,
        CHANGE,
        lambda r, u, d: service.request_special_extend(
            request=r, user=u, reason=d["reason"], rest_by=d["rest_by"], part=d["part"]
        ),
        gettext_lazy("Recorded. Send the notice of the special rule to the requester within the period."),
    ),
    "decide": Step(
        gettext_lazy("Decide (officer)"),
        DecideForm,
        "privacy.decide_subjectrequest",
        lambda r, u, d: service.request_decide(
            request=r,
            user=u,
            decision=d["decision"],
            reasons=d["reasons"],
            withheld_items=d["withheld_items"],
            withholding_grounds=d["withholding_grounds"],
        ),
        gettext_lazy("Recorded the decision."),
        knows_request=True,
        consequence=gettext_lazy(
            "The decision is final: the decision letter is issued from it, and only an appeal can change it."
        ),
    ),
    "dismiss": Step(
        gettext_lazy("Dismiss: not a lawful request (officer)"),
        DismissForm,
        "privacy.decide_subjectrequest",
        lambda r, u, d: service.request_dismiss(request=r, user=u, reasons=d["reasons"]),
        gettext_lazy("Recorded the dismissal."),
        consequence=gettext_lazy("The request is dismissed for good; the letter says why and how to appeal."),
    ),
    "transfer": Step(
        gettext_lazy("Transfer to another body"),
        TransferForm,
        "privacy.decide_subjectrequest",
        lambda r, u, d: service.request_transfer(request=r, user=u, to=d["to"], reason=d["reason"], on=d["on"]),
        gettext_lazy("Recorded the transfer. Send the notice to the requester."),
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
        consequence=gettext_lazy("The request ends as withdrawn; a new request would start again from its receipt."),
    ),
    "fee": Step(
        gettext_lazy("Record the fee paid"),
        FeeForm,
        CHANGE,
        lambda r, u, d: service.request_record_fee(request=r, user=u, paid_on=d["paid_on"]),
        gettext_lazy("Recorded the fee."),
    ),
    "waive_fee": Step(
        gettext_lazy("Waive the fee"),
        WaiveFeeForm,
        "privacy.decide_subjectrequest",
        lambda r, u, d: service.request_waive_fee(request=r, user=u, reason=d["reason"]),
        gettext_lazy("Recorded the waiver."),
    ),
    "carry_out": Step(
        gettext_lazy("Record the disclosure carried out"),
        CarryOutForm,
        CHANGE,
        lambda r, u, d: service.request_carry_out_disclosure(
            request=r, user=u, on=d["on"], method=d["method"], sheets=d["sheets"] or 0, copies_paid=d["copies_paid"]
        ),
        gettext_lazy("Recorded the disclosure carried out."),
    ),
}


def _available_steps(request: SubjectRequest, user: User) -> list[str]:
    """The steps the page offers now: those the request's status allows and the user's permissions."""
    return [name for name in service.request_next_steps(request) if user.has_perm(STEPS[name].permission)]


class RequestDetailView(StaffPermissionMixin, RequestObjectMixin, DetailView):
    permission_required = "privacy.view_subjectrequest"
    template_name = "privacy/request_detail.html"
    context_object_name = "req"

    def get_object(self, queryset=None):
        req = self.get_request_object()
        # The request file holds the subscriber's (or agent's) personal data: opening it is logged.
        access_log_record(
            user=self.request.user,
            subscribers=[req.subscriber] if req.subscriber else [],
            action=AccessLog.Action.VIEW,
            path=self.request.path,
            detail={"request": req.number},
        )
        return req

    def get_context_data(self, **kwargs):
        req, user = self.object, self.request.user
        bound = kwargs.pop("bound_forms", {})
        steps = [
            {
                "name": name,
                "title": STEPS[name].title,
                "form": bound.get(name) or STEPS[name].build_form(req, prefix=name),
            }
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
            can_edit_record=req.record_change_allowed
            and req.subscriber_id is not None
            and user.has_perm("subscribers.change_subscriber"),
            follow_up_lapse=service.follow_up_lapse(req) if req.is_open else "",
            follow_up_deadline=service.follow_up_deadline(req) if req.grants_disclosure else None,
            correction_notices=req.correction_notices.select_related("sent_by"),
            sent_on_form=SentOnForm(initial={"on": timezone.localdate()}),
            appeals=req.appeals.all() if user.has_perm("privacy.view_appeal") else [],
            can_hand_over=req.grants_disclosure and user.has_perm(RequestDisclosureView.permission_required),
            # Long disclosures this staff member asked for, made by a worker, until their files go.
            disclosure_jobs=PrintJob.objects.kept_for(user).filter(request=req)
            if user.has_perm(RequestDisclosureView.permission_required)
            else [],
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
        form = step.build_form(req, request.POST, prefix=action)
        if form.is_valid():
            try:
                if step.consequence and (
                    asked := ask_before(
                        request,
                        step=lambda: step.call(req, request.user, form.cleaned_data),
                        form=form,
                        title=f"{step.title}: {req.number}",
                        confirm_label=str(step.title),
                        back_url=reverse("privacy:request_detail", args=[req.pk]),
                        consequences=[str(step.consequence)],
                    )
                ):
                    return asked
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
