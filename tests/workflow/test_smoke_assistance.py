"""The assistance process end to end through the engine's services."""

import pytest

from tests.factories import GENERIC_ASSIST, HUAYANG, NANLING, user_with
from yimen.accounts.roles import Role
from yimen.audit.verify import verify_chain
from yimen.regions.models import Division
from yimen.workflow import services
from yimen.workflow.selectors import my_tasks
from yimen.workflow.states import CaseStatus, TaskStatus


@pytest.mark.django_db
def test_undisputed_case_runs_to_completion_skipping_appraisal(tree):
    caseworker = user_with(Role.TOWNSHIP_CASEWORKER, NANLING)
    approver = user_with(Role.TOWNSHIP_APPROVER, NANLING)
    village = user_with(Role.VILLAGE_STAFF, HUAYANG)
    case = services.case_open(
        process_code=GENERIC_ASSIST,
        division=Division.objects.get(pk=HUAYANG),
        actor=caseworker,
        title="测试家庭 低保申请",
    )
    assert [t.step for t in my_tasks(caseworker)] == ["accept"]

    def do(user, step, outcome="done", reason=""):
        task = case.tasks.get(step=step)
        services.task_complete(task_id=task.pk, actor=user, outcome=outcome, reason=reason)

    do(caseworker, "accept", "accepted")
    assert sorted(t.step for t in my_tasks(caseworker)) == ["verify", "visit"]
    do(caseworker, "verify")
    case.refresh_from_db()
    assert case.stage == 1  # the visit still runs
    do(caseworker, "visit")
    case.refresh_from_db()
    assert case.stage == 3
    assert case.tasks.get(step="appraise").status == TaskStatus.SKIPPED
    do(approver, "decide", "approved")
    do(village, "disclose")
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    assert verify_chain().ok
