"""Naming the records an incident's people are derived from: the kind, the period, the recipient, the account,
the export file."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mctv.forms import DayField, FilterForm
from privacy.models import Contractor, IncidentScope, User, WorkOrder
from privacy.models.disclosures import Method
from privacy.selectors.incident_scope import Derivation
from subscribers.normalize import normalize_text

from .fields import DATE

Kind = IncidentScope.Kind
# A PostgreSQL integer: a larger number names no export and must not reach the database.
MAX_EXPORT_NO = 2**31 - 1


class AccountField(forms.ModelChoiceField):
    """A staff account by its login name (what the access log and a stolen password name), then the person."""

    def label_from_instance(self, obj):
        return f"{obj.get_username()}（{obj}）"


PARAMETERS = dict.fromkeys(("since", "until", "contractor", "work_order", "method", "user", "export_no"))
PARAMETERS_OF = {
    Kind.PROVISIONS: {"since", "until", "contractor", "work_order", "method"},
    Kind.STAFF_VIEWS: {"since", "until", "user"},
    Kind.EXPORT: {"export_no"},
}


class IncidentScopeForm(FilterForm):
    kind = forms.ChoiceField(label=_("derived from"), choices=Kind.choices, widget=forms.RadioSelect)
    since = DayField(label=_("period from"), widget=DATE, required=False)
    until = DayField(label=_("period to"), widget=DATE, required=False)
    contractor = forms.ModelChoiceField(
        label=_("contractor"), queryset=Contractor.objects.order_by("name"), required=False
    )
    work_order = forms.CharField(label=_("work order number"), max_length=12, required=False)
    method = forms.ChoiceField(label=_("method"), choices=[("", "---------"), *Method.choices], required=False)
    user = AccountField(
        label=_("staff account"),
        queryset=User.objects.filter(contractor__isnull=True).order_by("username"),
        required=False,
        help_text=_("Also an account since disabled: what it saw stays in the access log."),
    )
    export_no = forms.IntegerField(
        label=_("export number"),
        min_value=1,
        max_value=MAX_EXPORT_NO,
        required=False,
        help_text=_("The number in the file's name (…-export12.csv) and in the access log."),
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_work_order(self):
        number = normalize_text(self.cleaned_data["work_order"])
        if not number:
            return None
        order = WorkOrder.objects.filter(number=number).first()
        if order is None:
            raise forms.ValidationError(_("No work order has this number."))
        return order

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in (Kind.PROVISIONS, Kind.STAFF_VIEWS):
            self._check_period(cleaned)
        if kind == Kind.PROVISIONS and not (
            cleaned.get("contractor") or cleaned.get("work_order") or cleaned.get("method")
        ):
            self.add_error("contractor", _("Name a contractor, a work order or a method."))
        if kind == Kind.STAFF_VIEWS and not cleaned.get("user"):
            self.add_error("user", _("Name the staff account."))
        if kind == Kind.EXPORT and not cleaned.get("export_no"):
            self.add_error("export_no", _("Give the export number."))
        for name in PARAMETERS.keys() - PARAMETERS_OF.get(kind, PARAMETERS.keys()):
            if cleaned.get(name) not in (None, ""):
                # What the chosen kind does not use would be dropped: say so rather than derive without it.
                self.add_error(name, _("Not used when deriving from this kind of record: leave it empty."))
        return cleaned

    def _check_period(self, cleaned) -> None:
        since, until = cleaned.get("since"), cleaned.get("until")
        for name in ("since", "until"):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, _("Give the period."))
        if since and until and until < since:
            self.add_error("until", _("The period ends before it starts."))
        if since and since > timezone.localdate():
            self.add_error("since", _("The period cannot start in the future."))

    def derivation(self) -> Derivation:
        """The parameters of the kind chosen, and only those."""
        data = self.cleaned_data
        kind = data["kind"]
        if kind == Kind.EXPORT:
            return Derivation(kind=kind, export_no=data["export_no"])
        period = {"since": data["since"], "until": data["until"]}
        if kind == Kind.STAFF_VIEWS:
            return Derivation(kind=kind, user=data["user"].pk, **period)
        order, contractor = data.get("work_order"), data.get("contractor")
        return Derivation(
            kind=kind,
            contractor=contractor.pk if contractor else None,
            work_order=order.pk if order else None,
            method=data.get("method") or "",
            **period,
        )
