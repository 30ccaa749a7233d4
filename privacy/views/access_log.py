from django.views.generic import ListView

from mctv.views import StaffPermissionMixin
from privacy.forms.access_log import AccessLogFilterForm
from privacy.selectors.access_log import access_log_visible_to


class AccessLogListView(StaffPermissionMixin, ListView):
    """For officers and auditors: who opened or exported whose record."""

    permission_required = "privacy.view_accesslog"
    template_name = "privacy/access_log.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = AccessLogFilterForm(self.request.GET or None)
        return self.filter_form.filter(access_log_visible_to(self.request.user).select_related("user"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)
