"""The production shape: docker-compose services name modules that exist; the image has Pango and a Japanese font."""

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_postgres_redis_migrate_web_worker_and_beat():
    assert set(COMPOSE["services"]) == {"postgres", "redis", "migrate", "web", "worker", "beat"}


def test_beat_keeps_its_schedule_on_a_named_volume_that_survives_a_restart():
    beat = COMPOSE["services"]["beat"]
    schedule = _command("beat").split("--schedule ")[1].split()[0]
    (volume,) = [v for v in beat["volumes"] if schedule.startswith(v.split(":")[1])]
    assert volume.split(":")[0] in COMPOSE["volumes"] and not schedule.startswith("/tmp")
    assert "mkdir -p /app/var/beat" in (ROOT / "Dockerfile").read_text()


def test_web_and_worker_share_the_volume_large_prints_are_written_to():
    for service in ("web", "worker"):
        assert "printjobs:/app/var/print-jobs" in COMPOSE["services"][service]["volumes"]
    assert "printjobs" in COMPOSE["volumes"] and "/app/var/print-jobs" in (ROOT / "Dockerfile").read_text()


def test_migrations_run_as_the_owner_and_the_app_connects_as_a_role_that_owns_nothing():
    # Given the one-shot migrate service and the three app services
    migrate = COMPOSE["services"]["migrate"]
    assert _command("migrate").startswith("sh -c python manage.py db_roles && exec python manage.py migrate")
    assert migrate["environment"]["DATABASE_URL"].startswith("postgres://mctv_owner:")
    assert migrate["environment"]["DATABASE_ADMIN_URL"].startswith("postgres://${POSTGRES_SUPERUSER:-postgres}:")
    for service in ("web", "worker", "beat"):
        environment = COMPOSE["services"][service]["environment"]
        # Then each connects as the app role, never the owner or the superuser, and waits for the migrations
        assert environment["DATABASE_URL"].startswith("postgres://mctv_app:")
        assert environment["DATABASE_APP_ROLE"] == "mctv_app"
        assert "DATABASE_ADMIN_URL" not in environment
        assert COMPOSE["services"][service]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "migrate" not in _command(service)


def _command(service) -> str:
    command = COMPOSE["services"][service]["command"]
    return " ".join(command) if isinstance(command, list) else command


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_every_app_service_command_names_a_module_that_exists(service):
    command = _command(service)
    targets = re.findall(r"gunicorn (\S+):(\w+)", command) + [
        (module, "celery_app") for module in re.findall(r"celery --app (\S+)", command)
    ]
    assert targets, f"{service} runs neither gunicorn nor celery: {command}"
    for module_name, attribute in targets:
        module = importlib.import_module(module_name)
        assert hasattr(module, attribute), f"{module_name} has no {attribute}"
    if "manage.py" in command:
        assert (ROOT / "manage.py").exists()


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_app_services_use_production_settings_with_postgres_and_redis(service):
    environment = COMPOSE["services"][service]["environment"]
    assert environment["DJANGO_SETTINGS_MODULE"] == "mctv.settings.production"
    assert importlib.util.find_spec(environment["DJANGO_SETTINGS_MODULE"])
    assert environment["DATABASE_URL"].startswith("postgres://") and "@postgres:" in environment["DATABASE_URL"]
    assert environment["CELERY_BROKER_URL"].startswith("redis://redis:")


def test_image_installs_pango_and_a_japanese_font_and_serves_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "libpango-1.0-0" in dockerfile and "fonts-noto-cjk" in dockerfile
    assert "collectstatic" in dockerfile and "requirements.lock" in dockerfile


def test_web_runs_gunicorn_with_the_projects_config_in_compose_and_in_the_image():
    command = "gunicorn mctv.wsgi:application --config python:mctv.gunicorn_conf"
    assert _command("web") == command
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["' + '", "'.join(command.split()) + '"]' in dockerfile
    assert importlib.util.find_spec("mctv.gunicorn_conf")


def test_the_image_checks_liveness_and_compose_checks_the_webs_readiness_only_where_gunicorn_runs():
    # The image's own check: liveness, so that nothing restarts the web because the database is down
    (healthcheck,) = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("HEALTHCHECK")]
    assert healthcheck.endswith('CMD ["python", "-m", "mctv.probe", "/healthz"]')
    # compose: the web's readiness; the services without gunicorn switch the image's check off
    assert COMPOSE["services"]["web"]["healthcheck"]["test"] == ["CMD", "python", "-m", "mctv.probe", "/readyz"]
    for service in ("worker", "beat", "migrate"):
        assert COMPOSE["services"][service]["healthcheck"] == {"disable": True}
    assert importlib.util.find_spec("mctv.probe")


def test_compose_lets_a_request_finish_on_stop_and_gives_the_worker_a_longer_statement_timeout_under_its_limit():
    from django.conf import settings

    conf = importlib.import_module("mctv.gunicorn_conf")
    assert int(COMPOSE["services"]["web"]["stop_grace_period"].rstrip("s")) > conf.graceful_timeout
    # The web's statement timeout comes from gunicorn's config; the worker's is given, longer, in compose
    assert "DB_STATEMENT_TIMEOUT_MS" not in COMPOSE["services"]["web"]["environment"]
    worker = COMPOSE["services"]["worker"]["environment"]["DB_STATEMENT_TIMEOUT_MS"]
    worker_ms = int(re.fullmatch(r"\$\{WORKER_DB_STATEMENT_TIMEOUT_MS:-(\d+)\}", worker).group(1))
    assert conf.WEB_STATEMENT_TIMEOUT_MS < worker_ms < settings.CELERY_TASK_SOFT_TIME_LIMIT * 1000
    assert "DB_STATEMENT_TIMEOUT_MS" not in COMPOSE["services"]["migrate"]["environment"]


def test_a_web_worker_leaves_what_it_loaded_at_start_out_of_the_garbage_collectors_scans():
    """mctv/wsgi.py loads the URLconf with its views, then freezes: a full collection no longer walks them."""
    script = "import gc, sys, mctv.wsgi; print(gc.get_freeze_count(), 'privacy.views.portal' in sys.modules)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mctv.settings.test"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)

    frozen, views_loaded = done.stdout.split()
    assert int(frozen) > 50_000 and views_loaded == "True"
