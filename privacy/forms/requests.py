"""Subscribers' requests: intake, the actions of the request page, the list's filters (§5, §6(3)–(4))."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mctv.forms import DayField
from privacy.models import SubjectRequest
from subscribers.normalize import normalize_text

from .fields import DATE, ItemsField, SubscriberByNumberMixin


class RequestReceiveForm(SubscriberByNumberMixin, forms.Form):
    """Intake of a subscriber's request (§5, §6(3)): what, when, how, by whom."""

    subscriber_number = forms.CharField(label=_("subscriber number"), max_length=20)
    kind = forms.ChoiceField(label=_("kind"), choices=SubjectRequest.Kind.choices)
    received_on = DayField(label=_("received on"), widget=DATE)
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
    replied_on = DayField(label=_("replied on"), widget=DATE)
    reply_method = forms.ChoiceField(label=_("reply sent"), choices=SubjectRequest.ReplyMethod.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replied_on"].initial = timezone.localdate()


class FeeForm(forms.Form):
    paid_on = DayField(label=_("fee paid on"), widget=DATE)


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
