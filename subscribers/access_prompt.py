"""The reason prompt (職員のアクセス点検): where the office switches it on, opening a subscriber's record with no
related business of the viewer or their department first asks for a one-line reason.

The access log is append-only, so the reason is part of the row as written: the prompt page shows nothing of the
record and is not logged; submitting the reason opens the record and writes its access-log row with the reason
in ``detail``."""

from typing import Any

from django.shortcuts import render

from privacy.forms.access_review import AccessReasonForm
from privacy.selectors.access_review import access_reason_needed


class AccessReasonMixin:
    """For a page that logs the record it shows (``get_subscriber``): ``access_detail`` holds the reason given."""

    access_reason = ""
    get_subscriber: Any

    def get(self, request, *args, **kwargs):
        subscriber = self.get_subscriber()
        if access_reason_needed(user=request.user, subscriber_id=subscriber.pk):
            return self._prompt(request, subscriber, AccessReasonForm())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        subscriber = self.get_subscriber()
        form = AccessReasonForm(request.POST)
        if not form.is_valid():
            return self._prompt(request, subscriber, form, status=400)
        self.access_reason = form.cleaned_data["reason"]
        return super().get(request, *args, **kwargs)

    def access_detail(self) -> dict[str, str]:
        return {"reason": self.access_reason} if self.access_reason else {}

    @staticmethod
    def _prompt(request, subscriber, form, status: int = 200):
        return render(
            request, "subscribers/access_reason.html", {"number": subscriber.number, "form": form}, status=status
        )
