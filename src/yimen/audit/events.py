"""Every kind of audited event, one enum so reports and filters never guess strings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """What happened. Services add members here when they add a kind of change."""

    # accounts
    LOGIN = "accounts.login", _("Logged in")
    LOGIN_FAILED = "accounts.login_failed", _("Failed login")
    ACCOUNT_LOCKED = "accounts.locked", _("Account locked after failed logins")
    LOGOUT = "accounts.logout", _("Logged out")
    ROLE_GRANTED = "accounts.role_granted", _("Role granted")
    ROLE_REVOKED = "accounts.role_revoked", _("Role revoked")
    # issue 15: passwords and API tokens
    PASSWORD_CHANGED = "accounts.password_changed", _("Password changed")
    PASSWORD_RESET = "accounts.password_reset", _("Password reset by an administrator")
    # regions
    DIVISION_ADDED = "regions.division_added", _("Division added")
    # workflow
    CASE_OPENED = "workflow.case_opened", _("Case opened")
    TASK_OPENED = "workflow.task_opened", _("Task opened")
    TASK_COMPLETED = "workflow.task_completed", _("Task completed")
    STEP_SKIPPED = "workflow.step_skipped", _("Conditional step skipped")
    CASE_FLAGGED = "workflow.case_flagged", _("Case condition changed")
    CASE_CLOSED = "workflow.case_closed", _("Case closed")
    CASE_WITHDRAWN = "workflow.case_withdrawn", _("Case withdrawn")
    BULK_DECISION = "workflow.bulk_decision", _("Batch decision")
    REMINDER_SENT = "workflow.reminder_sent", _("Deadline reminder sent")
    DEADLINES_SET = "workflow.deadlines_set", _("Deadlines set")
    # assistance
    APPLICATION_CREATED = "assistance.application_created", _("Application entered")
    APPLICATION_SUBMITTED = "assistance.application_submitted", _("Application submitted")
    APPLICATION_DISCARDED = "assistance.application_discarded", _("Draft discarded")
    ATTACHMENT_ADDED = "assistance.attachment_added", _("Material attached")
    MISSING_ITEMS_NOTIFIED = "assistance.missing_items", _("Missing items notified at once")
    OBJECTION_LODGED = "assistance.objection_lodged", _("Objection lodged")
    SUPERVISION_FLAGGED = "assistance.supervision_flagged", _("County asked for a review")
    DECISION_DEPARTED = "assistance.decision_departed", _("Decision departs from the rules")
    SUPERVISION_ANSWERED = "assistance.supervision_answered", _("Township answered the county")
    PARAMETERS_CHANGED = "assistance.parameters_changed", _("Assistance parameters changed")
    # issue 6, county supervision: sampling of approved cases
    SAMPLING_SHARE_SET = "assistance.sampling_share_set", _("County sampling share set")
    SAMPLE_DRAWN = "assistance.sample_drawn", _("County drew a sample of approved cases")
    SAMPLE_CHECKED = "assistance.sample_checked", _("County recorded a finding on a sampled case")
    PARTNER_DATA_IMPORTED = "verification.partner_data_imported", _("Partner data imported")
    VERIFICATION_REQUESTED = "verification.requested", _("Verification requested")
    # benefits: roster, dynamic management, payments
    BENEFICIARY_ENROLLED = "benefits.enrolled", _("Household enrolled on the roster")
    BENEFICIARY_ACCOUNT_SET = "benefits.account_set", _("Payment account recorded")
    CHANGE_REPORTED = "benefits.change_reported", _("Change in a household reported")
    REVIEW_DECIDED = "benefits.review_decided", _("Review decided")
    APPROVAL_REVOKED = "benefits.approval_revoked", _("Approval revoked after an objection")
    ROLL_ISSUED = "benefits.roll_issued", _("Payment roll issued")
    ADJUSTMENT_ADDED = "benefits.adjustment_added", _("Payment adjustment added")
    AMOUNT_RECALCULATED = "benefits.amount_recalculated", _("Amount recalculated")
    ROSTER_RECALCULATED = "benefits.recalculated", _("Roster recalculated")
    # medins: relationship transfer between province nodes (issue 7)
    MEDINS_TRANSFER_APPLIED = "medins.transfer_applied", _("Insurance transfer applied for")
    MEDINS_TRANSFER_RECEIVED = "medins.transfer_received", _("Insurance transfer request received")
    MEDINS_TRANSFERRED_OUT = "medins.transferred_out", _("Insurance transferred out")
    MEDINS_TRANSFERRED_IN = "medins.transferred_in", _("Insurance transferred in")
    MEDINS_TRANSFER_REFUSED = "medins.transfer_refused", _("Insurance transfer refused")
    MEDINS_TRANSFER_CONFIRMED = "medins.transfer_confirmed", _("Insurance transfer confirmed")
    MEDINS_MESSAGE_REFUSED = "medins.message_refused", _("Message from another node refused")
    MEDINS_TRANSFER_CONTRADICTED = (
        "medins.transfer_contradicted",
        _("Insurance transfer contradicted by the other node"),
    )
    MEDINS_NODES_DISAGREE = "medins.nodes_disagree", _("Insurance nodes disagree on transfers")
    MEDINS_NODE_HELD = "medins.node_held", _("Insurance node held for reconciliation")
    MEDINS_NODE_RELEASED = "medins.node_released", _("Insurance node released after reconciliation")
    # verification: the batch run (issue 5)
    VERIFICATION_RUN_STARTED = "verification.run_started", _("Verification run started")
    VERIFICATION_RUN_FINISHED = "verification.run_finished", _("Verification run finished")
    VERIFICATION_REPORTED = "verification.reported", _("Verification report stored")
    # settlement (issue 8): filings and the rare undoing of a settlement; settlements
    # themselves are kept message by message in settlement.FsiMessage (msgid-keyed)
    SETTLEMENT_FILED = "settlement.filed", _("Filed for care away from home")
    SETTLEMENT_FILING_CHANGED = "settlement.filing_changed", _("Filing changed")
    SETTLEMENT_FILING_CANCELLED = "settlement.filing_cancelled", _("Filing cancelled")
    SETTLEMENT_CANCELLED = "settlement.cancelled", _("Settlement cancelled")
    SETTLEMENT_REVERSED = "settlement.reversed", _("Transaction reversed (2601)")
    SETTLEMENT_POLICY_SET = "settlement.policy_set", _("Settlement policy set added")
    # issue 14: management of users, role bindings and the dated assistance settings
    USER_CREATED = "accounts.user_created", _("User created")
    USER_CHANGED = "accounts.user_changed", _("User changed")
    PASSWORD_SET = "accounts.password_set", _("Password set by an administrator")
    TIME_LIMIT_SET = "assistance.time_limit_set", _("Case time limit set")
    CYCLE_SCHEDULE_SET = "assistance.cycle_schedule_set", _("Cycle schedule set")
    # --- issue 19: safety exams (exams app) ---
    EXAM_CANDIDATE_REGISTERED = "exams.candidate_registered", _("Exam candidate registered")
    EXAM_CANDIDATES_IMPORTED = "exams.candidates_imported", _("Exam candidates imported")
    EXAM_APPLIED = "exams.applied", _("Applied for a safety exam")
    EXAM_SCHEDULED = "exams.scheduled", _("Exam seat assigned")
    EXAM_STARTED = "exams.paper_started", _("Exam paper started")
    EXAM_SUBMITTED = "exams.paper_submitted", _("Exam paper submitted and scored")
    EXAM_ROOM_EVENT = "exams.room_event", _("Exam room event (absence, misconduct, extra time)")
    EXAM_PRACTICAL_MARKED = "exams.practical_marked", _("Practical exam marked")
    EXAM_SESSION_OPENED = "exams.session_opened", _("Exam session opened")
    EXAM_QUESTIONS_IMPORTED = "exams.questions_imported", _("Exam questions imported")
    EXAM_GREEN_CHANNEL = "exams.green_channel", _("Green channel approved")
    EXAM_CERTIFICATE_ACCEPTED = "exams.certificate_accepted", _("Certificate request decided")
    EXAM_CERTIFICATE_ISSUED = "exams.certificate_issued", _("Certificate issued")
    EXAM_CERTIFICATE_REVIEWED = "exams.certificate_reviewed", _("Certificate reviewed")
    EXAM_CERTIFICATE_REVOKED = "exams.certificate_revoked", _("Certificate revoked")
    # --- issue 17: straw-to-meat subsidy (subsidy app) ---
    SUBSIDY_UNIT_SURVEYED = "subsidy.unit_surveyed", _("Subsidy unit surveyed")
    SUBSIDY_SURVEY_IMPORTED = "subsidy.survey_imported", _("Subsidy survey sheet imported")
    SUBSIDY_UNIT_VETTED = "subsidy.unit_vetted", _("Subsidy unit vetted")
    SUBSIDY_APPLICATION_SAVED = "subsidy.application_saved", _("Subsidy application changed")
    SUBSIDY_APPLICATION_SUBMITTED = (
        "subsidy.application_submitted",
        _("Subsidy application submitted"),
    )
    SUBSIDY_DRAFT_LAPSED = "subsidy.draft_lapsed", _("Subsidy draft closed at the deadline")
    SUBSIDY_PHOTO_ADDED = "subsidy.photo_added", _("Subsidy photo added")
    SUBSIDY_INSPECTED = "subsidy.inspected", _("Subsidy items inspected on site")
    SUBSIDY_DECIDED = "subsidy.decided", _("Subsidy application decided")
    SUBSIDY_DISCLOSED = "subsidy.disclosed", _("Subsidy disclosure published")
    SUBSIDY_OBJECTION = "subsidy.objection", _("Objection to a subsidy disclosure")
    SUBSIDY_BATCH_ISSUED = "subsidy.batch_issued", _("Subsidy payment batch issued")
    SUBSIDY_REVIEW_REQUESTED = "subsidy.review_requested", _("County asked for a subsidy review")
    SUBSIDY_REVIEW_ANSWERED = "subsidy.review_answered", _("Bureau answered the county")
    SUBSIDY_PROGRESS_SET = "subsidy.progress_set", _("Programme figures entered")
