"""The demo puts households at every stage in two townships, through the real services."""

import pytest
from django.core.management import call_command

from yimen.accounts.demo import load_demo_users
from yimen.assistance.demo import STAGES, load_assistance_demo
from yimen.assistance.models import Application, ApplicationStatus
from yimen.audit.verify import verify_chain
from yimen.workflow.models import Task


@pytest.mark.django_db
def test_demo_covers_every_stage_in_two_townships(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_divisions", verbosity=0)
    load_demo_users()
    assert load_assistance_demo() == 2 * len(STAGES) + 1  # and the citizen's own
    assert load_assistance_demo() == 0  # rerunning adds nothing
    own = Application.objects.get(applicant__username="citizen")
    assert own.channel == "self" and own.phone and own.receipt_code
    for township in ("220102001", "220102002"):
        apps = Application.objects.filter(division__code__startswith=township)
        assert apps.filter(status=ApplicationStatus.DRAFT).count() == 1
        open_steps = set(
            Task.objects.filter(case__application__in=apps, status="open").values_list(
                "step", flat=True
            )
        )
        assert {"accept", "visit", "appraise", "decide", "disclose"} <= open_steps
        statuses = set(apps.exclude(case=None).values_list("case__status", flat=True))
        assert statuses == {"active", "completed", "rejected", "withdrawn"}
    assert verify_chain().ok
