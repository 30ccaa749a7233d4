"""Model fields that normalise what is typed, and the form fields they produce.

Normalising in ``to_python`` means every path that validates — staff forms,
Django admin, services calling ``full_clean()`` — stores the same form.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import normalize


def _refuse_if_lost(typed, normalised, error: ValidationError | None) -> None:
    """Something typed that normalises to nothing (a phone ``abc``) is refused, never stored as blank."""
    if error is not None and str(typed or "").strip() and normalised in ("", None):
        raise error


class NormalizingFormField(forms.CharField):
    def __init__(self, *, normalizer, lost_error: ValidationError | None = None, **kwargs):
        self.normalizer = normalizer
        self.lost_error = lost_error
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        normalised = self.normalizer(value)
        _refuse_if_lost(value, normalised, self.lost_error)
        return normalised


class NormalizedCharField(models.CharField):
    normalizer = staticmethod(normalize.normalize_text)
    # What a person may type is longer than what is stored (〒０３３－０００１ is 9 characters).
    typed_max_length: int | None = None
    # The error when what was typed normalises to nothing; None where that is genuinely blank (white space).
    lost_error: ValidationError | None = None

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalizer(value) if value else value

    def clean(self, value, model_instance):
        # Services' full_clean() refuses what normalises to nothing, as the form does.
        cleaned = super().clean(value, model_instance)
        _refuse_if_lost(value, cleaned, self.lost_error)
        return cleaned

    def formfield(self, **kwargs):
        if self.choices:
            return super().formfield(**kwargs)
        defaults = {"form_class": NormalizingFormField, "normalizer": self.normalizer, "lost_error": self.lost_error}
        if self.typed_max_length:
            defaults["max_length"] = self.typed_max_length
        defaults.update(kwargs)
        field = super().formfield(**defaults)
        if self.typed_max_length:
            field.max_length = self.typed_max_length
            field.widget.attrs["maxlength"] = str(self.typed_max_length)
        return field


PHONE_MESSAGE = _("Enter a Japanese phone number starting with 0, e.g. 0176-51-1349.")


def validate_phone(value: str) -> None:
    if value and not normalize.is_possible_phone(value):
        raise forms.ValidationError(PHONE_MESSAGE, code="invalid_phone")


class ReadingField(NormalizedCharField):
    """フリガナ: stored in full-width katakana."""

    normalizer = staticmethod(normalize.normalize_reading)
    default_validators = [
        RegexValidator(normalize.KATAKANA_READING, _("Enter the reading in katakana or hiragana."), "invalid_reading")
    ]


class PostalCodeField(NormalizedCharField):
    """Stored as 7 digits, shown as NNN-NNNN."""

    normalizer = staticmethod(normalize.normalize_postal_code)
    typed_max_length = 12
    lost_error = ValidationError(_("Enter the postal code as 7 digits, e.g. 033-0001."), code="invalid_postal_code")
    default_validators = [
        RegexValidator(
            normalize.POSTAL_CODE, _("Enter the postal code as 7 digits, e.g. 033-0001."), "invalid_postal_code"
        )
    ]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        super().__init__(*args, **kwargs)


class PhoneNumberField(NormalizedCharField):
    """Stored as digits, shown with hyphens."""

    normalizer = staticmethod(normalize.normalize_phone)
    typed_max_length = 20
    default_validators = [validate_phone]
    lost_error = ValidationError(PHONE_MESSAGE, code="invalid_phone")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 11)
        super().__init__(*args, **kwargs)


class NormalizedEmailField(models.EmailField):
    def to_python(self, value):
        value = super().to_python(value)
        return normalize.normalize_email(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NormalizedEmailFormField, **kwargs})


class NormalizedEmailFormField(forms.EmailField):
    def to_python(self, value):
        value = super().to_python(value)
        return normalize.normalize_email(value) if value else value
