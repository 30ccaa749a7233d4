# The production image: gunicorn + whitenoise for web, the same image for the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=mctv.settings.production

# Pango for WeasyPrint, and a Japanese font: without one every Japanese glyph prints as an empty box.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock

COPY . .
RUN SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:////tmp/build.sqlite3 DATABASE_APP_ROLE=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --home /app app && mkdir -p /app/var/beat /app/var/print-jobs && chown -R app /app
USER app

EXPOSE 8000
# Workers, threads and timeouts: mctv/gunicorn_conf.py (docs/operations.md, "Timeouts").
CMD ["gunicorn", "mctv.wsgi:application", "--config", "python:mctv.gunicorn_conf"]
# Liveness only: the process answers. An orchestrator that restarts unhealthy containers must not restart the web
# because the database is down; readiness (/readyz) is docker-compose's check for `web`.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["python", "-m", "mctv.probe", "/healthz"]
