"""Who an incident touched, derived from the system's own records (漏えい等事案の影響範囲, §11, APPI art. 68).

An officer names the records — what was provided outside the office in a period, what a staff account saw in a
period, an export file — and the incident keeps how the set was derived: the kind and its parameters (ids, codes
and ISO dates, re-run at will to compare) and the result at the time (the subscriber numbers, grouped by the items
each person's records carried, and the people per item). Written once, by ``privacy.services.incident_scope``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mctv.db import TimeStampedModel

from .incidents import Incident


class ScopeKind(models.TextChoices):
    PROVISIONS = "provisions", _("Provided outside the office in a period")
    STAFF_VIEWS = "staff_views", _("Seen by a staff account in a period")
    EXPORT = "export", _("The subscribers of an export file")


class IncidentScope(TimeStampedModel):
    """One derivation added to an incident. The snapshot lists every person found by number, those no longer in
    the registry apart (``removed``): they count toward the incident's people but cannot be linked."""

    Kind = ScopeKind

    incident = models.ForeignKey(Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="scopes")
    kind = models.CharField(_("derived from"), max_length=20, choices=ScopeKind.choices)
    parameters = models.JSONField(_("parameters"), default=dict)
    people_count = models.PositiveIntegerField(_("people found"))
    removed_count = models.PositiveIntegerField(_("of them, no longer in the registry"), default=0)
    added_count = models.PositiveIntegerField(_("newly added to the incident"), default=0)
    item_counts = models.JSONField(_("people per data item"), default=dict)
    # {"groups": [{"items": [codes], "numbers": [in the registry], "removed": [no longer in it]}]}
    snapshot = models.JSONField(_("result at the time"), default=dict)
    fingerprint = models.CharField(_("fingerprint of the result"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("incident scope")
        verbose_name_plural = _("incident scopes")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ScopeKind.values), name="incidentscope_kind_valid"),
            models.CheckConstraint(
                condition=Q(removed_count__lte=models.F("people_count"))
                & Q(added_count__lte=models.F("people_count"))
                & Q(people_count__gt=0),
                name="incidentscope_counts_consistent",
            ),
        ]

    def __str__(self):
        return f"{self.incident.number} {self.get_kind_display()} {self.people_count}"
