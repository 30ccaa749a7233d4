"""The letters a request produces (WeasyPrint, A4, Japanese): acknowledgement, correction of the form,
extension and special extension notices, transfer, decision, the disclosure itself and the notices to recipients.

Each takes the request and renders from recorded facts only; the disclosure also exists as CSV and JSON
for a requester who asks for an electronic copy (■30(1)).
"""

import json
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from privacy.data_items import item_labels
from privacy.events.requests import Kind as EventKind
from privacy.models import Appeal, CorrectionNotice, RequestSettings, SubjectRequest, User, WithholdingGround
from privacy.models.request_rules import KindGroup, RequestKind
from privacy.pdf import render_pdf, render_pdf_in_parts
from privacy.selectors.purposes import purposes_of
from privacy.selectors.requests import disclosure_contents
from privacy.services.request_lifecycle import TRANSFER_ARTICLE

# A disclosure's provision lines laid out at a time (about forty pages): parts are laid out side by side.
LINES_PER_PART = 1000
# About so many provision lines fill a page of the disclosure (a print job's progress counts pages by it).
LINES_PER_PAGE = 25

Decision = SubjectRequest.Decision

# What a request is called in the letters: the Act's names for its three procedures (arts. 76, 90, 98).
LETTER_KIND_NAME: dict[str, str] = {
    RequestKind.DISCLOSURE: "保有個人情報開示請求",
    RequestKind.CORRECTION: "保有個人情報訂正請求",
    RequestKind.ADDITION: "保有個人情報訂正請求（追加）",
    RequestKind.DELETION: "保有個人情報訂正請求（削除）",
    RequestKind.SUSPENSION: "保有個人情報利用停止請求（利用の停止）",
    RequestKind.ERASURE: "保有個人情報利用停止請求（消去）",
    RequestKind.STOP_THIRD_PARTY: "保有個人情報利用停止請求（提供の停止）",
    RequestKind.STOP_CONTRACTORS: "工事業者への情報提供の停止の請求",
    RequestKind.PURPOSE_NOTICE: "利用目的の通知の求め",
}
DECISION_TITLE: dict[tuple[str, str], str] = {
    (KindGroup.DISCLOSURE, Decision.FULL): "保有個人情報開示決定通知書",
    (KindGroup.DISCLOSURE, Decision.PARTIAL): "保有個人情報部分開示決定通知書",
    (KindGroup.DISCLOSURE, Decision.NONE): "保有個人情報不開示決定通知書",
    (KindGroup.DISCLOSURE, Decision.NOT_HELD): "保有個人情報不開示決定通知書",
    (KindGroup.DISCLOSURE, Decision.NEITHER): "保有個人情報不開示決定通知書",
    (KindGroup.CORRECTION, Decision.FULL): "保有個人情報訂正決定通知書",
    (KindGroup.CORRECTION, Decision.PARTIAL): "保有個人情報訂正決定通知書",
    (KindGroup.CORRECTION, Decision.NONE): "保有個人情報不訂正決定通知書",
    (KindGroup.SUSPENSION, Decision.FULL): "保有個人情報利用停止決定通知書",
    (KindGroup.SUSPENSION, Decision.NONE): "保有個人情報利用不停止決定通知書",
}
# Why a disclosure is refused, in the letter's words (art. 82(2) includes the two special refusals).
REFUSAL_BASIS: dict[str, str] = {
    Decision.NOT_HELD: "請求に係る保有個人情報を保有していないため（法第82条第2項）。",
    Decision.NEITHER: (
        "請求に係る保有個人情報が存在しているか否かを答えるだけで不開示情報を開示することとなるため、"
        "その存否を明らかにしないで開示請求を拒否します（法第81条）。"
    ),
}
EFFECT_TEXT: dict[str, str] = {
    RequestKind.STOP_CONTRACTORS: "決定の日から、工事業者への情報提供を停止しました（宣言 6(3)）。",
    RequestKind.STOP_THIRD_PARTY: "決定の日から、第三者への提供を停止しました。",
    RequestKind.SUSPENSION: "決定の日から、個人情報の利用を停止しました。",
    RequestKind.ERASURE: "決定の日に、保有する個人情報を消去しました。",
    RequestKind.PURPOSE_NOTICE: "利用目的は、同封の「個人情報の保護に関する宣言」2(2)のとおりです。",
}


def _context(request: SubjectRequest, letter: str) -> dict:
    return {
        "request": request,
        "kind_name": LETTER_KIND_NAME[request.kind],
        "issued_on": timezone.localdate(),
        "letter_number": f"三沢CATV第{request.number}-{letter}号",
        "settings": RequestSettings.current(),
    }


def decision_title(request: SubjectRequest) -> str:
    if request.decision == Decision.DISMISSED:
        return f"{LETTER_KIND_NAME[request.kind]}却下決定通知書"
    if not request.is_statutory:
        return f"{LETTER_KIND_NAME[request.kind]}に対する回答書"
    return DECISION_TITLE[(request.group, request.decision)]


def decision_letter_pdf(request: SubjectRequest) -> bytes:
    """決定通知書 (arts. 82, 93, 101): what was decided, the articles withholding each item, the reasons, how the
    disclosure is carried out, and — for a 処分 — how to appeal (教示, Administrative Appeal Act art. 82)."""
    effect = EFFECT_TEXT.get(request.kind, "") if request.decision == Decision.FULL else ""
    if request.record_edited_since_decision:
        effect = "請求に基づき、加入者台帳を訂正しました。"
    grounds = {g.code: g for g in WithholdingGround.objects.filter(code__in=request.withholding_grounds.values())}
    withheld = [
        (label, grounds.get(request.withholding_grounds.get(code, "")))
        for code, label in zip(request.withheld_items, item_labels(request.withheld_items), strict=True)
    ]
    purposes = []
    if request.grants_disclosure and request.subscriber is not None:
        purposes = [f"{p.title}：{p.description}" for p in purposes_of(request.subscriber, on=timezone.localdate())]
    return render_pdf(
        "pdf/request_decision.html",
        {
            **_context(request, "1"),
            "title": decision_title(request),
            "decision_text": request.decision_label,
            # Reasons are required unless granted in full; then what is written is a remark.
            "reasons_heading": "備考" if request.decision == Decision.FULL else "理由",
            "refusal_basis": REFUSAL_BASIS.get(request.decision, "") if request.kind == RequestKind.DISCLOSURE else "",
            "withheld": withheld,
            "purposes": purposes,
            "effect_text": effect,
            "appeal_notice": request.is_statutory,
        },
    )


def extension_notice_pdf(request: SubjectRequest) -> bytes:
    return render_pdf("pdf/request_extension.html", _context(request, "2"))


def acknowledgement_pdf(request: SubjectRequest) -> bytes:
    """受付票: handed over or sent at intake — the number, the kind, the working deadline and the law's last day."""
    return render_pdf("pdf/request_acknowledgement.html", _context(request, "0"))


def form_correction_pdf(request: SubjectRequest) -> bytes:
    """補正依頼書 (arts. 77(3), 91(3), 99(3)): what to complete, by when, and that the clock stands still."""
    return render_pdf("pdf/request_form_correction.html", _context(request, "4"))


def special_extension_pdf(request: SubjectRequest) -> bytes:
    """開示決定等の期限の特例規定の適用について (arts. 84, 95, 103): the article, its reason, the date for the rest."""
    remainder = request.remainders.first()
    article: dict[str, str] = {
        KindGroup.DISCLOSURE: "第84条",
        KindGroup.CORRECTION: "第95条",
        KindGroup.SUSPENSION: "第103条",
    }
    return render_pdf(
        "pdf/request_special_extension.html",
        {
            **_context(request, "5"),
            "article": article[request.group],
            "remainder": remainder,
            "rest_by": remainder.special_until if remainder else request.special_until,
        },
    )


def transfer_notice_pdf(request: SubjectRequest) -> bytes:
    """事案移送通知書 (arts. 85(1), 96(1))."""
    article = TRANSFER_ARTICLE[request.group]
    return render_pdf("pdf/request_transfer.html", {**_context(request, "6"), "article": article})


def correction_notice_pdf(notice: CorrectionNotice) -> bytes:
    """保有個人情報の訂正について（通知）: to a recipient of corrected items (art. 97)."""
    request = notice.request
    return render_pdf(
        "pdf/correction_notice.html",
        {
            **_context(request, f"7-{notice.pk}"),
            "notice": notice,
            "contractor": notice.contractor,
            # The day the record was changed through the request (the registry's edit), not the decision.
            "corrected_at": request.events.filter(kind=EventKind.RECORD_EDITED)
            .order_by("at")
            .values_list("at", flat=True)
            .last(),
        },
    )


def disclosure_pdf(request: SubjectRequest, user: User, *, on_page: Callable[[int], None] | None = None) -> bytes:
    """The disclosure. One with more than ``LINES_PER_PART`` provision lines is laid out in parts side by side
    (``render_pdf_in_parts``, its pages numbered once joined): the first part holds the letter and the first lines,
    each further part a page headed 「続き」 and its lines, the last the contact. ``on_page`` hears of the pages
    laid out (a print job's progress)."""
    assert request.subscriber is not None  # only a registered person's data is disclosed (request_decide)
    contents = disclosure_contents(request.subscriber, user, withheld_items=request.withheld_items)
    common, lines = {**_context(request, "3"), "contents": contents}, contents["provisions"]
    if len(lines) <= LINES_PER_PART:
        return render_pdf("pdf/disclosure.html", {**common, "lines": lines}, on_page=on_page)
    parts = (
        {
            **common,
            "lines": lines[at : at + LINES_PER_PART],
            "continued": at > 0,
            "more_follow": at + LINES_PER_PART < len(lines),
        }
        for at in range(0, len(lines), LINES_PER_PART)
    )
    return render_pdf_in_parts("pdf/disclosure.html", parts, numbered=True, on_page=on_page)


def disclosure_data(request: SubjectRequest, user: User) -> dict[str, Any]:
    """The disclosure as plain data, for the electronic copy."""
    assert request.subscriber is not None  # only a registered person's data is disclosed (request_decide)
    contents = disclosure_contents(request.subscriber, user, withheld_items=request.withheld_items)
    return {
        "request": request.number,
        "as_of": contents["as_of"].isoformat(),
        "items": {label: value for _code, label, value in contents["items"]},
        "services": [
            {
                "service": str(s.get_service_display()),
                "started_on": s.started_on.isoformat(),
                "ended_on": s.ended_on.isoformat() if s.ended_on else None,
            }
            for s in contents["services"]
        ],
        "purposes": contents["purposes"],
        "consents": [
            {
                "purpose": c.purpose.title,
                "user_told": c.user_told,
                "use_told": c.use_told,
                "given_on": c.given_on.isoformat(),
                "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
            }
            for c in contents["consents"]
        ],
        "provisions": [
            {
                "at": timezone.localtime(p.at).isoformat(timespec="seconds"),
                "recipient": p.recipient_name,
                "items": item_labels(p.items),
                "method": str(p.get_method_display()),
                "basis": str(p.get_basis_display()),
                "purpose": p.purpose,
            }
            for p in contents["provisions"]
        ],
    }


def disclosure_json(request: SubjectRequest, user: User) -> str:
    return json.dumps(disclosure_data(request, user), ensure_ascii=False, indent=2)


def disclosure_rows(request: SubjectRequest, user: User) -> list[list[str]]:
    """The electronic copy as spreadsheet rows: section, label, value (``mctv.responses.csv_response`` writes them)."""
    data = disclosure_data(request, user)
    rows = [["区分", "項目", "内容"]]
    rows += [["個人情報", label, value] for label, value in data["items"].items()]
    rows += [["契約サービス", s["service"], f"{s['started_on']}〜{s['ended_on'] or ''}"] for s in data["services"]]
    rows += [["利用目的", "", purpose] for purpose in data["purposes"]]
    rows += [
        [
            "同意",
            c["purpose"],
            f"利用する者：{c['user_told']}　利用の内容：{c['use_told']}　同意：{c['given_on']}"
            f"　撤回：{c['withdrawn_on'] or 'なし'}",
        ]
        for c in data["consents"]
    ]
    rows += [
        [
            "提供記録",
            p["at"],
            f"{p['recipient']} / {'、'.join(p['items'])} / {p['method']} / {p['basis']} / {p['purpose']}",
        ]
        for p in data["provisions"]
    ]
    return rows


def _appeal_context(appeal: Appeal, letter: str) -> dict:
    request = appeal.request
    return {
        **_context(request, letter),
        "appeal": appeal,
        "decision_title": appeal.decision_title,
        "letter_number": f"三沢CATV第{appeal.number}-{letter}号",
    }


def appeal_consultation_notice_pdf(appeal: Appeal) -> bytes:
    """諮問をした旨の通知 (APPI art. 105(2)(i), (3)): to the appellant."""
    return render_pdf("pdf/appeal_consultation.html", _appeal_context(appeal, "1"))


def appeal_consultation_notice_to_requester_pdf(appeal: Appeal) -> bytes:
    """The same notice to the requester when someone else appealed (art. 105(2)(ii))."""
    request = appeal.request
    addressee = {
        "name": request.requester_name,
        "postal_code": request.requester_postal_code,
        "address": request.requester_address,
    }
    return render_pdf("pdf/appeal_consultation.html", {**_appeal_context(appeal, "1-2"), "addressee": addressee})


def appeal_ruling_pdf(appeal: Appeal) -> bytes:
    """裁決書: the ruling, its reasons and the board's conclusion; for a ruling the appellant may take to court,
    the notice of the action (Administrative Case Litigation Act art. 46)."""
    return render_pdf("pdf/appeal_ruling.html", _appeal_context(appeal, "2"))
