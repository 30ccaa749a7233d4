"""Every form a user posts, and how ``tests/test_no_silent_loss.py`` shows that none of its fields is dropped.

A form is covered one of these ways (a form in none of them fails ``test_every_form_is_covered``):
- a step of a page's step map (requests, appeals, complaints): each field's value reaches the service the step calls;
- a round trip: a test posts a value in every field through the page and reads each back (``ROUND_TRIPS``);
- passing all it cleans to a keyword-only service (``PASSES_ALL``): each field is a parameter of that service;
- a model form saved by Django's ``form.save()`` (``MODEL_FORMS``): each field is a column of the model;
- named field by field in its view (``NAMED_IN_VIEW``): each field is read from ``cleaned_data`` there;
- a filter (``FILTERS``): it narrows a list and saves nothing, by design.
"""

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

from django import forms

import privacy.forms
from privacy.services import appeals as appeal_services
from privacy.services import inspections, purposes, training, work_orders

FORM_MODULES = ("subscribers.forms", "mctv.forms")


def project_forms() -> Iterator[type[forms.BaseForm]]:
    """Every form class the apps define (the login form is Django's own)."""
    names = [*FORM_MODULES, *(f"privacy.forms.{m.name}" for m in pkgutil.iter_modules(privacy.forms.__path__))]
    for name in names:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield cls


def name_of(form: type) -> str:
    return form.__name__


# Posted through the page with every field filled, each read back: tests in test_no_silent_loss.py.
ROUND_TRIPS = {
    "SubscriberForm",
    "SubscriberStatusForm",
    "WorkOrderForm",
    "RequestReceiveForm",
    "ConsultationForm",
    "ProvisionRecordForm",
}

# form -> the service its view calls with ``**form.cleaned_data`` or ``form.service_arguments()``.
PASSES_ALL = {
    "TrainingForm": training.training_record,
    "AttendanceForm": training.training_set_attendees,
    "InspectionStartForm": inspections.inspection_start,
    "AnswerForm": inspections.AnswerInput,
    "CompleteForm": inspections.inspection_complete,
    "RemediedForm": inspections.inspection_remedied,
    "AuditFindingForm": inspections.audit_finding_write,
    "AuditAnswerForm": inspections.audit_finding_answer,
    "ConsentForm": purposes.consent_record,
    "SheetRetrievalForm": work_orders.sheet_retrieval_record,
    "AppealReceiveForm": appeal_services.appeal_receive,
}

# A field the form turns into another argument: the request typed by number becomes the request.
RENAMED = {
    "AppealReceiveForm": {"request_number": "request"},
    "ComplaintReceiveForm": {"subscriber_number": "subscriber"},
    "IncidentForm": {"subscriber_numbers": "affected"},
    "HandoverForm": {"saved_layout": "layout_name"},
}

# Saved by ``form.save()`` or by a service that sets every field on the row (``work_order_update``).
MODEL_FORMS = {"ContractorForm", "AgreementForm", "WorkOrderEditForm", "IncidentForm"}

# form -> the view module that reads each of its fields from ``cleaned_data`` by name (or the form's own method
# that turns them into what the view passes on).
NAMED_IN_VIEW = {
    "AccessReviewRunForm": "privacy/views/access_review.py",
    "AccessReviewFlagCloseForm": "privacy/views/access_review.py",
    "AccessReviewStaffCloseForm": "privacy/views/access_review.py",
    "AccessReasonForm": "subscribers/access_prompt.py",
    "ComplaintReceiveForm": "privacy/views/complaints.py",
    "IncidentStatusForm": "privacy/views/incidents.py",
    "NoticesSentForm": "privacy/views/incidents.py",
    "IncidentScopeForm": "privacy/forms/incident_scope.py privacy/views/incident_scope.py",
    "WorkOrderCloseForm": "privacy/views/work_orders.py",
    "ExceptionalDecisionForm": "privacy/views/provisions.py",
    "ConsentWithdrawForm": "privacy/views/purposes.py",
    "SentOnForm": "privacy/views/request_documents.py",
    "LabelPrintForm": "privacy/views/labels.py privacy/forms/purposes.py",
    "HandoverForm": "privacy/views/handovers.py",
    "HandoverConfirmForm": "privacy/views/handovers.py",
    "HandoverStatementForm": "privacy/views/portal.py",
}

# Lists narrowed by what is typed; nothing is saved.
FILTERS = {
    "FilterForm",  # mctv/forms.py: the base the filters below share
    "AccessLogFilterForm",
    "RequestFilterForm",
    "ComplaintFilterForm",
    "ProvisionFilterForm",
    "BulkUseFilterForm",
    "YearForm",
}


def step_maps() -> dict[str, dict]:
    """The pages' step maps: name -> {step name: step with ``form`` and ``call``}."""
    from privacy.views import appeals, complaints, requests

    return {"requests": requests.STEPS, "appeals": appeals.STEPS, "complaints": complaints.ACTIONS}


def step_forms() -> set[str]:
    return {name_of(step.form) for steps in step_maps().values() for step in steps.values()}


class Sentinel(str):
    """A value typed in one field, recognisable wherever it arrives."""


class TrackingData(dict):
    """``cleaned_data`` that remembers which fields were read; any field it was not given reads as a sentinel."""

    def __init__(self, fields):
        super().__init__({name: Sentinel(f"<{name}>") for name in fields})
        self.read: set[str] = set()

    def __getitem__(self, key):
        self.read.add(key)
        if key not in self:
            self[key] = Sentinel(f"<{key}>")
        return super().__getitem__(key)

    def get(self, key, default=None):
        return self[key]


def values_passed(mock) -> list:
    """Every argument value of every call the mock received (its attributes' calls included)."""
    values = []
    for call in mock.mock_calls:
        _, args, kwargs = call
        values.extend(args)
        values.extend(kwargs.values())
    return values
