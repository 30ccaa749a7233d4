"""The subscriber registry (加入者台帳): declaration §1 names every item held here."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.db.models import Case, Q, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mctv.db import DayField, TimeStampedModel

from . import normalize
from .fields import NormalizedCharField, NormalizedEmailField, PhoneNumberField, PostalCodeField, ReadingField
from .japan import HOME_MUNICIPALITY, HOME_PREFECTURE, PREFECTURE_CHOICES


class NumberSequence(models.Model):
    """A named counter handed out under a row lock, so numbers never repeat across workers."""

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    last_value = models.PositiveBigIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self):
        return f"{self.name}: {self.last_value}"

    @classmethod
    def reserve(cls, name: str, count: int = 1) -> range:
        """Reserve ``count`` consecutive values and return them."""
        with transaction.atomic():
            cls.objects.get_or_create(name=name)
            seq = cls.objects.select_for_update().get(name=name)
            first = seq.last_value + 1
            seq.last_value += count
            seq.save(update_fields=["last_value"])
        return range(first, first + count)


SUBSCRIBER_NUMBER_SEQUENCE = "subscriber_number"


def format_subscriber_number(value: int) -> str:
    return f"{value:08d}"


class SubscriberQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one rule for which subscribers a staff path may show (the portal has its own, per work order)."""
        if user.is_authenticated and user.is_active and user.has_perm("subscribers.view_subscriber"):
            return self.all()
        return self.none()

    def search(self, query: str):
        """One search box: name, reading, number, phone, address, email — width- and kana-insensitive."""
        qs = self
        postgres = connections[self.db].vendor == "postgresql"
        for alternatives in normalize.search_terms(query):
            term = Q()
            for alternative in alternatives:
                if postgres and len(alternative) == 2:
                    # Too short for the trigram index: the bigram index answers the same question.
                    term |= Q(
                        RawSQL(
                            'string_to_array("subscribers_subscriber"."search_bigrams", \' \') @> ARRAY[%s]::text[]',
                            [alternative],
                            output_field=models.BooleanField(),
                        )
                    )
                else:
                    term |= Q(search_text__contains=alternative)
            qs = qs.filter(term)
        return qs

    def ordered_by_reading(self):
        """Search results in kana order. Code-point order ("C") is the gojūon order for katakana, and being an
        expression it keeps the planner from walking the whole reading index to find a search's few matches
        (a common reading or a two-character name: 165 ms that way, 5 ms by the search's own index)."""
        code_points = "C" if connections[self.db].vendor == "postgresql" else "BINARY"  # SQLite's name for it
        return self.order_by(
            Collate("family_name_kana", code_points), Collate("given_name_kana", code_points), "number"
        )

    def ordered_for_search(self, query: str):
        """Kana order, but a query of digits alone puts the subscriber whose number it is first: ``501`` also
        matches every phone, address and number with 501 in it, and 00000501 is the one most likely meant.
        The ordering adds a key to the sort of the matches; the filter, and so the index, stay as they are."""
        qs = self.ordered_by_reading()
        number = normalize.subscriber_number_query(query)
        if number is None:
            return qs
        return qs.order_by(Case(When(number=number, then=0), default=1), *qs.query.order_by)

    def active(self):
        return self.filter(status=SubscriberStatus.ACTIVE)

    def not_voided(self):
        """What lists, searches and exports show unless asked for voided registrations by name (a filter)."""
        return self.exclude(status=SubscriberStatus.VOIDED)

    def likely_duplicates_of(self, **typed: Any):
        """Subscribers a registration of ``typed`` may duplicate, with the reasons (see duplicates.py)."""
        from .duplicates import likely_duplicates

        return likely_duplicates(self, **typed)

    def terminated(self):
        return self.filter(status=SubscriberStatus.TERMINATED)


class SubscriberStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")
    # A registration made by mistake (a duplicate): never a contract, unlike a termination (解約).
    VOIDED = "voided", _("Voided")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    OTHER = "other", _("Other")
    NOT_STATED = "not_stated", _("Not stated")


STATUS_LABELS = dict(SubscriberStatus.choices)


class Subscriber(TimeStampedModel):
    Status = SubscriberStatus
    Sex = Sex

    number = models.CharField(_("subscriber number"), max_length=8, unique=True, editable=False)
    family_name = NormalizedCharField(_("family name"), max_length=50)
    given_name = NormalizedCharField(_("given name"), max_length=50)
    family_name_kana = ReadingField(_("family name (reading)"), max_length=100)
    given_name_kana = ReadingField(_("given name (reading)"), max_length=100)
    birth_date = DayField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.NOT_STATED)
    occupation = NormalizedCharField(_("occupation"), max_length=100, blank=True)
    postal_code = PostalCodeField(_("postal code"))
    prefecture = models.CharField(_("prefecture"), max_length=4, choices=PREFECTURE_CHOICES, default=HOME_PREFECTURE)
    municipality = NormalizedCharField(_("municipality"), max_length=50, default=HOME_MUNICIPALITY)
    street_address = NormalizedCharField(_("street and number"), max_length=100)
    building = NormalizedCharField(_("building and room"), max_length=100, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    mobile_phone = PhoneNumberField(_("mobile phone"), blank=True)
    email = NormalizedEmailField(_("email"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.APPLIED)
    applied_on = DayField(_("applied on"), default=timezone.localdate)
    activated_on = DayField(_("activated on"), null=True, blank=True)
    suspended_on = DayField(_("suspended on"), null=True, blank=True)
    terminated_on = DayField(_("terminated on"), null=True, blank=True)
    voided_on = DayField(_("voided on"), null=True, blank=True)
    # Set by a decided request for suspension of use (§5): bulk uses by purpose leave the subscriber out.
    use_suspended_on = DayField(_("use suspended since"), null=True, blank=True)
    # Set when the personal data was erased (a request or the retention purge); the row keeps only its number.
    erased_on = DayField(_("personal data erased on"), null=True, blank=True)
    # The office's own number for the subscriber in the register it kept before (issue 19): what makes an import of
    # that register idempotent. Blank for subscribers registered here; erased with the personal data.
    legacy_key = models.CharField(_("number in the former register"), max_length=50, blank=True, default="")
    # Folded copy of the searchable items (see normalize.search_key); derived, never edited.
    search_text = models.TextField(editable=False, default="")
    # Derived from search_text: what serves two-character terms (see normalize.search_bigrams).
    search_bigrams = models.TextField(editable=False, default="")

    history = HistoricalRecords(excluded_fields=["search_text", "search_bigrams", "updated_at"])
    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["number"]
        permissions = [
            ("export_subscriber", _("Can export subscriber data")),
            ("change_subscriber_status", _("Can change a subscriber's status")),
            ("void_subscriber", _("Can void a registration made by mistake")),
        ]
        indexes = [
            models.Index(fields=["status", "terminated_on"], name="subscriber_status_terminated"),
            models.Index(fields=["family_name_kana", "given_name_kana"], name="subscriber_reading"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=r"^[0-9]{8}$"), name="subscriber_number_8_digits"),
            models.UniqueConstraint(
                fields=["legacy_key"], condition=~Q(legacy_key=""), name="subscriber_legacy_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(postal_code__regex=r"^[0-9]{7}$"), name="subscriber_postal_code_7_digits"
            ),
            models.CheckConstraint(condition=Q(phone__regex=r"^[0-9]*$"), name="subscriber_phone_digits"),
            models.CheckConstraint(condition=Q(mobile_phone__regex=r"^[0-9]*$"), name="subscriber_mobile_phone_digits"),
            models.CheckConstraint(
                condition=~Q(family_name="") & ~Q(given_name="") & ~Q(family_name_kana="") & ~Q(given_name_kana=""),
                name="subscriber_names_present",
            ),
            models.CheckConstraint(
                condition=Q(family_name_kana__regex=normalize.KATAKANA_READING.pattern)
                & Q(given_name_kana__regex=normalize.KATAKANA_READING.pattern),
                name="subscriber_readings_katakana",
            ),
            models.CheckConstraint(condition=Q(status__in=SubscriberStatus.values), name="subscriber_status_valid"),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="subscriber_sex_valid"),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(activated_on__isnull=False),
                name="subscriber_active_has_date",
                violation_error_message=_("An active subscriber needs an activation date."),
            ),
            models.CheckConstraint(
                condition=~Q(status="suspended") | Q(suspended_on__isnull=False),
                name="subscriber_suspended_has_date",
                violation_error_message=_("A suspended subscriber needs a suspension date."),
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated") | Q(terminated_on__isnull=False),
                name="subscriber_terminated_has_date",
                violation_error_message=_("A terminated subscriber needs a termination date."),
            ),
            models.CheckConstraint(
                condition=~Q(status="voided") | Q(voided_on__isnull=False),
                name="subscriber_voided_has_date",
                violation_error_message=_("A voided registration needs the date it was voided."),
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | Q(terminated_on__gte=models.F("applied_on")),
                name="subscriber_terminated_after_applied",
                violation_error_message=_("The termination date cannot be before the application date."),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.full_name}"

    @property
    def accepts_changes(self) -> bool:
        """A terminated subscriber's record, or a voided registration, is kept as it was: no edit, no status move.
        (Work orders stay possible after a termination: removal work follows it. Not after a voiding.)"""
        return self.status not in (SubscriberStatus.TERMINATED, SubscriberStatus.VOIDED)

    @property
    def holds_personal_data(self) -> bool:
        """Not erased: there is personal data to provide, to consent about, to request about."""
        return self.erased_on is None

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}"

    @property
    def address(self) -> str:
        return " ".join(p for p in [self.prefecture + self.municipality + self.street_address, self.building] if p)

    @property
    def postal_code_display(self) -> str:
        return normalize.format_postal_code(self.postal_code)

    def get_status_display(self) -> str:  # type: ignore[no-redef]  # the stubs declare Django's
        """Django's own builds the choices' dictionary again on every call, about 30 µs: a row of the list."""
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def phone_display(self) -> str:
        return normalize.format_phone(self.phone)

    @property
    def mobile_phone_display(self) -> str:
        return normalize.format_phone(self.mobile_phone)

    def clean(self):
        today = timezone.localdate()
        if self.birth_date and self.birth_date > today:
            raise ValidationError({"birth_date": _("The birth date cannot be in the future.")})
        if self.applied_on and self.applied_on > today:
            raise ValidationError({"applied_on": _("The application date cannot be in the future.")})

    def build_search_text(self) -> str:
        """From the values as they will be stored (fields normalise in to_python), even when full_clean was skipped."""
        return search_text_of(_Normalised(self))

    def set_search_columns(self) -> None:
        self.search_text = self.build_search_text()
        self.search_bigrams = normalize.search_bigrams(self.search_text)

    def save(self, *args, **kwargs):
        self.set_search_columns()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "search_bigrams", "updated_at"}
        super().save(*args, **kwargs)


def search_text_of(stored) -> str:
    """The search column of a subscriber whose stored values ``stored`` has as attributes (an instance read
    through ``_Normalised``, or a row in a migration that rebuilds the column)."""
    parts = [
        stored.number,
        stored.family_name + stored.given_name,
        stored.family_name_kana + stored.given_name_kana,
        stored.phone,
        stored.mobile_phone,
        stored.postal_code,
        stored.prefecture + stored.municipality + stored.street_address + stored.building,
        stored.email,
    ]
    return normalize.SEARCH_SEPARATOR.join(normalize.search_key(p) for p in parts if p)


# What search_text_of reads: a migration that rebuilds the column loads these and no more.
SEARCHED_FIELDS = (
    "number",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "phone",
    "mobile_phone",
    "postal_code",
    "prefecture",
    "municipality",
    "street_address",
    "building",
    "email",
)


class Service(models.TextChoices):
    TV = "tv", _("Television")
    INTERNET = "internet", _("Internet")
    PHONE = "phone", _("Telephone")


class _Normalised:
    """Read a model instance's field values as the database will store them."""

    def __init__(self, instance):
        self._instance = instance

    def __getattr__(self, name):
        value = getattr(self._instance, name)
        field = self._instance._meta.get_field(name)
        return field.to_python(value) if isinstance(value, str) else value


class SubscriberService(TimeStampedModel):
    """A contracted service; ending one keeps the row, so the history of contracts stays."""

    Service = Service

    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="services"
    )
    service = models.CharField(_("service"), max_length=10, choices=Service.choices)
    started_on = DayField(_("started on"), default=timezone.localdate)
    ended_on = DayField(_("ended on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("contracted service")
        verbose_name_plural = _("contracted services")
        ordering = ["service", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "service"],
                condition=Q(ended_on__isnull=True),
                name="subscriber_one_open_service_per_kind",
                violation_error_message=_("This service is already contracted."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="subscriber_service_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(service__in=Service.values), name="subscriber_service_valid"),
        ]

    def __str__(self):
        return self.get_service_display()


# The import of an office's register (issue 19) keeps its models in their own module.
from .imports.models import ImportProfile, RegisterImport  # noqa: E402, F401
