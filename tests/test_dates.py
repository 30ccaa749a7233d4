"""The office's one date style (mctv.dates, docs/dates.md): written, read, and entered through a form."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from mctv import dates
from mctv.forms import DayField, DayInput

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


# --- written ----------------------------------------------------------------------------------------------


def test_the_styles_of_one_day():
    day = date(2026, 12, 17)
    assert dates.with_weekday(day) == "令和8年12月17日（木）"
    assert dates.long(day) == "令和8年12月17日"
    assert dates.compact(day) == "R8.12.17"
    assert dates.month(day) == "令和8年12月"


@pytest.mark.parametrize(
    ("day", "long", "compact"),
    [
        (date(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
        (date(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
        (date(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
        (date(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
        (date(1958, 4, 1), "昭和33年4月1日", "S33.4.1"),
        (date(1926, 12, 25), "昭和元年12月25日", "S1.12.25"),
        (date(1912, 7, 30), "大正元年7月30日", "T1.7.30"),
        (date(1900, 1, 1), "明治33年1月1日", "M33.1.1"),
    ],
)
def test_era_boundaries_and_first_years(day, long, compact):
    assert (dates.long(day), dates.compact(day)) == (long, compact)


def test_a_moment_is_written_in_local_time():
    moment = datetime(2026, 12, 16, 15, 5, 9, tzinfo=ZoneInfo("UTC"))  # 00:05:09 on the 17th in Tokyo
    assert dates.long_time(moment) == "令和8年12月17日 00:05"
    assert dates.compact_time(moment) == "R8.12.17 00:05"
    assert dates.compact_time(moment, seconds=True) == "R8.12.17 00:05:09"
    assert dates.with_weekday(moment) == "令和8年12月17日（木）"


def test_the_template_filters_are_built_in_and_show_nothing_for_no_date():
    template = Template(
        "{{ d|wareki_weekday }}|{{ d|wareki }}|{{ d|wareki_short }}|{{ d|wareki_month }}|"
        "{{ t|wareki_short_time }}|{{ t|wareki_time:'s' }}|{{ none|wareki }}"
    )
    rendered = template.render(
        Context({"d": date(2026, 12, 17), "t": datetime(2026, 12, 17, 9, 30, 1, tzinfo=TOKYO), "none": None})
    )
    assert rendered.split("|") == [
        "令和8年12月17日（木）",
        "令和8年12月17日",
        "R8.12.17",
        "令和8年12月",
        "R8.12.17 09:30",
        "令和8年12月17日 09:30:01",
        "",
    ]


# --- read -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("R8.12.17", date(2026, 12, 17)),
        ("r8/12/17", date(2026, 12, 17)),
        ("R08-12-17", date(2026, 12, 17)),
        ("令和8年12月17日", date(2026, 12, 17)),
        ("令和 8 年 12 月 17 日", date(2026, 12, 17)),
        ("令8.12.17", date(2026, 12, 17)),
        ("㋿8年12月17日", date(2026, 12, 17)),
        ("Ｒ８．１２．１７", date(2026, 12, 17)),
        ("令和８年１２月１７日", date(2026, 12, 17)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("S33.4.1", date(1958, 4, 1)),
        ("昭和33年4月1日", date(1958, 4, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("S64.1.7", date(1989, 1, 7)),
        ("T15.12.24", date(1926, 12, 24)),
        ("2026-12-17", date(2026, 12, 17)),
        ("2026/12/17", date(2026, 12, 17)),
        ("2026.12.17", date(2026, 12, 17)),
        ("2026年12月17日", date(2026, 12, 17)),
        ("20261217", date(2026, 12, 17)),
        ("２０２６－１２－１７", date(2026, 12, 17)),
        (" 2026-1-7 ", date(2026, 1, 7)),
    ],
)
def test_wareki_and_western_forms_are_read(typed, day):
    assert dates.parse_day(typed) == day


def test_a_year_past_its_eras_end_is_read_leniently_as_the_same_western_day():
    # Forms printed before 改元 carry 平成31年5月1日 or an expiry 平成32年3月31日; they stay valid.
    assert dates.parse_day("H31.5.1") == date(2019, 5, 1)
    assert dates.parse_day("平成32年3月31日") == date(2020, 3, 31)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("令和1年4月30日", "令和は令和元年5月1日からです。この日は平成31年4月30日にあたります。"),
        ("S1.12.24", "昭和は昭和元年12月25日からです。この日は大正15年12月24日にあたります。"),
        ("H1.1.7", "平成は平成元年1月8日からです。この日は昭和64年1月7日にあたります。"),
        ("R0.5.1", "元号の年は元年（1年）から数えます。"),
        ("R8.2.30", "存在しない日付です。月と日をご確認ください。"),
        ("2026-13-01", "存在しない日付です。月と日をご確認ください。"),
        ("99999-01-01", "日付は「R8.12.17」「令和8年12月17日」「2026-12-17」のように入力してください。"),
        ("R99999.1.1", "日付は「R8.12.17」「令和8年12月17日」「2026-12-17」のように入力してください。"),
        ("12/17/2026", "日付は「R8.12.17」「令和8年12月17日」「2026-12-17」のように入力してください。"),
        ("X8.12.17", "日付は「R8.12.17」「令和8年12月17日」「2026-12-17」のように入力してください。"),
    ],
)
def test_no_day_is_refused_with_a_japanese_message(typed, message):
    with pytest.raises(ValueError, match="^" + message.replace(".", r"\.") + "$"):
        dates.parse_day(typed)


# --- entered through a form -------------------------------------------------------------------------------


class _DayForm(forms.Form):
    on = DayField(label="日付")


def test_the_form_field_reads_wareki_and_is_a_text_box_not_the_browsers_date_picker():
    form = _DayForm(data={"on": "R8.4.1"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == date(2026, 4, 1)
    html = str(form["on"])
    assert 'type="text"' in html and 'type="date"' not in html


def test_a_day_is_shown_in_the_box_in_short_wareki_and_read_back_with_its_weekday():
    html = str(_DayForm(initial={"on": date(1958, 4, 1)})["on"])
    assert 'value="S33.4.1"' in html
    assert "昭和33年4月1日（火）" in html


def test_a_refused_day_keeps_what_was_typed_and_says_why():
    form = _DayForm(data={"on": "令和1年4月30日"})
    assert not form.is_valid()
    assert form.errors["on"] == ["令和は令和元年5月1日からです。この日は平成31年4月30日にあたります。"]
    assert 'value="令和1年4月30日"' in str(form["on"])


def test_an_out_of_range_year_is_a_form_error_not_a_crash():
    for typed in ["R999.1.1", "9999-12-31", "M1.1.1"]:
        form = _DayForm(data={"on": typed})
        assert not form.is_valid()
        assert form.errors["on"]


def test_model_day_fields_get_the_wareki_field_and_box():
    from subscribers.models import Subscriber

    field = Subscriber._meta.get_field("birth_date").formfield()
    assert isinstance(field, DayField) and isinstance(field.widget, DayInput)


# --- a moment and a month ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "R8.12.17 14:05",
        "令和8年12月17日 14時05分",
        "令和8年12月17日14時5分",
        "2026-12-17T14:05",  # what a browser's datetime-local box sends, and older bookmarks
        "2026/12/17 14:05",
        "Ｒ８．１２．１７　１４：０５",
        "R8.12.17 1405",
        "R8.12.17 14：05",
    ],
)
def test_a_moment_is_read_in_wareki_or_western_form(typed):
    assert dates.parse_moment(typed) == datetime(2026, 12, 17, 14, 5)


def test_a_moment_on_the_hour_or_with_its_seconds_is_read():
    # 14時 as people say it; 14:05:30 as the access log shows a moment (copied into an incident)
    assert dates.parse_moment("令和8年12月17日 14時") == datetime(2026, 12, 17, 14, 0)
    assert dates.parse_moment("R8.12.17 14:05:30") == datetime(2026, 12, 17, 14, 5, 30)
    assert dates.parse_moment("令和8年12月17日14時05分30秒") == datetime(2026, 12, 17, 14, 5, 30)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("R8.12.17", "時刻も入力してください（例：R8.12.17 14:05）。"),
        ("R8.12.17 25:00", "存在しない時刻です。時は0～23、分は0～59の範囲で入力してください。"),
        ("R8.12.17 14 05", "日時は「R8.12.17 14:05」「令和8年12月17日 14時05分」のように入力してください。"),
        ("12/17 14:05", "日時は「R8.12.17 14:05」「令和8年12月17日 14時05分」のように入力してください。"),
        ("R8.2.30 10:00", "存在しない日付です。月と日をご確認ください。"),
        ("昨日の朝", "日時は「R8.12.17 14:05」「令和8年12月17日 14時05分」のように入力してください。"),
    ],
)
def test_no_moment_is_refused_with_a_japanese_message(typed, message):
    with pytest.raises(ValueError, match="^" + message.replace(".", r"\.") + "$"):
        dates.parse_moment(typed)


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("R8.4", date(2026, 4, 1)),
        ("令和8年4月", date(2026, 4, 1)),
        ("令和元年5月", date(2019, 5, 1)),
        ("H31.4", date(2019, 4, 1)),
        ("2026-04", date(2026, 4, 1)),
        ("2026/4", date(2026, 4, 1)),
        ("2026年4月", date(2026, 4, 1)),
        ("202604", date(2026, 4, 1)),
        ("ｒ８．４", date(2026, 4, 1)),
    ],
)
def test_a_month_is_read_in_wareki_or_western_form(typed, first):
    assert dates.parse_month(typed) == first


@pytest.mark.parametrize("typed", ["R8.13", "R0.4", "2026", "20264", "四月"])
def test_no_month_is_refused_with_a_japanese_message(typed):
    with pytest.raises(ValueError) as refused:
        dates.parse_month(typed)
    assert str(refused.value) == "月は「R8.4」「令和8年4月」「2026-04」のように入力してください。"


def test_a_month_before_its_era_began_is_refused_naming_when_it_began():
    with pytest.raises(ValueError) as refused:
        dates.parse_month("令和1年4月")
    assert str(refused.value) == "令和は令和元年5月からです。"


@pytest.mark.django_db
def test_the_incidents_times_are_text_boxes_in_the_office_style_read_in_local_time():
    from privacy.forms.incidents import IncidentForm

    form = IncidentForm(initial={"discovered_at": datetime(2026, 12, 17, 5, 5, tzinfo=ZoneInfo("UTC"))})
    html = str(form["discovered_at"])
    assert 'type="text"' in html and "datetime-local" not in html
    assert 'value="R8.12.17 14:05"' in html  # 05:05 UTC is 14:05 in Tokyo
    field = form.fields["discovered_at"]
    assert field.clean("令和8年12月17日 14時05分") == datetime(2026, 12, 17, 14, 5, tzinfo=TOKYO)


@pytest.mark.django_db
def test_a_refused_moment_keeps_what_was_typed_and_says_why():
    from privacy.forms.incidents import IncidentForm

    form = IncidentForm(data={"discovered_at": "12月17日の朝"})
    assert not form.is_valid()
    asked = "日時は「R8.12.17 14:05」「令和8年12月17日 14時05分」のように入力してください。"
    assert form.errors["discovered_at"] == [asked]
    assert 'value="12月17日の朝"' in str(form["discovered_at"])


def test_the_review_month_is_a_text_box_that_reads_wareki():
    from privacy.forms.access_review import AccessReviewRunForm

    form = AccessReviewRunForm(data={"month": "R8.4"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["month"] == date(2026, 4, 1)
    html = str(AccessReviewRunForm(initial={"month": date(2026, 4, 1)})["month"])
    assert 'type="text"' in html and 'type="month"' not in html and 'value="R8.4"' in html


def test_no_form_asks_the_browser_for_its_own_date_box():
    # type=date / datetime-local / month draw the browser's locale (mm/dd/yyyy), not the office's style.
    import re
    from pathlib import Path

    from django.conf import settings

    browser_box = re.compile(r"""(type|input_type)["']?\s*[:=]\s*["'](date|datetime-local|month|time|week)["']""")
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for app in ("mctv", "privacy", "subscribers", "templates", "static")
        for path in Path(settings.BASE_DIR, app).rglob("*")
        if path.suffix in {".py", ".html", ".js"}
        for match in browser_box.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    assert browser_box.search('attrs={"type": "datetime-local"}') and browser_box.search('<input type="date">')


def test_a_label_beside_its_box_ends_in_the_full_width_colon():
    class StatusForm(forms.Form):
        status = forms.CharField(label="状態")
        asked = forms.CharField(label="担当者は？")

    assert str(StatusForm()["status"].label_tag()).endswith(">状態：</label>")
    assert str(StatusForm()["asked"].label_tag()).endswith(">担当者は？</label>")


@pytest.mark.django_db
def test_the_request_lists_filter_labels_end_in_the_full_width_colon(client, officer):
    from django.urls import reverse

    client.force_login(officer)
    page = client.get(reverse("privacy:request_list")).content.decode()
    assert "：</label>" in page and ":</label>" not in page


def test_the_admins_date_box_shows_the_office_style_and_keeps_its_calendar():
    from django.contrib import admin

    from subscribers.models import Subscriber

    model_admin = admin.site._registry[Subscriber]
    field = model_admin.formfield_for_dbfield(Subscriber._meta.get_field("birth_date"), request=None)
    assert isinstance(field, DayField)
    html = field.widget.render("birth_date", date(1958, 4, 1))
    assert 'value="S33.4.1"' in html and "vDateField" in html


def test_the_admins_day_and_time_boxes_write_the_day_in_the_office_style_and_read_wareki():
    from django.contrib import admin

    from privacy.models import Incident

    model_admin = admin.site._registry[Incident]
    field = model_admin.formfield_for_dbfield(Incident._meta.get_field("discovered_at"), request=None)
    html = field.widget.render("discovered_at", datetime(2026, 12, 17, 5, 5, tzinfo=ZoneInfo("UTC")))
    assert 'value="R8.12.17"' in html and 'value="14:05:00"' in html and "vDateField" in html
    assert field.clean(["令和8年12月17日", "14:05"]) == datetime(2026, 12, 17, 14, 5, tzinfo=TOKYO)
    with pytest.raises(forms.ValidationError):
        field.clean(["R8.2.30", "14:05"])


@pytest.mark.django_db
def test_every_admin_day_and_moment_box_is_the_office_style_and_every_admin_form_opens(admin_client, rf, admin_user):
    from django.contrib import admin
    from django.urls import reverse

    from mctv.db import DayField as ModelDayField
    from mctv.db import DayTimeField as ModelDayTimeField
    from mctv.forms import AdminDayInput, AdminSplitDayTimeInput

    request = rf.get("/")
    request.user = admin_user
    checked = 0
    for model, model_admin in admin.site._registry.items():
        response = admin_client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"))
        assert response.status_code in (200, 403), model
        for field in model._meta.fields:
            if isinstance(field, ModelDayField | ModelDayTimeField) and field.editable:
                formfield = model_admin.formfield_for_dbfield(field, request=request)
                wanted = AdminSplitDayTimeInput if isinstance(field, ModelDayTimeField) else AdminDayInput
                assert isinstance(formfield.widget, wanted), (model, field.name)
                checked += 1
    assert checked > 10
    # and the day-and-time boxes are one paragraph, not a date paragraph inside it
    html = AdminSplitDayTimeInput().render("at", datetime(2026, 12, 17, 5, 5, tzinfo=ZoneInfo("UTC")))
    assert '<p class="date">' not in html and 'value="R8.12.17"' in html
