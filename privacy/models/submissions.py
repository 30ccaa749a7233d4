"""One-time form tokens: a form drawn by the system is done once, however often it is sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FormSubmission(models.Model):
    """The claim of one drawn form's token by the first submit that carried it, and where that submit led.

    The claim is written in the same transaction as the work the submit does, so a second submit of the same
    form either waits for the first (a unique key) and then finds where it led, or — when the first was refused
    and rolled back — is done as if it were the first."""

    token = models.UUIDField(_("token"), primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(_("path"), max_length=500)
    result_url = models.CharField(_("where it led"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return f"{self.path} {self.token}"
