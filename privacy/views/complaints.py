"""The complaints register (§12, ■36): the list, intake, and the complaint page with its reply, close and assign
actions."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import DetailView, FormView, ListView

from mctv import dates
from mctv.forms import add_service_error
from mctv.lists import StaffListMixin
from mctv.views import StaffPermissionMixin
from privacy.forms.complaints import (
    ComplaintAssignForm,
    ComplaintCloseForm,
    ComplaintFilterForm,
    ComplaintReceiveForm,
    ComplaintReplyForm,
)
from privacy.models import AccessLog, Complaint, User
from privacy.selectors.complaints import ComplaintDue, complaints_visible_to
from privacy.services import complaints as service
from privacy.services.access_log import access_log_record

Status = Complaint.Status
CHANGE = "privacy.change_complaint"


class ComplaintListView(StaffPermissionMixin, StaffListMixin, ListView):
    permission_required = "privacy.view_complaint"
    template_name = "privacy/complaint_list.html"
    context_object_name = "complaints"
    sort_keys = {
        "number": ("number",),
        "received_on": ("received_on",),
        "status": ("status",),
        "reply_due_on": ("reply_due_on",),
    }
    paginate_by = 50

    def get_queryset(self):
        self.today = timezone.localdate()
        self.filter_form = ComplaintFilterForm(self.request.GET or None)
        return self.sorted(
            self.filter_form.filter(complaints_visible_to(self.request.user), today=self.today)
            .select_related("category", "handler", "subscriber")
            .order_by("reply_due_on", "number")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filter_form=self.filter_form, today=self.today, **kwargs)
        for complaint in context["complaints"]:
            complaint.due = ComplaintDue(complaint, self.today) if complaint.status == Status.OPEN else None
        return context


@method_decorator(sensitive_post_parameters("complainant_name", "contact", "summary"), name="dispatch")
class ComplaintReceiveView(StaffPermissionMixin, FormView):
    permission_required = "privacy.add_complaint"
    template_name = "privacy/form.html"
    form_class = ComplaintReceiveForm
    extra_context = {"title": gettext_lazy("Record a complaint")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            complaint = service.complaint_receive(
                user=self.request.user,
                received_on=data["received_on"],
                channel=data["channel"],
                complainant_name=data["complainant_name"],
                contact=data["contact"],
                subscriber=data["subscriber"],
                category=data["category"],
                summary=data["summary"],
                handler=data["handler"],
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Recorded complaint %(number)s; reply due %(due)s.")
            % {"number": complaint.number, "due": dates.with_weekday(complaint.reply_due_on)},
        )
        return redirect("privacy:complaint_detail", pk=complaint.pk)


class ComplaintObjectMixin:
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_complaint(self) -> Complaint:
        if not hasattr(self, "_complaint"):
            self._complaint = get_object_or_404(
                complaints_visible_to(self.request.user).select_related(
                    "category", "subscriber", "department", "handler", "received_by"
                ),
                pk=self.kwargs["pk"],
            )
        return self._complaint


@dataclass(frozen=True)
class Action:
    """An action of the complaint page: heading, form, the statuses it is offered in, the service, the message."""

    title: str | Promise
    form: type[forms.Form]
    statuses: frozenset[str]
    call: Callable[[Complaint, User, dict[str, Any]], object]
    done: str | Promise


# In the page's order; the services refuse the same moves the statuses here leave out.
ACTIONS: dict[str, Action] = {
    "reply": Action(
        gettext_lazy("Record the reply"),
        ComplaintReplyForm,
        frozenset({Status.OPEN}),
        lambda c, u, d: service.complaint_reply(complaint=c, user=u, reply=d["reply"], replied_on=d["replied_on"]),
        gettext_lazy("Recorded the reply."),
    ),
    "close": Action(
        gettext_lazy("Close the complaint"),
        ComplaintCloseForm,
        frozenset({Status.REPLIED}),
        lambda c, u, d: service.complaint_close(complaint=c, user=u, closed_on=d["closed_on"]),
        gettext_lazy("The complaint is closed."),
    ),
    "assign": Action(
        gettext_lazy("Hand it to another handler"),
        ComplaintAssignForm,
        frozenset({Status.OPEN, Status.REPLIED}),
        lambda c, u, d: service.complaint_assign(complaint=c, user=u, handler=d["handler"]),
        gettext_lazy("Changed the handler."),
    ),
}


def _available_actions(complaint: Complaint, user: User) -> list[str]:
    if not user.has_perm(CHANGE):
        return []
    return [name for name, action in ACTIONS.items() if complaint.status in action.statuses]


class ComplaintDetailView(StaffPermissionMixin, ComplaintObjectMixin, DetailView):
    permission_required = "privacy.view_complaint"
    template_name = "privacy/complaint_detail.html"
    context_object_name = "complaint"

    def get_object(self, queryset=None):
        complaint = self.get_complaint()
        # The page names the subscriber who complained: opening it is logged, as any view of a record is.
        if complaint.subscriber is not None and self.request.method == "GET":
            access_log_record(
                user=self.request.user,
                subscribers=[complaint.subscriber],
                action=AccessLog.Action.VIEW,
                path=self.request.path,
                detail={"complaint": complaint.number},
            )
        return complaint

    def get_context_data(self, **kwargs):
        complaint, today = self.object, timezone.localdate()
        bound = kwargs.pop("bound_forms", {})
        actions = [
            {"name": name, "title": ACTIONS[name].title, "form": bound.get(name) or ACTIONS[name].form(prefix=name)}
            for name in _available_actions(complaint, self.request.user)
        ]
        return super().get_context_data(
            actions=actions,
            today=today,
            due=ComplaintDue(complaint, today) if complaint.status == Status.OPEN else None,
            history=complaint.history.select_related("history_user", "handler").order_by("history_date", "history_id"),
            **kwargs,
        )


class ComplaintActionView(StaffPermissionMixin, ComplaintObjectMixin, View):
    """POST one action from the complaint page; errors re-render the page with the form as typed."""

    permission_required = CHANGE
    http_method_names = ["post"]

    def post(self, request, pk, action):
        complaint = self.get_complaint()
        if action not in _available_actions(complaint, request.user):
            # A stale page or a double click: say so, change nothing.
            messages.error(request, _("This is not possible at this stage of the complaint."))
            return redirect("privacy:complaint_detail", pk=complaint.pk)
        step = ACTIONS[action]
        form = step.form(request.POST, prefix=action)
        if form.is_valid():
            try:
                step.call(complaint, request.user, form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, step.done)
                return redirect("privacy:complaint_detail", pk=complaint.pk)
        view = ComplaintDetailView(request=request, kwargs={"pk": pk})
        view.object = complaint
        return view.render_to_response(view.get_context_data(bound_forms={action: form}))
