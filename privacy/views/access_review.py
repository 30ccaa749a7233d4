"""The review of staff access (職員のアクセス点検): officers run a month and close its flags; auditors read."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from mctv import dates
from mctv.forms import add_service_error
from mctv.lists import StaffListMixin
from mctv.responses import pdf_response
from mctv.views import StaffPermissionMixin
from privacy.forms.access_review import AccessReviewFlagCloseForm, AccessReviewRunForm, AccessReviewStaffCloseForm
from privacy.models import AccessReview, AccessReviewFlag, AccessReviewSettings
from privacy.pdf import render_pdf
from privacy.selectors.access_review import access_reviews_visible_to
from privacy.services.access_review import (
    CLOSE_PERMISSION,
    RUN_PERMISSION,
    access_review_close,
    access_review_flag_close,
    access_review_flags_close_for,
    access_review_run,
)

VIEW_PERMISSION = "privacy.view_accessreview"
FLAGS_PER_PAGE = 100


def _reviews(user):
    return (
        access_reviews_visible_to(user)
        .select_related("department", "run_by", "closed_by")
        .annotate(flag_count=Count("flags"), open_count=Count("flags", filter=Q(flags__outcome="")))
        .order_by("-month", "department__code", "pk")
    )


class AccessReviewListView(StaffPermissionMixin, StaffListMixin, ListView):
    """The reviews, newest month first, with how many flags each still has open; an officer runs a month."""

    permission_required = VIEW_PERMISSION
    template_name = "privacy/access_review_list.html"
    context_object_name = "reviews"
    sort_keys = {"month": ("month",), "department": ("department__code",), "status": ("status",)}
    paginate_by = 24

    def get_queryset(self):
        return self.sorted(_reviews(self.request.user))

    def get_context_data(self, **kwargs):
        can_run = self.request.user.has_perm(RUN_PERMISSION)
        return super().get_context_data(
            can_run=can_run,
            run_form=kwargs.pop("run_form", None) or (AccessReviewRunForm() if can_run else None),
            settings=AccessReviewSettings.current(),
            **kwargs,
        )


class AccessReviewRunView(StaffPermissionMixin, View):
    """POST: run (or run again) a month's review; the same month and department is one review."""

    permission_required = RUN_PERMISSION
    http_method_names = ["post"]

    def post(self, request):
        form = AccessReviewRunForm(request.POST)
        if form.is_valid():
            try:
                review = access_review_run(
                    month=form.cleaned_data["month"], department=form.cleaned_data["department"], user=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                month = dates.month(review.month)
                messages.success(request, _("The review of %(month)s is up to date.") % {"month": month})
                return redirect("privacy:access_review_detail", pk=review.pk)
        return _with_form(request, form)


def _with_form(request, form):
    """The list again, the run form keeping what was typed and saying what is wrong."""
    view = AccessReviewListView()
    view.setup(request)
    view.object_list = view.get_queryset()
    context = view.get_context_data(run_form=form)
    return view.render_to_response(context, status=400)


class AccessReviewDetailView(StaffPermissionMixin, DetailView):
    """A review's flags; an officer who neither ran it nor is flagged closes each with an outcome."""

    permission_required = VIEW_PERMISSION
    template_name = "privacy/access_review_detail.html"
    context_object_name = "review"

    def get_queryset(self):
        return _reviews(self.request.user)

    def get_context_data(self, **kwargs):
        user, review = self.request.user, self.object
        may_close = user.has_perm(CLOSE_PERMISSION) and review.status == AccessReview.Status.OPEN
        # A month may hold thousands of flags: a page at a time, the open ones first.
        page = Paginator(review.flags.select_related("user", "closed_by").order_by("-outcome", "pk"), FLAGS_PER_PAGE)
        page_obj = page.get_page(self.request.GET.get("page"))
        rows = [
            {
                "flag": flag,
                # The page repeats no rule: it is told which flags this person may close.
                "closable": may_close and flag.is_open and flag.user_id != user.pk and review.run_by_id != user.pk,
            }
            for flag in page_obj
        ]
        bulk = may_close and review.run_by_id != user.pk and review.open_count > 0
        return super().get_context_data(
            rows=rows,
            page_obj=page_obj,
            staff_close_form=kwargs.pop("staff_close_form", None)
            or (AccessReviewStaffCloseForm(review=review, user=user) if bulk else None),
            close_form=AccessReviewFlagCloseForm(),
            ran_it=review.run_by_id == user.pk,
            can_close_review=may_close and review.open_count == 0,
            **kwargs,
        )


class AccessReviewFlagCloseView(StaffPermissionMixin, View):
    permission_required = CLOSE_PERMISSION
    http_method_names = ["post"]

    def post(self, request, pk, flag):
        review = get_object_or_404(access_reviews_visible_to(request.user), pk=pk)
        flag_row = get_object_or_404(AccessReviewFlag, pk=flag, review=review)
        form = AccessReviewFlagCloseForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect("privacy:access_review_detail", pk=review.pk)
        try:
            access_review_flag_close(
                flag=flag_row, user=request.user, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The flag is closed."))
        return redirect("privacy:access_review_detail", pk=review.pk)


class AccessReviewStaffCloseView(StaffPermissionMixin, View):
    """Close every open flag about one staff member; a wrong form shows the page again with what was typed."""

    permission_required = CLOSE_PERMISSION
    http_method_names = ["post"]

    def post(self, request, pk):
        review = get_object_or_404(_reviews(request.user), pk=pk)
        form = AccessReviewStaffCloseForm(request.POST, review=review, user=request.user)
        if form.is_valid():
            try:
                closed = access_review_flags_close_for(
                    review=review,
                    staff_member=form.cleaned_data["staff_member"],
                    user=request.user,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Closed %(n)d flag(s).") % {"n": closed})
                return redirect("privacy:access_review_detail", pk=review.pk)
        view = AccessReviewDetailView(request=request, kwargs={"pk": pk})
        view.object = review
        return view.render_to_response(view.get_context_data(staff_close_form=form), status=400)


class AccessReviewCloseView(StaffPermissionMixin, View):
    permission_required = CLOSE_PERMISSION
    http_method_names = ["post"]

    def post(self, request, pk):
        review = get_object_or_404(access_reviews_visible_to(request.user), pk=pk)
        try:
            access_review_close(review=review, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The review is closed."))
        return redirect("privacy:access_review_detail", pk=review.pk)


class AccessReviewPdfView(StaffPermissionMixin, View):
    """The review as a record: the month, who ran it, the settings used, each flag and its outcome."""

    permission_required = VIEW_PERMISSION

    def get(self, request, pk):
        review = get_object_or_404(_reviews(request.user), pk=pk)
        # A month's flags may run to thousands: the record counts them per staff member and kind, and lists one by
        # one those referred or still open (the ones a reader must act on).
        summary = (
            review.flags.values("user__last_name", "user__first_name", "user__username", "kind")
            .annotate(
                total=Count("pk"),
                business=Count("pk", filter=Q(outcome=AccessReviewFlag.Outcome.BUSINESS_REASON)),
                referred=Count("pk", filter=Q(outcome=AccessReviewFlag.Outcome.REFERRED)),
                open=Count("pk", filter=Q(outcome="")),
            )
            .order_by("user__last_name", "user__first_name", "user__username", "kind")
        )
        kinds = dict(AccessReviewFlag.Kind.choices)
        flags = list(
            review.flags.exclude(outcome=AccessReviewFlag.Outcome.BUSINESS_REASON).select_related("user", "closed_by")
        )
        with translation.override("ja"):  # a record of the office: in Japanese whatever the page's language
            rows = [
                {
                    **row,
                    "kind_label": str(kinds.get(row["kind"], row["kind"])),
                    "name": f"{row['user__last_name']} {row['user__first_name']}".strip() or row["user__username"],
                }
                for row in summary
            ]
            pdf = render_pdf("pdf/access_review.html", {"review": review, "flags": flags, "summary": rows})
        return pdf_response(pdf, f"access-review-{review.month:%Y-%m}-{review.pk}.pdf")
