"""Purposes of use: bulk uses by purpose (exports; address labels in ``labels``), consents, statistics, the public
page."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from mctv.confirmation import confirmation_page, form_summary, is_confirmed, rehearse
from mctv.forms import add_service_error
from mctv.responses import csv_response
from mctv.views import StaffPermissionMixin
from privacy import statistics
from privacy.data_items import item_labels, scoped_values
from privacy.forms.purposes import BulkUseFilterForm, ConsentForm, ConsentWithdrawForm
from privacy.models import BulkUse, Consent, PolicyVersion, Purpose, RequestSettings
from privacy.selectors.purposes import subscribers_usable_by
from privacy.selectors.statistics import statistics_tables
from privacy.services.access_log import export_number_reserve
from privacy.services.purposes import bulk_use_record, consent_record, consent_withdraw
from subscribers.models import Subscriber


class PurposeListView(StaffPermissionMixin, ListView):
    permission_required = "privacy.view_purpose"
    template_name = "privacy/purpose_list.html"
    context_object_name = "purposes"

    def get_queryset(self):
        today = timezone.localdate()
        purposes = list(Purpose.objects.all())
        for purpose in purposes:
            purpose.in_force = purpose.is_in_force(today)
            purpose.usable_count = subscribers_usable_by(self.request.user, purpose, on=today).count()
            purpose.item_labels = item_labels(purpose.items)
        return purposes

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=BulkUseFilterForm(), **kwargs)


class PurposeBulkUseMixin(StaffPermissionMixin):
    """A bulk use names its purpose; the purpose decides who is in it (``subscribers_usable_by``)."""

    request: HttpRequest
    kwargs: dict[str, Any]

    permission_required = "subscribers.export_subscriber"

    def get_purpose(self) -> Purpose:
        purpose = get_object_or_404(Purpose, code=self.kwargs["code"])
        if not purpose.is_in_force(timezone.localdate()):
            raise PermissionDenied(_("The purpose is not in force."))
        if purpose.identifies_no_one:
            # Statistics identify no one: personal data never leaves under this purpose.
            raise PermissionDenied(_("Statistics are taken from the statistics page, never as personal data."))
        return purpose

    def selected(self, purpose: Purpose):
        """The subscribers chosen, or ``None`` when the filters are invalid: then nothing leaves."""
        form = BulkUseFilterForm(self.request.GET or None)
        qs = subscribers_usable_by(self.request.user, purpose)
        filters: dict = {}
        if form.is_bound and not form.is_valid():
            messages.error(self.request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return None, None
        if form.is_valid():
            qs, filters = form.filter(qs)
        return qs.prefetch_related("services").order_by("postal_code", "number"), filters


class PurposeExportView(PurposeBulkUseMixin, View):
    """CSV of the purpose's data items for the subscribers it may use — for an unstated purpose, consenters only."""

    def get(self, request, code):
        purpose = self.get_purpose()
        qs, filters = self.selected(purpose)
        if qs is None:
            return redirect("privacy:purpose_list")
        with transaction.atomic():
            rows = list(qs)
            export_no = export_number_reserve()
            bulk_use_record(
                user=request.user,
                purpose=purpose,
                kind=BulkUse.Kind.EXPORT_CSV,
                subscribers=rows,
                filters=filters,
                path=request.get_full_path(),
                items=purpose.items,
                export_no=export_no,
            )
        lines = ([value for _code, _label, value in scoped_values(subscriber, purpose.items)] for subscriber in rows)
        return csv_response(
            f"{purpose.code}-{timezone.localtime():%Y%m%d-%H%M}-export{export_no}.csv",
            [item_labels(purpose.items), *lines],
        )


class ConsentCreateView(StaffPermissionMixin, FormView):
    permission_required = "privacy.add_consent"
    template_name = "privacy/form.html"
    form_class = ConsentForm

    def get_subscriber(self) -> Subscriber:
        return get_object_or_404(Subscriber.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Record a consent"), subject=self.get_subscriber(), **kwargs)

    def form_valid(self, form):
        try:
            consent_record(subscriber=self.get_subscriber(), user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded the consent."))
        return redirect("subscribers:detail", pk=self.get_subscriber().pk)


class ConsentWithdrawView(StaffPermissionMixin, FormView):
    permission_required = "privacy.change_consent"
    template_name = "privacy/form.html"
    form_class = ConsentWithdrawForm

    def get_consent(self) -> Consent:
        return get_object_or_404(
            Consent.objects.filter(subscriber__in=Subscriber.objects.visible_to(self.request.user)).select_related(
                "subscriber", "purpose"
            ),
            pk=self.kwargs["pk"],
            withdrawn_on__isnull=True,
        )

    def get_context_data(self, **kwargs):
        consent = self.get_consent()
        return super().get_context_data(
            title=_("Record a withdrawal of consent"),
            subject=f"{consent.subscriber.number} {consent.purpose}",
            **kwargs,
        )

    def form_valid(self, form):
        consent = self.get_consent()

        def withdraw():
            consent_withdraw(consent=consent, withdrawn_on=form.cleaned_data["withdrawn_on"], user=self.request.user)

        try:
            if is_confirmed(self.request):
                withdraw()
            else:
                rehearse(withdraw)
                return self.confirmation(consent, form)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded the withdrawal; the subscriber is left out from now on."))
        return redirect("subscribers:detail", pk=consent.subscriber_id)

    def confirmation(self, consent, form):
        return confirmation_page(
            self.request,
            title=_("Record a withdrawal of consent"),
            confirm_label=_("Record the withdrawal"),
            back_url=reverse("subscribers:detail", args=[consent.subscriber_id]),
            summary=[
                (_("subscriber"), consent.subscriber.number),
                (_("purpose"), str(consent.purpose)),
                *form_summary(form),
            ],
            consequences=[
                _(
                    "From that day the subscriber is left out of this purpose; the consent cannot be restored, "
                    "only given again."
                )
            ],
        )


def _trend_chart(table: statistics.Table) -> dict:
    """Bars for subscribers by year of application, in SVG units; a suppressed cell draws no bar."""
    body = table.body[:-1]  # without the total row
    values = [row[0] for _year, row in body if row[0] is not statistics.SUPPRESSED]
    top = max(values or [1]) or 1
    width, height = 960, 200
    step = width / max(len(body), 1)
    label_every = 1 if len(body) <= 16 else 5
    bars = []
    for index, (year, row) in enumerate(body):
        value = row[0]
        h = 0 if value is statistics.SUPPRESSED else round(value / top * (height - 30))
        bars.append(
            {
                "x": round(index * step + 4, 1),
                "y": height - 20 - h,
                "w": max(round(step - 8, 1), 2),
                "h": h,
                "value": "＊" if value is statistics.SUPPRESSED else value,
                "year": year,
            }
        )
    labels = [
        {"x": round(i * step + step / 2, 1), "year": year}
        for i, (year, _row) in enumerate(body)
        if i % label_every == 0 or i == len(body) - 1
    ]
    return {"width": width, "height": height, "bars": bars, "labels": labels}


class StatisticsView(StaffPermissionMixin, TemplateView):
    """Counts only, small cells suppressed; no names or numbers anywhere on the page."""

    permission_required = "privacy.view_purpose"
    template_name = "privacy/statistics.html"

    def get_context_data(self, **kwargs):
        data = statistics_tables(self.request.user)
        bulk_use_record(
            user=self.request.user,
            purpose=data.purpose,
            kind=BulkUse.Kind.STATISTICS,
            count=data.count,
            filters={"threshold": data.threshold},
        )
        return super().get_context_data(
            tables=data.tables,
            threshold=data.threshold,
            count=data.count,
            as_of=data.as_of,
            trend=_trend_chart(data.tables[-1]),
            **kwargs,
        )


class StatisticsCsvView(StaffPermissionMixin, View):
    permission_required = "privacy.view_purpose"

    def get(self, request):
        data = statistics_tables(request.user)
        bulk_use_record(
            user=request.user,
            purpose=data.purpose,
            kind=BulkUse.Kind.STATISTICS_CSV,
            count=data.count,
            filters={"threshold": data.threshold},
        )
        rows: list[list[object]] = []
        for table in data.tables:
            rows += [[table.title], [table.row_label, *table.columns]]
            rows += [[label, *["＊" if v is statistics.SUPPRESSED else v for v in row]] for label, row in table.body]
            rows.append([])
        note = _(
            "Cells under %(n)d are shown as ＊ (with a second cell where needed), so that no one can be identified."
        )
        rows.append([note % {"n": data.threshold}])
        return csv_response(f"statistics-{data.as_of:%Y%m%d}.csv", rows)


class PublicPrivacyView(TemplateView):
    """/privacy/: the declaration in force, the cookies this site sets (§10) and the contact window (§12). No login."""

    template_name = "privacy/public_privacy.html"

    def get_context_data(self, **kwargs):
        version = PolicyVersion.objects.current()
        return super().get_context_data(
            version=version,
            announcements=version.announcements.all() if version else [],
            earlier=PolicyVersion.objects.filter(effective_on__lt=version.effective_on) if version else [],
            complaint_reply_days=RequestSettings.current().complaint_reply_days,
            cookies=[
                (settings.SESSION_COOKIE_NAME, gettext_lazy("Keeps a staff member logged in (session)")),
                (settings.CSRF_COOKIE_NAME, gettext_lazy("Protects forms against cross-site request forgery")),
            ],
            **kwargs,
        )
