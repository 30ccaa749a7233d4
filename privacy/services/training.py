"""Recording staff training (declaration §4(1) 教育啓蒙活動; rules ■17): the responsible officer records each
session and who attended; attendance may be corrected later, and every change keeps its history."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv.db import stamp_history
from privacy.models import TrainingAttendance, TrainingSession, User
from privacy.selectors.accountability import staff_handling_personal_data


def _require(user: User, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _check_attendees(attendees: Iterable[User]) -> list[User]:
    people = list(dict.fromkeys(attendees))
    allowed = set(staff_handling_personal_data().filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    if any(p.pk not in allowed for p in people):
        raise ValidationError({"attendees": _("Only active office staff can be recorded as attendees.")})
    return people


@transaction.atomic
def training_record(
    *,
    user: User,
    held_on: date,
    title: str,
    attendees: Iterable[User],
    content: str = "",
    materials: str = "",
    instructor: str = "",
) -> TrainingSession:
    """Record a session that was held (not one planned: the day is not in the future) with its attendees."""
    _require(user, "privacy.add_trainingsession")
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Record a session once it has been held: the date is in the future.")})
    people = _check_attendees(attendees)
    if not people:
        raise ValidationError({"attendees": _("Choose who attended.")})
    session = TrainingSession(
        held_on=held_on,
        title=title.strip(),
        content=content.strip(),
        materials=materials.strip(),
        instructor=instructor.strip(),
        recorded_by=user,
    )
    session.full_clean()
    stamp_history(session, user=user)
    session.save()
    for person in people:
        attendance = TrainingAttendance(session=session, user=person)
        stamp_history(attendance, user=user)
        attendance.save()
    return session


@transaction.atomic
def training_set_attendees(*, session: TrainingSession, user: User, attendees: Iterable[User], reason: str) -> int:
    """Correct who attended; the history says who changed it and why. Returns how many rows changed."""
    _require(user, "privacy.change_trainingsession")
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the attendance is corrected.")})
    current = {a.user_id: a for a in session.attendance.all()}
    # Only today's staff are offered on the page; someone who attended and has left since stays recorded.
    staff = set(staff_handling_personal_data().values_list("pk", flat=True))
    wanted = {p.pk: p for p in _check_attendees(a for a in attendees if a.pk not in current or a.pk in staff)}
    kept = {user_id for user_id in current if user_id not in staff}
    if not wanted and not kept:
        raise ValidationError({"attendees": _("Choose who attended.")})
    changed = 0
    for user_id, attendance in current.items():
        if user_id not in wanted and user_id not in kept:
            stamp_history(attendance, user=user, reason=reason.strip())
            attendance.delete()
            changed += 1
    for user_id, person in wanted.items():
        if user_id not in current:
            attendance = TrainingAttendance(session=session, user=person)
            stamp_history(attendance, user=user, reason=reason.strip())
            attendance.save()
            changed += 1
    return changed
