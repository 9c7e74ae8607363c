"""Plain input records for the intake use cases: forms and the API build these, the
services validate them all at once and write nothing unless every item is right."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass
class IncomeInput:
    category: str
    monthly_amount: Decimal
    note: str = ""


@dataclass
class MemberInput:
    name: str
    id_number: str
    relationship: str
    disability_kind: str = ""
    disability_grade: int | None = None
    serious_illness: bool = False
    work_ability: str = "full"
    student: bool = False
    tekun_as_minor: bool = False  # supported as a 特困 minor [TK2021 Art.24 note]
    living_apart: bool = False
    incomes: list[IncomeInput] = field(default_factory=list)
    promise_signed_on: date | None = None
    authorisation_signed_on: date | None = None


@dataclass
class AssetInput:
    kind: str
    value: Decimal = Decimal("0")
    quantity: int = 1
    vehicle_kind: str = ""
    note: str = ""


@dataclass
class ApplicationInput:
    division_code: str
    address: str
    hukou_type: str
    assistance_type: str
    channel: str
    members: list[MemberInput]
    assets: list[AssetInput] = field(default_factory=list)
    entrusted_name: str = ""
    entrusted_id_number: str = ""
    entrusted_relation: str = ""
    discovery_note: str = ""
    relative_of_staff: bool = False
    relative_note: str = ""
    # 特困 [TK2021 Art.8]: the caseworker's finding; None = the rules decide from the
    # supporters recorded
    has_able_supporter: bool | None = None
    supporter_note: str = ""
    hardship_tier: str = ""  # 分档 code of the parameter set in force, "" = none
    phone: str = ""  # a mobile (11 digits) or a landline with its area code
    reason: str = ""  # the applicant's own words on why they apply
    payment_bank: str = ""
    payment_account_kind: str = ""  # choices.PaymentAccountKind, "" when no account given
    payment_account: str = ""
