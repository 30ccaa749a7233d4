"""Appeals (審査請求): the register, receipt, the appeal page with its steps, and its letters. Officers handle them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import DetailView, FormView, ListView

from mctv.confirmation import ask_before
from mctv.forms import add_service_error
from mctv.lists import StaffListMixin
from mctv.responses import pdf_response
from mctv.views import StaffPermissionMixin
from privacy import letters
from privacy.forms.appeals import AppealReceiveForm, ConsultForm, NoticeForm, ReportForm, RuleForm, WithdrawForm
from privacy.models import AccessLog, Appeal, User
from privacy.selectors.appeals import appeals_visible_to
from privacy.services import appeals as service
from privacy.services.access_log import access_log_record

Status = Appeal.Status


class AppealListView(StaffPermissionMixin, StaffListMixin, ListView):
    permission_required = "privacy.view_appeal"
    template_name = "privacy/appeal_list.html"
    context_object_name = "appeals"
    sort_keys = {
        "number": ("number",),
        "received_on": ("received_on",),
        "consult_due_on": ("consult_due_on",),
        "status": ("status",),
    }
    paginate_by = 50

    def get_queryset(self):
        qs = appeals_visible_to(self.request.user).select_related("request")
        return self.sorted(qs.order_by("-received_on", "-number"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


@method_decorator(sensitive_post_parameters("grounds", "appellant_name", "appellant_address"), name="dispatch")
class AppealReceiveView(StaffPermissionMixin, FormView):
    permission_required = "privacy.add_appeal"
    template_name = "privacy/form.html"
    form_class = AppealReceiveForm
    extra_context = {"title": gettext_lazy("Record an appeal")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"request_number": self.request.GET.get("request", "")[:12]}

    def form_valid(self, form):
        try:
            appeal = service.appeal_receive(user=self.request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded appeal %(number)s.") % {"number": appeal.number})
        return redirect("privacy:appeal_detail", pk=appeal.pk)


@dataclass(frozen=True)
class Step:
    title: str | Promise
    form: type[forms.Form]
    statuses: frozenset[str]
    call: Callable[[Appeal, User, dict[str, Any]], object]
    done: str | Promise
    # A step that cannot be undone asks first, saying what it does (``mctv.confirmation``).
    consequence: str | Promise = ""


STEPS: dict[str, Step] = {
    "consult": Step(
        gettext_lazy("Consult the review board"),
        ConsultForm,
        frozenset({Status.RECEIVED}),
        lambda a, u, d: service.appeal_consult(appeal=a, user=u, on=d["on"], notified_on=d["notified_on"]),
        gettext_lazy("Recorded the consultation. Send the notice of consultation to the appellant."),
    ),
    "notice": Step(
        gettext_lazy("Record the notice of consultation sent"),
        NoticeForm,
        frozenset({Status.CONSULTED, Status.REPORTED}),
        lambda a, u, d: service.appeal_record_notice(appeal=a, user=u, on=d["on"]),
        gettext_lazy("Recorded the notice."),
    ),
    "report": Step(
        gettext_lazy("Record the board's report"),
        ReportForm,
        frozenset({Status.CONSULTED}),
        lambda a, u, d: service.appeal_record_report(appeal=a, user=u, on=d["on"], summary=d["summary"]),
        gettext_lazy("Recorded the report."),
    ),
    "rule": Step(
        gettext_lazy("Rule on the appeal"),
        RuleForm,
        frozenset({Status.RECEIVED, Status.REPORTED}),
        lambda a, u, d: service.appeal_rule(
            appeal=a,
            user=u,
            ruling=d["ruling"],
            reasons=d["reasons"],
            on=d["on"],
            departs_from_report=d["departs_from_report"],
        ),
        gettext_lazy("Recorded the ruling."),
        consequence=gettext_lazy("The ruling is final: the ruling letter is issued from it."),
    ),
    "withdraw": Step(
        gettext_lazy("Withdrawn by the appellant"),
        WithdrawForm,
        frozenset({Status.RECEIVED, Status.CONSULTED, Status.REPORTED}),
        lambda a, u, d: service.appeal_withdraw(appeal=a, user=u, on=d["on"]),
        gettext_lazy("Recorded the withdrawal."),
        consequence=gettext_lazy("The appeal ends as withdrawn and cannot be taken up again."),
    ),
}


def _available_steps(appeal: Appeal, user: User) -> list[str]:
    if not user.has_perm(service.APPEAL_PERMISSION):
        return []
    steps = [name for name, step in STEPS.items() if appeal.status in step.statuses]
    if appeal.consultation_notified_on is not None and "notice" in steps:
        steps.remove("notice")
    return steps


@dataclass(frozen=True)
class Letter:
    title: str | Promise
    exists: Callable[[Appeal], bool]
    render: Callable[[Appeal], bytes]


LETTERS: dict[str, Letter] = {
    "consultation": Letter(
        gettext_lazy("Notice of consultation (PDF)"),
        lambda a: a.consulted_on is not None,
        letters.appeal_consultation_notice_pdf,
    ),
    # Art. 105(2)(ii): the requester is told too, when someone else appealed.
    "consultation-requester": Letter(
        gettext_lazy("Notice of consultation to the requester (PDF)"),
        lambda a: a.consulted_on is not None and a.appellant_name != a.request.requester_name,
        letters.appeal_consultation_notice_to_requester_pdf,
    ),
    "ruling": Letter(gettext_lazy("Ruling (PDF)"), lambda a: bool(a.ruling), letters.appeal_ruling_pdf),
}


class AppealObjectMixin:
    def get_appeal(self) -> Appeal:
        if not hasattr(self, "_appeal"):
            self._appeal = get_object_or_404(
                appeals_visible_to(self.request.user).select_related("request", "request__subscriber"),  # type: ignore[attr-defined]
                pk=self.kwargs["pk"],  # type: ignore[attr-defined]
            )
        return self._appeal


class AppealDetailView(StaffPermissionMixin, AppealObjectMixin, DetailView):
    permission_required = "privacy.view_appeal"
    template_name = "privacy/appeal_detail.html"
    context_object_name = "appeal"

    def get_object(self, queryset=None):
        appeal = self.get_appeal()
        subscriber = appeal.request.subscriber
        access_log_record(
            user=self.request.user,
            subscribers=[subscriber] if subscriber else [],
            action=AccessLog.Action.VIEW,
            path=self.request.path,
            detail={"appeal": appeal.number},
        )
        return appeal

    def get_context_data(self, **kwargs):
        appeal, user = self.object, self.request.user
        bound = kwargs.pop("bound_forms", {})
        return super().get_context_data(
            steps=[
                {"name": name, "title": STEPS[name].title, "form": bound.get(name) or STEPS[name].form(prefix=name)}
                for name in _available_steps(appeal, user)
            ],
            letters=[
                (name, letter.title)
                for name, letter in LETTERS.items()
                if letter.exists(appeal) and user.has_perm(service.APPEAL_PERMISSION)
            ],
            history=appeal.history.select_related("history_user").order_by("history_date"),
            today=timezone.localdate(),
            **kwargs,
        )


class AppealActionView(StaffPermissionMixin, AppealObjectMixin, View):
    permission_required = service.APPEAL_PERMISSION
    http_method_names = ["post"]

    def post(self, request, pk, action):
        appeal = self.get_appeal()
        if action not in _available_steps(appeal, request.user):
            messages.error(request, _("This step is not possible at this stage of the appeal."))
            return redirect("privacy:appeal_detail", pk=appeal.pk)
        step = STEPS[action]
        form = step.form(request.POST, prefix=action)
        if form.is_valid():
            try:
                if step.consequence and (
                    asked := ask_before(
                        request,
                        step=lambda: step.call(appeal, request.user, form.cleaned_data),
                        form=form,
                        title=f"{step.title}: {appeal.number}",
                        confirm_label=str(step.title),
                        back_url=reverse("privacy:appeal_detail", args=[appeal.pk]),
                        consequences=[str(step.consequence)],
                    )
                ):
                    return asked
                step.call(appeal, request.user, form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, step.done)
                return redirect("privacy:appeal_detail", pk=appeal.pk)
        view = AppealDetailView(request=request, kwargs={"pk": pk})
        view.object = appeal
        return view.render_to_response(view.get_context_data(bound_forms={action: form}, failed_action=action))


class AppealLetterView(StaffPermissionMixin, AppealObjectMixin, View):
    permission_required = service.APPEAL_PERMISSION

    def get(self, request, pk, letter):
        appeal = self.get_appeal()
        found = LETTERS.get(letter)
        if found is None or not found.exists(appeal):
            raise Http404
        subscriber = appeal.request.subscriber
        access_log_record(
            user=request.user,
            subscribers=[subscriber] if subscriber else [],
            action=AccessLog.Action.EXPORT,
            path=request.path,
            detail={"letter": f"appeal-{letter}", "appeal": appeal.number},
        )
        return pdf_response(found.render(appeal), f"appeal-{letter}-{appeal.number}.pdf")
