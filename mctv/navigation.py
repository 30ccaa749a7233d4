"""The main menu: what each role may open, grouped so that it fits one line of a 1366 px office screen.

The menu is declared once here; each entry names the permission that opens its page, so a role sees only what it may
use. A group that would hold a single link for this user is shown as that link.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from .links import url_of

Opens = Callable[[object], bool]


def has_perm(permission: str) -> Opens:
    return lambda user: user.has_perm(permission)  # type: ignore[attr-defined]


def is_contractor(user: object) -> bool:
    return bool(getattr(user, "is_contractor", False))


def is_superuser(user: object) -> bool:
    return bool(getattr(user, "is_superuser", False))


@dataclass(frozen=True)
class Link:
    label: str | Promise
    url_name: str
    opens: Opens
    accesskey: str = ""


@dataclass(frozen=True)
class Group:
    label: str | Promise
    links: tuple[Link, ...]


MENU: tuple[Link | Group, ...] = (
    Link(_("Work orders"), "portal:home", is_contractor),
    Link(_("Dashboard"), "privacy:dashboard", has_perm("privacy.view_subjectrequest"), accesskey="d"),
    Link(_("Subscribers"), "subscribers:list", has_perm("subscribers.view_subscriber"), accesskey="s"),
    Link(_("Register"), "subscribers:create", has_perm("subscribers.add_subscriber"), accesskey="n"),
    Group(
        _("Requests and complaints"),
        (
            Link(_("Requests"), "privacy:request_list", has_perm("privacy.view_subjectrequest")),
            Link(_("Consultations"), "privacy:consultation_list", has_perm("privacy.view_consultation")),
            Link(_("Appeals"), "privacy:appeal_list", has_perm("privacy.view_appeal")),
            Link(_("Complaints"), "privacy:complaint_list", has_perm("privacy.view_complaint")),
        ),
    ),
    Group(
        _("Construction and provision"),
        (
            Link(_("Work orders"), "privacy:work_order_list", has_perm("privacy.view_workorder")),
            Link(_("Bulk hand-overs"), "privacy:handover_list", has_perm("privacy.view_bulkhandover")),
            Link(_("Provision records"), "privacy:provision_list", has_perm("privacy.view_provision")),
            Link(
                _("Exceptional provisions"), "privacy:exceptional_list", has_perm("privacy.view_exceptionalprovision")
            ),
            Link(_("Contractors"), "privacy:contractor_list", has_perm("privacy.view_contractor")),
        ),
    ),
    Group(
        _("Management and audit"),
        (
            Link(_("Incidents"), "privacy:incident_list", has_perm("privacy.view_incident")),
            Link(_("Purposes"), "privacy:purpose_list", has_perm("privacy.view_purpose")),
            Link(_("File register"), "privacy:file_register_review", has_perm("privacy.view_fileregisterversion")),
            Link(_("Training and inspection"), "privacy:accountability", has_perm("privacy.view_trainingsession")),
            Link(_("Retention"), "privacy:disposal_list", has_perm("privacy.view_disposalrun")),
            Link(_("Access log"), "privacy:access_log", has_perm("privacy.view_accesslog")),
            Link(_("Access reviews"), "privacy:access_review_list", has_perm("privacy.view_accessreview")),
            Link(_("Register imports"), "subscribers:import_list", has_perm("subscribers.import_register")),
            Link(_("Administration"), "admin:index", is_superuser),
        ),
    ),
)


@dataclass
class MenuLink:
    label: str
    url: str
    accesskey: str
    current: bool


@dataclass
class MenuGroup:
    label: str
    links: list[MenuLink] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


def _shown(link: Link, current_path: str) -> MenuLink:
    url = url_of(link.url_name)
    # A page belongs to the entry whose list it lies under (/requests/12/ → 請求); "/" would match everything.
    current = current_path == url or (url != "/" and current_path.startswith(url))
    return MenuLink(label=str(link.label), url=url, accesskey=link.accesskey, current=current)


def menu_for(user: object, current_path: str = "") -> list[MenuLink | MenuGroup]:
    """The entries ``user`` may open, in menu order; a group with one entry for them becomes that entry."""
    if not getattr(user, "is_authenticated", False):
        return []
    entries: list[MenuLink | MenuGroup] = []
    for entry in MENU:
        if isinstance(entry, Link):
            if entry.opens(user):
                entries.append(_shown(entry, current_path))
            continue
        links = [_shown(link, current_path) for link in entry.links if link.opens(user)]
        if len(links) == 1:
            entries.append(links[0])
        elif links:
            entries.append(MenuGroup(label=str(entry.label), links=links))
    _keep_one_current(entries)
    return entries


def _keep_one_current(entries: list[MenuLink | MenuGroup]) -> None:
    """Only the longest matching URL is the current page (/subscribers/new/ is 新規登録, not 加入者)."""
    links = [link for entry in entries for link in (entry.links if isinstance(entry, MenuGroup) else [entry])]
    current = [link for link in links if link.current]
    if len(current) > 1:
        keep = max(current, key=lambda link: len(link.url))
        for link in current:
            link.current = link is keep


def main_menu(request: HttpRequest) -> dict[str, object]:
    """Context processor: ``main_menu`` for base.html, built only when a page shows it."""
    return {"main_menu": SimpleLazyObject(lambda: menu_for(request.user, request.path))}
