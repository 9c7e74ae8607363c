"""The pages through HTTP (upload → problems page, paged; download; import; scoping and the
English page) and the command (dry run, then import, then a rerun adding nothing)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.factories import TEST_PASSWORD, user_with
from tests.rostermove.sheets import generate
from yimen.accounts.roles import Role
from yimen.benefits.models import Beneficiary
from yimen.rostermove.models import ImportBatch

from .conftest import rules_amount

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)


def sheet_with_problems(n=60):
    sheet = generate(n, rules_amount)
    for h in sheet.households:  # every head's account is bad: n blocking problems
        h.rows[0]["银行账号"] = "12"
    return sheet


def test_upload_problems_download_import(client, county):
    login(client, county.staff)
    page = client.get(reverse("rostermove:batches"))
    assert page.status_code == 200 and "旧系统数据迁移" in page.content.decode()
    data = sheet_with_problems().xlsx_bytes()
    upload = io.BytesIO(data)
    upload.name = "花名册.xlsx"
    answer = client.post(
        reverse("rostermove:batches"),
        {"kind": "roster", "division": "220102000000", "file": upload, "mapping": ""},
    )
    batch = ImportBatch.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "rostermove:batch", args=[batch.pk]
    )
    shown = client.get(reverse("rostermove:batch", args=[batch.pk]))
    text = shown.content.decode()
    assert "账号应为8至32位数字" in text and "1 / 2" in text  # 60 problems, 50 a page
    second = client.get(reverse("rostermove:batch", args=[batch.pk]) + "?show=blocking&page=2")
    assert second.content.decode().count("账号应为8至32位数字") == 10
    english = client.get(reverse("rostermove:batch", args=[batch.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "An account number has 8 to 32 digits." in english.content.decode()
    download = client.get(reverse("rostermove:problems_xlsx", args=[batch.pk]))
    book = openpyxl.load_workbook(io.BytesIO(download.content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 61 and rows[1][0] == 2 and rows[1][4] == "是"
    done = client.post(reverse("rostermove:import", args=[batch.pk]))
    assert done.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "imported" and batch.imported == 0 and batch.skipped == 60
    again = client.post(reverse("rostermove:import", args=[batch.pk]), follow=True)
    assert "该批次已经导入" in again.content.decode()


def test_pages_fail_closed(client, county):
    login(client, county.staff)
    upload = io.BytesIO(generate(2, rules_amount).csv_bytes())
    upload.name = "a.csv"
    client.post(
        reverse("rostermove:batches"),
        {"kind": "roster", "division": "220102000000", "file": upload},
    )
    batch = ImportBatch.objects.get()
    for user in (
        user_with(Role.COUNTY_SUPERVISOR, "220103"),  # another county
        user_with(Role.TOWNSHIP_APPROVER, "220102001"),  # a township of this one
    ):
        client.logout()
        login(client, user)
        assert client.get(reverse("rostermove:batch", args=[batch.pk])).status_code == 404
        assert client.post(reverse("rostermove:import", args=[batch.pk])).status_code == 404
    assert client.get(reverse("rostermove:batches")).status_code == 404  # the township
    assert Beneficiary.objects.count() == 0


def test_a_bad_upload_is_refused_with_a_message(client, county):
    login(client, county.staff)
    upload = io.BytesIO(b"\x00\x01\x02")
    upload.name = "x.xls"
    answer = client.post(
        reverse("rostermove:batches"),
        {"kind": "roster", "division": "220102000000", "file": upload},
    )
    assert answer.status_code == 200 and "不是可读取的" in answer.content.decode()
    bad_mapping = io.BytesIO(generate(1, rules_amount).csv_bytes())
    bad_mapping.name = "a.csv"
    answer = client.post(
        reverse("rostermove:batches"),
        {
            "kind": "roster",
            "division": "220102000000",
            "file": bad_mapping,
            "mapping": '{"nope": "x"}',
        },
    )
    assert answer.status_code == 200 and "列对应关系无效" in answer.content.decode()
    assert ImportBatch.objects.count() == 0


def test_command_checks_imports_and_reruns(county, tmp_path):
    path = tmp_path / "花名册.csv"
    path.write_bytes(generate(30, rules_amount).csv_bytes())
    out = io.StringIO()
    call_command("roster_import", str(path), "--division", "220102", "--user", "county", stdout=out)
    assert "30 条可导入 valid" in out.getvalue()
    assert Beneficiary.objects.count() == 0
    out = io.StringIO()
    call_command(
        "roster_import",
        str(path),
        "--division",
        "220102",
        "--user",
        "county",
        "--import",
        stdout=out,
    )
    assert "已导入 imported: 30" in out.getvalue()
    out = io.StringIO()
    call_command(
        "roster_import",
        str(path),
        "--division",
        "220102",
        "--user",
        "county",
        "--import",
        stdout=out,
    )
    assert "已导入 imported: 0; 跳过 skipped: 30" in out.getvalue()
    assert Beneficiary.objects.count() == 30
    with pytest.raises(CommandError):
        call_command("roster_import", str(path), "--division", "220103", "--user", "county")
