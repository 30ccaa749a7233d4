"""The review of staff access: which month and whose staff, a flag's outcome, a viewer's reason (§4(1)–(2))."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mctv.forms import MonthField
from privacy import deadlines
from privacy.models import AccessReviewFlag, Department, User


class ReviewMonthField(MonthField):
    """A month typed 和暦 or Western (R8.4, 2026-04), within the years the office has records of."""

    def to_python(self, value) -> date | None:
        first = super().to_python(value)
        if first is not None and not 2000 <= first.year <= timezone.localdate().year:
            raise ValidationError(_("Enter a month from 2000 up to this month."), code="out_of_range")
        return first


class AccessReviewRunForm(forms.Form):
    month = ReviewMonthField(label=_("month"))
    department = forms.ModelChoiceField(
        label=_("department"),
        queryset=Department.objects.order_by("code"),
        required=False,
        empty_label=_("All departments"),
    )

    def clean_month(self):
        month = self.cleaned_data["month"]
        if not deadlines.month_has_ended(month, timezone.localdate()):
            raise ValidationError(
                _("A month is reviewed once it has ended: views made later in it would go unreviewed."),
                code="month_not_ended",
            )
        return month


class AccessReviewFlagCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=AccessReviewFlag.Outcome.choices)
    note = forms.CharField(
        label=_("note on the outcome"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The business reason found, or to whom it was referred."),
    )


class AccessReviewStaffCloseForm(AccessReviewFlagCloseForm):
    """Close every open flag about one staff member at once."""

    staff_member = forms.ModelChoiceField(label=_("staff member"), queryset=User.objects.none())

    field_order = ["staff_member", "outcome", "note"]

    def __init__(self, *args, review, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["staff_member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=review.flags.filter(outcome="").values("user")).exclude(pk=user.pk)


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
