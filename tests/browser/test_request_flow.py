"""A subscriber asks the office to stop giving their data to contractors; the contractor's portal then shows nothing.

Three people in one real chromium, one browser context each: the clerk at the counter, the officer who
decides, and the contractor whose portal loses the subscriber.
"""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from privacy.models import ProvisionStop, SubjectRequest
from tests.factories import PASSWORD, SubscriberFactory, WorkOrderFactory, carried_out_disclosure, contractor_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback"),
]


def logged_in_page(browser: Browser, live_server, username: str) -> Page:
    from tests.browser.conftest import OFFICE_VIEWPORT, TIMEOUT_MS

    context = browser.new_context(
        base_url=live_server.url, viewport=OFFICE_VIEWPORT, locale="ja-JP", timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    return page


def action_form(page: Page, heading: str):
    return page.get_by_role("form", name=heading)


def take_step(page: Page, heading: str, *, confirm: bool = False) -> None:
    """Click the step's button, which says what it does (the step's heading); a step that cannot be undone then
    shows what it will do, and is confirmed with the button of the same name."""
    action_form(page, heading).get_by_role("button", name=heading, exact=True).click()
    if confirm:
        expect(page.get_by_role("alert")).to_contain_text("この操作は取り消せません")
        page.get_by_role("button", name=heading, exact=True).click()


def test_a_decided_stop_request_takes_the_subscriber_out_of_the_contractors_portal(
    browser: Browser, live_server, clerk, officer
):
    # Given a subscriber with a live work order, which the contractor can open in its portal
    subscriber = SubscriberFactory.create(family_name="停止", given_name="希望")
    order = WorkOrderFactory.create(subscriber=subscriber, items=["number", "name", "address"])
    company = contractor_user(order.contractor, "denko")
    portal = logged_in_page(browser, live_server, company.username)
    expect(portal.get_by_role("link", name=order.number)).to_be_visible()

    # When the clerk records the subscriber's request at the counter, from the subscriber's page
    counter = logged_in_page(browser, live_server, clerk.username)
    counter.goto(f"/subscribers/{subscriber.pk}/")
    counter.get_by_role("link", name="請求の受付").click()
    expect(counter.get_by_label("加入者番号")).to_have_value(subscriber.number)
    counter.get_by_label("請求の種類").select_option(label="工事業者への情報提供の停止")
    counter.get_by_label("受付方法").select_option(label="窓口")
    counter.get_by_label("請求の内容").fill("工事業者に自分の情報を渡さないでほしい")
    counter.get_by_role("button", name="保存").click()

    # Then the request page shows it, not yet identity-checked, with a due date
    expect(counter).to_have_url(re.compile(r"/requests/\d+/$"))
    request = SubjectRequest.objects.get()
    expect(counter.get_by_role("heading", level=1)).to_contain_text(request.number)
    expect(counter.get_by_role("note")).to_contain_text("本人確認")

    # When the clerk records the identity check and starts the review
    verify = action_form(counter, "本人確認の記録")
    verify.get_by_label("本人確認書類").select_option(label="運転免許証")
    take_step(counter, "本人確認の記録")
    take_step(counter, "審査の開始")
    expect(counter.get_by_role("status")).to_be_visible()
    # and the clerk is not offered the decision
    expect(action_form(counter, "決定（個人情報保護責任者）")).to_have_count(0)

    # When the officer finds it on the dashboard and decides it in full
    desk = logged_in_page(browser, live_server, officer.username)
    expect(desk).to_have_url(re.compile(r"/dashboard/$"))
    desk.get_by_role("link", name=request.number).click()
    decide = action_form(desk, "決定（個人情報保護責任者）")
    decide.get_by_label("請求に応じる").check()
    take_step(desk, "決定（個人情報保護責任者）", confirm=True)

    # Then the stop is in force and the subscriber's page carries a banner
    expect(desk.get_by_role("status")).to_be_visible()
    assert ProvisionStop.objects.get().request_id == request.pk
    desk.goto(f"/subscribers/{subscriber.pk}/")
    expect(desk.get_by_role("note").filter(has_text="停止")).to_be_visible()

    # and the contractor's portal no longer lists or opens the work order
    portal.reload()
    expect(portal.get_by_role("link", name=order.number)).to_have_count(0)
    response = portal.goto(f"/portal/work-orders/{order.pk}/")
    assert response is not None and response.status == 404
    expect(portal.locator("main")).not_to_contain_text("停止 希望")


def test_a_decided_suspension_of_use_stops_the_portal_and_the_work_sheet_and_shows_on_the_staff_pages(
    browser: Browser, live_server, clerk, officer
):
    from privacy.services import requests as svc

    # Given a subscriber with a live work order, and their request for a suspension of use, under review
    subscriber = SubscriberFactory.create(family_name="利用", given_name="停止")
    order = WorkOrderFactory.create(subscriber=subscriber, items=["number", "name", "address"])
    company = contractor_user(order.contractor, "denko")
    request = svc.request_receive(
        subscriber=subscriber,
        kind="suspension",
        received_on=live_today(),
        channel="counter",
        details="利用を停止してほしい",
        based_on=carried_out_disclosure(clerk, officer, subscriber),
        user=clerk,
    )
    svc.request_verify_identity(request=request, method="drivers_licence", user=clerk)
    svc.request_start_review(request=request, user=clerk)
    portal = logged_in_page(browser, live_server, company.username)
    expect(portal.get_by_role("link", name=order.number)).to_be_visible()

    # When the officer decides it in full on the request page
    desk = logged_in_page(browser, live_server, officer.username)
    desk.goto(f"/requests/{request.pk}/")
    decide = action_form(desk, "決定（個人情報保護責任者）")
    decide.get_by_label("利用停止する").check()
    take_step(desk, "決定（個人情報保護責任者）", confirm=True)
    expect(desk.get_by_role("status")).to_be_visible()

    # Then the contractor's portal no longer lists or opens the work order
    portal.reload()
    expect(portal.get_by_role("link", name=order.number)).to_have_count(0)
    response = portal.goto(f"/portal/work-orders/{order.pk}/")
    assert response is not None and response.status == 404

    # and the clerk's work-order page says use is suspended, and printing the sheet is refused, with the reason
    counter = logged_in_page(browser, live_server, clerk.username)
    counter.goto(f"/work-orders/{order.pk}/")
    expect(counter.get_by_role("note").filter(has_text="利用及び提供を停止")).to_be_visible()
    # and the work sheet is not offered for printing at all
    expect(counter.get_by_role("button", name="作業票の印刷（紙による提供）")).to_have_count(0)


def test_the_superuser_is_offered_no_decision_and_cannot_remove_a_stop_in_admin(
    browser: Browser, live_server, clerk, admin_user
):
    from django.contrib.auth.hashers import make_password

    from privacy.services import requests as svc

    # Given a request under review and a decided stop of provision
    admin_user.password = make_password(PASSWORD)
    admin_user.save()
    request = svc.request_receive(
        subscriber=SubscriberFactory.create(),
        kind="disclosure",
        received_on=live_today(),
        channel="counter",
        details="開示",
        user=clerk,
    )
    svc.request_verify_identity(request=request, method="drivers_licence", user=clerk)
    svc.request_start_review(request=request, user=clerk)
    stop = ProvisionStop.objects.create(
        subscriber=SubscriberFactory.create(), scope="contractors", reason="本人の請求", recorded_by=clerk
    )

    # When the administrator opens the request page
    page = logged_in_page(browser, live_server, admin_user.username)
    page.goto(f"/requests/{request.pk}/")
    # Then no decision is offered
    expect(page.get_by_role("heading", level=1)).to_contain_text(request.number)
    expect(action_form(page, "決定（個人情報保護責任者）")).to_have_count(0)

    # When the administrator opens the stop in admin, there is neither a delete link nor a save button
    page.goto(f"/admin/privacy/provisionstop/{stop.pk}/change/")
    expect(page.get_by_role("link", name="削除")).to_have_count(0)
    expect(page.get_by_role("button", name="保存")).to_have_count(0)
    assert ProvisionStop.objects.filter(pk=stop.pk).exists()


def live_today():
    from django.utils import timezone

    return timezone.localdate()
