"""Registering a subscriber, with its check for likely duplicates, and voiding a registration made by mistake."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView

from mctv.confirmation import confirmation_page, form_summary, is_confirmed, is_going_back, rehearse
from mctv.forms import add_service_error
from mctv.views import StaffPermissionMixin
from mctv.wareki import wareki
from privacy.models import AccessLog, User
from privacy.services.access_log import access_log_record

from .duplicates import DUPLICATE_FIELDS, Duplicate
from .forms import SUBSCRIBER_FIELDS, SubscriberForm
from .models import Subscriber
from .services import subscriber_create, subscriber_void
from .views import LoggedFormMixin


@method_decorator(sensitive_post_parameters(*SUBSCRIBER_FIELDS, "confirm_address"), name="dispatch")
class SubscriberCreateView(StaffPermissionMixin, FormView):
    """A valid form that looks like someone already registered (duplicates.py) is not saved at once: a page lists
    the likely duplicates and asks to register anyway, or to go back to the form as typed."""

    permission_required = "subscribers.add_subscriber"
    template_name = "subscribers/form.html"
    form_class = SubscriberForm

    def form_valid(self, form):
        if is_going_back(self.request):
            return self.render_to_response(self.get_context_data(form=form))
        data = {name: form.cleaned_data[name] for name in [*SUBSCRIBER_FIELDS, "applied_on"]}
        duplicates = Subscriber.objects.visible_to(self.request.user).likely_duplicates_of(
            **{name: data[name] for name in DUPLICATE_FIELDS}
        )

        def create():
            return subscriber_create(
                user=self.request.user,
                services=form.cleaned_data["services"],
                duplicates_checked=[d.subscriber.number for d in duplicates],
                **data,
            )

        try:
            if duplicates and not is_confirmed(self.request):
                rehearse(create)
                return self.duplicates_confirmation(form, duplicates)
            subscriber = create()
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Registered subscriber %(number)s.") % {"number": subscriber.number})
        return redirect("subscribers:detail", pk=subscriber.pk)

    def duplicates_confirmation(self, form, duplicates: list[Duplicate]):
        # The page shows other subscribers' names, readings, birth dates and addresses: each is logged as listed.
        user = self.request.user
        assert isinstance(user, User)  # signed in (StaffPermissionMixin)
        access_log_record(
            user=user,
            subscribers=[d.subscriber for d in duplicates],
            action=AccessLog.Action.LISTED,
            path=self.request.path,
            detail={"listed_as": "likely duplicates of a registration"},
        )
        rows = [_duplicate_row(d) for d in duplicates]
        return confirmation_page(
            self.request,
            title=_("This person may already be registered"),
            warning=_(
                "The subscribers below have the same reading and birth date, or the same name and address. "
                "Open each to check it is not the same person before registering."
            ),
            confirm_label=_("Register anyway, as a different person"),
            back_label=_("Go back to the form"),
            back_url=reverse("subscribers:create"),
            summary=form_summary(form),
            consequences=[_("A new subscriber number is issued; the change history records that these were checked.")],
            touched={
                "caption": _("Likely duplicates"),
                "columns": [
                    _("subscriber number"),
                    _("Name"),
                    _("Reading"),
                    _("birth date"),
                    _("Address"),
                    _("status"),
                    _("Why it was found"),
                ],
                "page": Paginator(rows, len(rows)).page(1),
            },
        )


def _duplicate_row(duplicate: Duplicate) -> tuple:
    s = duplicate.subscriber
    link = format_html(
        '<a href="{}" target="_blank" rel="noopener">{}</a>', reverse("subscribers:detail", args=[s.pk]), s.number
    )
    return (
        link,
        s.full_name,
        s.full_name_kana,
        wareki(s.birth_date) if s.birth_date else "—",
        s.address,
        s.get_status_display(),
        "、".join(duplicate.reasons),
    )


class SubscriberVoidForm(forms.Form):
    # The history row keeps the reason, in 100 characters (with the word saying it was voided).
    reason = forms.CharField(
        label=gettext_lazy("Reason for voiding"),
        max_length=90,
        help_text=gettext_lazy("e.g. Registered twice: the same person as 00000501."),
    )


class SubscriberVoidView(StaffPermissionMixin, LoggedFormMixin, FormView):
    permission_required = "subscribers.void_subscriber"
    template_name = "subscribers/void_form.html"
    form_class = SubscriberVoidForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(subscriber=self.get_subscriber(), **kwargs)

    def form_valid(self, form):
        subscriber = self.get_subscriber()

        def void():
            subscriber_void(subscriber=subscriber, user=self.request.user, reason=form.cleaned_data["reason"])

        try:
            if not is_confirmed(self.request):
                rehearse(void)
                return confirmation_page(
                    self.request,
                    title=_("Void the registration of %(number)s") % {"number": subscriber.number},
                    confirm_label=_("Void the registration"),
                    back_url=reverse("subscribers:detail", args=[subscriber.pk]),
                    summary=form_summary(form),
                    consequences=[
                        _("The registration is recorded as made by mistake: not a termination, never a contract."),
                        _("Every contracted service ends today; the record can no longer be edited."),
                        _(
                            "Lists, searches, exports and mailings leave it out (the status filter still finds it), "
                            "and no contractor receives it."
                        ),
                    ],
                )
            void()
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Voided the registration."))
        return redirect("subscribers:detail", pk=subscriber.pk)
