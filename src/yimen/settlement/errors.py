"""Every refusal of the settlement app, in one place (codes never change once published).

Two families. The coded errors (``YimenError``) are what a person on a page or the API
sees, in Chinese and English. The national hospital interface (``fsi/``) answers with an
``infcode`` -1 and a Chinese ``err_msg`` only: ``Refuse`` carries that text, and a coded
error raised by a service reaches the hospital as its Chinese rendering. ``PolicyError``,
``EnvelopeError`` and ``AuthFailed`` are raised by pure code (the policy parser, the
envelope reader, the credential check) and turned into one of those by their callers.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict, Forbidden, Invalid, NotFound

# --- the hospital interface -----------------------------------------------------------------


class Refuse(Exception):
    """A business refusal: answered with infcode -1 and this Chinese err_msg."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class EnvelopeError(ValueError):
    """The message cannot be read; ``message`` is the Chinese err_msg."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class AuthFailed(Exception):
    """The caller's credential does not admit it (or not for this institution)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class PolicyError(ValueError):
    """The JSON does not describe a complete policy; ``problems`` lists each defect."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


# --- visits and settlements -----------------------------------------------------------------


class NoOpenLines(Conflict):
    code = "settlement.no_lines"

    def __init__(self) -> None:
        super().__init__(_("There are no unsettled fee lines."))


class AlreadyCancelled(Conflict):
    code = "settlement.cancelled"

    def __init__(self) -> None:
        super().__init__(_("This settlement is already cancelled."))


class RestoreConflict(Conflict):
    code = "settlement.restore_conflict"

    def __init__(self) -> None:
        super().__init__(
            _("The cancellation can no longer be reversed: the visit was settled again or its "
              "lines changed.")
        )  # fmt: skip


class VisitWrongState(Conflict):
    """A visit's status change not declared in ``transitions`` or lost to a concurrent one."""

    code = "settlement.visit_state"

    def __init__(self, *, visit: str, status: Any, target: Any) -> None:
        super().__init__(
            _("Visit %(visit)s is “%(status)s”; it cannot become “%(target)s”."),
            visit=visit,
            status=status,
            target=target,
        )


class SettlementWrongState(Conflict):
    """A settlement's status change not declared in ``transitions`` or lost to another."""

    code = "settlement.settlement_state"

    def __init__(self, *, setl_id: str, status: Any, target: Any) -> None:
        super().__init__(
            _("Settlement %(setl_id)s is “%(status)s”; it cannot become “%(target)s”."),
            setl_id=setl_id,
            status=status,
            target=target,
        )


class NoPolicy(Invalid):
    code = "settlement.no_policy"

    def __init__(self, *, division: str, date: str) -> None:
        super().__init__(
            _("No settlement policy is set for the insured division %(division)s on %(date)s."),
            division=division,
            date=date,
        )


# --- filings (备案) ---------------------------------------------------------------------------


class FilingDestinationUnknown(Invalid):
    code = "settlement.filing_destination"

    def __init__(self, *, value: str) -> None:
        super().__init__(_("The destination %(value)s is not a known province or city."),
                         value=value)  # fmt: skip


class FilingLocal(Invalid):
    code = "settlement.filing_local"

    def __init__(self) -> None:
        super().__init__(_("The destination is the insured city itself; no filing is needed."))


class FilingCategoryUnknown(Invalid):
    code = "settlement.filing_category"

    def __init__(self) -> None:
        super().__init__(_("Unknown filing category."))


class FilingDocumentsMissing(Invalid):
    code = "settlement.filing_documents"

    def __init__(self) -> None:
        super().__init__(_("A filing needs the identity credential and the filing form."))


class FilingProofMissing(Invalid):
    code = "settlement.filing_proof"

    def __init__(self) -> None:
        super().__init__(
            _("A long-stay filing needs proof of residence or a personal commitment (承诺书).")
        )


class FilingReferralProofMissing(Invalid):
    code = "settlement.filing_referral_proof"

    def __init__(self) -> None:
        super().__init__(_("A referral filing needs the designated hospital's referral proof."))


class FilingLongStayEnd(Invalid):
    code = "settlement.filing_long_stay_end"

    def __init__(self) -> None:
        super().__init__(_("A long-stay filing is valid until cancelled; it takes no end date."))


class FilingTooShort(Invalid):
    code = "settlement.filing_too_short"

    def __init__(self, *, date: str) -> None:
        super().__init__(
            _("A temporary filing is valid for at least 6 months (until %(date)s or later)."),
            date=date,
        )


class FilingInsuranceStopped(Invalid):
    code = "settlement.filing_insurance_stopped"

    def __init__(self, *, name: str) -> None:
        super().__init__(
            _(
                "%(name)s's medical insurance is stopped; a filing needs insurance in force. "
                "Resume contributions first."
            ),
            name=name,
        )


class FilingForbidden(Forbidden):
    code = "settlement.filing_forbidden"

    def __init__(self) -> None:
        super().__init__(_("You may not file for this person."))


class FilingInactive(Conflict):
    code = "settlement.filing_inactive"

    def __init__(self) -> None:
        super().__init__(_("This filing is no longer active."))


class ReasonNeeded(Invalid):
    code = "settlement.reason_needed"

    def __init__(self) -> None:
        super().__init__(_("Give a reason for the cancellation."))


class FilingNotFound(NotFound):
    code = "settlement.filing_not_found"

    def __init__(self) -> None:
        super().__init__(_("No such filing for this person."))


# --- policy sets ----------------------------------------------------------------------------


class PolicyForbidden(Forbidden):
    code = "settlement.policy_forbidden"

    def __init__(self) -> None:
        super().__init__(_("You may not set the settlement policy of this division."))


class PolicyInvalid(Invalid):
    code = "settlement.policy_invalid"

    def __init__(self, *, problems: str) -> None:
        super().__init__(_("The policy is incomplete: %(problems)s"), problems=problems)


class PolicySourceMissing(Invalid):
    code = "settlement.policy_source"

    def __init__(self) -> None:
        super().__init__(_("Name the document the policy comes from."))


class PolicyDuplicate(Conflict):
    code = "settlement.policy_dup"

    def __init__(self) -> None:
        super().__init__(_("A policy set from this date exists already."))


# --- visits (the interface answers these with their Chinese text) ---------------------------


class VisitNotOpen(Conflict):
    code = "settlement.visit_closed"

    def __init__(self) -> None:
        super().__init__(_("The visit is settled or cancelled; it cannot be cancelled."))


class VisitHasLines(Conflict):
    code = "settlement.visit_has_lines"

    def __init__(self) -> None:
        super().__init__(_("The visit still has fee lines; cancel the lines first."))


class VisitNotInHospital(Conflict):
    code = "settlement.visit_not_in_hospital"

    def __init__(self) -> None:
        super().__init__(_("The visit is not an inpatient stay in hospital; it cannot be "
                           "discharged."))  # fmt: skip


class VisitNotDischarged(Conflict):
    code = "settlement.visit_not_discharged"

    def __init__(self) -> None:
        super().__init__(_("The visit is not discharged and unsettled."))


class AdmissionNotReversible(Conflict):
    code = "settlement.admission_not_reversible"

    def __init__(self) -> None:
        super().__init__(
            _("The admission already has fee lines or a settlement; it cannot be reversed.")
        )
