"""What cannot be undone asks first. The step's form is posted as usual; when it is valid and not yet confirmed,
the step is rehearsed (done and rolled back), so what the services would refuse is refused now, with the form;
otherwise the answer is a page saying what the step will do and touch, carrying the form as typed in hidden
fields, whose button (named for what it does) posts it again, confirmed. Nothing is kept before that post."""

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django import forms
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from mctv import dates

CONFIRMED_FIELD = "confirmed"
BACK_FIELD = "back"
_NOT_CARRIED = {"csrfmiddlewaretoken", "submission_token", CONFIRMED_FIELD, BACK_FIELD}


def is_confirmed(request) -> bool:
    return request.POST.get(CONFIRMED_FIELD) == "1" and not is_going_back(request)


def is_going_back(request) -> bool:
    """The page's back button (``back_label``) was pressed: show the form again as typed, do nothing."""
    return request.POST.get(BACK_FIELD) == "1"


class _Rehearsed(Exception):
    pass


def rehearse(step: Callable[[], object]) -> None:
    """Do ``step`` and roll it back (its on-commit work is dropped with it): a refusal (ValidationError) is
    raised as the real step would raise it, so the confirmation is only asked for what would succeed."""
    try:
        with transaction.atomic():
            step()
            raise _Rehearsed
    except _Rehearsed:
        pass


def form_summary(form: forms.BaseForm) -> list[tuple[str, str]]:
    """The typed values of a valid form as a person reads them: each filled field's label and shown value."""
    summary = []
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.HiddenInput):
            continue
        shown = _shown(field, form.cleaned_data.get(name))
        if shown:
            summary.append((str(field.label or name), shown))
    return summary


def _shown(field: forms.Field, value: Any) -> str:
    if value in (None, "", [], ()):
        return ""
    if isinstance(value, bool):
        return _("yes") if value else ""
    if isinstance(value, datetime):
        return dates.long_time(value)
    if isinstance(value, date):
        return dates.with_weekday(value)
    choices = dict(getattr(field, "choices", None) or ())
    if isinstance(value, list | tuple | set) or (hasattr(value, "__iter__") and not isinstance(value, str)):
        return "、".join(str(choices.get(item, item)) for item in value)
    return str(choices.get(value, value))


def confirmation_page(
    request,
    *,
    title: str,
    confirm_label: str,
    back_url: str,
    summary: Sequence[tuple[str, str]] = (),
    consequences: Iterable[str] = (),
    touched: dict[str, Any] | None = None,
    warning: str = "",
    back_label: str = "",
) -> TemplateResponse:
    """``warning``: what the page warns of, when the step is not irreversible but needs a second look.
    ``back_label``: a button that posts the form back as typed (``is_going_back``), instead of the link to
    ``back_url``, where the form is long to type again.
    ``touched``: what the step reaches, as {"caption", "counts", "columns", "page"}: (words, number) pairs,
    and a ``Paginator`` page of row tuples under the column headings; the page's links post the form again."""
    carried = [(key, value) for key in request.POST if key not in _NOT_CARRIED for value in request.POST.getlist(key)]
    return TemplateResponse(
        request,
        "confirm.html",
        {
            "title": title,
            "confirm_label": confirm_label,
            "back_url": back_url,
            "summary": summary,
            "consequences": list(consequences),
            "touched": touched,
            "warning": warning,
            "back_label": back_label,
            "carried": carried,
            "action_url": request.get_full_path(),
        },
    )


def ask_before(
    request,
    *,
    step: Callable[[], object],
    form: forms.BaseForm,
    title: str,
    confirm_label: str,
    back_url: str,
    consequences: Iterable[str],
) -> TemplateResponse | None:
    """The confirmation page for a step of a record's page (a request's, an appeal's) not yet confirmed, once the
    rehearsal shows it would succeed; None when the post is the confirmed one and the step is to be done."""
    if is_confirmed(request):
        return None
    rehearse(step)
    return confirmation_page(
        request,
        title=title,
        confirm_label=confirm_label,
        back_url=back_url,
        summary=form_summary(form),
        consequences=consequences,
    )
