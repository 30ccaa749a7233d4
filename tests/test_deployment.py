"""The production shape: docker-compose services name modules that exist; the image has Pango and a Japanese font."""

import importlib
import re
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
