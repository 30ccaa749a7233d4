"""The provision log (■25), recording provisions made outside the system, and exceptional approvals."""

from itertools import chain

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from mctv.forms import add_service_error
from mctv.lists import StaffListMixin
from mctv.responses import csv_stream_response
from mctv.views import StaffPermissionMixin
from privacy.data_items import DataItem, item_labels
from privacy.forms.provisions import ExceptionalDecisionForm, ProvisionFilterForm, ProvisionRecordForm
from privacy.models import EXCEPTIONAL_BASES, ExceptionalProvision, Provision, User
from privacy.selectors.provisions import provisions_visible_to
from privacy.services.access_log import LOG_CHUNK, ExportLog, Numbered, export_number_reserve
from privacy.services.exceptional import exceptional_provision_decide, exceptional_provision_request
from privacy.services.provision import ProvisionRefused, provision_record
from subscribers.models import Subscriber


def _filtered(request):
    form = ProvisionFilterForm(request.GET or None)
    qs = form.filter(provisions_visible_to(request.user).select_related("caused_by", "contractor"))
    return form, qs


class ProvisionListView(StaffPermissionMixin, StaffListMixin, ListView):
    permission_required = "privacy.view_provision"
    template_name = "privacy/provision_list.html"
    context_object_name = "provisions"
    sort_keys = {
        "at": ("at",),
        "subscriber_number": ("subscriber_number",),
        "recipient": ("recipient_name",),
        "method": ("method",),
        "basis": ("basis",),
    }
    paginate_by = 50

    def get_queryset(self):
        self.filter_form, qs = _filtered(self.request)
        return self.sorted(qs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class ProvisionExportView(StaffPermissionMixin, View):
    """CSV of the filtered log; the export of each subscriber's records is itself written to the access log, each
    person before the first row naming them leaves."""

    permission_required = "privacy.export_provision"

    def get(self, request):
        _form, qs = _filtered(request)
        # The log is append-only: rows up to the last id now are the file, whatever is recorded meanwhile.
        qs = qs.filter(id__lte=qs.aggregate(last=Max("id"))["last"] or 0)
        people = qs.order_by().values_list("subscriber_id", "subscriber_number").distinct()
        # The access log names each person by number only (the item the file carries of them), a chunk at a time
        # as the rows naming them are sent.
        log = ExportLog(
            user=request.user,
            export_no=export_number_reserve(),
            items=[DataItem.NUMBER],
            count=people.count(),
            path=request.get_full_path(),
            detail={"export": "provision_log", "count": qs.count()},
        )
        header = [
            _("when"),
            _("subscriber number"),
            _("recipient"),
            _("items provided"),
            _("method"),
            _("legal basis"),
            _("purpose"),
            _("work order"),
            _("caused by"),
            _("note"),
        ]
        return csv_stream_response(
            f"provisions-{timezone.localtime():%Y%m%d-%H%M}-export{log.export_no}.csv",
            chain([header], _log_lines(qs, log)),
        )


def _log_lines(qs, log: ExportLog):
    """The log's rows as the file writes them, read as plain values (no record objects): a million rows cost
    what their columns cost. Labels come from the choices and each staff member's name is looked up once. Each
    chunk's people not yet named are written to ``log`` before the chunk is handed on."""
    methods, bases = dict(Provision.Method.choices), dict(Provision.Basis.choices)
    labels: dict[tuple, str] = {}
    names: dict[int | None, str] = {None: ""}
    logged: set[int] = set()
    for chunk in _chunks(qs, ("at", "subscriber_number", "recipient_name", "items", "method", "basis", "purpose")):
        newcomers = {row[-2]: Numbered(row[-2], row[1]) for row in chunk if row[-2] not in logged}
        log.write(list(newcomers.values()))
        logged.update(newcomers)
        for at, number, recipient, items, method, basis, purpose, work_order, caused_by, note, *_keys in chunk:
            key = tuple(items or ())
            if key not in labels:
                labels[key] = "、".join(item_labels(items))
            if caused_by not in names:
                names[caused_by] = str(User.objects.get(pk=caused_by))
            yield [
                timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S"),
                number,
                recipient,
                labels[key],
                methods.get(method, method),
                bases.get(basis, basis),
                purpose,
                work_order or "",
                names[caused_by],
                note,
            ]


def _chunks(qs, columns: tuple[str, ...]):
    """The rows in (at, id) order, ``LOG_CHUNK`` a query, each query starting where the last ended (keyset; the
    index on ``at``): no cursor is held open across the log's commits, and every query reads one chunk whatever
    the log's size, so the first rows leave as soon as one chunk is read."""
    rows = qs.order_by("at", "id").values_list(*columns, "work_order_id", "caused_by_id", "note", "subscriber_id", "id")
    chunk = list(rows[:LOG_CHUNK])
    while chunk:
        yield chunk
        at, pk = chunk[-1][0], chunk[-1][-1]
        chunk = list(rows.filter(at__gte=at).exclude(at=at, id__lte=pk)[:LOG_CHUNK])


class ProvisionRecordView(StaffPermissionMixin, FormView):
    """Record a provision made outside the system (paper, transmission, media) through the same gate."""

    permission_required = "privacy.add_provision"
    template_name = "privacy/form.html"
    form_class = ProvisionRecordForm

    def get_subscriber(self) -> Subscriber:
        return get_object_or_404(Subscriber.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "subscriber": self.get_subscriber()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Record a provision"), subject=self.get_subscriber(), **kwargs)

    def form_valid(self, form):
        subscriber, data = self.get_subscriber(), form.cleaned_data
        try:
            if data["basis"] in EXCEPTIONAL_BASES:
                exceptional_provision_request(
                    subscriber=subscriber,
                    recipient_name=data["recipient_name"],
                    items=data["items"],
                    method=data["method"],
                    basis=data["basis"],
                    purpose=data["purpose"],
                    reason=data["reason"],
                    user=self.request.user,
                )
                messages.success(
                    self.request, _("Sent to an officer for approval. Nothing is provided until approved.")
                )
            else:
                order = data["work_order"]
                provision_record(
                    subscriber=subscriber,
                    items=data["items"],
                    method=data["method"],
                    basis=data["basis"],
                    purpose=data["purpose"],
                    user=self.request.user,
                    work_order=order,
                    recipient_name=data["recipient_name"],
                    consent=data["consent"],
                    note=data["note"],
                )
                messages.success(self.request, _("Recorded the provision."))
        except ProvisionRefused as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        return redirect("subscribers:detail", pk=subscriber.pk)


class ExceptionalProvisionListView(StaffPermissionMixin, StaffListMixin, ListView):
    permission_required = "privacy.view_exceptionalprovision"
    template_name = "privacy/exceptional_list.html"
    context_object_name = "requests"
    sort_keys = {"subscriber": ("subscriber__number",), "basis": ("basis",), "status": ("status",)}
    paginate_by = 50

    def get_queryset(self):
        return self.sorted(
            ExceptionalProvision.objects.select_related("subscriber", "requested_by", "decided_by").order_by(
                "status", "-created_at"
            )
        )


class ExceptionalProvisionDecideView(StaffPermissionMixin, FormView):
    permission_required = "privacy.approve_exceptionalprovision"
    template_name = "privacy/exceptional_decide.html"
    form_class = ExceptionalDecisionForm

    def get_request(self) -> ExceptionalProvision:
        return get_object_or_404(
            ExceptionalProvision.objects.select_related("subscriber", "requested_by"),
            pk=self.kwargs["pk"],
            status=ExceptionalProvision.Status.REQUESTED,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(request_obj=self.get_request(), **kwargs)

    def form_valid(self, form):
        request_obj = self.get_request()
        try:
            exceptional_provision_decide(
                request=request_obj,
                approve=form.cleaned_data["decision"] == "approve",
                user=self.request.user,
                note=form.cleaned_data["decision_note"],
            )
        except ProvisionRefused as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded the decision."))
        return redirect("privacy:exceptional_list")
