"""The letters a request produces (WeasyPrint, A4, Japanese): decision, extension notice, disclosure.

Each takes the request and renders from recorded facts only; the disclosure also exists as CSV and JSON
for a requester who asks for an electronic copy (■30(1)).
"""

import json
from typing import Any

from django.utils import timezone

from privacy.data_items import item_labels
from privacy.events.requests import Kind as EventKind
from privacy.models import SubjectRequest, User
from privacy.models.requests import RequestKind
from privacy.pdf import render_pdf
from privacy.selectors.requests import disclosure_contents

Decision = SubjectRequest.Decision

DECISION_TEXT: dict[str, str] = {
    Decision.FULL: "請求のとおり応じることとしました（全部）。",
    Decision.PARTIAL: "請求の一部に応じることとしました（一部）。",
    Decision.NONE: "請求に応じないこととしました。",
}
EFFECT_TEXT: dict[str, str] = {
    RequestKind.STOP_CONTRACTORS: "決定の日から、工事業者への情報提供を停止しました（宣言 6(3)）。",
    RequestKind.STOP_THIRD_PARTY: "決定の日から、第三者への提供を停止しました。",
    RequestKind.SUSPENSION: "決定の日から、個人情報の利用を停止しました。",
    RequestKind.ERASURE: "決定の日に、保有する個人情報を消去しました。",
    RequestKind.DISCLOSURE: "保有個人情報開示書を同封します。",
    RequestKind.PURPOSE_NOTICE: "利用目的は、同封の「個人情報の保護に関する宣言」2(2)のとおりです。",
}


def _context(request: SubjectRequest, letter: str) -> dict:
    return {
        "request": request,
        "issued_on": timezone.localdate(),
        "letter_number": f"三沢CATV第{request.number}-{letter}号",
    }


def decision_letter_pdf(request: SubjectRequest) -> bytes:
    """決定通知書: addressee, request, decision, reasons, appeal, contact window."""
    effect = EFFECT_TEXT.get(request.kind, "") if request.decision == Decision.FULL else ""
    if request.kind in (RequestKind.DISCLOSURE,) and request.decision == Decision.PARTIAL:
        effect = "開示する部分について、保有個人情報開示書を同封します。"
    if request.events.filter(kind=EventKind.RECORD_EDITED).exists():
        effect = "請求に基づき、加入者台帳を訂正しました。"
    return render_pdf(
        "pdf/request_decision.html",
        {
            **_context(request, "1"),
            "title": f"{request.get_kind_display()}請求に対する決定通知書",
            "decision_text": DECISION_TEXT[request.decision],
            # Reasons are required unless granted in full; then what is written is a remark.
            "reasons_heading": "備考" if request.decision == Decision.FULL else "理由",
            "effect_text": effect,
        },
    )


def extension_notice_pdf(request: SubjectRequest) -> bytes:
    return render_pdf("pdf/request_extension.html", _context(request, "2"))


def disclosure_pdf(request: SubjectRequest, user: User) -> bytes:
    return render_pdf(
        "pdf/disclosure.html",
        {
            **_context(request, "3"),
            "contents": disclosure_contents(request.subscriber, user, withheld_items=request.withheld_items),
        },
    )


def disclosure_data(request: SubjectRequest, user: User) -> dict[str, Any]:
    """The disclosure as plain data, for the electronic copy."""
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
