"""Filing: the six categories, documents, validity, destination, change, cancel, channels, and
its effect on settlement (file before discharge; emergency without filing)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from tests.factories import user_with
from yimen.accounts.roles import Role
from yimen.audit.models import AuditEvent
from yimen.errors import Forbidden, Invalid
from yimen.medins.models import InsuredStatus
from yimen.settlement.models import PersonLink, Settlement
from yimen.settlement.services.filing import (
    DOC_COMMITMENT,
    DOC_FORM,
    DOC_IDENTITY,
    DOC_REFERRAL,
    DOC_RESIDENCE,
    filing_cancel,
    filing_change,
    filing_create,
)

BASIC = [DOC_IDENTITY, DOC_FORM]
TODAY = date(2026, 3, 1)


@pytest.fixture
def staff(world):
    return user_with(Role.MEDINS_AGENCY, "220100")


def make(staff, person, category, docs, **kw):
    kw.setdefault("destination_code", "460000")
    kw.setdefault("begin_date", TODAY)
    return filing_create(staff, person=person, category=category, documents=docs,
                         channel=kw.pop("channel", "counter"), **kw)  # fmt: skip


@pytest.mark.parametrize(
    "category, docs, end",
    [
        ("retiree", [*BASIC, DOC_COMMITMENT], None),
        ("resident", [*BASIC, DOC_RESIDENCE], None),
        ("posted", [*BASIC, DOC_COMMITMENT], None),
        ("referral", [*BASIC, DOC_REFERRAL], date(2026, 9, 1)),
        ("emergency", BASIC, date(2026, 9, 1)),
        ("temporary_other", BASIC, date(2026, 9, 1)),
    ],
)
def test_six_categories_and_their_validity(staff, employee, category, docs, end):
    filing = make(staff, employee, category, docs)
    assert filing.end_date == end  # long-stay open-ended; temporary exactly 6 months by default
    assert AuditEvent.objects.filter(event_type="settlement.filed").count() == 1


def test_document_rules(staff, employee):
    with pytest.raises(Invalid, match="commitment"):
        make(staff, employee, "retiree", BASIC)
    with pytest.raises(Invalid, match="referral proof"):
        make(staff, employee, "referral", BASIC)
    with pytest.raises(Invalid, match="identity"):
        make(staff, employee, "temporary_other", [DOC_FORM])


def test_validity_and_destination_rules(staff, employee):
    with pytest.raises(Invalid, match="at least 6 months"):
        make(staff, employee, "temporary_other", BASIC, end_date=date(2026, 8, 31))
    assert make(staff, employee, "temporary_other", BASIC, end_date=date(2027, 3, 1)).end_date
    with pytest.raises(Invalid, match="no end date"):
        make(staff, employee, "retiree", [*BASIC, DOC_COMMITMENT], end_date=date(2030, 1, 1))
    with pytest.raises(Invalid, match="insured city"):
        make(staff, employee, "temporary_other", BASIC, destination_code="220100")
    with pytest.raises(Invalid, match="not a known"):
        make(staff, employee, "temporary_other", BASIC, destination_code="990000")
    # a county is filed as its city; a province as the province
    assert (
        make(staff, employee, "temporary_other", BASIC, destination_code="460105").destination_id
        == "460100000000"
    )


def test_change_and_cancel_are_audited(staff, employee):
    filing = make(staff, employee, "temporary_other", BASIC)
    filing = filing_change(staff, filing=filing, destination_code="460100", end_date=None,
                           documents=BASIC, channel="counter", reason="改为海口")  # fmt: skip
    assert filing.destination_id == "460100000000"
    with pytest.raises(Invalid):
        filing_cancel(staff, filing=filing, channel="counter", reason=" ")
    filing_cancel(staff, filing=filing, channel="counter", reason="已回长春")
    kinds = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"settlement.filing_changed", "settlement.filing_cancelled"} <= kinds


def test_who_may_file(world, employee):
    other_city = user_with(Role.MEDINS_AGENCY, "460100")
    with pytest.raises(Forbidden):
        make(other_city, employee, "temporary_other", BASIC)
    citizen = user_with(Role.APPLICANT, "220102001001")
    with pytest.raises(Forbidden):
        make(citizen, employee, "temporary_other", BASIC, channel="online")
    PersonLink.objects.create(user=citizen, person=employee)
    assert make(citizen, employee, "temporary_other", BASIC, channel="online").channel == "online"


def _admit_and_bill(fsi, person, med_type="21"):
    """Admit, bill 10,000.00 of class-A items and discharge; return the settlement input."""
    fsi.sign_in()
    psn, place = str(person.pk), person.insured_division_id[:6]
    data = {"psn_no": psn, "insutype": "310", "med_type": med_type}
    mdtrt_id = fsi.call("2401", {"mdtrtinfo": data}, insuplc=place)["output"]["result"]["mdtrt_id"]
    line = {"feedetl_sn": "1", "mdtrt_id": mdtrt_id, "psn_no": psn, "med_list_codg": "XJ01CAA001",
            "det_item_fee_sumamt": 10000, "cnt": 400, "pric": 25}  # fmt: skip
    assert fsi.call("2301", {"feedetail": [line]}, insuplc=place)["infcode"] == 0
    discharge = {"mdtrt_id": mdtrt_id, "psn_no": psn, "insutype": "310"}
    assert fsi.call("2402", {"dscginfo": discharge}, insuplc=place)["infcode"] == 0
    return {"psn_no": psn, "mdtrt_id": mdtrt_id, "insutype": "310", "medfee_sumamt": 10000,
            "acct_used_flag": "0"}  # fmt: skip


def test_unfiled_then_filed_before_discharge_settles_as_filed(fsi_haikou, staff, employee):
    data = _admit_and_bill(fsi_haikou, employee)
    # Haikou level-3 provincial inpatient: (10,000 − 1,200) × 85 % × 70 % unfiled = 5,236.00
    pre = fsi_haikou.call("2303", {"data": data})["output"]["setlinfo"]
    assert (pre["exp_content"]["basis"], pre["hifp_pay"]) == ("unfiled_other", 5236.0)
    make(staff, employee, "temporary_other", BASIC, begin_date=timezone.localdate())
    # filed before discharge settlement: × 90 % → 8,800 × 76.5 % = 6,732.00
    done = fsi_haikou.call("2304", {"data": data})["output"]["setlinfo"]
    assert (done["exp_content"]["basis"], done["hifp_pay"]) == ("temporary_other", 6732.0)
    assert Settlement.objects.get().filing is not None


def test_emergency_without_filing_is_treated_as_filed(fsi_haikou, employee):
    data = _admit_and_bill(fsi_haikou, employee, med_type="13")
    done = fsi_haikou.call("2304", {"data": data})["output"]["setlinfo"]
    # 8,800 × 85 % × 90 % = 6,732.00, no filing needed
    assert (done["exp_content"]["basis"], done["hifp_pay"]) == ("emergency", 6732.0)
    assert Settlement.objects.get().emergency is True


def test_policy_set_add_is_checked_and_audited(staff):
    from yimen.settlement.rules.changchun import CHANGCHUN_2025
    from yimen.settlement.services.policy import policy_set_add

    with pytest.raises(Invalid, match="incomplete"):
        policy_set_add(staff, division_code="220100000000", valid_from=date(2027, 1, 1),
                       values={"outpatient": {}}, source="x")  # fmt: skip
    row = policy_set_add(staff, division_code="220100000000", valid_from=date(2027, 1, 1),
                         values=CHANGCHUN_2025, source="长医保发〔2026〕1号（测试）")  # fmt: skip
    assert AuditEvent.objects.filter(event_type="settlement.policy_set").count() == 1
    with pytest.raises(Forbidden):
        policy_set_add(user_with(Role.MEDINS_AGENCY, "460100"), division_code="220100000000",
                       valid_from=date(2028, 1, 1), values=CHANGCHUN_2025, source="x")  # fmt: skip
    assert row.pk


def test_a_stopped_insured_person_is_refused_and_nothing_is_written(staff, employee):
    filing = make(staff, employee, "temporary_other", BASIC)
    employee.status = InsuredStatus.STOPPED
    employee.save(update_fields=["status"])
    with pytest.raises(Invalid) as refused:
        make(staff, employee, "temporary_other", BASIC)
    assert refused.value.code == "settlement.filing_insurance_stopped"
    assert "中止参保" in refused.value.render("zh-hans")
    assert "insurance is stopped" in refused.value.render("en")
    with pytest.raises(Invalid):
        filing_change(staff, filing=filing, destination_code="460100", end_date=None,
                      documents=BASIC, channel="counter", reason="改去海口")  # fmt: skip
    filing.refresh_from_db()
    assert filing.destination_id == "460000000000"
    assert AuditEvent.objects.filter(event_type__startswith="settlement.filing").count() == 0
    assert AuditEvent.objects.filter(event_type="settlement.filed").count() == 1
