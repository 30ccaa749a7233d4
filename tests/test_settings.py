"""Settings that protect personal data (§4(2)): deploy checks, headers, sessions, passwords, lockout."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parent.parent


def _run_manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DATABASE_APP_ROLE", "SECRET_KEY", "DEBUG"}
    }
    return subprocess.run(  # noqa: PLW1510 - the caller reads the return code
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="mctv.settings.production",
        SECRET_KEY="x" * 20 + "production-grade-secret-key-for-this-check-0123456789",
        DATABASE_URL="sqlite:////tmp/mctv-check-deploy.sqlite3",
        DATABASE_APP_ROLE="mctv_app",
        ALLOWED_HOSTS="catv.intra.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _run_manage(
        "check", DJANGO_SETTINGS_MODULE="mctv.settings.production", DATABASE_URL="sqlite:////tmp/x.sqlite3"
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_naming_the_app_role():
    result = _run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="mctv.settings.production",
        DATABASE_URL="sqlite:////tmp/x.sqlite3",
        SECRET_KEY="x" * 20 + "production-grade-secret-key-for-this-check-0123456789",
    )
    assert result.returncode != 0 and "DATABASE_APP_ROLE" in result.stderr


def test_demo_defaults_to_sqlite_and_eager_celery_without_configuration():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG)"
    )
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG"}
    }
    result = subprocess.run(  # noqa: PLW1510 - the test reads the return code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "mctv.settings.local"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True"], result.stderr


def test_japanese_is_the_default_language_and_tokyo_the_time_zone():
    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.USE_TZ) == ("ja", "Asia/Tokyo", True)


@pytest.mark.django_db
def test_pages_carry_csp_and_security_headers(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "ログイン" in response.content.decode()


@pytest.mark.django_db
def test_every_page_a_signed_in_user_gets_is_kept_by_no_browser_or_proxy(client, clerk, contractor_user):
    from tests.factories import SubscriberFactory, WorkOrderFactory

    # Given a subscriber's record, the registry, the dashboard, and a contractor's live work order
    subscriber = SubscriberFactory.create()
    order = WorkOrderFactory.create(contractor=contractor_user.contractor)
    client.force_login(clerk)
    staff_pages = [
        reverse("subscribers:detail", args=[subscriber.pk]),
        reverse("subscribers:list") + "?q=" + subscriber.family_name,
        reverse("privacy:dashboard"),
        reverse("privacy:work_order_detail", args=[order.pk]),
    ]
    # Then each answer says no-store, for staff and for the contractor's portal alike
    for url in staff_pages:
        response = client.get(url)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], url
    client.force_login(contractor_user)
    assert "no-store" in client.get(reverse("portal:work_order", args=[order.pk]))["Cache-Control"]
    # while a public page, holding nothing personal, may be cached as usual
    client.logout()
    assert "no-store" not in client.get(reverse("privacy:public_privacy")).get("Cache-Control", "")


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2():
    user = UserFactory.create()
    assert user.password.startswith("argon2")


@pytest.mark.django_db
def test_idle_session_expires_after_thirty_minutes(client, clerk):
    client.force_login(clerk)
    list_url = reverse("subscribers:list")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert client.get(list_url).status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get(list_url).status_code == 200  # activity pushes the expiry forward
        clock.shift(timedelta(minutes=29))
        assert client.get(list_url).status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get(list_url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_activity_pushes_the_session_expiry_forward_at_most_once_a_minute(client, clerk):
    from django.contrib.sessions.models import Session

    client.force_login(clerk)
    list_url = reverse("subscribers:list")

    def expiry():
        return Session.objects.get(session_key=client.session.session_key).expire_date

    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(list_url)
        first = expiry()
        clock.shift(timedelta(seconds=30))
        client.get(list_url)
        assert expiry() == first  # within the minute: no write
        clock.shift(timedelta(seconds=31))
        client.get(list_url)
        assert expiry() == first + timedelta(seconds=61)


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["testserver", "evil.example"])
def test_an_anonymous_visit_creates_no_session_even_with_a_stale_cookie(client, host):
    from django.contrib.sessions.models import Session

    client.get(reverse("login"), HTTP_HOST=host)
    client.cookies[settings.SESSION_COOKIE_NAME] = "stale0session0key0that0is0long0enough"
    for name in ("healthz", "privacy:public_privacy", "login"):
        response = client.get(reverse(name), HTTP_HOST=host)
        assert (
            not response.cookies.get(settings.SESSION_COOKIE_NAME, None)
            or not response.cookies[settings.SESSION_COOKIE_NAME].value
        )

    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_signing_in_through_the_login_form_uses_the_staff_backend(client, clerk):
    from django.contrib.auth import BACKEND_SESSION_KEY

    client.post(reverse("login"), {"username": clerk.username, "password": PASSWORD})

    assert client.session[BACKEND_SESSION_KEY] == "privacy.auth.StaffModelBackend"


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account(client, clerk):
    statuses = [
        client.post(reverse("login"), {"username": "clerk", "password": "wrong-password"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]

    response = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})

    assert response.status_code == 429
    assert "ロック" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failed_logins_from_one_address_behind_the_proxy_lock_out_nobody_elsewhere(client, clerk, settings):
    from django.core.cache import cache

    from tests.factories import PASSWORD

    # Given the office's TLS proxy in front: every request reaches gunicorn from 127.0.0.1
    settings.TRUSTED_PROXY_COUNT = 1
    cache.clear()
    attacker = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    office = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    login = reverse("login")
    # When someone elsewhere fails the clerk's password until locked out
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": clerk.username, "password": "wrong"}, **attacker)
    assert client.post(login, {"username": clerk.username, "password": PASSWORD}, **attacker).status_code == 429
    # Then the clerk at the office still signs in
    response = client.post(login, {"username": clerk.username, "password": PASSWORD}, **office)
    assert response.status_code == 302


def test_the_client_address_is_read_from_the_right_behind_the_trusted_proxies(rf, settings):
    from mctv.client_ip import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20, 10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: what the client claims is ignored
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "198.51.100.20"  # not the forged entry on the left


@pytest.mark.django_db
def test_correct_password_logs_in_and_lands_on_the_deadline_dashboard(client, clerk):
    response = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("privacy:dashboard")
