"""Who an incident touched, from the records: name them, preview the counts, confirm; re-run a derivation to
compare. Officers only; a closed incident is not changed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView

from mctv.forms import add_service_error
from mctv.views import StaffPermissionMixin
from privacy.forms.incident_scope import IncidentScopeForm
from privacy.models import AccessLog, IncidentScope, IncidentSettings
from privacy.selectors.incident_scope import derive, scope_preview, scope_rerun
from privacy.selectors.incident_scope_text import describe_derivation
from privacy.services.access_log import access_log_record
from privacy.services.incident_scope import incident_scope_add
from subscribers.models import Subscriber

from .incidents import IncidentObjectMixin


class IncidentScopeView(StaffPermissionMixin, IncidentObjectMixin, FormView):
    """Step 1 names the records and shows what they reach; step 2 (the same parameters and the preview's
    fingerprint, button ``confirm``) adds them."""

    permission_required = "privacy.change_incident"
    template_name = "privacy/incident_scope.html"
    form_class = IncidentScopeForm

    def get(self, request, *args, **kwargs):
        return self._closed() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._closed() or super().post(request, *args, **kwargs)

    def _closed(self):
        if self.get_incident().is_open:
            return None
        messages.error(self.request, _("A closed incident cannot be changed."))
        return redirect("privacy:incident_detail", pk=self.get_incident().pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(incident=self.get_incident(), **kwargs)

    def form_valid(self, form):
        incident = self.get_incident()
        derivation = form.derivation()
        if "confirm" in self.request.POST:
            try:
                scope = incident_scope_add(
                    incident=incident,
                    user=self.request.user,
                    derivation=derivation,
                    fingerprint=form.cleaned_data["fingerprint"],
                )
            except ValidationError as error:
                add_service_error(form, error)
                return self._preview(form, derivation)
            messages.success(
                self.request,
                _("Added %(people)d people found in the records (%(added)d newly affected).")
                % {"people": scope.people_count, "added": scope.added_count},
            )
            return redirect("privacy:incident_detail", pk=incident.pk)
        return self._preview(form, derivation)

    def _preview(self, form, derivation):
        try:
            derived = derive(derivation)
        except ValidationError as error:
            if not form.errors:  # the confirmation already said why
                add_service_error(form, error)
            return self.form_invalid(form)
        preview = scope_preview(self.get_incident(), derived, threshold=IncidentSettings.current().people_threshold)
        # The confirmation carries what was previewed: a result that changed since is refused, not added unseen.
        data = form.data.copy()
        data["fingerprint"] = derived.fingerprint
        confirm = IncidentScopeForm(data)
        confirm.is_valid()
        return self.render_to_response(
            self.get_context_data(
                form=form,
                preview=preview,
                confirm_form=confirm,
                description=describe_derivation(derivation.kind, derivation.parameters()),
            )
        )


class IncidentScopeRerunView(StaffPermissionMixin, IncidentObjectMixin, DetailView):
    """A derivation run again with its kept parameters, compared with its snapshot."""

    # It re-reads the records and lists subscribers by number: the officer's step, logged like any list of them.
    permission_required = "privacy.change_incident"
    template_name = "privacy/incident_scope_rerun.html"
    context_object_name = "scope"

    def get_object(self, queryset=None):
        return get_object_or_404(IncidentScope, incident=self.get_incident(), pk=self.kwargs["scope"])

    def get_context_data(self, **kwargs):
        scope, incident = self.object, self.get_incident()
        comparison = scope_rerun(scope)
        shown = {*comparison.missing, *comparison.new}
        access_log_record(
            user=self.request.user,
            subscribers=Subscriber.objects.filter(number__in=shown).only("pk", "number"),
            action=AccessLog.Action.LISTED,
            path=self.request.path,
            detail={"incident": incident.number},
        )
        return super().get_context_data(
            incident=incident,
            comparison=comparison,
            description=describe_derivation(scope.kind, scope.parameters),
            **kwargs,
        )
