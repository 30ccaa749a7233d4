"""A department's self-inspection (answers, completion, remedies) and the audit's findings with their answers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView

from mctv.forms import add_service_error
from mctv.views import StaffPermissionMixin
from privacy.forms.accountability import (
    AnswerForm,
    AuditAnswerForm,
    AuditFindingForm,
    CompleteForm,
    InspectionStartForm,
    RemediedForm,
)
from privacy.models import AuditFinding, InspectionAnswer, SelfInspection
from privacy.services import inspections as service

VIEW = "privacy.view_selfinspection"
CHANGE = "privacy.change_selfinspection"


class InspectionStartView(StaffPermissionMixin, View):
    permission_required = "privacy.add_selfinspection"
    http_method_names = ["post"]

    def post(self, request):
        form = InspectionStartForm(request.POST, user=request.user)
        if form.is_valid():
            started = SelfInspection.objects.filter(**form.cleaned_data).first()
            if started is not None:
                # A second click, or a colleague was quicker: the year's inspection is the one to go on with.
                messages.info(request, _("This year's inspection of the department has already been started."))
                return redirect("privacy:inspection_detail", pk=started.pk)
            try:
                inspection = service.inspection_start(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                return redirect("privacy:inspection_detail", pk=inspection.pk)
        for message in [e for errors in form.errors.values() for e in errors]:
            messages.error(request, message)
        return redirect(reverse("privacy:accountability") + f"?year={request.POST.get('fiscal_year', '')}")


class InspectionDetailView(StaffPermissionMixin, DetailView):
    permission_required = VIEW
    template_name = "privacy/inspection_detail.html"
    context_object_name = "inspection"
    queryset = SelfInspection.objects.select_related("department", "started_by", "completed_by")

    def get_context_data(self, **kwargs):
        inspection, user = self.object, self.request.user
        may_change = user.has_perm(CHANGE) and service.may_act_for(user, inspection.department)
        answers = list(inspection.answers.order_by("order", "id"))
        editing = may_change and inspection.status == SelfInspection.Status.IN_PROGRESS
        bound = kwargs.pop("answer_forms", None)
        return super().get_context_data(
            may_change=may_change,
            rows=[
                {"answer": a, "form": (bound[a.pk] if bound else AnswerForm(answer=a)) if editing else None}
                for a in answers
            ],
            editing=editing,
            complete_form=kwargs.pop("complete_form", None) or (CompleteForm() if editing else None),
            remedy_form=RemediedForm() if may_change else None,
            unanswered=sum(1 for a in answers if not a.result),
            history=inspection.history.select_related("history_user").order_by("history_date", "history_id"),
            **kwargs,
        )


class InspectionObjectMixin:
    def get_inspection(self, request, pk) -> SelfInspection:
        """The inspection, for an officer who acts for its department: others are refused before anything else."""
        inspection = get_object_or_404(SelfInspection.objects.select_related("department"), pk=pk)
        if not service.may_act_for(request.user, inspection.department):
            raise PermissionDenied
        return inspection

    def rerender(self, request, inspection, **forms):
        view = InspectionDetailView(request=request, kwargs={"pk": inspection.pk})
        view.object = inspection
        return view.render_to_response(view.get_context_data(**forms))


class InspectionAnswerView(StaffPermissionMixin, InspectionObjectMixin, View):
    """Save every answer on the page; a wrong one keeps what was typed in all of them."""

    permission_required = CHANGE
    http_method_names = ["post"]

    def post(self, request, pk):
        inspection = self.get_inspection(request, pk)
        forms = {a.pk: AnswerForm(request.POST, answer=a) for a in inspection.answers.order_by("order", "id")}
        if all(f.is_valid() for f in forms.values()):
            # Only the questions the page sent and changed: a partial or stale page blanks nothing.
            answers = {
                pk: service.AnswerInput(**f.cleaned_data)
                for pk, f in forms.items()
                if f.add_prefix("result") in request.POST and f.has_changed()
            }
            try:
                changed = service.inspection_answer(inspection=inspection, user=request.user, answers=answers)
            except ValidationError as error:
                for key, errs in (
                    error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
                ).items():
                    answer_pk = int(key.removeprefix("answer_")) if key and key.startswith("answer_") else None
                    if answer_pk in forms:
                        forms[answer_pk].add_error(None, errs)
                    else:
                        messages.error(request, " ".join(e for err in errs for e in err.messages))
            else:
                messages.success(request, _("Saved %(n)d answer(s).") % {"n": changed})
                return redirect("privacy:inspection_detail", pk=inspection.pk)
        else:
            messages.error(request, _("Please correct the items marked below. Nothing has been saved yet."))
        return self.rerender(request, inspection, answer_forms=forms)


class InspectionCompleteView(StaffPermissionMixin, InspectionObjectMixin, View):
    permission_required = CHANGE
    http_method_names = ["post"]

    def post(self, request, pk):
        inspection = self.get_inspection(request, pk)
        form = CompleteForm(request.POST)
        if form.is_valid():
            try:
                service.inspection_complete(inspection=inspection, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The self-inspection is completed."))
                return redirect("privacy:inspection_detail", pk=inspection.pk)
        return self.rerender(request, inspection, complete_form=form)


class InspectionRemediedView(StaffPermissionMixin, View):
    permission_required = CHANGE
    http_method_names = ["post"]

    def post(self, request, pk):
        answer = get_object_or_404(InspectionAnswer.objects.select_related("inspection__department"), pk=pk)
        if not service.may_act_for(request.user, answer.inspection.department):
            raise PermissionDenied
        form = RemediedForm(request.POST)
        if form.is_valid():
            try:
                service.inspection_remedied(answer=answer, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Recorded the remedy as done."))
        for message in [e for errors in form.errors.values() for e in errors]:
            messages.error(request, message)
        return redirect("privacy:inspection_detail", pk=answer.inspection_id)


class AuditFindingCreateView(StaffPermissionMixin, FormView):
    permission_required = "privacy.add_auditfinding"
    template_name = "privacy/form.html"
    form_class = AuditFindingForm
    extra_context = {
        "title": gettext_lazy("Write an audit finding"),
        "submit_label": gettext_lazy("Record the finding"),
    }

    def form_valid(self, form):
        try:
            finding = service.audit_finding_write(user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded the audit finding; the department answers it."))
        return redirect(reverse("privacy:accountability") + f"?year={finding.fiscal_year}")


class AuditFindingAnswerView(StaffPermissionMixin, FormView):
    permission_required = "privacy.answer_auditfinding"
    template_name = "privacy/audit_finding_answer.html"
    form_class = AuditAnswerForm

    def dispatch(self, request, *args, **kwargs):
        self.finding = get_object_or_404(
            AuditFinding.objects.select_related("department", "written_by"), pk=kwargs["pk"]
        )
        if request.user.is_authenticated and not service.may_answer(request.user, self.finding):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(finding=self.finding, **kwargs)

    def form_valid(self, form):
        try:
            service.audit_finding_answer(finding=self.finding, user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded the department's answer."))
        return redirect(reverse("privacy:accountability") + f"?year={self.finding.fiscal_year}")
