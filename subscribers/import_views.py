"""The officer's pages for importing the office's register: upload → preview of the mapping and the first rows →
check (a dry run) → import, each with a progress bar for a large file (static/js/print_job.js polls the status);
without JavaScript the page shows the status on reload. Imports are listed and kept for review."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import DetailView, FormView, ListView

from mctv.responses import csv_response
from mctv.views import StaffPermissionMixin

from .imports.models import ImportProfile, RegisterImport
from .imports.reading import UnreadableFile
from .imports.services import (
    register_import_cancel,
    register_import_done_rows,
    register_import_preview,
    register_import_receive,
    register_import_report_rows,
    register_import_start,
)

PERMISSION = "subscribers.import_register"
SHOWN_PROBLEMS = 200


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Register file"),
        help_text=gettext_lazy("CSV (UTF-8 or Shift_JIS) or Excel (.xlsx); the first row holds the headers."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
    profile = forms.ModelChoiceField(
        label=gettext_lazy("Import profile"), queryset=ImportProfile.objects.all(), empty_label=None
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Mode"),
        choices=RegisterImport.Mode.choices,
        initial=RegisterImport.Mode.WHOLE_FILE,
        widget=forms.RadioSelect,
    )


class ImportMixin(StaffPermissionMixin):
    permission_required = PERMISSION


class ImportListView(ImportMixin, ListView):
    template_name = "subscribers/import_list.html"
    context_object_name = "imports"
    paginate_by = 25

    def get_queryset(self):
        return RegisterImport.objects.select_related("created_by", "profile").defer("problems", "duplicates")


@method_decorator(sensitive_post_parameters(), name="dispatch")
class ImportUploadView(ImportMixin, FormView):
    template_name = "subscribers/import_upload.html"
    form_class = ImportUploadForm

    def get_initial(self):
        return {"profile": ImportProfile.objects.filter(name="標準").first()}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            imp = register_import_receive(
                user=self.request.user,
                name=upload.name,
                chunks=upload.chunks(),
                profile=form.cleaned_data["profile"],
                mode=form.cleaned_data["mode"],
            )
        except UnreadableFile as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        return redirect("subscribers:import_detail", pk=imp.pk)


class ImportDetailView(ImportMixin, DetailView):
    template_name = "subscribers/import_detail.html"
    context_object_name = "imp"

    def get_queryset(self):
        return RegisterImport.objects.select_related("created_by", "profile")

    def get_context_data(self, **kwargs):
        imp = self.object
        mapping, first_rows = register_import_preview(imp) if imp.stored_file and not imp.finished else ([], [])
        done = register_import_done_rows(imp)
        may_import = (
            imp.status == RegisterImport.Status.CHECKED
            and bool(imp.stored_file)
            and (not imp.problems or imp.mode == RegisterImport.Mode.EACH_ROW)
        )
        return super().get_context_data(
            mapping=mapping,
            first_rows=first_rows,
            done=done,
            percent=done * 100 // imp.rows_total if imp.rows_total else 0,
            problems=imp.problems[:SHOWN_PROBLEMS],
            more_problems=max(0, len(imp.problems) - SHOWN_PROBLEMS),
            may_check=imp.status in (RegisterImport.Status.UPLOADED, RegisterImport.Status.CHECKED)
            and bool(imp.stored_file),
            may_import=may_import,
            sync_max=settings.REGISTER_IMPORT_SYNC_MAX_ROWS,
            **kwargs,
        )


class ImportActionView(ImportMixin, View):
    """The buttons of the import's page: check, import, cancel."""

    def post(self, request, pk):
        imp = get_object_or_404(RegisterImport, pk=pk)
        action = request.POST.get("action", "")
        try:
            if action == "cancel":
                register_import_cancel(imp=imp, user=request.user)
            elif action in ("check", "import"):
                if action == "import" and request.POST.get("confirm") != "yes":
                    messages.error(request, _("Tick the box to confirm the import."))
                    return redirect("subscribers:import_detail", pk=imp.pk)
                imp = register_import_start(imp=imp, action=action, user=request.user)
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("subscribers:import_detail", pk=imp.pk)


class ImportStatusView(ImportMixin, View):
    """What the import's page polls."""

    def get(self, request, pk):
        imp = get_object_or_404(RegisterImport, pk=pk)
        done = register_import_done_rows(imp)
        return JsonResponse(
            {
                "status": imp.status,
                "percent": done * 100 // imp.rows_total if imp.rows_total else 0,
                "text": _("%(done)d of %(total)d rows") % {"done": done, "total": imp.rows_total},
                "finished": not imp.running,
            }
        )


class ImportReportView(ImportMixin, View):
    """The problem report and the likely duplicates as a CSV file (rows and columns, never the values)."""

    def get(self, request, pk):
        imp = get_object_or_404(RegisterImport, pk=pk)
        return csv_response(f"{imp.code}-report.csv", register_import_report_rows(imp))
