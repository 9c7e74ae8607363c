"""Issue 14 item 8: the disclosure page shows each household's 公示 period (from–to) and the
supervision telephone, both from dated per-division settings (assistance.limits), the
nearest division up the tree with a setting in force winning; an example telephone is
marked to staff only."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.assistance.test_public import approved, use_public_urls, village_url
from tests.factories import HUAYANG, NANGUAN, NANLING, user_with
from yimen.accounts.roles import Role
from yimen.assistance.limits import DEFAULT_DISCLOSURE, disclosures_for
from yimen.assistance.models import DisclosureSetting

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI)  # a Monday
EXAMPLE = "示例参数，待主管部门确认"


@pytest.fixture
def public_urls(settings, tmp_path):
    use_public_urls(settings, tmp_path)


def setting(division, valid_from, *, days=7, phone="", example=False):
    return DisclosureSetting.objects.create(
        division_id=division,
        valid_from=valid_from,
        period_days=days,
        supervision_phone=phone,
        example=example,
        source="test",
    )


def test_the_nearest_setting_in_force_applies(tree):
    setting(NANGUAN, date(2026, 1, 1), days=7, phone="0431-1111")
    setting(NANGUAN, date(2026, 12, 1), days=10, phone="0431-2222")  # later: not yet
    setting(NANLING, date(2026, 6, 1), days=5, phone="0431-3333")  # the township's own
    found = disclosures_for([HUAYANG, "220102002001"], date(2026, 11, 16))
    assert (found[HUAYANG].period_days, found[HUAYANG].supervision_phone) == (5, "0431-3333")
    assert found["220102002001"].supervision_phone == "0431-1111"  # 自强街道: the district's
    assert disclosures_for([HUAYANG], date(2025, 1, 1))[HUAYANG] == DEFAULT_DISCLOSURE
    later = disclosures_for(["220102002001"], date(2026, 12, 1))["220102002001"]
    assert (later.period_days, later.supervision_phone) == (10, "0431-2222")


def test_the_page_shows_the_period_and_the_telephone(client, staff, public_urls):
    setting(NANGUAN, date(2026, 1, 1), days=10, phone="0431-8888 6666", example=True)
    with time_machine.travel(DAY, tick=False):
        application = approved(staff)
        page = client.get(village_url()).content.decode()
    row = page.split(f'id="household-{application.pk}"')[1].split("</tr>")[0]
    assert "2026-11-16 至 2026-11-26" in row  # approved that day, ten days by the setting
    assert 'id="supervision-phone"' in page and "0431-8888 6666" in page
    assert 'href="tel:043188886666"' in page
    assert EXAMPLE not in page  # the public is not told about example values


@pytest.mark.parametrize(
    ("role", "division", "marked"),
    [
        (Role.TOWNSHIP_CASEWORKER, NANLING, True),
        (Role.VILLAGE_STAFF, HUAYANG, True),
        (Role.APPLICANT, HUAYANG, False),
    ],
)
def test_an_example_telephone_is_marked_to_staff_only(
    client, staff, public_urls, role, division, marked
):
    setting(NANGUAN, date(2026, 1, 1), phone="0431-8888 6666", example=True)
    with time_machine.travel(DAY, tick=False):
        approved(staff)
        client.force_login(user_with(role, division))
        page = client.get(village_url()).content.decode()
    assert ("0431-8888 6666" in page) and ((EXAMPLE in page) == marked)


def test_a_confirmed_telephone_is_not_marked_and_without_one_none_is_shown(
    client, staff, public_urls
):
    with time_machine.travel(DAY, tick=False):
        approved(staff)
        client.force_login(staff.caseworker)
        page = client.get(village_url()).content.decode()
        assert 'id="supervision-phone"' not in page  # no setting: no invented number
        assert "2026-11-16 至 2026-11-23" in page  # the default: the disclose step's 7 days
        setting(NANGUAN, date(2026, 1, 1), phone="0431-8888 6666")
        page = client.get(village_url()).content.decode()
    assert "0431-8888 6666" in page and EXAMPLE not in page
