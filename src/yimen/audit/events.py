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
    SUPPORTER_RECORDED = "assistance.supporter_recorded", _("Legal supporter recorded")
    SUPPORTER_REMOVED = "assistance.supporter_removed", _("Legal supporter removed")
    SUPPORTER_FINDING = "assistance.supporter_finding", _("Finding on the legal supporters")
    SELF_CARE_ASSESSED = "assistance.self_care_assessed", _("Self-care assessed")
    SELF_CARE_CHANGE_REPORTED = (
        "assistance.self_care_change_reported",
        _("Change of self-care reported"),
    )
    CERTIFICATE_ADDED = "assistance.certificate_added", _("Disability certificate added")
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
    EXAM_REVIEW_REQUESTED = "exams.review_requested", _("Certificate review applied for")
    EXAM_PHOTO_SET = "exams.photo_set", _("Exam candidate photo uploaded")
    EXAM_SESSION_CLOSED = "exams.session_closed", _("Exam session closed")
    EXAM_GREEN_REQUESTED = "exams.green_requested", _("Green channel requested by a firm")
    EXAM_GREEN_REFUSED = "exams.green_refused", _("Green channel request refused")
    EXAM_LINK_CODE_ISSUED = "exams.link_code_issued", _("Account link code issued to a candidate")
    EXAM_CANDIDATE_LINKED = "exams.candidate_linked", _("Candidate record linked to an account")
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
    # issue 22 item 3 for the subsidy: card payments the bank sent back
    SUBSIDY_RETURNS_IMPORTED = "subsidy.returns_imported", _("Subsidy return file imported")
    SUBSIDY_PAYMENT_RETURNED = (
        "subsidy.payment_returned",
        _("Subsidy payment returned by the bank"),
    )
    SUBSIDY_CARD_CORRECTED = (
        "subsidy.card_corrected",
        _("Subsidy card corrected after a returned payment"),
    )
    # --- issue 18: straw-burning supervision (burning app) ---
    BURNING_UNIT_SAVED = "burning.unit_saved", _("包保 unit added or changed")
    BURNING_ASSIGNED = "burning.assigned", _("Responsible person or grid head assigned")
    BURNING_GRIDS_IMPORTED = "burning.grids_imported", _("Grid boundaries imported")
    BURNING_ZONE_SET = "burning.zone_set", _("Ban or limited-burning zone set")
    BURNING_PERMIT_ISSUED = "burning.permit_issued", _("Planned-burning permit issued")
    BURNING_FIRES_IMPORTED = "burning.fires_imported", _("Fire points imported")
    BURNING_FIRE_REPORTED = "burning.fire_reported", _("Fire reported on patrol or by hotline")
    BURNING_CASE_OPENED = "burning.case_opened", _("Fire case opened and dispatched")
    BURNING_ESCALATED = "burning.escalated", _("Overdue fire case escalated")
    BURNING_ARRIVED = "burning.arrived", _("Arrived on site")
    BURNING_VERIFIED = "burning.verified", _("Fire point verified on site")
    BURNING_RETURNED = "burning.returned", _("Verification returned by the township")
    BURNING_CLOSED = "burning.closed", _("Fire case closed (signed by the township)")
    BURNING_RECHECK_DRAWN = "burning.recheck_drawn", _("County drew fire cases to re-check")
    BURNING_RECHECKED = "burning.rechecked", _("County recorded a re-check")
    BURNING_SUMMONS = "burning.summons", _("Summons (约谈) recorded")
    BURNING_RECTIFIED = "burning.rectified", _("Rectification report received")
    BURNING_PENALTY = "burning.penalty", _("Warning, notice or deduction recorded")
    BURNING_GROUP_SET = "burning.group_set", _("Inspection group or its counties set")
    BURNING_VISIT = "burning.visit", _("Inspection visit recorded")
    BURNING_SETTINGS_SET = "burning.settings_set", _("Straw-burning settings set")
    # --- issue 22 item 2: complaints and re-examination (complaints app) ---
    COMPLAINT_RECEIVED = "complaints.received", _("Report received")
    COMPLAINT_TAKEN = "complaints.taken", _("Report taken by a handler")
    COMPLAINT_IDENTITY_VIEWED = "complaints.identity_viewed", _("Reporter's identity read")
    COMPLAINT_REVIEW_OPENED = "complaints.review_opened", _("Review opened from a report")
    COMPLAINT_ANSWERED = "complaints.answered", _("Report answered")
    COMPLAINT_SETTING_SET = "complaints.setting_set", _("Complaint clocks set")
    REEXAM_REQUESTED = "complaints.reexam_requested", _("Re-examination asked for")
    REEXAM_DECIDED = "complaints.reexam_decided", _("Re-examination decided (new signed decision)")
    REMEDY_RECORDED = "complaints.remedy_recorded", _("Reconsideration or lawsuit recorded")
    REMEDY_CONCLUDED = "complaints.remedy_concluded", _("Reconsideration or lawsuit concluded")
    DECISION_CHANGED = "assistance.decision_changed", _("Decision changed on re-examination")
    BENEFICIARY_REINSTATED = "benefits.reinstated", _("Household put back on the roster")
    # --- issue 22 item 3: payments returned by the bank (benefits) ---
    RETURN_LAYOUT_SET = "benefits.return_layout_set", _("Bank return-file layout set")
    RETURNS_IMPORTED = "benefits.returns_imported", _("Bank return file imported")
    PAYMENT_RETURNED = "benefits.payment_returned", _("Payment returned by the bank")
    RETURN_ACCOUNT_CORRECTED = (
        "benefits.return_account_corrected",
        _("Account corrected after a returned payment"),
    )
    # --- issue 23: personal data protection (privacy app) ---
    LEGAL_HOLD_PLACED = "privacy.hold_placed", _("Legal hold placed")
    LEGAL_HOLD_LIFTED = "privacy.hold_lifted", _("Legal hold lifted")
    RETENTION_APPLIED = (
        "privacy.retention_applied",
        _("Records past their retention removed or anonymised"),
    )
    SUBJECT_REQUEST_FILED = "privacy.request_filed", _("Request about one's personal data filed")
    SUBJECT_COPY_ISSUED = "privacy.copy_issued", _("Copy of personal data issued (signed)")
    SUBJECT_REQUEST_ANSWERED = "privacy.request_answered", _("Correction request answered")
    # --- issue 22 item 4: moving records in from the old system (rostermove app) ---
    MIGRATION_CHECKED = "rostermove.checked", _("Old system's sheet checked (dry run)")
    MIGRATION_IMPORTED = "rostermove.imported", _("Old system's sheet imported")
    RECORD_MIGRATED = "rostermove.record_migrated", _("Record moved in from the old system")
    # --- issue 22 item 1: notices that fall due by date (review due, certificate review) ---
    NOTICE_DUE = "notify.notice_due", _("Reminder of a date falling due")
