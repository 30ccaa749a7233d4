"""An officer finds who a stolen password reached: the account's views in a period, previewed, then added."""

import re
from datetime import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from privacy.models import AccessLog
from privacy.services.incidents import incident_record
from tests.browser.test_registry_flow import field, log_in, record_value
from tests.factories import PASSWORD, SubscriberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback")]


def test_an_officer_derives_the_people_a_stolen_account_saw_previews_and_adds_them(page: Page, officer):
    # Given a staff account whose password was stolen: in July it opened two records and listed a third;
    # in August it opened a fourth, and a colleague opened a fifth in July
    stolen = UserFactory.create(username="stolen-account")
    colleague = UserFactory.create(username="colleague")
    opened = [SubscriberFactory.create() for _ in range(2)]
    listed, later, others = (SubscriberFactory.create() for _ in range(3))
    july = timezone.make_aware(datetime(2026, 7, 15, 10, 0))
    for subscriber in opened:
        AccessLog.objects.create(
            at=july, user=stolen, subscriber=subscriber, subscriber_number=subscriber.number, action="view"
        )
    AccessLog.objects.create(at=july, user=stolen, subscriber=listed, subscriber_number=listed.number, action="listed")
    AccessLog.objects.create(
        at=timezone.make_aware(datetime(2026, 8, 3, 10, 0)),
        user=stolen,
        subscriber=later,
        subscriber_number=later.number,
        action="view",
    )
    AccessLog.objects.create(at=july, user=colleague, subscriber=others, subscriber_number=others.number, action="view")
    incident = incident_record(
        user=officer,
        discovered_at=timezone.make_aware(datetime(2026, 8, 10, 9, 0)),
        discovered_by="情報室",
        description="職員アカウントのパスワードの漏えい",
        items=["number"],
        malicious=True,
    )
    log_in(page, officer.username, PASSWORD)

    # When the officer opens the incident and derives from the account's views in July
    page.goto(f"/incidents/{incident.pk}/")
    page.get_by_role("link", name="記録から対象者を特定する").click()
    page.get_by_label("期間内に職員アカウントが閲覧した記録（アクセス記録）").check()
    field(page, "職員アカウント").select_option(label=f"stolen-account（{stolen}）")
    field(page, "期間（から）").fill("2026-07-01")
    field(page, "期間（まで）").fill("2026-07-31")
    page.get_by_role("button", name="人数を確認する").click()

    # Then the preview counts three people and what they were shown, and nothing is added yet
    counts = page.get_by_role("table", name="特定した項目ごとの人数")
    expect(counts.get_by_role("row").filter(has_text="氏名")).to_contain_text("3")
    expect(counts.get_by_role("row").filter(has_text="生年月日")).to_contain_text("2")
    expect(record_value(page, "特定した人数")).to_have_text("3人")
    assert not incident.affected.exists()

    # When the officer confirms
    page.get_by_role("button", name="事案に追加する").click()

    # Then the incident counts the three, not the others, and shows the people per item and how they were found
    expect(page).to_have_url(re.compile(rf"/incidents/{incident.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("3人")
    expect(record_value(page, "本人の数")).to_have_text("3")
    per_item = page.get_by_role("table", name="項目ごとの本人の数")
    expect(per_item.get_by_role("row").filter(has_text="氏名")).to_contain_text("3")
    expect(per_item.get_by_role("row").filter(has_text="メールアドレス")).to_contain_text("2")
    expect(page.get_by_role("table", name="対象者の特定方法")).to_contain_text("stolen-account")
    affected = page.get_by_role("table", name="対象の加入者と本人への通知（宣言11(1)①）")
    for subscriber in [*opened, listed]:
        expect(affected).to_contain_text(subscriber.number)
    expect(affected).not_to_contain_text(later.number)
    expect(affected).not_to_contain_text(others.number)
