"""Forms of training, self-inspection and audit findings (§4(1), ■15, ■17)."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mctv.forms import DayField
from mctv.wareki import fiscal_year_label
from privacy.fiscal_years import fiscal_year
from privacy.models import Department, InspectionAnswer, User
from privacy.selectors.accountability import staff_handling_personal_data

from .fields import DATE


class StaffChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(queryset=staff_handling_personal_data(), **kwargs)

    def label_from_instance(self, obj: User) -> str:
        return f"{obj}（{obj.department}）" if obj.department_id else str(obj)


def _today_initial(form: forms.Form, *names: str) -> None:
    for name in names:
        form.fields[name].initial = timezone.localdate()


class TrainingForm(forms.Form):
    held_on = DayField(label=_("held on"), widget=DATE)
    title = forms.CharField(label=_("name of the session"), max_length=200)
    content = forms.CharField(label=_("content"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    materials = forms.CharField(
        label=_("materials"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("The materials used: their titles and where they are kept."),
    )
    instructor = forms.CharField(label=_("instructor"), max_length=100, required=False)
    attendees = StaffChoiceField(label=_("attendees"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "held_on")


class AttendanceForm(forms.Form):
    attendees = StaffChoiceField(label=_("attendees"))
    reason = forms.CharField(label=_("reason for the correction"), max_length=200)


class YearField(forms.TypedChoiceField):
    """A fiscal year, shown in 和暦 (令和8年度), from the first the system can hold to the current one."""

    def __init__(self, **kwargs):
        current = fiscal_year(timezone.localdate())
        choices = [(y, fiscal_year_label(y)) for y in range(current, current - 10, -1)]
        super().__init__(choices=choices, coerce=int, **kwargs)


class YearForm(forms.Form):
    year = YearField(label=_("fiscal year"))


class InspectionStartForm(forms.Form):
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.none())
    fiscal_year = YearField(label=_("fiscal year"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the departments the officer acts for (their own, or the one they are responsible for).
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Department.objects.filter(Q(pk=user.department_id) | Q(responsible_officer=user)).order_by(
            "code"
        )


class AnswerForm(forms.Form):
    """One question of an inspection; its prefix is the answer's id."""

    result = forms.ChoiceField(label=_("result"), choices=[("", "—"), *InspectionAnswer.Result.choices], required=False)
    finding = forms.CharField(label=_("finding"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    remedy = forms.CharField(label=_("remedy"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    remedy_due_on = DayField(label=_("remedy due on"), widget=DATE, required=False)
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, answer: InspectionAnswer, **kwargs):
        self.answer = answer
        kwargs.setdefault(
            "initial",
            {
                **{k: getattr(answer, k) for k in ("result", "finding", "remedy", "remedy_due_on")},
                "seen": answer.fingerprint(),
            },
        )
        kwargs["prefix"] = f"a{answer.pk}"
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("result") == InspectionAnswer.Result.NOT_MET:
            for name in ("finding", "remedy", "remedy_due_on"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("A question not met needs the finding, the remedy and its due date."))
        return data


class CompleteForm(forms.Form):
    completed_on = DayField(label=_("completed on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "completed_on")


class RemediedForm(forms.Form):
    remedied_on = DayField(label=_("remedied on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "remedied_on")


class AuditFindingForm(forms.Form):
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.order_by("code"))
    fiscal_year = YearField(label=_("fiscal year"))
    found_on = DayField(label=_("found on"), widget=DATE)
    finding = forms.CharField(label=_("finding"), widget=forms.Textarea(attrs={"rows": 4}))
    requested_action = forms.CharField(
        label=_("action requested"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "found_on")
        self.fields["fiscal_year"].initial = fiscal_year(timezone.localdate())


class AuditAnswerForm(forms.Form):
    answer = forms.CharField(label=_("the department's answer"), widget=forms.Textarea(attrs={"rows": 4}))
    answered_on = DayField(label=_("answered on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "answered_on")
