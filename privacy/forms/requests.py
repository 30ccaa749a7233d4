"""Subscribers' requests: intake, the actions of the request page, the list's filters (§5, §6(3)–(4))."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mctv.forms import DayField, FilterForm
from privacy.data_items import DataItem
from privacy.models import Consultation, SubjectRequest, WithholdingGround
from privacy.models.request_rules import DECISION_LABELS, FOLLOWS_DISCLOSURE_KINDS
from privacy.selectors.requests import requests_visible_to
from privacy.services.requests import decisions_for
from subscribers.models import Subscriber
from subscribers.normalize import normalize_text

from .fields import DATE

SUBJECT_FIELDS = ("subject_name", "subject_postal_code", "subject_address")
AGENT_FIELDS = ("agent_kind", "agent_name", "agent_relation", "agent_postal_code", "agent_address", "agent_phone")


class RequestReceiveForm(forms.Form):
    """Intake of a written request (art. 77(1)): what, the day the form arrived, how, about whom, by whom."""

    kind = forms.ChoiceField(label=_("kind"), choices=SubjectRequest.Kind.choices)
    received_on = DayField(label=_("received on"), widget=DATE, help_text=_("The day the written request arrived."))
    channel = forms.ChoiceField(label=_("channel"), choices=SubjectRequest.Channel.choices)
    subscriber_number = forms.CharField(
        label=_("subscriber number"),
        max_length=20,
        required=False,
        help_text=_("Leave empty when the person is not, or no longer, in the registry."),
    )
    subject_name = forms.CharField(label=_("person's name"), max_length=100, required=False)
    subject_postal_code = SubjectRequest._meta.get_field("agent_postal_code").formfield(
        label=_("person's postal code"), required=False
    )
    subject_address = forms.CharField(label=_("person's address"), max_length=300, required=False)
    based_on_number = forms.CharField(
        label=_("disclosure it follows (request number)"),
        max_length=12,
        required=False,
        help_text=_("A correction or suspension follows a disclosure (arts. 90, 98)."),
    )
    details = forms.CharField(
        label=_("what is requested"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. which items to correct and how"),
    )
    reason = forms.CharField(
        label=_("the requester's reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    by_agent = forms.BooleanField(label=_("made by an agent"), required=False)
    agent_kind = forms.ChoiceField(
        label=_("kind of agent"), required=False, choices=[("", "---------"), *SubjectRequest.AgentKind.choices]
    )
    agent_name = forms.CharField(label=_("agent's name"), max_length=100, required=False)
    agent_relation = forms.CharField(
        label=_("agent's standing"), max_length=100, required=False, help_text=_("e.g. parent, guardian, attorney")
    )
    agent_postal_code = SubjectRequest._meta.get_field("agent_postal_code").formfield(required=False)
    agent_address = forms.CharField(label=_("agent's address"), max_length=300, required=False)
    agent_phone = forms.CharField(label=_("agent's phone"), max_length=20, required=False)
    consultation = forms.ModelChoiceField(
        queryset=Consultation.objects.filter(request__isnull=True), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()

    def clean_subscriber_number(self):
        number = normalize_text(self.cleaned_data["subscriber_number"])
        if not number:
            self.cleaned_data["subscriber"] = None
            return ""
        subscriber = Subscriber.objects.visible_to(self.user).filter(number=number).first()
        if subscriber is None:
            raise forms.ValidationError(_("No subscriber has this number."))
        self.cleaned_data["subscriber"] = subscriber
        return number

    def clean_based_on_number(self):
        number = normalize_text(self.cleaned_data["based_on_number"]).upper()
        self.cleaned_data["based_on"] = None
        if not number:
            return ""
        found = requests_visible_to(self.user).filter(number=number, kind=SubjectRequest.Kind.DISCLOSURE).first()
        if found is None:
            raise forms.ValidationError(_("No disclosure request has this number."))
        self.cleaned_data["based_on"] = found
        return number

    def clean(self):
        cleaned = super().clean()
        if "subscriber_number" in cleaned and cleaned.get("subscriber") is None:
            for name in ("subject_name", "subject_postal_code", "subject_address"):
                if not (cleaned.get(name) or "").strip():
                    self.add_error(name, _("Required when the person is not in the registry."))
        if cleaned.get("by_agent"):
            for name in ("agent_kind", "agent_name", "agent_postal_code", "agent_address"):
                if not (cleaned.get(name) or "").strip():
                    self.add_error(name, _("Required for a request made by an agent."))
        self._refuse_what_would_be_dropped(cleaned)
        return cleaned

    def _refuse_what_would_be_dropped(self, cleaned: dict) -> None:
        """Details the service would not keep are refused with the reason, never saved as blank."""
        if cleaned.get("subscriber") is not None:
            for name in SUBJECT_FIELDS:
                if (cleaned.get(name) or "").strip():
                    self.add_error(
                        name,
                        _("With a subscriber number the person's details come from the registry: leave this empty."),
                    )
        if not cleaned.get("by_agent"):
            for name in AGENT_FIELDS:
                if (cleaned.get(name) or "").strip():
                    self.add_error(name, _("Tick “made by an agent”, or leave the agent's details empty."))
        if cleaned.get("based_on") is not None and cleaned.get("kind") not in FOLLOWS_DISCLOSURE_KINDS:
            self.add_error("based_on_number", _("Only a correction or suspension follows a disclosure."))

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("subscriber_number")
        data.pop("based_on_number")
        return data


class ConsultationForm(forms.Form):
    """A call or a visit without a written request (相談)."""

    received_on = DayField(label=_("received on"), widget=DATE)
    channel = forms.ChoiceField(label=_("channel"), choices=Consultation.Channel.choices)
    name = forms.CharField(label=_("caller's name"), max_length=100)
    contact = forms.CharField(label=_("contact"), max_length=200, required=False)
    subscriber_number = forms.CharField(label=_("subscriber number"), max_length=20, required=False)
    kind = forms.ChoiceField(
        label=_("kind of request asked about"),
        required=False,
        choices=[("", "---------"), *SubjectRequest.Kind.choices],
    )
    summary = forms.CharField(label=_("what was asked"), widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(
        label=_("what the office answered"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()

    clean_subscriber_number = RequestReceiveForm.clean_subscriber_number

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("subscriber_number")
        return data


class IdentityForm(forms.Form):
    identity_method = forms.ChoiceField(
        label=_("identity checked with"), choices=[("", "---------"), *SubjectRequest.IdentityMethod.choices]
    )
    identity_note = forms.CharField(label=_("identity check note"), max_length=200, required=False)
    agent_authority = forms.CharField(
        label=_("agent's authority shown by"),
        max_length=200,
        required=False,
        help_text=_("For an agent: e.g. family register, guardianship certificate, letter of attorney."),
    )


class FormCorrectionForm(forms.Form):
    """補正: what the requester is asked to complete, and by when (default: the configured days)."""

    note = forms.CharField(label=_("what to correct"), widget=forms.Textarea(attrs={"rows": 2}))
    correct_by = DayField(label=_("corrected form due by"), widget=DATE, required=False)


class CorrectedFormArrivedForm(forms.Form):
    on = DayField(label=_("corrected form arrived on"), widget=DATE)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class DismissForm(forms.Form):
    reasons = forms.CharField(
        label=_("reasons"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. the form was not corrected by the date given; asked more than 90 days after the disclosure."),
    )


class SpecialExtendForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
    rest_by = DayField(label=_("the rest decided by"), widget=DATE)
    part = forms.CharField(
        label=_("part decided within the period"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a disclosure: the reasonable part decided first (art. 84)."),
    )


class TransferForm(forms.Form):
    to = forms.CharField(label=_("transferred to"), max_length=200)
    on = DayField(label=_("transferred on"), widget=DATE)
    reason = forms.CharField(label=_("reason for the transfer"), widget=forms.Textarea(attrs={"rows": 2}))


class WaiveFeeForm(forms.Form):
    reason = forms.CharField(label=_("fee waived because"), max_length=200)


class CarryOutForm(forms.Form):
    on = DayField(label=_("disclosure carried out on"), widget=DATE)
    method = forms.ChoiceField(label=_("disclosure carried out by"), choices=SubjectRequest.DisclosureMethod.choices)
    sheets = forms.IntegerField(label=_("sheets copied"), min_value=0, max_value=100000, required=False, initial=0)
    copies_paid = forms.BooleanField(label=_("the cost of the copies was paid"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class SentOnForm(forms.Form):
    on = DayField(label=_("sent on"), widget=DATE)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("extend by (days)"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("reason for the extension"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    """The decision the request's kind allows, named as the law names it; for a disclosure in part, the ground
    (article) withholding each item left out."""

    decision = forms.ChoiceField(label=_("decision"), choices=SubjectRequest.Decision.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Required unless granted in full. For a stop of provision refused: why there is no legitimate reason."
        ),
    )

    def __init__(self, *args, request: SubjectRequest | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if request is None:
            return
        labels = DECISION_LABELS[request.group]
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)
        decision.choices = [(d, labels[d]) for d in decisions_for(request.kind)]
        if request.kind == SubjectRequest.Kind.DISCLOSURE:
            grounds = [("", _("disclosed"))] + [(g.code, str(g)) for g in WithholdingGround.objects.filter(active=True)]
            for code, label in DataItem.choices:
                self.fields[f"withhold_{code}"] = forms.ChoiceField(
                    label=_("%(item)s: withheld on") % {"item": label}, choices=grounds, required=False
                )

    def clean(self):
        cleaned = super().clean()
        grounds = {code: cleaned[f"withhold_{code}"] for code in DataItem.values if cleaned.get(f"withhold_{code}")}
        cleaned["withheld_items"], cleaned["withholding_grounds"] = list(grounds), grounds
        return cleaned


class ReplyForm(forms.Form):
    replied_on = DayField(label=_("replied on"), widget=DATE)
    reply_method = forms.ChoiceField(label=_("reply sent"), choices=SubjectRequest.ReplyMethod.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replied_on"].initial = timezone.localdate()


class FeeForm(forms.Form):
    paid_on = DayField(label=_("fee paid on"), widget=DATE)


class RequestFilterForm(FilterForm):
    state = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("open", _("Open requests")), ("all", _("All requests")), *SubjectRequest.Status.choices],
    )
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=[("", "---------"), *SubjectRequest.Kind.choices])
    subscriber_number = forms.CharField(label=_("subscriber number"), required=False, max_length=20)

    def filter(self, qs):
        if not self.is_valid():
            return qs.open()
        data = self.cleaned_data
        state = data["state"] or "open"
        if state == "open":
            qs = qs.open()
        elif state != "all":
            qs = qs.filter(status=state)
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["subscriber_number"]:
            qs = qs.filter(subscriber__number=normalize_text(data["subscriber_number"]))
        return qs
