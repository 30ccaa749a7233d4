"""The year's accountability (§4(1), ■15, ■17): training, self-inspections and audit findings on one page, the
yearly report for the city's audit, and the training pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from mctv.forms import add_service_error
from mctv.responses import pdf_response
from mctv.views import StaffPermissionMixin
from mctv.wareki import fiscal_year_label
from privacy.fiscal_years import fiscal_year
from privacy.forms.accountability import AttendanceForm, AuditFindingForm, InspectionStartForm, TrainingForm, YearForm
from privacy.models import TrainingAttendance, TrainingSession
from privacy.pdf import render_pdf
from privacy.selectors.accountability import accountability_year, open_remedies, staff_handling_personal_data
from privacy.services import training as service
from privacy.services.inspections import may_answer

VIEW = "privacy.view_trainingsession"


def _year(request) -> int:
    form = YearForm(request.GET or None)
    return form.cleaned_data["year"] if form.is_valid() else fiscal_year(timezone.localdate())


class AccountabilityView(StaffPermissionMixin, TemplateView):
    """Officers and auditors: the year chosen (this one by default) with its training, inspections, findings."""

    permission_required = VIEW
    template_name = "privacy/accountability.html"

    def get_context_data(self, **kwargs):
        year = _year(self.request)
        user = self.request.user
        overview = accountability_year(year)
        return super().get_context_data(
            year=overview,
            answerable={f.pk for f in overview.findings if may_answer(user, f)},
            year_form=YearForm(initial={"year": year}),
            remedies=list(open_remedies()),
            today=timezone.localdate(),
            start_form=InspectionStartForm(user=user, initial={"fiscal_year": year, "department": user.department_id})
            if user.has_perm("privacy.add_selfinspection")
            else None,
            finding_form=AuditFindingForm() if user.has_perm("privacy.add_auditfinding") else None,
            **kwargs,
        )


class AccountabilityReportView(StaffPermissionMixin, View):
    """The yearly report (PDF) of training, self-inspections and the audit, for the city's audit."""

    permission_required = VIEW

    def get(self, request, year):
        if not 2000 <= year <= fiscal_year(timezone.localdate()):
            messages.error(request, _("Choose this fiscal year or an earlier one."))
            return redirect("privacy:accountability")
        context = {"year": accountability_year(year), "label": fiscal_year_label(year), "today": timezone.localdate()}
        pdf = render_pdf("pdf/accountability_report.html", context)
        return pdf_response(pdf, f"accountability-{year}.pdf")


class TrainingCreateView(StaffPermissionMixin, FormView):
    permission_required = "privacy.add_trainingsession"
    template_name = "privacy/form.html"
    form_class = TrainingForm
    extra_context = {
        "title": gettext_lazy("Record a training session"),
        "submit_label": gettext_lazy("Record the session"),
    }

    def form_valid(self, form):
        try:
            session = service.training_record(user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Recorded the training session with %(n)d attendee(s).") % {"n": session.attendance.count()},
        )
        return redirect("privacy:training_detail", pk=session.pk)


class TrainingDetailView(StaffPermissionMixin, DetailView):
    permission_required = VIEW
    template_name = "privacy/training_detail.html"
    context_object_name = "session"
    queryset = TrainingSession.objects.select_related("recorded_by")

    def get_context_data(self, **kwargs):
        session = self.object
        form = kwargs.pop("form", None)
        if form is None and self.request.user.has_perm("privacy.change_trainingsession"):
            form = AttendanceForm(initial={"attendees": list(session.attendees.all())})
        attendees = list(session.attendees.select_related("department").order_by("department__code", "last_name"))
        staff = set(staff_handling_personal_data().values_list("pk", flat=True))
        return super().get_context_data(
            attendees=attendees,
            kept=[a for a in attendees if a.pk not in staff],
            form=form,
            history=TrainingAttendance.history.filter(session_id=session.pk)
            .select_related("history_user", "user")
            .order_by("history_date", "history_id"),
            **kwargs,
        )


class TrainingAttendanceView(StaffPermissionMixin, View):
    permission_required = "privacy.change_trainingsession"
    http_method_names = ["post"]

    def post(self, request, pk):
        session = get_object_or_404(TrainingSession, pk=pk)
        form = AttendanceForm(request.POST)
        if form.is_valid():
            try:
                service.training_set_attendees(session=session, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Corrected the attendance."))
                return redirect("privacy:training_detail", pk=session.pk)
        view = TrainingDetailView(request=request, kwargs={"pk": pk})
        view.object = session
        return view.render_to_response(view.get_context_data(form=form))
