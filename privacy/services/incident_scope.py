"""Adding the people and items derived from the records to an incident (漏えい等事案の影響範囲) — officers only."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mctv.db import stamp_history
from privacy.events import incidents as events
from privacy.models import Incident, IncidentScope, IncidentSubscriber, User
from privacy.selectors.incident_scope import Derivation, derive, removed_numbers
from privacy.services.incidents import require_officer


@transaction.atomic
def incident_scope_add(*, incident: Incident, user: User, derivation: Derivation, fingerprint: str) -> IncidentScope:
    """Run the derivation again under the incident's lock and add what the officer previewed: its people to the
    affected (each once), those no longer in the registry to the incident's count, its items kept with the derivation.
    Refused when the result differs from the preview (``fingerprint``): the officer confirms what is added."""
    require_officer(user)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident.is_open:
        raise ValidationError(_("A closed incident cannot be changed."))
    derived = derive(derivation)
    if not derived.people:
        raise ValidationError(_("The records name no one: nothing was added."))
    if fingerprint != derived.fingerprint:
        raise ValidationError(_("The records have changed since the preview: look at the new preview before adding."))
    affected = set(incident.affected.values_list("subscriber_id", flat=True))
    new_ids = sorted(set(derived.ids.values()) - affected)
    added = IncidentSubscriber.objects.bulk_create(
        [IncidentSubscriber(incident=incident, subscriber_id=pk, pasted=False) for pk in new_ids],
        batch_size=2000,
    )
    removed_before = removed_numbers(incident)
    # The incident's own items stay those the officer named; the derived ones live with the derivation.
    incident.removed_people_count = len(removed_before | derived.removed)
    incident.full_clean()
    stamp_history(incident, user=user)
    incident.save()
    scope = IncidentScope.objects.create(
        incident=incident,
        kind=derivation.kind,
        parameters=derivation.parameters(),
        people_count=len(derived.people),
        removed_count=len(derived.removed),
        added_count=len(added) + len(derived.removed - removed_before),
        item_counts=derived.item_counts,
        snapshot=derived.snapshot(),
        fingerprint=derived.fingerprint,
        recorded_by=user,
    )
    events.incident_scope_added_event(
        incident=incident,
        user=user,
        scope=scope.pk,
        derived_from=scope.kind,
        people=scope.people_count,
        added=scope.added_count,
    )
    return scope
