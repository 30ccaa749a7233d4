"""The dashboard: open requests by due date, incident reports, appeals and complaints due."""

from django.utils import timezone
from django.views.generic import TemplateView

from mctv.views import StaffPermissionMixin
from privacy import deadlines
from privacy.models import FileRegisterVersion
from privacy.selectors.access import departments_without_responsible_officer
from privacy.selectors.access_review import open_flags_visible_to
from privacy.selectors.accountability import accountability_warnings
from privacy.selectors.appeals import appeals_due
from privacy.selectors.approvals import awaiting_approval
from privacy.selectors.complaints import complaint_rows_for_dashboard, may_see_complaints
from privacy.selectors.handovers import handovers_overdue, work_sheets_overdue
from privacy.selectors.incidents import incident_reports_due, incidents_visible_to, may_see_incidents
from privacy.selectors.requests import requests_visible_to

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
            # The officer's queue: what waits for an approval only they may give.
            approvals=awaiting_approval(user),
            total=open_requests.count(),
            overdue=open_requests.overdue(today).count(),
            shows_incidents=may_see_incidents(user),
            departments_without_officer=list(departments_without_responsible_officer()),
            # §4(1), ■17: staff handling personal data are trained every year; remedies and audit findings are followed.
            accountability=accountability_warnings(user, today),
            incident_rows=incident_reports_due(incidents_visible_to(user), today=today),
            shows_complaints=may_see_complaints(user),
            complaint_rows=complaint_rows_for_dashboard(user, today),
            shows_appeals=user.has_perm("privacy.view_appeal"),
            # ■19(2)④: hand-overs whose return or destruction is past due and not confirmed.
            handovers_overdue=list(handovers_overdue(today)[:DASHBOARD_ROWS])
            if user.has_perm("privacy.view_bulkhandover")
            else [],
            sheets_overdue=work_sheets_overdue(today)[:DASHBOARD_ROWS]
            if user.has_perm("privacy.view_workorder")
            else [],
            # The register must follow the configuration promptly: the officer sees a draft waiting.
            file_register_draft=FileRegisterVersion.objects.filter(status=FileRegisterVersion.Status.DRAFT).first()
            if user.has_perm("privacy.approve_fileregisterversion")
            else None,
            # The review of staff access: flags waiting for an officer's outcome.
            access_flags_open=open_flags_visible_to(user).count() if user.has_perm("privacy.close_accessreview") else 0,
            appeal_rows=[
                {
                    "appeal": a,
                    "urgency": deadlines.urgency(a.consult_due_on, today),
                    "abs_days": abs(deadlines.days_between(today, a.consult_due_on)),
                }
                for a in appeals_due(user, today)
            ],
            **kwargs,
        )
