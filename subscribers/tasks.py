"""Celery jobs of the registry. Each takes plain values, re-reads, and is idempotent."""

from celery import shared_task


@shared_task(name="subscribers.run_register_import", acks_late=True)
def run_register_import(import_id: int, action: str) -> str:
    """Check or import a large register file (a ``RegisterImport`` by id). A finished import is left as it is; one
    a lost worker left running is done again from its first row (its writes were one transaction, or per batch
    idempotent by the former register's numbers)."""
    from subscribers.imports.services import register_import_process

    return register_import_process(import_id, action).status


@shared_task(name="subscribers.expire_register_imports", acks_late=True)
def expire_register_imports() -> int:
    """Hourly: uploads never imported are cancelled after REGISTER_IMPORT_KEEP_HOURS, their files deleted."""
    from subscribers.imports.services import register_imports_expire

    return register_imports_expire()
