"""Demo data of personal-data protection: the auditor's account, a few entries of the access
log made through the real use cases (a caseworker opening a household, the county
unmasking an ID number, a roster export), a legal hold on a refused application, and two
requests — the demo citizen's request for a copy, and a correction filed at the counter.
Idempotent: a rerun adds nothing."""

from __future__ import annotations

import contextlib

from django.apps import apps
from django.db import transaction

from yimen.accounts.demo import CITY, TOWNSHIP, DemoUser, ensure_demo_users
from yimen.accounts.models import User
from yimen.accounts.roles import Role
from yimen.errors import YimenError

from .access import log_export, log_full_record, log_unmask
from .holds import hold_place
from .models import AccessEntry, LegalHold, SubjectRequest
from .subject_requests import RequestInput, subject_request_file

ACCOUNTS = [DemoUser("auditor", "柏晓岚", Role.PRIVACY_AUDITOR, CITY)]


def _application(status: str):
    application = apps.get_model("assistance", "Application")
    return (
        application.objects.filter(division__code__startswith=TOWNSHIP[:9], case__status=status)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def load() -> str:
    ensure_demo_users(ACCOUNTS)
    if AccessEntry.objects.exists() or SubjectRequest.objects.exists():
        return (
            f"已有 already loaded: {AccessEntry.objects.count()} accesses, "
            f"{LegalHold.objects.count()} holds, {SubjectRequest.objects.count()} requests"
        )
    users = {u.username: u for u in User.objects.filter(username__in=[
        "caseworker", "supervisor", "countyadmin", "citizen",
    ])}  # fmt: skip
    active = _application("active") or _application("completed")
    if active is not None and "caseworker" in users:
        log_full_record(
            actor=users["caseworker"],
            record_type="assistance.application",
            record_id=active.pk,
            division_code=active.division_id,
        )
        if "supervisor" in users:
            log_unmask(
                actor=users["supervisor"],
                record_type="assistance.application",
                record_id=active.pk,
                division_code=active.division_id,
                purpose="supervision",
            )
    beneficiary = apps.get_model("benefits", "Beneficiary")
    enrolled = list(
        beneficiary.objects.filter(division__code__startswith=TOWNSHIP[:9]).values_list(
            "pk", flat=True
        )
    )
    if enrolled and "caseworker" in users:
        log_export(
            actor=users["caseworker"],
            record_type="benefits.beneficiary",
            record_ids=enrolled,
            division_code=TOWNSHIP,
            purpose="review",
            note="花名册导出",  # as benefits.views writes it
        )
    refused = _application("rejected")
    if refused is not None and "countyadmin" in users:
        hold_place(
            actor=users["countyadmin"],
            division_code=refused.division_id,
            record_type="assistance.application",
            record_id=str(refused.pk),
            reason="申请人已提起行政复议，复议结束前保留全部材料",
        )
    if "citizen" in users:
        with contextlib.suppress(YimenError):  # the demo citizen may hold no record of theirs
            subject_request_file(actor=users["citizen"], data=RequestInput(kind="copy"))
    if active is not None and "caseworker" in users:
        head = active.members.filter(relationship="head").first()
        if head is not None:
            subject_request_file(
                actor=users["caseworker"],
                data=RequestInput(
                    kind="correction",
                    id_number=head.id_number,
                    person_name=head.name,
                    division_code=TOWNSHIP,
                    details="家庭住址门牌号录入有误，应为 3 单元 201 室",
                ),
            )
    return (
        f"{AccessEntry.objects.count()} accesses, {LegalHold.objects.count()} holds, "
        f"{SubjectRequest.objects.count()} requests"
    )
