"""Issue 16 item 3: assistance's decisions reach the roster by a direct call from the use
case that causes them (benefits.services.enrolment), not by a listener: the disclosure
enrols the household, the conclusion of an objection's review on its own page stops it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yimen.assistance.models import Objection
from yimen.assistance.services.public import objection_lodge
from yimen.benefits.models import Beneficiary, BeneficiaryStatus
from yimen.workflow import services as workflow
from yimen.workflow.errors import StepHasOwnForm
from yimen.workflow.models import Task
from yimen.workflow.states import TaskStatus

pytestmark = pytest.mark.django_db


def under_review(staff, application) -> Objection:
    """An objection to ``application`` whose review found grounds: the conclusion is next."""
    lodged = objection_lodge(
        application_id=application.pk, text="此户有营业执照", contact="", address=None
    )
    objection = Objection.objects.get(pk=lodged.pk)
    task = Task.objects.get(case=objection.review_case, step="review")
    workflow.task_complete(task_id=task.pk, actor=staff.caseworker, outcome="founded")
    return objection


def test_disclosure_enrols_the_household(staff, approved):
    application = approved()
    beneficiary = Beneficiary.objects.get(application=application)
    assert beneficiary.status == BeneficiaryStatus.ACTIVE


def test_the_conclusion_has_its_own_form_and_a_revocation_stops_the_household(
    client, staff, approved
):
    objection = under_review(staff, approved())
    conclude = Task.objects.get(case=objection.review_case, step="conclude")
    # the generic task form refuses the step: a revocation must reach the roster
    with pytest.raises(StepHasOwnForm):
        workflow.task_complete(
            task_id=conclude.pk, actor=staff.approver, outcome="revoked", reason="x"
        )
    url = reverse("benefits:objection", args=[objection.pk])
    client.force_login(staff.approver)
    page = client.get(url).content.decode()
    assert "此户有营业执照" in page and 'value="revoked"' in page
    # a revocation needs its reason: refused, nothing written
    response = client.post(url, {"outcome": "revoked", "reason": ""})
    assert response.status_code == 400
    assert Task.objects.get(pk=conclude.pk).status == TaskStatus.OPEN
    response = client.post(url, {"outcome": "revoked", "reason": "核实有经营收入"})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:case_detail", args=[objection.review_case_id])
    beneficiary = Beneficiary.objects.get(application=objection.application)
    assert beneficiary.status == BeneficiaryStatus.STOPPED
    # the case page of the review sends the approver to this form no more (step done)
    assert 'value="revoked"' not in client.get(url).content.decode()


def test_upheld_keeps_the_household_and_others_see_nothing(client, staff, approved):
    objection = under_review(staff, approved())
    url = reverse("benefits:objection", args=[objection.pk])
    client.force_login(staff.other_caseworker)
    assert client.get(url).status_code == 404
    client.force_login(staff.caseworker)  # sees the objection, may not conclude
    page = client.get(url)
    assert page.status_code == 200 and 'value="revoked"' not in page.content.decode()
    assert client.post(url, {"outcome": "upheld", "reason": "x"}).status_code == 403
    client.force_login(staff.approver)
    case_page = client.get(reverse("web:case_detail", args=[objection.review_case_id]))
    assert url in case_page.content.decode()  # "Go to the form"
    assert client.post(url, {"outcome": "upheld", "reason": "营业执照已注销"}).status_code == 302
    beneficiary = Beneficiary.objects.get(application=objection.application)
    assert beneficiary.status == BeneficiaryStatus.ACTIVE
