"""Filtering the staff access log (§4(1))."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mctv.db import local_day_range
from mctv.forms import DayField, FilterForm
from privacy.models import AccessLog
from subscribers.normalize import normalize_text

from .fields import DATE


class AccessLogFilterForm(FilterForm):
    subscriber_number = forms.CharField(label=_("subscriber number"), required=False, max_length=20)
    user = forms.ModelChoiceField(
        label=_("who"), queryset=get_user_model().objects.order_by("username"), required=False
    )
    action = forms.ChoiceField(label=_("what"), choices=[("", "---------"), *AccessLog.Action.choices], required=False)
    date_from = DayField(label=_("from"), required=False, widget=DATE)
    date_to = DayField(label=_("until"), required=False, widget=DATE)
    batch = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean_subscriber_number(self):
        return normalize_text(self.cleaned_data["subscriber_number"])

    @property
    def grouped(self) -> bool:
        """One line per use (its head), unless one use's entries or one subscriber's are asked for."""
        if not self.is_bound or not self.is_valid():
            return True
        return not (self.cleaned_data["batch"] or self.cleaned_data["subscriber_number"])

    def filter(self, qs: QuerySet[AccessLog]) -> QuerySet[AccessLog]:
        if self.grouped:
            qs = qs.filter(batch_head=True)
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["batch"]:
            qs = qs.filter(batch=data["batch"])
        if data["subscriber_number"]:
            qs = qs.filter(subscriber_number=data["subscriber_number"])
        if data["user"]:
            qs = qs.filter(user=data["user"])
        if data["action"]:
            qs = qs.filter(action=data["action"])
        return qs.filter(**local_day_range("at", data["date_from"], data["date_to"]))
