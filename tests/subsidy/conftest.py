"""Fixtures of the subsidy tests: Yushu's villages, a scheme like the pilot's (window to
2020-11-30 23:59:59 Beijing time, placeholder rates), users of every subsidy role and a
vetted unit of each kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from stdnum.cn import ric, uscc

from tests.factories import user_with
from yimen.accounts.models import User
from yimen.accounts.roles import Role
from yimen.regions.codes import Level
from yimen.regions.models import Division
from yimen.subsidy.models import (
    ApplicantType,
    Application,
    FeedMethod,
    ItemType,
    PitMaterial,
    Programme,
    Rate,
    RateUnit,
    Scheme,
    Survey,
)
from yimen.subsidy.rules import ItemFacts
from yimen.subsidy.services.applications import application_start, application_submit, item_add
from yimen.subsidy.services.survey import UnitData, survey_vet, unit_survey

BJ = ZoneInfo("Asia/Shanghai")
YUSHU = "220182000000"
TOWN, VILLAGE = "220182001000", "220182001200"
OTHER_TOWN, OTHER_VILLAGE = "220182002000", "220182002200"
NOV = datetime(2020, 11, 10, 9, 0, tzinfo=BJ)  # inside the window
TODAY = date(2020, 11, 10)
SERIAL = count(1)


def id_for(birth: str = "19700101") -> str:
    body = f"220182{birth}{next(SERIAL) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def uscc_for(body: str = "93220182MA0Y7K2L") -> str:
    body = body + f"{next(SERIAL) % 10}"
    return body + uscc.calc_check_digit(body)


def make_scheme(division: Division, code: str = "YS2020", **kw) -> Scheme:
    programme, _ = Programme.objects.get_or_create(
        code="JL-SBR-2020",
        defaults={
            "name": "吉林省秸秆变肉工程",
            "division": Division.objects.get(code="220000000000"),
            "start_year": 2020,
            "target_year": 2025,
        },
    )
    scheme = Scheme.objects.create(
        programme=programme,
        code=code,
        name="榆树市秸秆变肉试点",
        division=division,
        opens_at=kw.pop("opens_at", datetime(2020, 10, 19, 0, 0, tzinfo=BJ)),
        deadline=kw.pop("deadline", datetime(2020, 11, 30, 23, 59, 59, tzinfo=BJ)),
        applicant_types=list(ApplicantType.values),
        earliest_work_date=date(2020, 10, 19),
        crop_year=2020,
        pit_materials=[PitMaterial.BRICK, PitMaterial.STONE, PitMaterial.CONCRETE],
        feed_methods=list(FeedMethod.values),
        same_pit_metres=30,
        photo_metres=200,
        disclosure_days=7,
        **kw,
    )
    for item_type, unit, rate, minimum, cap_item, cap_app in (
        (ItemType.PIT, RateUnit.CUBIC_METRE, "25", "100", "20000", "30000"),
        (ItemType.FEED, RateUnit.TONNE, "50", "10", None, "40000"),
        (ItemType.MACHINE, RateUnit.MACHINE, "3000", "0", None, "9000"),
    ):
        Rate.objects.create(
            scheme=scheme,
            item_type=item_type,
            unit=unit,
            rate=Decimal(rate),
            min_quantity=Decimal(minimum),
            cap_per_item=Decimal(cap_item) if cap_item else None,
            cap_per_applicant=Decimal(cap_app),
            tonnes_per_m3=Decimal("0.700"),
            valid_from=date(2020, 10, 1),
        )
    return scheme


def pit(lat="44.826100", lon="126.533200", length="10", width="5", depth="3", **kw) -> ItemFacts:
    return ItemFacts(
        item_type=ItemType.PIT,
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        material=kw.pop("material", PitMaterial.CONCRETE),
        length_m=Decimal(length),
        width_m=Decimal(width),
        depth_m=Decimal(depth),
        started_on=kw.pop("started_on", date(2020, 10, 19)),
    )


def feed(quantity="120", unit=RateUnit.TONNE, crop_year=2020, method=FeedMethod.WRAPPED):
    return ItemFacts(
        item_type=ItemType.FEED,
        crop_year=crop_year,
        method=method,
        quantity=Decimal(quantity),
        quantity_unit=unit,
    )


def machine(serial="SN-001", invoice="INV-001", on=date(2020, 10, 19)):
    return ItemFacts(
        item_type=ItemType.MACHINE,
        model_name="9RSZ-6 揉丝机",
        serial_number=serial,
        invoice_number=invoice,
        invoice_date=on,
    )


@dataclass
class World:
    scheme: Scheme
    surveyor: User
    inspector: User
    inspector2: User
    reviewer: User
    finance: User
    supervisor: User
    viewer: User
    unit_user: User
    other_unit_user: User
    outsider: User  # a surveyor of another county

    def unit(
        self,
        *,
        kind=ApplicantType.FARM,
        identity=None,
        name="张建国",
        village=VILLAGE,
        account=None,
        vet=True,
    ) -> Survey:
        survey = unit_survey(
            scheme=self.scheme,
            data=UnitData(
                kind,
                name,
                identity or (id_for() if kind == ApplicantType.FARM else uscc_for()),
                village,
                "联系人",
                "13800000000",
                "榆树农商银行",
                f"62210{next(SERIAL):011d}",
            ),
            actor=self.surveyor,
            today=TODAY,
        )
        if account is not None:
            survey.unit.account = account
            survey.unit.save(update_fields=["account"])
        if vet:
            survey_vet(survey=survey, actor=self.reviewer, qualified=True)
        return survey

    def submitted(self, *items: ItemFacts, survey=None, now=NOV) -> Application:
        survey = survey or self.unit()
        app = application_start(scheme=self.scheme, unit=survey.unit, actor=self.surveyor, now=now)
        for facts in items:
            item_add(application=app, facts=facts, actor=self.surveyor, now=now)
        return application_submit(application=app, actor=self.surveyor, now=now)


def _division(code: str, name: str, parent: Division) -> Division:
    level = Level.VILLAGE if code[9:] != "000" else Level.TOWNSHIP
    return Division.objects.create(code=code, name=name, level=level, parent=parent)


@pytest.fixture
def world(tree) -> World:
    yushu = tree[YUSHU]
    town = _division(TOWN, "华昌街道", yushu)
    _division(VILLAGE, "南门村委会", town)
    other = _division(OTHER_TOWN, "正阳街道", yushu)
    _division(OTHER_VILLAGE, "榆树村委会", other)
    return World(
        scheme=make_scheme(yushu),
        surveyor=user_with(Role.SUBSIDY_SURVEYOR, YUSHU, full_name="调查员"),
        inspector=user_with(Role.SUBSIDY_INSPECTOR, YUSHU, full_name="核查员甲"),
        inspector2=user_with(Role.SUBSIDY_INSPECTOR, YUSHU, full_name="核查员乙"),
        reviewer=user_with(Role.SUBSIDY_REVIEWER, YUSHU, full_name="孙立军"),
        finance=user_with(Role.SUBSIDY_FINANCE, YUSHU, full_name="财务"),
        supervisor=user_with(Role.COUNTY_SUPERVISOR, YUSHU, full_name="县监督"),
        viewer=user_with(Role.CITY_VIEWER, "220100000000", full_name="市级"),
        unit_user=user_with(Role.SUBSIDY_UNIT, VILLAGE, full_name="张建国"),
        other_unit_user=user_with(Role.SUBSIDY_UNIT, OTHER_VILLAGE, full_name="李明"),
        outsider=user_with(Role.SUBSIDY_SURVEYOR, "220102000000", full_name="南关调查员"),
    )
