"""Demo data of straw-burning supervision (``demo_loader`` on the app config, order 95):
the synthetic grids of 农安县 (labelled synthetic: official polygons were not found), the
包保 tree with dated assignments, a week of fire points in NASA FIRMS VIIRS format
generated for the county and imported day by day, cases at every stage (dispatched,
overdue and escalated, on site, verified, returned, closed, permitted, a flagged photo, a
point outside every grid), the county's re-check sample, one summons, the deductions of
the season and the province's 16 inspection groups with a visit.

The province's environment inspector (``inspector``, 马超, accounts/demo.py) imports the
satellite files and holds the county to account, so every burning page shows that
account work. Accounts added here: ``burningcounty`` (农安县 office), ``burningtown``
(伏龙泉镇 duty), ``gridhead`` and ``baobao`` (东榛柴村), ``inspectgroup`` (a group member),
``burningsupervisor`` (农安县's county supervisor: the fire cases read-only in supervision).
Rerunning changes nothing."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

from django.db import transaction
from django.utils import timezone

from yimen.accounts.demo import DemoUser, ensure_demo_users
from yimen.accounts.models import User
from yimen.accounts.roles import Role
from yimen.regions.models import Division

from . import synthetic
from .models import (
    AssignmentKind,
    BurningSettings,
    CaseStatus,
    FireCase,
    GridImport,
    InspectionGroup,
    Unit,
    UnitLevel,
    ZoneKind,
)
from .services.accountability import deductions_assess, summons_record
from .services.common import unit_for_division
from .services.dispatch import (
    PhotoIn,
    case_arrive,
    case_close,
    case_return,
    case_verify,
    cases_escalate,
)
from .services.fires import fire_report, fires_import
from .services.inspections import CountyPeriod, group_create, visit_record
from .services.recheck import recheck_draw
from .services.tree import assignment_set, grids_import, permit_issue, zone_set

PROVINCE, COUNTY = "220000000000", synthetic.COUNTY
FULONGQUAN, HALAHAI = "220122101000", "220122102000"
VILLAGE = "220122101201"  # 东榛柴村
ACCOUNTS = [
    DemoUser("burningcounty", "于海涛", Role.BURNING_COUNTY, COUNTY),
    DemoUser("burningtown", "高丽娟", Role.BURNING_TOWNSHIP, FULONGQUAN),
    DemoUser("burningtown2", "姜永福", Role.BURNING_TOWNSHIP, HALAHAI),
    DemoUser("gridhead", "董立国", Role.GRID_HEAD, VILLAGE),
    DemoUser("baobao", "田淑芬", Role.BAOBAO_PERSON, VILLAGE),
    DemoUser("inspectgroup", "邵明", Role.INSPECTION_MEMBER, PROVINCE),
    # county supervision (民政/监督) of 农安县: reads the fire cases at /county/burning/
    DemoUser("burningsupervisor", "罗振华", Role.COUNTY_SUPERVISOR, COUNTY),
]
GROUP_NAMES = "一二三四五六七八九十"


def _photo(lon: float, lat: float, when: datetime) -> bytes:
    """A plain JPEG carrying the position and time in its EXIF data, as a phone writes it."""
    from PIL import Image

    image = Image.new("RGB", (64, 48), (180, 120, 60))
    exif = Image.Exif()
    exif[0x0132] = timezone.localtime(when).strftime("%Y:%m:%d %H:%M:%S")

    def dms(value: float):
        d = int(value)
        m = int((value - d) * 60)
        s = round(((value - d) * 60 - m) * 60 * 100)
        return (Fraction(d), Fraction(m), Fraction(s, 100))

    exif[0x8825] = {1: "N", 2: dms(lat), 3: "E", 4: dms(lon)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


#: demo mobile numbers of the field people, so ``make demo`` leaves their dispatch texts in
#: var/sms-outbox.jsonl (yimen notify)
PHONES = {"gridhead": "13504311801", "baobao": "13504311802", "burningtown": "13504311803"}


def _users() -> dict[str, User]:
    ensure_demo_users(ACCOUNTS)
    for username, phone in PHONES.items():
        User.objects.filter(username=username).update(phone=phone)
    names = [a.username for a in ACCOUNTS] + ["inspector"]
    return {u.username: u for u in User.objects.filter(username__in=names)}


def _tree(users, county_division, start: date, today: date) -> None:
    office, town, town2 = users["burningcounty"], users["burningtown"], users["burningtown2"]
    head, baobao = users["gridhead"], users["baobao"]
    grids_import(
        county=county_division,
        data=synthetic.geojson(),
        filename="农安县网格（示例，非官方）.geojson",
        actor=office,
        synthetic=True,
        today=today,
    )
    county_unit = unit_for_division(county_division)
    assignment_set(
        unit=county_unit,
        kind=AssignmentKind.RESPONSIBLE,
        person=office,
        valid_from=start,
        actor=office,
    )
    for code, person in ((FULONGQUAN, town), (HALAHAI, town2)):
        township = unit_for_division(Division.objects.get(pk=code))
        assignment_set(
            unit=township,
            kind=AssignmentKind.RESPONSIBLE,
            person=person,
            valid_from=start,
            actor=office,
        )
    for village in Unit.objects.filter(county_code=COUNTY[:6], level=UnitLevel.VILLAGE):
        local = (
            baobao
            if village.code == VILLAGE
            else (town if village.code.startswith(FULONGQUAN[:9]) else town2)
        )
        assignment_set(
            unit=village,
            kind=AssignmentKind.RESPONSIBLE,
            person=local,
            valid_from=start,
            actor=office,
        )
        for grid in village.children.order_by("code"):
            assignment_set(
                unit=grid,
                kind=AssignmentKind.RESPONSIBLE,
                person=local,
                valid_from=start,
                actor=office,
            )
            if village.code == VILLAGE:
                assignment_set(
                    unit=grid,
                    kind=AssignmentKind.GRID_HEAD,
                    person=head,
                    valid_from=start,
                    actor=office,
                )
    # a dated change: from three days ago the grid head answers for the first grid too
    first = Unit.objects.get(code=f"{VILLAGE}-G01")
    assignment_set(
        unit=first,
        kind=AssignmentKind.RESPONSIBLE,
        person=head,
        valid_from=today - timedelta(days=3),
        phone="13800000000",
        actor=office,
    )
    # 哈拉海村's upper grids are a limited-burning zone for the season
    for n in (3, 4):
        zone_set(
            unit=Unit.objects.get(code=f"220122102200-G0{n}"),
            kind=ZoneKind.LIMITED,
            valid_from=start,
            actor=office,
        )


def _week(users, today: date) -> list:
    """The week's FIRMS files, one per day, each imported about 3 hours after the overpass
    (FIRMS' near-real-time delay), so each day's cases are dispatched on that day."""
    office = users["burningcounty"]
    yesterday = today - timedelta(days=1)
    points = synthetic.week_of_points(yesterday)
    # one point 8 km east of the lattice: no grid near it, the county's (unassigned)
    east = synthetic.ORIGIN[0] + 3 * synthetic.VILLAGE_SIZE[0] + 0.1
    two_days = yesterday - timedelta(days=1)
    points.append(
        (east, 44.37, datetime(two_days.year, two_days.month, two_days.day, 5, 35, tzinfo=UTC), "n")
    )
    # a planned burning in 哈拉海村 grid 3 under a permit (yesterday, 10:00–16:00)
    grid3 = Unit.objects.get(code="220122102200-G03")
    window = timezone.make_aware(datetime.combine(yesterday, datetime.min.time())) + timedelta(
        hours=10
    )
    permit_issue(
        unit=grid3,
        holder="哈拉海村李长海（合作社）",
        starts_at=window,
        ends_at=window + timedelta(hours=6),
        area_mu=120,
        conditions="专人看护，烧前报乡镇，风力三级以下",
        actor=office,
    )
    centre = ((grid3.min_lon + grid3.max_lon) / 2, (grid3.min_lat + grid3.max_lat) / 2)
    points.append((*centre, window.astimezone(UTC) + timedelta(hours=2), "h"))
    by_day = defaultdict(list)
    for point in points:
        by_day[timezone.localtime(point[2]).date()].append(point)
    imports = []
    for day in sorted(by_day):
        day_points = sorted(by_day[day], key=lambda p: p[2])
        arrival = max(p[2] for p in day_points) + timedelta(hours=3)
        imports.append(
            fires_import(
                data=synthetic.firms_viirs_csv(day_points),
                filename=f"fire_nrt_J1V-C2_{day:%Y%m%d}.csv",
                actor=users["inspector"],
                now=min(arrival, timezone.now()),
            )
        )
    return imports


def _stages(users, today: date) -> None:
    """Move the week's cases through their stages; leave some at each one."""
    head, baobao, town, town2 = (
        users["gridhead"],
        users["baobao"],
        users["burningtown"],
        users["burningtown2"],
    )
    cases = list(
        FireCase.objects.filter(county_code=COUNTY[:6], status=CaseStatus.DISPATCHED).order_by(
            "opened_at", "number"
        )
    )
    yesterday = today - timedelta(days=1)
    older = [c for c in cases if timezone.localtime(c.opened_at).date() < yesterday]
    recent = [c for c in cases if c not in older]
    outcomes = [
        ("straw_fire", "", 700.0, "村民王某", "当场扑灭，移交派出所处罚500元"),
        ("false", "温室大棚热源，非秸秆焚烧", None, "", ""),
        ("straw_fire", "", 1500.0, "不明", "已扑灭，村委会排查中"),
        ("industrial", "砖厂窑炉热源", None, "", ""),
        ("straw_fire", "", 300.0, "村民赵某", "已扑灭，批评教育"),
    ]
    older = [c for c in older if c.township_code]  # the county's own stay overdue
    for n, case in enumerate(older):
        field = (
            head
            if case.grid_head_id == head.pk or case.responsible_id == head.pk
            else (baobao if case.responsible_id == baobao.pk else None)
        )
        township = town if case.township_code == FULONGQUAN[:9] else town2
        worker = field or township
        arrived = case.opened_at + timedelta(minutes=18 + 7 * (n % 5))
        case_arrive(case=case, actor=worker, at=arrived)
        outcome, reason, area, party, handling = outcomes[n % len(outcomes)]
        far = n == 2  # one photo taken 1.5 km away: flagged
        lon = case.longitude + (0.02 if far else 0.0004)
        case_verify(
            case=case,
            actor=worker,
            outcome=outcome,
            reason=reason,
            burnt_area_m2=area,
            responsible_party=party,
            handling=handling,
            photos=[PhotoIn("现场.jpg", _photo(lon, case.latitude, arrived))],
            now=arrived + timedelta(minutes=40),
        )
        if n == 3:
            case_return(case=case, actor=township, reason="照片未见热源，请补拍窑炉位置")
            continue
        if n == 4:
            continue  # verified, awaiting the township's signature
        case_close(case=case, actor=township, note="已核查办结", now=arrived + timedelta(hours=3))
    # yesterday's: one on site without verification (its 24 h runs out), the rest untouched
    if recent:
        first = recent[0]
        worker = (
            head
            if first.grid_head_id == head.pk
            else (town if first.township_code == FULONGQUAN[:9] else town2)
        )
        case_arrive(case=first, actor=worker, at=first.opened_at + timedelta(minutes=25))


def _today(users) -> None:
    """Two fires reported today: one 10 minutes ago (the clock running), one 2 hours ago
    that nobody reached (overdue, escalated up the chain)."""
    head = users["gridhead"]
    for code, minutes, source in (
        (f"{VILLAGE}-G02", 10, "hotline"),
        (f"{VILLAGE}-G04", 120, "patrol"),
    ):
        grid = Unit.objects.get(code=code)
        seen = timezone.now() - timedelta(minutes=minutes)
        fire_report(
            actor=head,
            source=source,
            longitude=(grid.min_lon + grid.max_lon) / 2,
            latitude=(grid.min_lat + grid.max_lat) / 2,
            seen_at=seen,
            place="东榛柴村",
            note="群众电话举报" if source == "hotline" else "网格长巡查发现",
            now=seen,
        )


def _accountability(users, county_division, today: date) -> None:
    inspector, office, member = users["inspector"], users["burningcounty"], users["inspectgroup"]
    province = Division.objects.get(pk=PROVINCE)
    straw = list(
        FireCase.objects.filter(county_code=COUNTY[:6], outcome="straw_fire").order_by("number")[:2]
    )
    summons_record(
        division=Division.objects.get(pk=FULONGQUAN),
        summoned_name="孙国栋",
        summoned_post="伏龙泉镇党委书记",
        summoner_office="吉林省生态环境厅",
        held_on=today - timedelta(days=1),
        problems="禁烧区连续出现卫星火点，网格巡查不到位（示例）",
        cases=straw,
        actor=inspector,
    )
    season_year = today.year if today.month >= 10 else today.year - 1
    deductions_assess(county=county_division, season_year=season_year, actor=inspector)
    counties = list(
        Division.objects.filter(code__startswith="22", level=3)
        .order_by("code")
        .values_list("code", flat=True)
    )
    start, end = today - timedelta(days=14), today + timedelta(days=30)
    for number in range(1, 17):
        name = GROUP_NAMES[number - 1] if number <= 10 else "十" + GROUP_NAMES[number - 11]
        mine = [Division.objects.get(pk=c) for c in counties[(number - 1) * 4 : number * 4]]
        if number == 3:
            mine = [county_division, *[d for d in mine if d.code != county_division.code]]
        group_create(
            number=number,
            name=f"第{name}督查组",
            leader="马超" if number == 3 else "",
            division=province,
            members=[member] if number == 3 else [],
            counties=[CountyPeriod(d, start, end) for d in mine],
            actor=inspector,
        )
    visit_record(
        group=InspectionGroup.objects.get(number=3),
        county=county_division,
        visited_on=today - timedelta(days=2),
        places="伏龙泉镇东榛柴村、G202国道沿线",
        findings="国道沿线发现1处火点，责令立即扑灭；要求以人看人、以人看地，重点时段巡查（示例）",
        cases=straw[:1],
        actor=member,
    )
    if FireCase.objects.filter(county_code=COUNTY[:6], status=CaseStatus.CLOSED).exists():
        recheck_draw(
            county=county_division,
            period_from=today - timedelta(days=10),
            period_to=today,
            seed="demo-2026",
            actor=office,
        )


@transaction.atomic
def load_demo() -> str:
    users = _users()
    county_division = Division.objects.get(pk=COUNTY)
    if GridImport.objects.filter(county=county_division, synthetic=True).exists():
        return (
            f"已有 already loaded: {Unit.objects.filter(level=UnitLevel.GRID).count()} grids, "
            f"{FireCase.objects.count()} fire cases"
        )
    today = timezone.localdate()
    start = date(today.year - 1, 10, 1)
    BurningSettings.objects.get_or_create(
        division=Division.objects.get(pk=PROVINCE), valid_from=date(2018, 1, 1)
    )
    _tree(users, county_division, start, today)
    imports = _week(users, today)
    _stages(users, today)
    _today(users)
    cases_escalate()
    _accountability(users, county_division, today)
    grids, cases = Unit.objects.filter(level=UnitLevel.GRID).count(), FireCase.objects.count()
    points = sum(i.new for i in imports)
    return (
        f"{grids} 个示例网格、{points} 个 FIRMS 火点、{cases} 件火点案件 "
        f"{grids} synthetic grids, {points} FIRMS detections, {cases} fire cases"
    )
