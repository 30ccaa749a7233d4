"""Bulk hand-overs to contractors (§2(1), §6(2), ■19): list, create (the officer, asked first), detail with the
one download, and the office's confirmation of return or destruction."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from mctv.confirmation import ask_before
from mctv.forms import add_service_error
from mctv.lists import StaffListMixin
from mctv.responses import download_response
from mctv.views import StaffPermissionMixin
from privacy.data_items import item_labels
from privacy.forms.handovers import HandoverConfirmForm, HandoverForm
from privacy.models import BulkHandover
from privacy.selectors.handovers import handover_candidates, handovers_visible_to
from privacy.services.handovers import handover_confirm, handover_create, handover_download
from privacy.services.provision import ProvisionRefused


class HandoverListView(StaffPermissionMixin, StaffListMixin, ListView):
    permission_required = "privacy.view_bulkhandover"
    template_name = "privacy/handover_list.html"
    context_object_name = "handovers"
    sort_keys = {
        "number": ("number",),
        "contractor": ("contractor__name",),
        "produced_at": ("produced_at",),
        "return_by": ("return_by",),
        "status": ("status",),
    }
    paginate_by = 50

    def get_queryset(self):
        qs = handovers_visible_to(self.request.user).defer("content", "subscribers")
        self.status = self.request.GET.get("status", "")
        if self.status == "out":
            qs = qs.out()
        elif self.status == "overdue":
            qs = qs.overdue(timezone.localdate())
        elif self.status in BulkHandover.Status.values:
            qs = qs.filter(status=self.status)
        return self.sorted(qs)

    def get_context_data(self, **kwargs):
        statuses = [("out", _("Out with the contractor")), ("overdue", _("Overdue")), *BulkHandover.Status.choices]
        return super().get_context_data(status=self.status, statuses=statuses, today=timezone.localdate(), **kwargs)


class HandoverCreateView(StaffPermissionMixin, FormView):
    """The officer names the agreement, purpose, items, method and format; the page then says how many subscribers
    and which items, and only the confirmed post makes the file."""

    permission_required = ("privacy.add_bulkhandover", "privacy.hand_over_bulkhandover")
    template_name = "privacy/form.html"
    form_class = HandoverForm
    extra_context = {"title": _("Make a bulk hand-over"), "submit_label": _("Check what is handed over")}

    def form_valid(self, form):
        data = form.cleaned_data
        items = data["items"] or [code for code, _width in data["layout"]]

        def step():
            return handover_create(
                agreement=data["agreement"],
                purpose=data["purpose"],
                items=data["items"],
                method=data["method"],
                file_format=data["file_format"],
                layout=data["layout"],
                layout_name=data["layout_name"],
                user=self.request.user,
                note=data["note"],
            )

        try:
            count = handover_candidates(self.request.user, data["purpose"]).count()
            asked = ask_before(
                self.request,
                step=step,
                form=form,
                title=_("Make a bulk hand-over"),
                confirm_label=_("Make the file"),
                back_url=reverse("privacy:handover_list"),
                consequences=[
                    _("A file of %(count)d subscribers with these items is made for %(contractor)s: %(items)s.")
                    % {
                        "count": count,
                        "contractor": data["agreement"].contractor.name,
                        "items": "、".join(item_labels(items)),
                    },
                    _("It can be downloaded once; each subscriber in it is recorded as provided when it is."),
                ],
            )
            if asked:
                return asked
            handover = step()
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Made hand-over %(number)s.") % {"number": handover.number})
        return redirect("privacy:handover_detail", pk=handover.pk)


class HandoverObjectMixin:
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_handover(self) -> BulkHandover:
        if not hasattr(self, "_handover"):
            self._handover = get_object_or_404(
                handovers_visible_to(self.request.user).defer("content"), pk=self.kwargs["pk"]
            )
        return self._handover


class HandoverDetailView(StaffPermissionMixin, HandoverObjectMixin, DetailView):
    permission_required = "privacy.view_bulkhandover"
    template_name = "privacy/handover_detail.html"
    context_object_name = "handover"

    def get_object(self, queryset=None):
        return self.get_handover()

    def get_context_data(self, **kwargs):
        handover = self.object
        return super().get_context_data(
            confirm_form=kwargs.pop("confirm_form", None) or HandoverConfirmForm(initial={"on": timezone.localdate()}),
            downloadable=handover.status == BulkHandover.Status.READY and handover.file_expires_at > timezone.now(),
            overdue=handover.is_out and handover.return_by and handover.return_by < timezone.localdate(),
            provisions=handover.provisions.count(),
            **kwargs,
        )


class HandoverDownloadView(StaffPermissionMixin, HandoverObjectMixin, View):
    """The file, once: the post that fetches it records every subscriber's provision and empties it."""

    permission_required = "privacy.hand_over_bulkhandover"
    http_method_names = ["post"]

    def post(self, request, pk):
        handover = self.get_handover()
        try:
            content = handover_download(handover=handover, user=request.user, path=request.get_full_path())
        except ProvisionRefused as refusal:
            messages.error(request, _("The hand-over was cancelled: %(reason)s") % {"reason": refusal.message})
            return redirect("privacy:handover_detail", pk=handover.pk)
        if content is None:
            raise Http404
        content_type = "text/csv; charset=utf-8" if handover.file_format == "csv" else "text/plain; charset=cp932"
        return download_response(content, content_type=content_type, filename=handover.download_name)


class HandoverConfirmView(StaffPermissionMixin, HandoverObjectMixin, View):
    """The office records the return or destruction: who (the signed-in user), how, on which day."""

    permission_required = "privacy.confirm_bulkhandover"
    http_method_names = ["post"]

    def post(self, request, pk):
        handover = self.get_handover()
        form = HandoverConfirmForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                handover_confirm(
                    handover=handover, user=request.user, outcome=data["outcome"], on=data["on"], how=data["how"]
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Recorded."))
                return redirect("privacy:handover_detail", pk=handover.pk)
        view = HandoverDetailView(request=request, kwargs={"pk": pk})
        view.object = handover
        return view.render_to_response(view.get_context_data(confirm_form=form), status=200)
