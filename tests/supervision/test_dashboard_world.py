"""A hand-computed history for the county dashboard and statistics tests: eight cases of
南关区 with their acceptance, decision and revocation moments fixed, written row by row
(the same rows the services write), so every expected figure can be worked out on paper.

    case village opened     accepted    decided (days)         type/hukou  n  amount status
    A    华阳 2026-01-05 01-06 09:00 01-16 09:00 yes (10)   dibao urban 3  900    done
    B    恒安 2026-02-01 02-02 09:00 02-22 09:00 no  (20)   —           2  —      rejected
    C    华阳 2026-03-01 03-02 09:00 03-06 21:00 yes (4.5)  tekun rural 1  1500   active*†
    D    北安 2026-04-01 04-01 10:00 04-08 10:00 yes (7)    dibao rural 2  600    done
    E    北安 2026-05-10 05-11 09:00 —                      —           1  —      active*†
    F    华阳 2026-06-01 06-02 09:00 — (visit due 06-10)    —           1  —      active*
    G    华阳 2025-12-20 12-21 09:00 12-28 09:00 yes (7)    dibao urban 2  500    done,
                                     revoked on objection 2026-03-10
    H    恒安 2026-06-05 —           —                      —           1  —      withdrawn

    * overdue on 2026-06-15 (C: past target 03-17; E: past target 05-26; F: its open step)
    † past the statutory limit (C: 03-30; E: 06-09)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests.assistance.conftest import id_number
from tests.factories import user_with
from yimen.accounts.roles import Role
from yimen.assistance.models import Application, ApplicationStatus, Decision, Member, Objection
from yimen.assistance.process import ASSISTANCE_PROCESS, REVIEW_PROCESS
from yimen.workflow.models import Case, Task
from yimen.workflow.states import CaseStatus, TaskStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
HUAYANG, HENGAN, BEIAN = "220102001001", "220102001002", "220102002001"
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=SHANGHAI)


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class Built:
    application: Application
    case: Case


_serial = [0]


def build_case(
    clerk,
    *,
    village: str,
    opened: datetime,
    status: str,
    accepted: datetime | None = None,
    decided: datetime | None = None,
    approved: bool = True,
    kind: str = "dibao",
    hukou: str = "urban",
    size: int = 1,
    amount: str | None = None,
    due: datetime | None = None,
    limit: datetime | None = None,
    late_step_due: datetime | None = None,
) -> Built:
    _serial[0] += 1
    n = _serial[0]
    case = Case.objects.create(
        number=f"T-{n:05d}",
        process=ASSISTANCE_PROCESS.code,
        title=f"household {n}",
        division_id=village,
        status=status,
        opened_at=opened,
        due_at=due,
        limit_at=limit,
    )
    application = Application.objects.create(
        case=case,
        status=ApplicationStatus.SUBMITTED,
        division_id=village,
        address="长春市南关区",
        hukou_type=hukou,
        assistance_type=kind,
        channel="counter",
        created_by=clerk,
    )
    Member.objects.bulk_create(
        Member(
            application=application,
            name=f"成员{n}-{i}",
            id_number=id_number("19700101", f"{n % 100:02d}{i}"),
            relationship="head" if i == 0 else "child",
            birth_date=date(1970, 1, 1),
            sex="M",
        )
        for i in range(size)
    )
    township = village[:9] + "000"
    if accepted:
        Task.objects.create(
            case=case,
            step="accept",
            stage=0,
            roles="|township_caseworker|",
            division_id=township,
            status=TaskStatus.DONE,
            outcome="accepted",
            opened_at=opened,
            completed_at=accepted,
        )
    if late_step_due:
        Task.objects.create(
            case=case,
            step="visit",
            stage=1,
            roles="|township_caseworker|",
            division_id=township,
            opened_at=accepted or opened,
            due_at=late_step_due,
        )
    if decided:
        decision = Decision.objects.create(
            application=application,
            approved=approved,
            assistance_type=kind if approved else "",
            monthly_amount=Decimal(amount) if approved and amount else None,
            reasons="测试",
            signer=clerk,
            signer_name="刘洋",
        )
        Decision.objects.filter(pk=decision.pk).update(decided_at=decided)
    return Built(application, case)


def revoke(built: Built, clerk, when: datetime) -> None:
    """An objection whose review concluded "revoked" at ``when``."""
    review = Case.objects.create(
        number=f"R-{built.case.number}",
        process=REVIEW_PROCESS.code,
        title="review",
        division_id=built.case.division_id,
        status=CaseStatus.COMPLETED,
        opened_at=when,
    )
    Task.objects.create(
        case=review,
        step="conclude",
        stage=1,
        roles="|township_approver|",
        division_id=built.case.division_id[:9] + "000",
        status=TaskStatus.DONE,
        outcome="revoked",
        completed_at=when,
    )
    Objection.objects.create(application=built.application, text="不符合", review_case=review)


def build_history() -> dict[str, Built]:
    clerk = user_with(Role.TOWNSHIP_APPROVER, "220102001000", full_name="刘洋")
    done, active = CaseStatus.COMPLETED, CaseStatus.ACTIVE
    cases = {
        "A": build_case(
            clerk,
            village=HUAYANG,
            opened=at(1, 5),
            status=done,
            accepted=at(1, 6),
            decided=at(1, 16),
            kind="dibao",
            hukou="urban",
            size=3,
            amount="900.00",
        ),
        "B": build_case(
            clerk,
            village=HENGAN,
            opened=at(2, 1),
            status=CaseStatus.REJECTED,
            accepted=at(2, 2),
            decided=at(2, 22),
            approved=False,
            size=2,
        ),
        "C": build_case(
            clerk,
            village=HUAYANG,
            opened=at(3, 1),
            status=active,
            accepted=at(3, 2),
            decided=at(3, 6, 21),
            kind="tekun",
            hukou="rural",
            size=1,
            amount="1500.00",
            due=at(3, 17, 23, 59),
            limit=at(3, 30, 23, 59),
        ),
        "D": build_case(
            clerk,
            village=BEIAN,
            opened=at(4, 1),
            status=done,
            accepted=at(4, 1, 10),
            decided=at(4, 8, 10),
            kind="dibao",
            hukou="rural",
            size=2,
            amount="600.00",
        ),
        "E": build_case(
            clerk,
            village=BEIAN,
            opened=at(5, 10),
            status=active,
            accepted=at(5, 11),
            due=at(5, 26, 23, 59),
            limit=at(6, 9, 23, 59),
        ),
        "F": build_case(
            clerk,
            village=HUAYANG,
            opened=at(6, 1),
            status=active,
            accepted=at(6, 2),
            due=at(6, 16, 23, 59),
            limit=at(6, 30, 23, 59),
            late_step_due=at(6, 10, 23, 59),
        ),
        "G": build_case(
            clerk,
            village=HUAYANG,
            opened=at(12, 20, year=2025),
            status=done,
            accepted=at(12, 21, year=2025),
            decided=at(12, 28, year=2025),
            kind="dibao",
            hukou="urban",
            size=2,
            amount="500.00",
        ),
        "H": build_case(clerk, village=HENGAN, opened=at(6, 5), status=CaseStatus.WITHDRAWN),
    }
    revoke(cases["G"], clerk, at(3, 10))
    return cases
