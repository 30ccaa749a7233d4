"""What the access review finds, in SQL over the month (職員のアクセス点検, §4(1)–(2)), and who may see it.

"Business" is anything the office records about a subscriber that a person did: a request (from receipt to
closing, for its department and whoever received it) and each of its steps, a work order (for as long as it
runs, for whoever created or changed it), the registration and each edit of the record, a consent recorded or
withdrawn, an incident affecting the subscriber (from discovery to closing) and each of its steps, a complaint, a
consultation, a provision the person caused, and a bulk use that exported the subscriber. A view is explained
when such business by the same person or the same department (the record's own department where it has one,
else the acting person's) lies within the configured number of days before or after it.

The review is one statement: the month's views (the access log's "opened the record" and "opened the change
history" rows) and the business on the subscribers viewed are each read once, then joined — never a loop per
row. ``business_near`` asks the same question of one view, for the reason prompt.
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from mctv.db import local_day_range
from privacy import deadlines
from privacy.models import AccessLog, AccessReview, AccessReviewFlag, AccessReviewSettings, User

from .access import Viewer, staff_with_permission

REVIEWED_ACTIONS = (AccessLog.Action.VIEW.value, AccessLog.Action.HISTORY.value)

# Local midnight of a date column, and the end of its day, as timestamps.
_DAY = "({0}::timestamp AT TIME ZONE %(tz)s)"
_DAY_END = "(({0} + 1)::timestamp AT TIME ZONE %(tz)s)"
_UNTIL_CLOSED = "coalesce(" + _DAY_END + ", 'infinity'::timestamptz)"

# (subscriber_id, user_id, department_id or NULL for the acting person's, started_at, ended_at)
BUSINESS_SQL = f"""
SELECT b.subscriber_id, b.user_id, coalesce(b.department_id, u.department_id) AS department_id,
       b.started_at, b.ended_at
FROM (
    SELECT r.subscriber_id, r.received_by_id AS user_id, r.department_id,
           {_DAY.format("r.received_on")} AS started_at, {_UNTIL_CLOSED.format("r.closed_on")} AS ended_at
    FROM privacy_subjectrequest r WHERE r.subscriber_id IS NOT NULL
  UNION ALL
    SELECT r.subscriber_id, e.actor_id, r.department_id, e.at, e.at
    FROM privacy_requestevent e JOIN privacy_subjectrequest r ON r.id = e.request_id
    WHERE r.subscriber_id IS NOT NULL
  UNION ALL
    SELECT h.subscriber_id, h.history_user_id, NULL, least(h.history_date, {_DAY.format("w.access_from")}),
           greatest(h.history_date, coalesce(w.closed_at, {_DAY_END.format("w.access_until")}))
    FROM privacy_historicalworkorder h JOIN privacy_workorder w ON w.id = h.id
  UNION ALL
    SELECT h.id, h.history_user_id, NULL, h.history_date, h.history_date FROM subscribers_historicalsubscriber h
  UNION ALL
    SELECT h.subscriber_id, h.history_user_id, NULL, h.history_date, h.history_date FROM privacy_historicalconsent h
  UNION ALL
    SELECT s.subscriber_id, i.recorded_by_id, NULL, i.discovered_at, {_UNTIL_CLOSED.format("i.closed_on")}
    FROM privacy_incidentsubscriber s JOIN privacy_incident i ON i.id = s.incident_id
  UNION ALL
    SELECT s.subscriber_id, e.actor_id, NULL, e.at, e.at
    FROM privacy_incidentevent e JOIN privacy_incidentsubscriber s ON s.incident_id = e.incident_id
  UNION ALL
    SELECT c.subscriber_id, c.handler_id, c.department_id, {_DAY.format("c.received_on")},
           {_UNTIL_CLOSED.format("c.closed_on")}
    FROM privacy_complaint c WHERE c.subscriber_id IS NOT NULL
  UNION ALL
    SELECT c.subscriber_id, c.received_by_id, c.department_id, {_DAY.format("c.received_on")},
           {_UNTIL_CLOSED.format("c.closed_on")}
    FROM privacy_complaint c WHERE c.subscriber_id IS NOT NULL
  UNION ALL
    SELECT c.subscriber_id, c.handled_by_id, c.department_id, {_DAY.format("c.received_on")},
           {_DAY_END.format("c.received_on")}
    FROM privacy_consultation c WHERE c.subscriber_id IS NOT NULL
  UNION ALL
    SELECT p.subscriber_id, p.caused_by_id, NULL, p.at, p.at FROM privacy_provision p
  UNION ALL
    SELECT a.subscriber_id, a.user_id, NULL, a.at, a.at FROM privacy_accesslog a WHERE a.action = 'export'
) b
LEFT JOIN privacy_user u ON u.id = b.user_id
"""

# A view and a business row relate: same subscriber, same person or department, within the window.
_RELATED = """b.subscriber_id = {v}.subscriber_id
    AND (b.user_id = {v}.user_id OR b.department_id = {v}.department_id)
    AND b.started_at <= {v}.at + %(window)s AND b.ended_at >= {v}.at - %(window)s"""

_LOCAL = "(v.at AT TIME ZONE %(tz)s)"

FLAGS_SQL = f"""
WITH viewed AS MATERIALIZED (
    SELECT a.at, a.user_id, a.subscriber_id, a.subscriber_number, u.department_id, u.own_subscriber_id
    FROM privacy_accesslog a JOIN privacy_user u ON u.id = a.user_id
    WHERE a.at >= %(start)s AND a.at < %(end)s AND a.action = ANY(%(actions)s) AND a.subscriber_number <> ''
      AND (%(department)s::bigint IS NULL OR u.department_id = %(department)s::bigint)
),
business AS MATERIALIZED (
    SELECT * FROM ({BUSINESS_SQL}) b
    WHERE b.subscriber_id IN (SELECT DISTINCT subscriber_id FROM viewed)
      AND b.started_at < %(end)s + %(window)s AND b.ended_at >= %(start)s - %(window)s
),
burst_windows AS (
    SELECT user_id, at, count(*) OVER f AS n, max(at) OVER f AS until
    FROM viewed WINDOW f AS (PARTITION BY user_id ORDER BY at RANGE BETWEEN CURRENT ROW AND %(burst)s FOLLOWING)
),
burst_starts AS (
    SELECT user_id, at, until,
           CASE WHEN at <= lag(until) OVER (PARTITION BY user_id ORDER BY at) THEN 0 ELSE 1 END AS starts
    FROM burst_windows WHERE n >= %(burst_views)s
),
bursts AS (
    SELECT user_id, min(at) AS first_at, max(until) AS last_at
    FROM (SELECT *, sum(starts) OVER (PARTITION BY user_id ORDER BY at) AS grp FROM burst_starts) s
    GROUP BY user_id, grp
)
SELECT 'no_business' AS kind, v.user_id, v.subscriber_number, count(*) AS views, min(v.at), max(v.at)
FROM viewed v WHERE NOT EXISTS (SELECT 1 FROM business b WHERE {_RELATED.format(v="v")})
GROUP BY v.user_id, v.subscriber_number
UNION ALL
SELECT 'off_hours', v.user_id, v.subscriber_number, count(*), min(v.at), max(v.at)
FROM viewed v
WHERE {_LOCAL}::time < %(opens)s OR {_LOCAL}::time >= %(closes)s OR {_LOCAL}::date = ANY(%(closed_days)s::date[])
GROUP BY v.user_id, v.subscriber_number
UNION ALL
SELECT CASE WHEN s.id = own.id THEN 'own_record' ELSE 'same_address' END, v.user_id, v.subscriber_number,
       count(*), min(v.at), max(v.at)
FROM viewed v
JOIN subscribers_subscriber own ON own.id = v.own_subscriber_id
JOIN subscribers_subscriber s ON s.id = v.subscriber_id
WHERE s.id = own.id OR (
    own.street_address <> '' AND s.postal_code = own.postal_code AND s.prefecture = own.prefecture
    AND s.municipality = own.municipality AND s.street_address = own.street_address AND s.building = own.building
)
GROUP BY 1, v.user_id, v.subscriber_number
UNION ALL
SELECT 'burst', b.user_id, '',
       (SELECT count(*) FROM privacy_accesslog a
        WHERE a.user_id = b.user_id AND a.at >= b.first_at AND a.at <= b.last_at AND a.action = ANY(%(actions)s)),
       b.first_at, b.last_at
FROM bursts b
"""

# Written as found; a flag already there (the same month run again) is left as it is.
INSERT_FLAGS_SQL = f"""
INSERT INTO privacy_accessreviewflag
    (review_id, kind, user_id, subscriber_number, views, first_at, last_at, outcome, outcome_note)
SELECT %(review)s, f.kind, f.user_id, f.subscriber_number, f.views, f.min, f.max, '', ''
FROM ({FLAGS_SQL}) AS f (kind, user_id, subscriber_number, views, min, max)
ON CONFLICT DO NOTHING
"""


def review_parameters(month: date, department_id: int | None, config: AccessReviewSettings) -> dict:
    """The statement's parameters: the month's bounds in local time, the window, the thresholds."""
    first, following = deadlines.month_days(month)
    return {
        "tz": settings.TIME_ZONE,
        "start": timezone.make_aware(datetime.combine(first, datetime.min.time())),
        "end": timezone.make_aware(datetime.combine(following, datetime.min.time())),
        "actions": list(REVIEWED_ACTIONS),
        "department": department_id,
        "window": deadlines.days_either_side(config.window_days),
        "burst": timedelta(minutes=config.burst_minutes),
        "burst_views": config.burst_views,
        "opens": config.office_opens,
        "closes": config.office_closes,
        "closed_days": deadlines.closed_days_between(first, following) if config.closed_days_outside else [],
    }


def access_review_flags_write(*, review_id: int, parameters: dict) -> int:
    """Insert the flags the month shows into review ``review_id``; returns how many were new. Runs inside the
    caller's transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Compiling this once-a-month statement cost PostgreSQL's JIT 9.6 s of the 12.5 s the review of 200,000
            # views took in the benchmark; the plan itself runs in under 3 s without it (docs/performance.md).
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(INSERT_FLAGS_SQL, {**parameters, "review": review_id})
        return cursor.rowcount


def business_near(*, user: User, subscriber_id: int, at: datetime, config: AccessReviewSettings) -> bool:
    """Whether ``user`` or their department has business on the subscriber within the window around ``at``."""
    sql = f"""SELECT EXISTS (
        SELECT 1 FROM ({BUSINESS_SQL}) b, (SELECT %(subscriber)s::bigint AS subscriber_id,
            %(user)s::bigint AS user_id, %(department)s::bigint AS department_id, %(at)s::timestamptz AS at) v
        WHERE {_RELATED.format(v="v")})"""
    params: dict[str, Any] = {
        "tz": settings.TIME_ZONE,
        "subscriber": subscriber_id,
        "user": user.pk,
        "department": user.department_id,
        "at": at,
        "window": deadlines.days_either_side(config.window_days),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return bool(cursor.fetchone()[0])


def access_reviews_visible_to(user: Viewer) -> QuerySet[AccessReview]:
    """Officers and auditors (the permission); clerks and contractors never."""
    if staff_with_permission(user, "privacy.view_accessreview"):
        return AccessReview.objects.all()
    return AccessReview.objects.none()


def open_flags_visible_to(user: Viewer) -> QuerySet[AccessReviewFlag]:
    return AccessReviewFlag.objects.filter(review__in=access_reviews_visible_to(user), outcome="")


def access_reason_needed(*, user: User, subscriber_id: int) -> bool:
    """The office asks for a reason (configuration) and ``user`` has no business on the subscriber near now."""
    config = AccessReviewSettings.current()
    if not config.ask_reason:
        return False
    # A reason given today for this record holds for its other pages (history, edit) the same day.
    today = timezone.localdate()
    reason_today = AccessLog.objects.filter(
        user=user, subscriber_id=subscriber_id, detail__has_key="reason", **local_day_range("at", today, today)
    ).exists()
    return not reason_today and not business_near(
        user=user, subscriber_id=subscriber_id, at=timezone.now(), config=config
    )
