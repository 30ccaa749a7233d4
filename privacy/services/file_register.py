"""The 個人情報ファイル簿 (APPI art. 75): generated from the configuration, versioned, approved, published.

``register_entries`` builds every entry from what the system already knows — the purposes of use in force, the data
items they need, the contractors whose agreements are in force, the retention rules — and from the files' own
configuration. ``file_register_refresh`` keeps one draft that differs from the version in force (a change of any of
those makes or updates it; a change back removes it); an officer approves it with ``file_register_approve``.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mctv.transitions import Lifecycle, set_status
from privacy.data_items import ALL_ITEMS, item_labels
from privacy.models import (
    Appeal,
    Complaint,
    ConfidentialityAgreement,
    Consent,
    Consultation,
    FileRegisterVersion,
    IncidentSubscriber,
    PersonalInformationFile,
    Provision,
    Purpose,
    RequestSettings,
    RetentionRule,
    SubjectRequest,
    User,
)
from privacy.models.file_register import PeopleCounted
from privacy.pdf import render_pdf, render_pdf_in_parts
from subscribers.models import Subscriber

Status = FileRegisterVersion.Status
APPROVE_PERMISSION = "privacy.approve_fileregisterversion"

# A draft is approved and is then in force until the next approval supersedes it; nothing comes back.
FILE_REGISTER_LIFECYCLE = Lifecycle(
    Status,
    {
        Status.DRAFT: frozenset({Status.IN_FORCE}),
        Status.IN_FORCE: frozenset({Status.SUPERSEDED}),
        Status.SUPERSEDED: frozenset(),
    },
)

# The register's columns in the order of the official form (items of art. 74(1) i–vii, ix, x, the kind of file,
# and art. 75(4) for a local body), then the retention period and remarks the office adds.
COLUMNS: list[tuple[str, str]] = [
    ("name", "個人情報ファイルの名称"),
    ("body", "行政機関等の名称"),
    ("organisation", "個人情報ファイルが利用に供される事務をつかさどる組織の名称"),
    ("purposes", "個人情報ファイルの利用目的"),
    ("items", "記録項目"),
    ("scope", "記録範囲"),
    ("collection", "記録情報の収集方法"),
    ("sensitive", "要配慮個人情報が含まれるときは、その旨"),
    ("ordinance_sensitive", "条例要配慮個人情報が含まれるときは、その旨"),
    ("recipients", "記録情報の経常的提供先"),
    ("request_window", "開示請求等を受理する組織の名称及び所在地"),
    ("special_procedure", "訂正及び利用停止に関する他の法令の規定による特別の手続等"),
    ("kind", "個人情報ファイルの種別"),
    ("retention", "保存期間"),
    ("note", "備考"),
]


# A register is laid out this many files (pages) at a time: a register of any size holds one part's layout.
FILES_PER_PART = 50


def file_register_pdf(version: FileRegisterVersion, entries: list[dict], *, processes: int | None = None) -> bytes:
    """A version as published: a page per file (longer where a file's columns run over), pages numbered n / N. A
    register of more than ``FILES_PER_PART`` files is laid out in parts, by up to ``processes`` processes side by
    side, and numbered once joined (``render_pdf_in_parts``)."""
    context = {"version": version, "columns": COLUMNS}
    if len(entries) <= FILES_PER_PART:
        return render_pdf("pdf/file_register.html", {**context, "entries": entries})
    parts = ({**context, "entries": entries[at : at + FILES_PER_PART]} for at in range(0, len(entries), FILES_PER_PART))
    return render_pdf_in_parts("pdf/file_register.html", parts, numbered=True, processes=processes)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def register_entries(today: date | None = None) -> list[dict[str, str]]:
    """Every kept file's entry as published, one string per column, from the configuration of ``today`` — always
    in Japanese, whatever language the caller runs in, so a draft compares equal to what it was made from."""
    with translation.override("ja"):
        return _entries(today or timezone.localdate())


def _entries(today: date) -> list[dict[str, str]]:
    settings = RequestSettings.current()
    purposes = list(Purpose.objects.in_force(today).order_by("-stated_in_declaration", "code"))
    # Every item the registry records, whether or not a purpose in force needs it today (art. 74(1)(iv)).
    registry_items = item_labels(ALL_ITEMS)
    agreements = (
        ConfidentialityAgreement.objects.in_force(today).filter(contractor__is_active=True).select_related("contractor")
    )
    contractors = sorted(
        {f"{a.contractor.name}（{'、'.join(item_labels(a.items))}）" for a in agreements},
    )
    rules = {rule.record_class: rule for rule in RetentionRule.objects.all()}
    entries = []
    for file in PersonalInformationFile.objects.filter(active=True):
        purpose_lines = [f"{p.title}：{p.description}" for p in purposes] if file.purposes_from_configuration else []
        rule = rules.get(file.record_class)
        entries.append(
            {
                "code": file.code,
                "name": file.name,
                "body": settings.head_of_body,
                "organisation": file.organisation,
                "purposes": "\n".join([*purpose_lines, *_lines(file.purpose)]),
                "items": "\n".join([*(registry_items if file.items_from_registry else []), *_lines(file.items)]),
                "scope": file.scope,
                "collection": file.collection,
                "sensitive": "含む" if file.sensitive else "含まない",
                "ordinance_sensitive": "含む" if file.ordinance_sensitive else "含まない",
                "recipients": "\n".join(
                    [*(contractors if file.recipients_from_agreements else []), *_lines(file.recipients)]
                )
                or "なし",
                "request_window": settings.request_window,
                "special_procedure": "なし",
                "kind": file.get_kind_display(),
                "retention": (
                    f"{rule.get_record_class_display()}：{rule.get_years_display()}（{rule.get_action_display()}）"
                    if rule is not None
                    else "—"
                ),
                "note": "\n".join([f"利用に供される事務：{file.business}", *_lines(file.note)]),
            }
        )
    return entries


def _lock_register() -> None:
    """Refresh and approval take the same lock first (the file rows, in order): they never deadlock, and two
    refreshes never both make the first draft."""
    list(PersonalInformationFile.objects.select_for_update().order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def file_register_refresh(today: date | None = None) -> FileRegisterVersion | None:
    """Keep the one draft equal to what the configuration generates, unless that is the version in force already;
    returns the draft, or None when the register in force is current."""
    _lock_register()
    entries = register_entries(today)
    versions = FileRegisterVersion.objects.select_for_update()
    in_force = versions.filter(status=Status.IN_FORCE).first()
    draft = versions.filter(status=Status.DRAFT).first()
    if in_force is not None and in_force.entries == entries:
        if draft is not None:
            draft.delete()  # the configuration went back: nothing to approve
        return None
    if draft is None:
        latest = FileRegisterVersion.objects.order_by("-number").values_list("number", flat=True).first() or 0
        draft = FileRegisterVersion(number=latest + 1, status=Status.DRAFT)
    elif draft.entries == entries:
        return draft
    draft.entries, draft.generated_at = entries, timezone.now()
    draft.save()
    return draft


@transaction.atomic
def file_register_approve(*, version: FileRegisterVersion, user: User) -> FileRegisterVersion:
    """An officer approves the draft: it is in force and published from now; the one before is superseded."""
    if not user.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied
    _lock_register()
    version = FileRegisterVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be approved."))
    if version.entries != register_entries():
        raise ValidationError(_("The configuration changed since this draft was made: review the new draft."))
    for previous in FileRegisterVersion.objects.select_for_update().filter(status=Status.IN_FORCE):
        set_status(previous, Status.SUPERSEDED, lifecycle=FILE_REGISTER_LIFECYCLE, user=user, reason="superseded")
    version.approved_by, version.approved_at = user, timezone.now()
    # The number of people as counted when it was approved: an earlier version's documents stay as they were.
    version.people = {
        f.code: {"people": f.people, "counted_on": f.people_counted_on.isoformat() if f.people_counted_on else None}
        for f in PersonalInformationFile.objects.all()
    }
    set_status(version, Status.IN_FORCE, lifecycle=FILE_REGISTER_LIFECYCLE, user=user, reason="approved")
    return version


def count_people(counted: str) -> int:
    """The number of people a file holds now (art. 74(2)(ix)), counted as its configuration says."""
    if counted == PeopleCounted.REGISTRY:
        # A voided registration is a mistake (most often the same person twice): not one more person in the file.
        return Subscriber.objects.filter(erased_on__isnull=True).not_voided().count()
    if counted == PeopleCounted.PROVISIONS:
        return Provision.objects.aggregate(n=Count("subscriber_number", distinct=True))["n"]
    if counted == PeopleCounted.REQUESTS:
        # Whom the file names: the people asked about, their agents and the appellants.
        requests = SubjectRequest.objects.aggregate(
            registered=Count("subscriber_id", distinct=True),
            others=Count("subject_name", distinct=True, filter=Q(subscriber__isnull=True)),
            agents=Count("agent_name", distinct=True, filter=Q(by_agent=True)),
        )
        appellants = Appeal.objects.exclude(appellant_name__in=SubjectRequest.objects.values("requester_name"))
        return (
            requests["registered"]
            + requests["others"]
            + requests["agents"]
            + appellants.aggregate(n=Count("appellant_name", distinct=True))["n"]
        )
    if counted == PeopleCounted.COMPLAINTS:
        return Complaint.objects.aggregate(n=Count("complainant_name", distinct=True))["n"]
    if counted == PeopleCounted.INCIDENTS:
        return IncidentSubscriber.objects.aggregate(n=Count("subscriber_id", distinct=True))["n"]
    if counted == PeopleCounted.CONSENTS:
        return Consent.objects.aggregate(n=Count("subscriber_id", distinct=True))["n"]
    if counted == PeopleCounted.CONSULTATIONS:
        return Consultation.objects.aggregate(n=Count("name", distinct=True))["n"]
    raise ValueError(counted)


def file_people_count(today: date | None = None) -> int:
    """Count the people of every kept file (the nightly task); returns the number of files counted."""
    today = today or timezone.localdate()
    files = list(PersonalInformationFile.objects.filter(active=True))
    for file in files:
        # Not a change of the configuration: no history row, no new draft.
        PersonalInformationFile.objects.filter(pk=file.pk).update(
            people=count_people(file.people_counted), people_counted_on=today
        )
    return len(files)
