"""No select in a staff form or list filter offers Django's bare 「---------」: every empty choice is in words —
「選択してください」 where a choice is required, 「なし」 where it may stay empty, 「すべて」 in a list's filter."""

import importlib
import pkgutil

import pytest
from django import forms
from django.forms.widgets import ChoiceWidget
from django.urls import reverse

import privacy
import subscribers
from mctv.forms import FilterForm, FormRenderer
from privacy.forms.access_log import AccessLogFilterForm

pytestmark = pytest.mark.django_db


def _project_forms() -> list[type[forms.BaseForm]]:
    for package in (privacy, subscribers):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in ("privacy", "subscribers", "mctv"):
                found.add(sub)
    return sorted(found, key=lambda f: f"{f.__module__}.{f.__qualname__}")


FORMS = _project_forms()


def test_the_forms_are_found():
    names = {f.__name__ for f in FORMS}
    assert {"RequestReceiveForm", "AccessLogFilterForm", "SubscriberForm", "ProvisionFilterForm"} <= names


@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f"{f.__module__}.{f.__qualname__}")
def test_every_select_of_every_form_names_its_empty_choice(form_class, officer):
    # Given each form's fields as the form's own renderer draws them
    renderer = form_class.default_renderer() if form_class.default_renderer else FormRenderer()
    for name, field in form_class.base_fields.items():
        if not isinstance(field.widget, ChoiceWidget):
            continue
        # When the field is drawn
        html = field.widget.render(name, None, renderer=renderer)
        # Then no choice reads 「---------」
        assert "---------" not in html, f"{form_class.__qualname__}.{name}"


def test_a_required_choice_asks_to_choose_and_an_optional_one_offers_none():
    # Given Django's own empty choices (BLANK_CHOICE_DASH, a ModelChoiceField's empty label)
    from privacy.models import Contractor

    model_choice = forms.ModelChoiceField(queryset=Contractor.objects.none(), required=False)
    assert ">なし</option>" in model_choice.widget.render("c", None, renderer=FormRenderer())
    optional = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], required=False)
    required = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])
    assert ">なし</option>" in optional.widget.render("x", None, renderer=FormRenderer())
    assert ">選択してください</option>" in required.widget.render("x", None, renderer=FormRenderer())


def test_a_filters_empty_choice_reads_all(officer):
    assert issubclass(AccessLogFilterForm, FilterForm)
    html = str(AccessLogFilterForm()["action"])
    assert ">すべて</option>" in html and "---------" not in html


def test_the_pages_with_filters_show_no_dashes(client, officer):
    client.force_login(officer)
    for name in ("privacy:access_log", "privacy:request_list", "privacy:provision_list", "privacy:request_create"):
        html = client.get(reverse(name)).content.decode()
        assert "---------" not in html, name


def test_a_long_select_draws_what_djangos_select_draws_in_one_pass():
    """LongSelect (the provision log's contractor filter: every contractor) writes its options without a template
    each; what it writes is Django's select: the value chosen selected, the empty choice in the renderer's words."""
    import re

    from mctv.forms import FilterFormRenderer, LongSelect
    from privacy.models import Contractor
    from tests.factories import ContractorFactory

    chosen, other = ContractorFactory.create(name="甲工業"), ContractorFactory.create(name="乙<電設>")
    field = forms.ModelChoiceField(queryset=Contractor.objects.order_by("pk"), required=False)
    renderer = FilterFormRenderer()

    def drawn(widget):
        widget.choices = field.choices
        html = widget.render("contractor", chosen.pk, attrs={"id": "id_contractor"}, renderer=renderer)
        return re.sub(r">\s+<", "><", html.strip())

    fast = drawn(LongSelect())
    assert fast == drawn(forms.Select())
    assert f'<option value="{chosen.pk}" selected>甲工業</option>' in fast
    assert f'<option value="{other.pk}">乙&lt;電設&gt;</option>' in fast
    assert '<option value="">すべて</option>' in fast
