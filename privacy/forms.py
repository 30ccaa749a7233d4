from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from subscribers.models import Subscriber
from subscribers.normalize import normalize_text

from .data_items import DataItem
from .models import (
    EXCEPTIONAL_BASES,
    AccessLog,
    ConfidentialityAgreement,
    Consent,
    Contractor,
    Incident,
    PolicyVersion,
    Purpose,
    SubjectRequest,
    WorkKind,
    WorkOrder,
)
from .models.disclosures import Basis, Method
from .models.incidents import IncidentSubscriber


def local_day_range(field: str, first, last) -> dict:
    """Filters for ``field`` between two local days, as timestamps: an index on the column can serve them,
    which ``__date`` (a cast of every row) cannot."""
    from datetime import datetime, time, timedelta

    lookups = {}
    if first:
        lookups[f"{field}__gte"] = timezone.make_aware(datetime.combine(first, time.min))
    if last:
        lookups[f"{field}__lt"] = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return lookups


class AccessLogFilterForm(forms.Form):
    subscriber_number = forms.CharField(label=_("subscriber number"), required=False, max_length=20)
    user = forms.ModelChoiceField(
        label=_("who"), queryset=get_user_model().objects.order_by("username"), required=False
    )
    action = forms.ChoiceField(label=_("what"), choices=[("", "---------"), *AccessLog.Action.choices], required=False)
    date_from = forms.DateField(label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_subscriber_number(self):
        return normalize_text(self.cleaned_data["subscriber_number"])


class ItemsField(forms.MultipleChoiceField):
    """The §1 data items as checkboxes."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", DataItem.choices)
        super().__init__(**kwargs)


class ContractorForm(forms.ModelForm):
    class Meta:
        model = Contractor
        fields = ["name", "address", "representative", "contact_person", "phone", "email", "is_active"]


class AgreementForm(forms.ModelForm):
    items = ItemsField(label=_("data items it may receive"))

    class Meta:
        model = ConfidentialityAgreement
        fields = [
            "reference",
            "signed_on",
            "expires_on",
            "terminated_on",
            "items",
            "redelegation_allowed",
            "clause_safety_measures",
            "clause_no_use_beyond_contract",
            "clause_return_or_destroy",
            "note",
        ]
        widgets = {
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "terminated_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SubscriberByNumberMixin:
    """A typed subscriber number, looked up through the registry's visibility selector for ``self.user``."""

    def clean_subscriber_number(self):
        number = normalize_text(self.cleaned_data["subscriber_number"])
        subscriber = Subscriber.objects.visible_to(self.user).filter(number=number).first()
        if subscriber is None:
            raise forms.ValidationError(_("No subscriber has this number."))
        self.cleaned_data["subscriber"] = subscriber
        return number


class WorkOrderForm(SubscriberByNumberMixin, forms.Form):
    subscriber_number = forms.CharField(label=_("subscriber number"), max_length=20)
    contractor = forms.ModelChoiceField(label=_("contractor"), queryset=Contractor.objects.filter(is_active=True))
    kind = forms.ModelChoiceField(label=_("kind of work"), queryset=WorkKind.objects.filter(is_active=True))
    scheduled_on = forms.DateField(label=_("scheduled on"), widget=DATE)
    access_from = forms.DateField(label=_("portal access from"), widget=DATE)
    access_until = forms.DateField(label=_("portal access until"), widget=DATE)
    items = ItemsField(
        label=_("items disclosed"),
        required=False,
        help_text=_("Leave empty for what the kind of work needs; tick fewer to narrow it."),
    )
    note = forms.CharField(label=_("note for the contractor"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("access_from")
            and cleaned.get("access_until")
            and cleaned["access_until"] < cleaned["access_from"]
        ):
            self.add_error("access_until", _("The access window must end on or after its start."))
        return cleaned


class WorkOrderEditForm(forms.ModelForm):
    items = ItemsField(label=_("items disclosed"))

    class Meta:
        model = WorkOrder
        fields = ["scheduled_on", "access_from", "access_until", "items", "note"]
        widgets = {
            "scheduled_on": DATE,
            "access_from": DATE,
            "access_until": DATE,
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class WorkOrderCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("closed", _("Work completed")), ("cancelled", _("Work cancelled"))]
    )
    sheet_disposition = forms.ChoiceField(label=_("paper work sheets"), choices=WorkOrder.SheetDisposition.choices)
    sheet_disposition_on = forms.DateField(label=_("sheets returned or destroyed on"), required=False, widget=DATE)


class ProvisionFilterForm(forms.Form):
    subscriber_number = forms.CharField(label=_("subscriber number"), required=False, max_length=20)
    contractor = forms.ModelChoiceField(label=_("contractor"), queryset=Contractor.objects.all(), required=False)
    recipient = forms.CharField(label=_("recipient"), required=False, max_length=100)
    method = forms.ChoiceField(label=_("method"), choices=[("", "---------"), *Method.choices], required=False)
    basis = forms.ChoiceField(label=_("legal basis"), choices=[("", "---------"), *Basis.choices], required=False)
    date_from = forms.DateField(label=_("from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("until"), required=False, widget=DATE)

    def filter(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["subscriber_number"]:
            qs = qs.filter(subscriber_number=normalize_text(data["subscriber_number"]))
        if data["contractor"]:
            qs = qs.filter(contractor=data["contractor"])
        if data["recipient"]:
            qs = qs.filter(recipient_name__icontains=normalize_text(data["recipient"]))
        if data["method"]:
            qs = qs.filter(method=data["method"])
        if data["basis"]:
            qs = qs.filter(basis=data["basis"])
        return qs.filter(**local_day_range("at", data["date_from"], data["date_to"]))


# Provision made outside the system: not server access, which only the portal does.
OFFLINE_METHODS = [(m.value, m.label) for m in Method if m != Method.SERVER_ACCESS]


class ProvisionRecordForm(forms.Form):
    work_order = forms.ModelChoiceField(
        label=_("work order"),
        queryset=WorkOrder.objects.none(),
        required=False,
        help_text=_("For basis (2): the contractor's open work order for this subscriber."),
    )
    recipient_name = forms.CharField(
        label=_("recipient"), max_length=200, required=False, help_text=_("For the other bases: who receives the data.")
    )
    items = ItemsField(label=_("items provided"))
    method = forms.ChoiceField(label=_("method"), choices=OFFLINE_METHODS)
    basis = forms.ChoiceField(label=_("legal basis"), choices=Basis.choices)
    purpose = forms.CharField(label=_("purpose"), max_length=200)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For bases (3)–(6): why consent cannot be asked, and the legal ground. An officer approves."),
    )

    def __init__(self, *args, subscriber, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_order"].queryset = (
            WorkOrder.objects.open().filter(subscriber=subscriber).select_related("contractor", "kind")
        )

    def clean(self):
        cleaned = super().clean()
        basis = cleaned.get("basis")
        if basis == Basis.CONTRACTED_WORK and not cleaned.get("work_order"):
            self.add_error("work_order", _("Choose the work order."))
        if basis and basis != Basis.CONTRACTED_WORK and not cleaned.get("recipient_name", "").strip():
            self.add_error("recipient_name", _("Name the recipient."))
        if basis in EXCEPTIONAL_BASES and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Bases (3)–(6) need a written reason."))
        return cleaned


class ExceptionalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve and provide")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    decision_note = forms.CharField(label=_("decision note"), widget=forms.Textarea(attrs={"rows": 3}))


class RequestReceiveForm(SubscriberByNumberMixin, forms.Form):
    """Intake of a subscriber's request (§5, §6(3)): what, when, how, by whom."""

    subscriber_number = forms.CharField(label=_("subscriber number"), max_length=20)
    kind = forms.ChoiceField(label=_("kind"), choices=SubjectRequest.Kind.choices)
    received_on = forms.DateField(label=_("received on"), widget=DATE)
    channel = forms.ChoiceField(label=_("channel"), choices=SubjectRequest.Channel.choices)
    details = forms.CharField(
        label=_("what is requested"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. which items to correct and how"),
    )
    reason = forms.CharField(
        label=_("the requester's reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    by_agent = forms.BooleanField(label=_("made by an agent"), required=False)
    agent_name = forms.CharField(label=_("agent's name"), max_length=100, required=False)
    agent_relation = forms.CharField(
        label=_("agent's standing"), max_length=100, required=False, help_text=_("e.g. legal representative, attorney")
    )
    agent_postal_code = SubjectRequest._meta.get_field("agent_postal_code").formfield(required=False)
    agent_address = forms.CharField(label=_("agent's address"), max_length=300, required=False)
    agent_phone = forms.CharField(label=_("agent's phone"), max_length=20, required=False)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("by_agent"):
            for name in ("agent_name", "agent_relation", "agent_postal_code", "agent_address"):
                if not cleaned.get(name, "").strip():
                    self.add_error(name, _("Required for a request made by an agent."))
        return cleaned


class IdentityForm(forms.Form):
    identity_method = forms.ChoiceField(
        label=_("identity checked with"), choices=[("", "---------"), *SubjectRequest.IdentityMethod.choices]
    )
    identity_note = forms.CharField(label=_("identity check note"), max_length=200, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("extend by (days)"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("reason for the extension"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=SubjectRequest.Decision.choices, widget=forms.RadioSelect)
    withheld_items = ItemsField(
        label=_("items not disclosed"), required=False, help_text=_("For a disclosure in part: the items left out.")
    )
    reasons = forms.CharField(
        label=_("reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Required unless granted in full. For a stop of provision refused: why there is no legitimate reason."
        ),
    )


class ReplyForm(forms.Form):
    replied_on = forms.DateField(label=_("replied on"), widget=DATE)
    reply_method = forms.ChoiceField(label=_("reply sent"), choices=SubjectRequest.ReplyMethod.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replied_on"].initial = timezone.localdate()


class FeeForm(forms.Form):
    paid_on = forms.DateField(label=_("fee paid on"), widget=DATE)


class RequestFilterForm(forms.Form):
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


class BulkUseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("All but terminated")), *[(v, l) for v, l in Subscriber.Status.choices if v != "terminated"]],
    )
    district = forms.CharField(label=_("district (町名)"), required=False, max_length=50)

    def clean_district(self):
        return normalize_text(self.cleaned_data["district"])


class ConsentForm(forms.Form):
    purpose = forms.ModelChoiceField(
        label=_("purpose"),
        queryset=Purpose.objects.filter(stated_in_declaration=False),
        help_text=_("Only purposes the declaration does not state need consent."),
    )
    user_told = forms.CharField(label=_("who uses the data (as told)"), max_length=200)
    use_told = forms.CharField(label=_("for what (as told)"), widget=forms.Textarea(attrs={"rows": 2}))
    method = forms.ChoiceField(label=_("how consent was given"), choices=Consent.Method.choices)
    given_on = forms.DateField(label=_("given on"), widget=DATE)
    policy_version = forms.ModelChoiceField(label=_("declaration version shown"), queryset=PolicyVersion.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["given_on"].initial = today
        self.fields["policy_version"].queryset = PolicyVersion.objects.filter(effective_on__lte=today)
        self.fields["policy_version"].initial = PolicyVersion.objects.current(today)


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("withdrawn on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_on"].initial = timezone.localdate()


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


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
            "items",
            "other_people_count",
            "cause",
            "malicious",
            "sensitive_data",
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
            "discovered_at": DATETIME,
            "occurred_at": DATETIME,
            "published_on": DATE,
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in [
                    "description",
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
        self.fields["discovered_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
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
    on = forms.DateField(label=_("date"), widget=DATE)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, incident, **kwargs):
        from privacy.services.incidents import TRANSITIONS

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (s.value, s.label) for s in Incident.Status if s in TRANSITIONS[incident.status]
        ]
        self.fields["on"].initial = timezone.localdate()


class NoticesSentForm(forms.Form):
    subscriber_ids = forms.TypedMultipleChoiceField(
        label=_("affected subscribers"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    sent_on = forms.DateField(label=_("notice sent on"), widget=DATE)
    method = forms.ChoiceField(label=_("notice sent"), choices=IncidentSubscriber.Method.choices)

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subscriber_ids"].choices = [
            (a.subscriber_id, a.subscriber.number) for a in incident.affected.select_related("subscriber")
        ]
        self.fields["sent_on"].initial = timezone.localdate()
