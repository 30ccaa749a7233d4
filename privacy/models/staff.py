"""Staff accounts and departments (declaration §4(1): a responsible person per department)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from mctv.db import TimeStampedModel
from privacy.roles import AUDITOR_DUTIES, OFFICER_DUTIES, STAFF_ROLES, Role


class Department(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    responsible_officer = models.ForeignKey(
        "privacy.User",
        verbose_name=_("responsible officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departments_responsible_for",
        help_text=_("The person responsible for personal data in this department (§4(1))."),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    # Set for contractor accounts only: the portal shows them their own company's work orders.
    contractor = models.ForeignKey(
        "privacy.Contractor",
        verbose_name=_("contractor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    # The access review flags a staff member opening their own record or one at their address (§4(2)).
    own_subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        verbose_name=_("own subscriber record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The staff member's own record, if they subscribe: opening it or one at its address is flagged."),
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # the stubs omit it
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        full = f"{self.last_name} {self.first_name}".strip()
        return full or self.username

    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        """As Django's, but an officer's (an auditor's) duty needs that role: being superuser is not enough."""
        if perm in OFFICER_DUTIES and not (self.is_active and self.has_role(Role.OFFICER)):
            return False
        if perm in AUDITOR_DUTIES and not (self.is_active and self.has_role(Role.AUDITOR)):
            return False
        return super().has_perm(perm, obj)

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role | str) -> bool:
        return str(role) in self.roles

    @property
    def is_contractor(self) -> bool:
        """Confined to the portal: linked to a contractor, or merely in the contractor role (then it sees nothing)."""
        return self.contractor_id is not None or self.has_role(Role.CONTRACTOR)

    @property
    def is_office_staff(self) -> bool:
        """Clerks, officers and auditors use the staff UI; contractors never do."""
        if not self.is_active or self.is_contractor:
            return False
        return self.is_superuser or any(self.has_role(r) for r in STAFF_ROLES)
