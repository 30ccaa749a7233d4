"""The incident register (§11): the record, status moves, notices sent."""

from django import forms
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from mctv.forms import DayField
from privacy.models import Incident, IncidentSettings
from privacy.models.incidents import IncidentSubscriber

from .fields import DATE, ItemsField


class IncidentForm(forms.ModelForm):
    items = ItemsField(label=_("data items involved"))
    subscriber_numbers = forms.CharField(
        label=_("affected subscribers (subscriber numbers)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Paste subscriber numbers, one per line or separated by spaces or commas."),
    )

    class Meta:
        model = Incident
        fields = [
            "discovered_at",
            "occurred_at",
            "discovered_by",
            "description",
            "notice_text",
            "items",
            "other_people_count",
            "cause",
            "malicious",
            "sensitive_data",
            "ordinance_sensitive_data",
            "financial_risk",
            "secondary_harm",
            "measures",
            "prevention",
            "other_notes",
            "published_on",
            "published_where",
            "exempt_from_notice",
            "exemption_reason",
        ]
        widgets = {
            "published_on": DATE,
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in [
                    "description",
                    "notice_text",
                    "cause",
                    "secondary_harm",
                    "measures",
                    "prevention",
                    "other_notes",
                    "exemption_reason",
                ]
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = IncidentSettings.current().ordinance_categories()
        if categories:
            self.fields["ordinance_sensitive_data"].help_text = _(
                "As the city's ordinance defines it: %(categories)s"
            ) % {"categories": escape("、".join(categories))}
        else:
            # No ordinance category, nothing to ask (PPC rules art. 43(v)); an edit leaves the field as it was.
            del self.fields["ordinance_sensitive_data"]
        if self.instance.pk:
            self.fields["subscriber_numbers"].label = _("add affected subscribers (subscriber numbers)")

    def clean_subscriber_numbers(self):
        from privacy.services.incidents import parse_subscriber_numbers

        found, missing = parse_subscriber_numbers(self.cleaned_data["subscriber_numbers"])
        if missing:
            raise forms.ValidationError(
                _("No subscriber has these numbers: %(numbers)s") % {"numbers": "、".join(missing)}
            )
        self.cleaned_data["subscribers"] = found
        return self.cleaned_data["subscriber_numbers"]


class IncidentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Incident.Status.choices)
    on = DayField(label=_("date"), widget=DATE)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, incident, **kwargs):
        from privacy.services.incidents import INCIDENT_LIFECYCLE

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (s.value, s.label) for s in Incident.Status if s in INCIDENT_LIFECYCLE.allowed(incident.status)
        ]
        self.fields["on"].initial = timezone.localdate()


class NoticesSentForm(forms.Form):
    """The checked affected subscribers: their notices went out (date, method), or cannot reach them (why).
    Which of the two is the button pressed (``outcome``)."""

    SENT, IMPOSSIBLE = "sent", "impossible"

    subscriber_ids = forms.TypedMultipleChoiceField(
        label=_("affected subscribers"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    sent_on = DayField(label=_("notice sent on"), widget=DATE, required=False)
    method = forms.ChoiceField(
        label=_("notice sent"), choices=[("", "---------"), *IncidentSubscriber.Method.choices], required=False
    )
    reason = forms.CharField(
        label=_("why notice is impossible"),
        max_length=200,
        required=False,
        help_text=_("e.g. address unknown, letter returned: the incident is then published."),
    )
    outcome = forms.ChoiceField(choices=[(SENT, SENT), (IMPOSSIBLE, IMPOSSIBLE)], widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == self.SENT:
            for name in ("sent_on", "method"):
                if not cleaned.get(name):
                    self.add_error(name, _("Required when recording notices as sent."))
        elif cleaned.get("outcome") == self.IMPOSSIBLE and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the notice cannot reach them."))
        return cleaned

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subscriber_ids"].choices = [
            (a.subscriber_id, a.subscriber.number) for a in incident.affected.select_related("subscriber")
        ]
        self.fields["sent_on"].initial = timezone.localdate()
        self.fields["method"].initial = IncidentSubscriber.Method.MAIL
