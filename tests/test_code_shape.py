"""The code's shape, held by tests so it cannot drift back (issue 12): rooms per domain, one place per rule."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("mctv", "privacy", "subscribers")
MAX_LINES = 400


def project_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_module_outside_migrations_bench_and_tests_is_over_400_lines():
    long = {
        str(p.relative_to(ROOT)): n for p in project_modules() if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


@pytest.mark.parametrize("room", ["forms", "admin", "views", "services", "selectors", "events"])
def test_the_privacy_app_has_a_package_per_kind_of_code(room):
    package = ROOT / "privacy" / room
    assert (package / "__init__.py").is_file()
    assert len(list(package.glob("*.py"))) > 2  # split by domain, not one module under a new name


def test_the_registry_imports_nothing_from_the_privacy_views():
    offending = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path) if m.startswith("privacy.views"))
        for path in (ROOT / "subscribers").rglob("*.py")
    }
    assert {k: v for k, v in offending.items() if v} == {}


# The one module that reads CSV: an office's register brought in (issue 19). It may read, never write.
CSV_READERS = {ROOT / "subscribers" / "imports" / "reading.py"}


def test_every_csv_download_is_written_by_the_one_csv_response():
    writers = {
        str(path.relative_to(ROOT))
        for path in project_modules()
        if "csv" in imported_modules(path) and path != ROOT / "mctv" / "responses.py" and path not in CSV_READERS
    }
    assert writers == set()


def test_the_csv_reader_of_the_register_import_writes_no_csv():
    for path in CSV_READERS:
        used = {ast.unparse(node) for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Attribute)}
        assert "csv.reader" in used
        assert not used & {"csv.writer", "csv.DictWriter"}, path


# Where calendar arithmetic on days may be written: the deadlines module, the local day's end of a timestamp
# filter, and the demo data's invented dates.
DAY_ARITHMETIC_ALLOWED = {"privacy/deadlines.py", "mctv/db.py", "privacy/demo.py", "subscribers/demo.py"}


def test_days_are_counted_in_privacy_deadlines_only():
    counting = set()
    for path in project_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            is_timedelta = isinstance(node, ast.Call) and ast.unparse(node.func).endswith("timedelta")
            if is_timedelta and any(keyword.arg in ("days", "weeks") for keyword in node.keywords):
                counting.add(str(path.relative_to(ROOT)))
    assert counting <= DAY_ARITHMETIC_ALLOWED


def test_no_hard_coded_list_of_purposes_is_left():
    assert not [p for p in project_modules() if "STATED_PURPOSES" in p.read_text()]


@pytest.mark.django_db
def test_the_migrations_match_the_models():
    from django.core.management import call_command

    call_command("makemigrations", check=True, dry_run=True, verbosity=0)  # exits non-zero on a difference


def test_no_code_but_the_transitions_helper_sets_a_status():
    """Statuses move through ``mctv.transitions`` (``set_status``, ``Lifecycle.move``), which check the map."""
    setting = set()
    for path in project_modules():
        if path == ROOT / "mctv" / "transitions.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, (ast.AugAssign, ast.AnnAssign))
                else []
            )
            for target in targets:
                elements = target.elts if isinstance(target, ast.Tuple) else [target]
                for element in elements:
                    is_status = isinstance(element, ast.Attribute) and element.attr == "status"
                    # A view's own ``self.status`` is the filter it shows, not a record's status.
                    if is_status and ast.unparse(element.value) != "self":
                        setting.add(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert setting == set()


def test_every_date_a_person_types_is_checked_for_plausibility():
    """Model dates are ``DayField``/``DayTimeField`` and form dates ``mctv.forms.DayField`` (mctv.validators),
    but for the timestamps the system sets itself."""
    from django.apps import apps
    from django.db import models

    from mctv.db import DayField, DayTimeField

    unchecked = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in ("privacy", "subscribers") and not model.__name__.startswith("Historical")
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField)
        and not isinstance(field, (DayField, DayTimeField))
        and not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
        and field.name not in ("last_login", "date_joined")  # Django's own, set by sign-in and account creation
    ]
    assert unchecked == []
    plain = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in project_modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and ast.unparse(node.func) in ("forms.DateField", "forms.DateTimeField")
    ]
    assert plain == []
