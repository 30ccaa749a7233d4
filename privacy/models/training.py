"""Staff training (declaration §4(1) 教育啓蒙活動; broadcaster rules ■17 教育・研修): who attended which session."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mctv.db import DayField, TimeStampedModel
from privacy.fiscal_years import fiscal_year_bounds


class TrainingSessionQuerySet(models.QuerySet):
    def in_fiscal_year(self, year: int):
        first, last = fiscal_year_bounds(year)
        return self.filter(held_on__gte=first, held_on__lte=last)


class TrainingSession(TimeStampedModel):
    """A training session held: when, on what, with which materials, and who attended."""

    held_on = DayField(_("held on"), db_index=True)
    title = models.CharField(_("name of the session"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    materials = models.TextField(
        _("materials"), blank=True, help_text=_("The materials used: their titles and where they are kept.")
    )
    instructor = models.CharField(_("instructor"), max_length=100, blank=True)
    attendees: models.ManyToManyField = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attendees"),
        through="TrainingAttendance",
        related_name="training_sessions",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="trainingsession_has_title")]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class TrainingAttendance(models.Model):
    """One staff member's attendance; added and removed rows keep their history."""

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("training session"), on_delete=models.CASCADE, related_name="attendance"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("attendee"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="trainingattendance_once")]

    def __str__(self):
        return f"{self.session_id} {self.user_id}"
