"""The monthly review of staff access (職員のアクセス点検): run it, close each flag with an outcome, close it.

Who does what (docs/accountability.md, 職員のアクセス点検):

- an officer runs a month's review (or the monthly job does, with nobody named as running it); running the same
  month again adds what is new and changes nothing already found, and a closed review is left as it is;
- an officer closes each flag with an outcome and a note: never the staff member flagged, never the person who ran
  the review (a second person looks at what the first one found). The database refuses both (a constraint and the
  trigger of migration 0032). Auditors read the reviews and their PDFs; they close nothing;
- the review closes when its last flag gets its outcome, or, with no flag open, when an officer closes it.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv.transitions import Lifecycle, require_status, set_status
from privacy import deadlines
from privacy.models import AccessLog, AccessReview, AccessReviewFlag, AccessReviewSettings, Department, User
from privacy.selectors.access_review import REVIEWED_ACTIONS, access_review_flags_write, review_parameters

RUN_PERMISSION = "privacy.run_accessreview"
CLOSE_PERMISSION = "privacy.close_accessreview"
Status = AccessReview.Status

ACCESS_REVIEW_LIFECYCLE = Lifecycle(
    Status,
    {
        Status.OPEN: frozenset({Status.CLOSED}),
        Status.CLOSED: frozenset(),
    },
)


def _settings_used(config: AccessReviewSettings) -> dict:
    return {
        "window_days": config.window_days,
        "burst_views": config.burst_views,
        "burst_minutes": config.burst_minutes,
        "office_opens": config.office_opens.strftime("%H:%M"),
        "office_closes": config.office_closes.strftime("%H:%M"),
        "closed_days_outside": config.closed_days_outside,
    }


def lock_review_month(first: date, department_id: int | None) -> None:
    """A transaction-scoped lock on one month and department's review (PostgreSQL; SQLite writes one at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [first.year * 100 + first.month, department_id or 0])


@transaction.atomic
def access_review_run(
    *, month: date, department: Department | None = None, user: User | None = None, today: date | None = None
) -> AccessReview:
    """Review ``month`` (any day in it) for ``department``'s staff, or everyone's: the review, made once per month
    and department, with a flag for each thing found. ``user`` None is the monthly job."""
    if user is not None and not user.has_perm(RUN_PERMISSION):
        raise PermissionDenied
    first = month.replace(day=1)
    if not deadlines.month_has_ended(first, today or timezone.localdate()):
        raise ValidationError(
            _("A month is reviewed once it has ended: views made later in it would go unreviewed."),
            code="month_not_ended",
        )
    # Two runs of one month at once (a double click, the officer and the monthly job) make one review.
    lock_review_month(first, department.pk if department else None)
    now = timezone.now()
    reviews = AccessReview.objects.select_for_update().filter(month=first, department=department).order_by("pk")
    review = reviews.first() or AccessReview.objects.create(
        month=first, department=department, run_by=user, run_at=now, last_run_at=now
    )
    if review.status == Status.CLOSED:
        return review
    config = AccessReviewSettings.current()
    parameters = review_parameters(first, department.pk if department else None, config)
    access_review_flags_write(review_id=review.pk, parameters=parameters)
    views = AccessLog.objects.filter(at__gte=parameters["start"], at__lt=parameters["end"], action__in=REVIEWED_ACTIONS)
    if department is not None:
        views = views.filter(user__department=department)
    review.views = views.count()
    review.thresholds = _settings_used(config)
    review.last_run_at = now
    review.save(update_fields=["views", "thresholds", "last_run_at"])
    return review


def _may_close(user: User) -> None:
    if not user.has_perm(CLOSE_PERMISSION):
        raise PermissionDenied


@transaction.atomic
def access_review_flag_close(*, flag: AccessReviewFlag, user: User, outcome: str, note: str) -> AccessReviewFlag:
    """A second person records the flag's outcome (a business reason found, or referred) with a note."""
    _may_close(user)
    review = AccessReview.objects.select_for_update().order_by().get(pk=flag.review_id)
    flag = AccessReviewFlag.objects.select_for_update().get(pk=flag.pk)
    require_status(review, Status.OPEN, lifecycle=ACCESS_REVIEW_LIFECYCLE)
    if not flag.is_open:
        raise ValidationError(_("This flag already has its outcome."), code="closed")
    if flag.user_id == user.pk:
        raise ValidationError(_("A flag about you is closed by someone else."), code="own_flag")
    if review.run_by_id == user.pk:
        raise ValidationError(
            _("The person who ran the review does not close its flags: another officer does."), code="runner"
        )
    flag.outcome, flag.outcome_note = outcome, note.strip()
    flag.closed_by, flag.closed_at = user, timezone.now()
    flag.full_clean()
    flag.save()
    if not review.flags.filter(outcome="").exists():
        _close(review, user)
    return flag


@transaction.atomic
def access_review_flags_close_for(
    *, review: AccessReview, staff_member: User, user: User, outcome: str, note: str
) -> int:
    """Close every open flag about one staff member with one outcome and note (the month's views of a clerk who
    handled the counter, say): the same second-person rules, one statement. Returns how many were closed."""
    _may_close(user)
    review = AccessReview.objects.select_for_update().order_by().get(pk=review.pk)
    require_status(review, Status.OPEN, lifecycle=ACCESS_REVIEW_LIFECYCLE)
    if staff_member.pk == user.pk:
        raise ValidationError(_("A flag about you is closed by someone else."), code="own_flag")
    if review.run_by_id == user.pk:
        raise ValidationError(
            _("The person who ran the review does not close its flags: another officer does."), code="runner"
        )
    if not note.strip() or outcome not in AccessReviewFlag.Outcome.values:
        raise ValidationError(_("Choose the outcome and write the note."), code="incomplete")
    closed = review.flags.filter(user=staff_member, outcome="").update(
        outcome=outcome, outcome_note=note.strip(), closed_by=user, closed_at=timezone.now()
    )
    if not review.flags.filter(outcome="").exists():
        _close(review, user)
    return closed


def _close(review: AccessReview, user: User) -> None:
    review.closed_by, review.closed_at = user, timezone.now()
    set_status(review, Status.CLOSED, lifecycle=ACCESS_REVIEW_LIFECYCLE, user=user, reason="closed")


@transaction.atomic
def access_review_close(*, review: AccessReview, user: User) -> AccessReview:
    """An officer closes a review none of whose flags is open (one with no flag at all, say)."""
    _may_close(user)
    review = AccessReview.objects.select_for_update().order_by().get(pk=review.pk)
    if review.flags.filter(outcome="").exists():
        raise ValidationError(_("Every flag needs its outcome before the review is closed."), code="flags_open")
    _close(review, user)
    return review
