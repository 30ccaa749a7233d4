"""A contractor's day in the portal: its own work order, the scoped fields only, nobody else's work.

Through a real chromium against the live server: the login page, the portal's list, the work order page,
and a typed-in address of another company's work order.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from privacy.models import Provision
from tests.factories import PASSWORD, SubscriberFactory, WorkOrderFactory, contractor_user

pytestmark = [
    pytest.mark.browser,
    # The live server sees only committed rows; serialized rollback restores the roles (see conftest.py).
    pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback"),
]

# Values of items outside the work order's scope: the page must not carry any of them.
OUT_OF_SCOPE = ["ヒミツ", "secret-mail@example.jp", "秘密の職業", "090-1111-2222", "09011112222"]


@pytest.fixture
def own_order():
    subscriber = SubscriberFactory.create(
        family_name="山田",
        given_name="花子",
        family_name_kana="ヒミツ",
        given_name_kana="ハナコ",
        email="secret-mail@example.jp",
        occupation="秘密の職業",
        mobile_phone="09011112222",
        birth_date=timezone.datetime(1970, 5, 6).date(),
        street_address="中央町1丁目2-3",
    )
    return WorkOrderFactory.create(subscriber=subscriber, items=["number", "name", "address"], note="犬がいます")


@pytest.fixture
def other_company_order():
    return WorkOrderFactory.create(subscriber=SubscriberFactory.create(family_name="佐藤", given_name="次郎"))


def test_a_contractor_sees_its_own_work_order_scoped_and_not_another_companys(
    page: Page, own_order, other_company_order
):
    # Given a contractor account of the company that holds the first work order
    account = contractor_user(own_order.contractor, "denko")

    # When it logs in at the ordinary login page
    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill(account.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()

    # Then it lands in the portal, which lists its own work order and not the other company's
    expect(page).to_have_url(re.compile(r"/portal/$"))
    orders = page.get_by_role("table")
    expect(orders).to_contain_text(own_order.number)
    expect(orders).not_to_contain_text(other_company_order.number)
    assert not Provision.objects.exists(), "the list discloses nobody, so it provides nothing"

    # When it opens its work order
    page.get_by_role("link", name=own_order.number).click()

    # Then the subscriber's scoped items are shown, and nothing outside the scope is anywhere on the page
    scoped = page.locator("#scoped-items")
    expect(scoped.locator("dt")).to_have_text(["加入者番号", "氏名", "住所"])
    expect(scoped).to_contain_text("山田 花子")
    expect(scoped).to_contain_text("中央町1丁目2-3")
    expect(page.get_by_text("犬がいます")).to_be_visible()
    html = page.content()
    for value in OUT_OF_SCOPE:
        assert value not in html, value
    # and the view was recorded as one server-access provision
    provision = Provision.objects.get()
    assert (provision.work_order_id, provision.method, provision.caused_by_id) == (
        own_order.pk,
        "server_access",
        account.pk,
    )
    expect(page.get_by_text(re.compile(rf"提供記録.*{provision.pk}"))).to_be_visible()

    # When it types in the address of the other company's work order
    response = page.goto(f"/portal/work-orders/{other_company_order.pk}/")

    # Then it is not found, nothing of that subscriber shows, and nothing more was provided
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("見つかりません")
    expect(page.locator("main")).not_to_contain_text("佐藤")
    assert Provision.objects.count() == 1

    # and a staff page sends it back to the portal rather than showing anything
    page.goto("/subscribers/")
    expect(page).to_have_url(re.compile(r"/portal/$"))
