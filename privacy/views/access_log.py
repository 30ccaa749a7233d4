from django.views.generic import ListView

from mctv.lists import StaffListMixin
from mctv.views import StaffPermissionMixin
from privacy.forms.access_log import AccessLogFilterForm
from privacy.selectors.access_log import access_log_visible_to


class AccessLogListView(StaffPermissionMixin, StaffListMixin, ListView):
    """For officers and auditors: who opened or exported whose record — one line per use, however many records
    it touched, with the count and a link to its entries."""

    permission_required = "privacy.view_accesslog"
    template_name = "privacy/access_log.html"
    context_object_name = "entries"
    paginate_by = 50
    sort_keys = {"at": ("at",), "user": ("user__username", "at"), "action": ("action", "at")}

    def get_queryset(self):
        self.filter_form = AccessLogFilterForm(self.request.GET or None)
        return self.sorted(self.filter_form.filter(access_log_visible_to(self.request.user).select_related("user")))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form, grouped=self.filter_form.grouped, batch=self._batch(), **kwargs
        )

    def _batch(self):
        """The use whose entries are listed, named by its head (None when the log is listed by use)."""
        if self.filter_form.grouped or not self.filter_form.cleaned_data.get("batch"):
            return None
        return (
            access_log_visible_to(self.request.user)
            .filter(batch=self.filter_form.cleaned_data["batch"], batch_head=True)
            .select_related("user")
            .first()
        )
