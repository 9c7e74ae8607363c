"""The designated-hospital operator's page: its institution's visits and settlements, and
whether the interface's credentials cover it; never another area's institution."""

from __future__ import annotations

import pytest

from tests.factories import user_with
from yimen.accounts.roles import Role
from yimen.settlement.models import Settlement

from .conftest import CHANGCHUN_HOSPITAL, HAIKOU_HOSPITAL, Fsi
from .test_filing import _admit_and_bill

pytestmark = pytest.mark.django_db
PAGE = "/settlement/hospital/"


@pytest.fixture
def settled(client, world, employee):
    haikou = Fsi(client, HAIKOU_HOSPITAL)
    data = _admit_and_bill(haikou, employee)
    answer = haikou.call("2304", {"data": data})
    assert answer["infcode"] == 0, answer
    return Settlement.objects.get()


def test_the_operator_sees_its_visits_settlements_and_interface_status(client, settled, employee):
    client.force_login(user_with(Role.HOSPITAL_OPERATOR, "460100"))
    response = client.get(PAGE, {"institution": HAIKOU_HOSPITAL[0]})
    assert response.status_code == 200
    text = response.content.decode()
    assert HAIKOU_HOSPITAL[1] in text
    visits = text.split('id="visits"')[1].split("</section>")[0]
    assert settled.encounter.mdtrt_id in visits and employee.name in visits
    assert employee.id_number not in text  # masked
    assert employee.id_number[-4:] in visits
    rows = text.split('id="settlements"')[1].split("</section>")[0]
    assert settled.setl_id in rows and "10000.00" in rows
    status = text.split('id="interface-status"')[1].split("</section>")[0]
    assert status.count('class="credential-state"') == 1  # the bearer one covers everyone
    assert "test-bearer-token" not in text and "tif-secret" not in text
    assert "1099" in status.split('id="sign-in"')[1]  # the operator signed in (9001)


def test_an_operator_never_sees_another_areas_institution(client, settled):
    client.force_login(user_with(Role.HOSPITAL_OPERATOR, "220102"))
    response = client.get(PAGE, {"institution": HAIKOU_HOSPITAL[0]})
    assert response.status_code == 200
    text = response.content.decode()
    assert HAIKOU_HOSPITAL[1] not in text
    assert settled.setl_id not in text and settled.encounter.mdtrt_id not in text
    text = client.get(PAGE, {"institution": CHANGCHUN_HOSPITAL[0]}).content.decode()
    assert CHANGCHUN_HOSPITAL[1] in text
    status = text.split('id="interface-status"')[1].split("</section>")[0]
    assert status.count('class="credential-state"') == 2  # bearer (*) and tif for this one
    assert "yimen-test" in status


def test_without_a_credential_the_page_says_messages_are_refused(client, world, settings):
    settings.YIMEN_FSI_AUTH = []
    client.force_login(user_with(Role.HOSPITAL_OPERATOR, "220102"))
    text = client.get(PAGE).content.decode()
    assert 'id="no-credentials"' in text


def test_only_hospital_operators_open_the_page(client, world):
    client.force_login(user_with(Role.MEDINS_AGENCY, "220100"))
    assert client.get(PAGE).status_code == 403
