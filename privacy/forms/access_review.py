"""The review of staff access: which month and whose staff, a flag's outcome, a viewer's reason (§4(1)–(2))."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.models import AccessReviewFlag, Department


class MonthField(forms.Field):
    """A month typed as YYYY-MM (the browser's month input): the first day of it, or a Japanese message."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-04"})

    def to_python(self, value) -> date | None:
        value = str(value or "").strip()
        if not value:
            return None
        try:
            year, month = (int(part) for part in str(value).split("-"))
            first = date(year, month, 1)
        except ValueError:
            raise ValidationError(_("Enter a month as year and month, e.g. 2026-04."), code="invalid") from None
        if not 2000 <= first.year <= timezone.localdate().year:
            raise ValidationError(_("Enter a month from 2000 up to this month."), code="out_of_range")
        return first


class AccessReviewRunForm(forms.Form):
    month = MonthField(label=_("month"))
    department = forms.ModelChoiceField(
        label=_("department"),
        queryset=Department.objects.order_by("code"),
        required=False,
        empty_label=_("All departments"),
    )

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month > timezone.localdate():
            raise ValidationError(_("A month that has not begun cannot be reviewed."), code="future_month")
        return month


class AccessReviewFlagCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=AccessReviewFlag.Outcome.choices)
    note = forms.CharField(
        label=_("note on the outcome"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The business reason found, or to whom it was referred."),
    )


class AccessReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for opening this record"),
        max_length=200,
        help_text=_("One line: the business you are doing for this subscriber. It is kept in the access log."),
    )

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].replace("\x00", "").split())
        if not reason:
            raise ValidationError(_("State the reason in one line."), code="required")
        return reason
