from django.views.generic import ListView

from privacy.forms import AccessLogFilterForm, local_day_range
from privacy.models import AccessLog

from .base import StaffPermissionMixin


class AccessLogListView(StaffPermissionMixin, ListView):
    """For officers and auditors: who opened or exported whose record."""

    permission_required = "privacy.view_accesslog"
    template_name = "privacy/access_log.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = AccessLogFilterForm(self.request.GET or None)
        qs = AccessLog.objects.select_related("user")
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data["subscriber_number"]:
                qs = qs.filter(subscriber_number=data["subscriber_number"])
            if data["user"]:
                qs = qs.filter(user=data["user"])
            if data["action"]:
                qs = qs.filter(action=data["action"])
            qs = qs.filter(**local_day_range("at", data["date_from"], data["date_to"]))
        return qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)
