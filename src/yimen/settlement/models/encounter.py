"""Visits (就诊, mdtrt), their fee lines, settlements, and the exact daily totals.

A settlement row keeps its inputs' results: every setlinfo amount in fen, the reasons, the
basis (local / filed category / emergency / unfiled) — so indicators and reconciliation read
rows, never recompute. ``DailyTotal`` is maintained in the same transaction as each
settlement and cancellation, so the indicator page sums a few thousand rows instead of
millions and stays exact (a test compares it with a recount).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

AMOUNT_FIELDS = (
    "medfee_sumamt",
    "fulamt_ownpay_amt",
    "overlmt_selfpay",
    "preselfpay_amt",
    "inscp_scp_amt",
    "act_pay_dedc",
    "hifp_pay",
    "pool_prop_selfpay",
    "hifmi_pay",
    "hifob_pay",
    "maf_pay",
    "fund_pay_sumamt",
    "psn_part_amt",
    "acct_pay",
    "psn_cash_pay",
    "balc",
)


class EncounterKind(models.TextChoices):
    OUTPATIENT = "outpatient", _("Outpatient")
    INPATIENT = "inpatient", _("Inpatient")


class EncounterStatus(models.TextChoices):
    """A visit's states; the moves between them are declared in ``transitions``."""

    OPEN = "open", _("Open")  # registered (2201) or admitted (2401); fee lines may be uploaded
    DISCHARGED = "discharged", _("Discharged")  # an inpatient left (2402); may be settled
    SETTLED = "settled", _("Settled")  # its open lines are in a standing settlement
    CANCELLED = "cancelled", _("Cancelled")  # registration or admission withdrawn; final


class Encounter(models.Model):
    """One outpatient registration or inpatient admission at a designated institution."""

    mdtrt_id = models.CharField(_("visit id"), max_length=30, unique=True)
    institution = models.ForeignKey("settlement.Institution", on_delete=models.PROTECT)
    person = models.ForeignKey("medins.InsuredPerson", on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=10, choices=EncounterKind.choices)
    med_type = models.CharField(_("medical type"), max_length=10)
    insutype = models.CharField(_("insurance type code"), max_length=6)
    begntime = models.DateTimeField(_("began"))
    endtime = models.DateTimeField(_("ended"), null=True, blank=True)
    emergency = models.BooleanField(_("emergency"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=EncounterStatus.choices, default=EncounterStatus.OPEN
    )
    ipt_otp_no = models.CharField(_("hospital visit number"), max_length=30, blank=True)
    info = models.JSONField(_("visit information"), default=dict)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            # the target of the settlement's (encounter, institution) foreign key (migration 0002)
            models.UniqueConstraint(fields=["id", "institution"], name="settlement_encounter_inst"),
        ]

    def __str__(self) -> str:
        return f"{self.mdtrt_id}"


class FeeDetail(models.Model):
    """One uploaded fee line with its split by the catalog (fen)."""

    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="fees")
    feedetl_sn = models.CharField(max_length=30)
    chrg_bchno = models.CharField(max_length=30, blank=True)
    med_list_codg = models.CharField(max_length=50)
    amount_fen = models.BigIntegerField()
    cnt = models.DecimalField(max_digits=16, decimal_places=4)
    pric = models.DecimalField(max_digits=16, decimal_places=6)
    item_class = models.CharField(max_length=1, blank=True)
    selfpay_prop = models.DecimalField(max_digits=5, decimal_places=4, default=0)
    price_cap = models.DecimalField(max_digits=16, decimal_places=6, null=True, blank=True)
    fulamt_ownpay_fen = models.BigIntegerField(default=0)
    overlmt_fen = models.BigIntegerField(default=0)
    preselfpay_fen = models.BigIntegerField(default=0)
    inscp_fen = models.BigIntegerField(default=0)
    er_flag = models.BooleanField(default=False)
    #: not indexed: linking the lines is the settlement's UPDATE, and without an index on the
    #: changed column PostgreSQL can make it a HOT update (no new entry in any of the table's
    #: indexes; migration 0002 leaves free room in the pages for it). Lines are always read by
    #: their visit (indexed); settlements are never deleted (a cancellation is a status).
    settlement = models.ForeignKey(
        "settlement.Settlement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fees",
        db_index=False,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["encounter", "feedetl_sn"], name="settlement_fee_sn")
        ]

    def __str__(self) -> str:
        return f"{self.feedetl_sn} {self.med_list_codg}"


class SettlementStatus(models.TextChoices):
    """A settlement's states; the moves between them are declared in ``transitions``."""

    SETTLED = "settled", _("Settled")  # stands: funds and account paid, counted in the totals
    CANCELLED = "cancelled", _("Cancelled")  # by 2208/2305 or by 2601 reversal; restorable


class Settlement(models.Model):
    """A settled bill with every setlinfo amount in fen and its explanation.

    Indexes are only those a query uses (each costs every settlement an insertion): the id,
    ``setl_id``, (person, year, kind, status) for the year's figures, the visit, the filing
    and the day. The institution is checked by a composite foreign key (encounter,
    institution) → the visit's own (id, institution) instead of a key to the institution row:
    see migration 0002 for why."""

    setl_id = models.CharField(_("settlement id"), max_length=30)
    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT, related_name="settlements")
    #: indexed by the (person, year, kind, status) index, whose first column it is
    person = models.ForeignKey("medins.InsuredPerson", on_delete=models.PROTECT, db_index=False)
    #: the database checks it as part of (encounter, institution) (migration 0002)
    institution = models.ForeignKey(
        "settlement.Institution", on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    filing = models.ForeignKey("settlement.Filing", null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=10, choices=EncounterKind.choices)
    status = models.CharField(
        max_length=10, choices=SettlementStatus.choices, default=SettlementStatus.SETTLED
    )
    basis = models.CharField(_("basis"), max_length=20)
    level = models.CharField(max_length=20)
    emergency = models.BooleanField(default=False)
    cross_province = models.BooleanField(default=False)
    insured_division_code = models.CharField(max_length=12)
    treatment_division_code = models.CharField(max_length=12)
    setl_time = models.DateTimeField()
    day = models.DateField(db_index=True)
    year = models.PositiveSmallIntegerField()
    msgid = models.CharField(max_length=64)
    cancel_msgid = models.CharField(max_length=64, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    ratio = models.DecimalField(max_digits=5, decimal_places=4, default=0)
    critical_base = models.BigIntegerField(default=0)
    line_count = models.PositiveIntegerField(default=0)
    medfee_sumamt = models.BigIntegerField()
    fulamt_ownpay_amt = models.BigIntegerField()
    overlmt_selfpay = models.BigIntegerField()
    preselfpay_amt = models.BigIntegerField()
    inscp_scp_amt = models.BigIntegerField()
    act_pay_dedc = models.BigIntegerField()
    hifp_pay = models.BigIntegerField()
    pool_prop_selfpay = models.BigIntegerField()
    hifmi_pay = models.BigIntegerField()
    hifob_pay = models.BigIntegerField()
    maf_pay = models.BigIntegerField(default=0)
    fund_pay_sumamt = models.BigIntegerField()
    psn_part_amt = models.BigIntegerField()
    acct_pay = models.BigIntegerField()
    psn_cash_pay = models.BigIntegerField()
    balc = models.BigIntegerField()
    setldetail = models.JSONField(default=list)
    reasons = models.JSONField(default=list)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        indexes = [models.Index(fields=["person", "year", "kind", "status"])]
        constraints = [models.UniqueConstraint(fields=["setl_id"], name="settlement_setl_id")]

    def __str__(self) -> str:
        return f"{self.setl_id}"


DAILY_SHARDS = 16


class DailyTotal(models.Model):
    """Exact per-day sums of settled (not cancelled) bills, by the indicators' dimensions."""

    day = models.DateField()
    insured_division_code = models.CharField(max_length=12)
    treatment_division_code = models.CharField(max_length=12)
    kind = models.CharField(max_length=10)
    cross_province = models.BooleanField()
    emergency = models.BooleanField()
    #: settlements spread over SHARDS rows per key, so concurrent settlements of one day and
    #: city pair do not queue on one row lock until commit; readers sum over the shards
    shard = models.PositiveSmallIntegerField(default=0)
    count = models.BigIntegerField(default=0)
    medfee_fen = models.BigIntegerField(default=0)
    fund_fen = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "day",
                    "insured_division_code",
                    "treatment_division_code",
                    "kind",
                    "cross_province",
                    "emergency",
                    "shard",
                ],
                name="settlement_dailytotal_key",
            )
        ]
        indexes = [
            models.Index(fields=["insured_division_code", "day"], name="settlement_dt_insured"),
            models.Index(fields=["treatment_division_code", "day"], name="settlement_dt_treated"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.insured_division_code}→{self.treatment_division_code}"
