"""The address of a postal code, as JSON for the subscriber form's postal.js."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.generic import View

from mctv.views import StaffPermissionMixin

from .normalize import format_postal_code
from .postal import DATA_VERSION, postal_areas


class PostalCodeView(StaffPermissionMixin, View):
    """For whoever fills in the subscriber form. Japan Post's data is public: nothing is logged."""

    def has_permission(self):
        user = self.request.user
        return user.has_perm("subscribers.add_subscriber") or user.has_perm("subscribers.change_subscriber")

    def get(self, request, code):
        areas = postal_areas(code)
        if not areas:
            shown = "〒" + format_postal_code(code)
            message = _("The postal code %(code)s is not in the postal data.") % {"code": shown}
            return JsonResponse({"error": message, "data_version": DATA_VERSION}, status=404)
        main, *others = areas
        return JsonResponse(
            {
                "postal_code": code,
                **main.as_json(),
                "alternates": [area.as_json() for area in others],
                "data_version": DATA_VERSION,
            },
            json_dumps_params={"ensure_ascii": False},
        )
