"""What the law and the city's ordinance set for requests (APPI chapter 5; declaration §5): the kinds and the
procedure each follows, the decisions each may receive, the days and fees per kind, the grounds for withholding,
and the names and days the letters and deadlines use. Configuration, edited in admin (docs/requests.md)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mctv.db import TimeStampedModel


class RequestKind(models.TextChoices):
    DISCLOSURE = "disclosure", _("Disclosure")
    PURPOSE_NOTICE = "purpose_notice", _("Notice of the purpose of use")
    CORRECTION = "correction", _("Correction")
    ADDITION = "addition", _("Addition")
    DELETION = "deletion", _("Deletion")
    SUSPENSION = "suspension", _("Suspension of use")
    ERASURE = "erasure", _("Erasure")
    STOP_THIRD_PARTY = "stop_third_party", _("Stop of provision to third parties")
    STOP_CONTRACTORS = "stop_contractors", _("Stop of provision to contractors")


class KindGroup(models.TextChoices):
    """Which procedure a kind follows: the three of APPI chapter 5, or the declaration's own (not a 処分)."""

    DISCLOSURE = "disclosure", _("Disclosure (APPI art. 76)")
    CORRECTION = "correction", _("Correction (APPI art. 90)")
    SUSPENSION = "suspension", _("Suspension of use (APPI art. 98)")
    DECLARATION = "declaration", _("The declaration's own request")


KIND_GROUP: dict[str, str] = {
    RequestKind.DISCLOSURE: KindGroup.DISCLOSURE,
    # Art. 90(1): 訂正 includes 追加 and 削除.
    RequestKind.CORRECTION: KindGroup.CORRECTION,
    RequestKind.ADDITION: KindGroup.CORRECTION,
    RequestKind.DELETION: KindGroup.CORRECTION,
    # Art. 98(1)(i): 利用の停止又は消去; (ii): 提供の停止.
    RequestKind.SUSPENSION: KindGroup.SUSPENSION,
    RequestKind.ERASURE: KindGroup.SUSPENSION,
    RequestKind.STOP_THIRD_PARTY: KindGroup.SUSPENSION,
    # Declaration §6(3) and §2(2): the office's own promises, answered by a notice, not a 処分 (no appeal notice).
    RequestKind.STOP_CONTRACTORS: KindGroup.DECLARATION,
    RequestKind.PURPOSE_NOTICE: KindGroup.DECLARATION,
}
STATUTORY_KINDS = frozenset(kind for kind, group in KIND_GROUP.items() if group != KindGroup.DECLARATION)
# Correction and suspension follow a disclosure: asked within 90 days of it (arts. 90(3), 98(3)).
FOLLOWS_DISCLOSURE_KINDS = frozenset(
    kind for kind, group in KIND_GROUP.items() if group in (KindGroup.CORRECTION, KindGroup.SUSPENSION)
)

# Kinds whose decision stops provision; a refusal must say why the request has no legitimate reason (§6(3)–(4)).
STOP_KINDS = frozenset({RequestKind.STOP_THIRD_PARTY, RequestKind.STOP_CONTRACTORS})
# Kinds that change the record: applied through the registry's edit, linked to the request.
EDIT_KINDS = frozenset({RequestKind.CORRECTION, RequestKind.ADDITION, RequestKind.DELETION})


class RequestRule(TimeStampedModel):
    """Per kind: the days to reply and the fee (■35). Configuration, editable in admin, never literals in code."""

    kind = models.CharField(_("kind"), max_length=20, choices=RequestKind.choices, unique=True)
    days = models.PositiveSmallIntegerField(
        _("days to reply"),
        default=30,
        help_text=_(
            "Counted from the day after receipt; the due date is the last open day on or before the end. The law "
            "allows at most 30 days (APPI arts. 83, 94, 101); the city's ordinance may set fewer."
        ),
    )
    fee_yen = models.PositiveIntegerField(
        _("fee (yen)"), default=0, help_text=_("Only a disclosure may cost a fee, as the ordinance sets (art. 89).")
    )
    special_part_days = models.PositiveSmallIntegerField(
        _("days for the first part of a very large disclosure"),
        default=60,
        help_text=_("Art. 84: a reasonable part is decided within this period, the rest by a date notified."),
    )
    copy_yen_per_sheet = models.PositiveIntegerField(
        _("copies (yen per sheet)"),
        default=10,
        help_text=_("The cost of a paper copy handed over when a disclosure is carried out (実費)."),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("request rule")
        verbose_name_plural = _("request rules")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1) & Q(days__lte=30),
                name="requestrule_days_1_to_30",
                violation_error_message=_("The law allows at most 30 days (APPI arts. 83, 94, 101)."),
            ),
            models.CheckConstraint(condition=Q(kind__in=RequestKind.values), name="requestrule_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind="disclosure") | (Q(fee_yen=0) & Q(copy_yen_per_sheet=0)),
                name="requestrule_fee_only_for_disclosure",
                violation_error_message=_("Only a disclosure may cost a fee (APPI art. 89)."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.days}"


class Decision(models.TextChoices):
    FULL = "full", _("In full")
    PARTIAL = "partial", _("In part")
    NONE = "none", _("Not at all")
    NOT_HELD = "not_held", _("Not held")
    NEITHER = "neither", _("Neither confirmed nor denied")
    DISMISSED = "dismissed", _("Dismissed (not a lawful request)")


# What each decision is called for each procedure (arts. 82, 93, 101); a kind offers only these.
DECISION_LABELS: dict[str, dict[str, str]] = {
    KindGroup.DISCLOSURE: {
        Decision.FULL: "全部開示",
        Decision.PARTIAL: "部分開示",
        Decision.NONE: "不開示",
        Decision.NOT_HELD: "不開示（不存在）",
        Decision.NEITHER: "不開示（存否応答拒否）",
        Decision.DISMISSED: "却下",
    },
    KindGroup.CORRECTION: {
        Decision.FULL: "訂正する",
        Decision.PARTIAL: "一部を訂正する",
        Decision.NONE: "訂正しない",
        Decision.DISMISSED: "却下",
    },
    KindGroup.SUSPENSION: {Decision.FULL: "利用停止する", Decision.NONE: "利用停止しない", Decision.DISMISSED: "却下"},
    KindGroup.DECLARATION: {Decision.FULL: "請求に応じる", Decision.NONE: "請求に応じない"},
}


class OfficialSeal(models.TextChoices):
    """How a letter is sealed: a place for the city's seal beside the issuer, or 公印省略 (the office's choice)."""

    STAMPED = "stamped", _("a place for the official seal")
    OMITTED = "omitted", _("official seal omitted (公印省略)")


class RequestSettings(TimeStampedModel):
    """One row: who the letters name as the body deciding and hearing appeals (the issuer block: the head's title
    and name, and the seal or 公印省略), and the office's own targets for appeals and complaints. Editable in admin;
    the defaults are the law's or the declaration's (docs/requests.md)."""

    head_of_body = models.CharField(
        _("head of the body (decides, hears appeals)"),
        max_length=100,
        default="三沢市長",
        help_text=_("Named in the appeal notice: an appeal goes to the body that decided when it has no superior."),
    )
    head_name = models.CharField(
        _("name of the head of the body"),
        max_length=100,
        blank=True,
        help_text=_("The mayor's name, printed after the title in the issuer block of every letter."),
    )
    official_seal = models.CharField(
        _("official seal"),
        max_length=10,
        choices=OfficialSeal.choices,
        default=OfficialSeal.STAMPED,
        help_text=_("Whether the letters leave a place for the official seal or say that it is omitted."),
    )
    defendant = models.CharField(
        _("defendant in a court action"),
        max_length=100,
        default="三沢市",
        help_text=_("Administrative Case Litigation Act art. 11."),
    )
    review_board = models.CharField(
        _("review board"),
        max_length=100,
        default="三沢市個人情報保護審査会",
        help_text=_("Consulted on appeals (art. 105)."),
    )
    correction_days = models.PositiveSmallIntegerField(
        _("days given to correct a form"),
        default=14,
        help_text=_("The reasonable period a requester is given to complete a deficient form (art. 77(3))."),
    )
    appeal_consult_days = models.PositiveSmallIntegerField(
        _("consult the review board within (days)"), default=30, help_text=_("Counted from the day after receipt.")
    )
    request_window = models.CharField(
        _("where requests are received"),
        max_length=300,
        default="三沢市政策部広報広聴課CATV情報室（三沢市大字三沢字園沢230番地1 三沢市国際交流教育センター内）",
        help_text=_("The organisation and its address, as the file register gives them (art. 74(1)(ix))."),
    )
    complaint_reply_days = models.PositiveSmallIntegerField(
        _("reply to a complaint within (days)"), default=14, help_text=_("The office's target (rules ■36).")
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("request settings")
        verbose_name_plural = _("request settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(correction_days__gte=1) & Q(appeal_consult_days__gte=1) & Q(complaint_reply_days__gte=1),
                name="requestsettings_days_positive",
            ),
        ]

    def __str__(self):
        return str(_("request settings"))

    @classmethod
    def current(cls) -> "RequestSettings":
        return cls.objects.order_by("pk").first() or cls.objects.create()


class WithholdingGround(TimeStampedModel):
    """A ground on which information is not disclosed (不開示情報, art. 78(1) i–vii; an ordinance may add its own
    under art. 78(2)). A disclosure in part names one for each item withheld; configuration, seeded with the law's."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    article = models.CharField(_("article"), max_length=60, help_text=_("e.g. 法第78条第1項第2号"))
    title = models.CharField(_("what it protects"), max_length=200)
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("ground for withholding")
        verbose_name_plural = _("grounds for withholding")
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.article} {self.title}"
