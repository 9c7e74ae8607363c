"""Demo data of economic verification: partner batches and one completed run with reports.

Loaded by ``yimen load_demo`` (``demo_loader`` on the app config) after the assistance demo;
safe to rerun. The seeded synthetic generator (synthetic.py) makes the residents of a few
households in 南岭街道 and 自强街道 and every partner agency's file about them (plus people
nobody asked about); the files are imported through the real importer — CSV, one Excel
workbook and one Parquet file, two banks sending deposits — and the households are entered,
accepted and asked to be verified through the real services. Most declare what the records
hold; one leaves out most of its deposits (the run marks its case disputed) and one declares
a little less than its records (a difference under the thresholds). The run is executed
inline, so the verification pages, the case pages and the applicant's status page all show
reports."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
from django.core.files.uploadedfile import SimpleUploadedFile

from yimen.accounts.models import User
from yimen.assistance.inputs import (
    ApplicationInput,
    AssetInput,
    IncomeInput,
    MemberInput,
)
from yimen.assistance.services import intake, steps
from yimen.fieldcrypt.columns import blind_indexes

from . import synthetic
from .importing import partner_data_import
from .matching import match_members
from .models import ImportBatch, VerificationReport
from .reports import ITEMS, report_frame
from .requests import verification_request_open
from .runs import run_execute, run_start

PARTNER = "演示"  # every demo partner's name starts with it (how a rerun knows)
SEED = 2026
#: (village, caseworker username, household size, how it declares)
HOUSEHOLDS = (
    ("220102001001", "caseworker", 3, "truthful"),
    ("220102001002", "caseworker", 2, "hides_deposits"),
    ("220102001001", "caseworker", 4, "a_little_less"),
    ("220102002001", "caseworker2", 2, "truthful"),
    ("220102002005", "caseworker2", 3, "truthful"),
)
#: partner agency and file format of each source; bank deposits come from two banks
FILES = (
    ("household_register", "演示·长春市公安局户籍", "csv"),
    ("bank_deposits", "演示·中国银行长春分行", "csv"),
    ("bank_deposits", "演示·吉林银行", "xlsx"),
    ("securities", "演示·中国证券登记结算", "csv"),
    ("vehicles", "演示·长春市公安局交警支队", "csv"),
    ("real_estate", "演示·长春市不动产登记中心", "parquet"),
    ("market_entities", "演示·长春市市场监督管理局", "csv"),
    ("social_insurance", "演示·长春市社会保险事业管理局", "csv"),
    ("housing_fund", "演示·长春市住房公积金管理中心", "csv"),
    ("tax", "演示·国家税务总局长春市税务局", "csv"),
)
RELATIONSHIPS = ("head", "spouse", "child", "child", "child")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def _households() -> list[list[synthetic.Person]]:
    return [
        synthetic.people(size, seed=SEED + i, divisions=[village])[:size]
        for i, (village, _, size, _) in enumerate(HOUSEHOLDS)
    ]


def _import(households: list[list[synthetic.Person]], as_of: date) -> list[ImportBatch]:
    """Write and import one file per (source, partner); background people in each."""
    requested = [p for h in households for p in h]
    background = synthetic.people(400, seed=SEED + 100)
    batches = []
    with tempfile.TemporaryDirectory(prefix="yimen-demo-") as folder:
        for i, (source, partner, fmt) in enumerate(FILES):
            # the two banks share the people: each bank holds a different seed's accounts
            persons = requested + background[i * 30 : i * 30 + 120]
            path = Path(folder) / f"{source}-{i}.{fmt}"
            synthetic.write_source(source, persons, path, fmt, seed=SEED + i, today=as_of)
            batches.append(
                partner_data_import(source=source, partner=partner, as_of=as_of, path=path)
            )
    return batches


def _found(households: list[list[synthetic.Person]], on: date) -> list[dict]:
    """What the partner records hold per household (the engine itself, nothing declared)."""
    members = pl.DataFrame(
        {
            "household_id": [i for i, h in enumerate(households) for _ in h],
            "id_number": blind_indexes("id_number", [p.id_number for h in households for p in h]),
        },
        schema={"household_id": pl.Int64, "id_number": pl.String},
    )
    nothing = pl.DataFrame(
        {"household_id": list(range(len(households)))}, schema={"household_id": pl.Int64}
    ).with_columns(
        pl.lit(HOUSEHOLDS[0][0]).alias("division_id"),
        *(pl.lit(0, dtype=pl.Int64).alias(f"d_{c}") for c in ("income", *(i.code for i in ITEMS))),
    )
    frame = report_frame(members, match_members(members), nothing, on)
    return frame.sort("household_id").to_dicts()


def _yuan(fen: int) -> Decimal:
    return (Decimal(int(fen)) / 100).quantize(Decimal("0.01"))


def _declaration(found: dict, how: str) -> tuple[list[IncomeInput], list[AssetInput]]:
    incomes, assets = [], []
    deposits = found["v_deposits"]
    if how == "hides_deposits":
        deposits = min(deposits, 50_000)  # 500 yuan declared
    elif how == "a_little_less":
        deposits = max(0, deposits - 50_000)  # 500 yuan under: within the threshold
    if found["v_wages"]:
        incomes.append(IncomeInput("wages", _yuan(found["v_wages"])))
    if found["v_pension"]:
        incomes.append(IncomeInput("transfer", _yuan(found["v_pension"])))
    if deposits:
        assets.append(AssetInput("deposit", _yuan(deposits)))
    if found["v_securities"]:
        assets.append(AssetInput("securities", _yuan(found["v_securities"])))
    if found["v_cars"]:
        assets.append(AssetInput("vehicle", quantity=found["v_cars"], vehicle_kind="car"))
    if found["v_homes"]:
        assets.append(AssetInput("housing", quantity=found["v_homes"]))
    if found["v_market_entities"]:
        assets.append(AssetInput("market_entity", quantity=found["v_market_entities"]))
    return incomes, assets


def _enter(persons, village: str, found: dict, how: str, worker: User, signed_on: date):
    incomes, assets = _declaration(found, how)
    members = [
        MemberInput(
            name=p.name,
            id_number=p.id_number,
            relationship=RELATIONSHIPS[k],
            work_ability="partial",
            incomes=incomes if k == 0 else [],
            promise_signed_on=signed_on,
            authorisation_signed_on=signed_on,
        )
        for k, p in enumerate(persons)
    ]
    application = intake.application_create(
        actor=worker,
        data=ApplicationInput(
            division_code=village,
            address=f"核对演示{persons[0].name}家",
            hukou_type=persons[0].hukou_type,
            assistance_type="dibao",
            channel="counter",
            members=members,
            assets=assets,
        ),
    )
    # named as a person would name the scan: the page shows the file name
    for kind, name in (("id_card", "身份证.png"), ("hukou", "户口簿.png")):
        upload = SimpleUploadedFile(name, PNG, content_type="image/png")
        intake.attachment_add(actor=worker, application=application, kind=kind, upload=upload)
    steps.case_accept(actor=worker, application=application)
    application.refresh_from_db()
    verification_request_open(actor=worker, application=application)
    return application


def load() -> str:
    """Import the demo's partner batches and run one verification (once)."""
    if ImportBatch.objects.filter(partner__startswith=PARTNER).exists():
        return "already loaded / 已加载"
    today = date.today()
    as_of = today.replace(day=1)
    households = _households()
    batches = _import(households, as_of)
    found = _found(households, today)
    users = {u.username: u for u in User.objects.filter(username__in=["caseworker", "caseworker2"])}
    signed_on = today - timedelta(days=3)
    for persons, (village, worker, _, how), values in zip(
        households, HOUSEHOLDS, found, strict=True
    ):
        _enter(persons, village, values, how, users[worker], signed_on)
    run = run_execute(run_start(actor=users["caseworker"]).pk)
    disputed = VerificationReport.objects.filter(run=run, disputed=True).count()
    return (
        f"{len(batches)} partner batches, run #{run.pk}: {run.reports} reports, "
        f"{disputed} disputed / {len(batches)} 批合作单位数据，核对批次 #{run.pk}："
        f"{run.reports} 份报告，{disputed} 户有争议"
    )
