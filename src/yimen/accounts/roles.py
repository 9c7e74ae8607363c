"""Roles and actions, and which role may do what: permissions as data.

`docs/permissions.md` is generated from PERMISSIONS (`yimen permissions_doc`), and a test
fails when the two differ, so the document cannot drift from the code.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Who a user is acting as. A user may hold several, each bound to one division."""

    APPLICANT = "applicant", _("Applicant (citizen)")
    VILLAGE_STAFF = "village_staff", _("Village/residents' committee staff")
    GRID_WORKER = "grid_worker", _("Grid worker")
    TOWNSHIP_CASEWORKER = "township_caseworker", _("Township caseworker")
    TOWNSHIP_APPROVER = "township_approver", _("Township approver (accountable signer)")
    SOCIAL_WORKER = "social_worker", _("Purchased-service social worker")
    COUNTY_SUPERVISOR = "county_supervisor", _("County civil-affairs supervisor")
    CITY_VIEWER = "city_viewer", _("City/province viewer")
    MEDINS_AGENCY = "medins_agency", _("Medical-insurance agency staff")
    HOSPITAL_OPERATOR = "hospital_operator", _("Designated-hospital operator")
    SUBSIDY_REVIEWER = "subsidy_reviewer", _("Subsidy reviewer")
    ENV_INSPECTOR = "env_inspector", _("Environmental inspector")
    EXAM_ADMIN = "exam_admin", _("Exam administrator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    # --- issue 19: safety exams (exams app) ---
    EXAM_CANDIDATE = "exam_candidate", _("Exam candidate")
    EXAM_EMPLOYER = "exam_employer", _("Employer (registers its staff for exams)")
    EXAM_STAFF = "exam_staff", _("Exam centre staff (site manager, invigilator, examiner)")
    EXAM_CERTIFIER = "exam_certifier", _("Certificate officer (reviews and issues)")
    # --- issue 17: straw-to-meat subsidy (subsidy app) ---
    SUBSIDY_UNIT = "subsidy_unit", _("Subsidy applicant unit (farm, cooperative or processor)")
    SUBSIDY_SURVEYOR = "subsidy_surveyor", _("Subsidy surveyor (livestock bureau)")
    SUBSIDY_INSPECTOR = "subsidy_inspector", _("Subsidy field inspector (livestock bureau)")
    SUBSIDY_FINANCE = "subsidy_finance", _("Subsidy finance officer (pays the subsidy)")
    # --- issue 18: straw-burning supervision (burning app) ---
    GRID_HEAD = "grid_head", _("Grid head (straw-burning grid)")
    BAOBAO_PERSON = "baobao_person", _("Village responsible person (包保)")
    BURNING_TOWNSHIP = "burning_township", _("Township straw-burning duty staff")
    BURNING_COUNTY = "burning_county", _("County straw-burning office")
    INSPECTION_MEMBER = "inspection_member", _("Inspection group member")
    # --- issue 22: complaints and re-examination (complaints app) ---
    COMPLAINT_HANDLER = "complaint_handler", _("Complaint handler (reports of one division)")
    # --- issue 23: personal data protection (privacy app) ---
    PRIVACY_AUDITOR = "privacy_auditor", _("Personal-data auditor (read-only)")


class Action(models.TextChoices):
    """What can be done. Each process step names the action it needs."""

    CASE_VIEW = "case.view", _("View cases in scope")
    CASE_VIEW_OWN = "case.view_own", _("View one's own applications")
    CASE_APPLY = "case.apply", _("Apply for oneself")
    CASE_OPEN = "case.open", _("Enter an application at the counter")
    CASE_REPORT = "case.report", _("Report a household in need (active discovery)")
    CASE_COLLECT = "case.collect", _("Collect and forward materials")
    CASE_ACCEPT = "case.accept", _("Accept or return an application")
    CASE_INVESTIGATE = "case.investigate", _("Household visit")
    CASE_VERIFY = "case.verify", _("Record economic verification")
    CASE_FLAG = "case.flag", _("Mark a case disputed")
    CASE_APPRAISE = "case.appraise", _("Record democratic appraisal")
    CASE_DECIDE = "case.decide", _("Decide a case (accountable signer)")
    CASE_DISCLOSE = "case.disclose", _("Publish the disclosure")
    CASE_WITHDRAW = "case.withdraw", _("Withdraw or terminate a case")
    CASE_SUPERVISE = "case.supervise", _("Supervise: sample and send findings")
    STATS_VIEW = "stats.view", _("View statistics")
    AUDIT_VIEW = "audit.view", _("Read the audit log")
    DIVISION_ADD = "division.add", _("Add a division")
    ACCOUNT_MANAGE = "account.manage", _("Manage accounts and roles")
    MEDINS_HANDLE = "medins.handle", _("Handle insurance transfers and filings")
    MEDINS_SETTLE = "medins.settle", _("Submit hospital settlements")
    SUBSIDY_REVIEW = "subsidy.review", _("Review subsidy applications")
    BURNING_INSPECT = "burning.inspect", _("Record straw-burning inspections")
    EXAM_ADMINISTER = "exam.administer", _("Administer safety exams")
    # the roster, dynamic management and payments (issue 6)
    ROSTER_VIEW = "roster.view", _("Read the roster of households on assistance")
    ROSTER_REPORT_CHANGE = "roster.report_change", _("Report a change in a household")
    PAYMENT_PREPARE = "payment.prepare", _("Prepare payment rolls and adjustments")
    PAYMENT_ISSUE = "payment.issue", _("Issue a payment roll (accountable signer)")
    # --- issue 5: household economic verification (verification app) ---
    VERIFICATION_VIEW = "verification.view", _("Read verification imports, requests and reports")
    VERIFICATION_RUN = "verification.run", _("Start a verification batch run")
    # --- issue 19: safety exams (exams app) ---
    EXAM_VIEW = "exam.view", _("Read exam candidates, sessions and statistics")
    EXAM_SIT = "exam.sit", _("Register for and sit one's own exams")
    EXAM_ENROL = "exam.enrol", _("Register one's staff for exams")
    EXAM_INVIGILATE = "exam.invigilate", _("Invigilate and mark practicals")
    EXAM_CERTIFY = "exam.certify", _("Accept, issue, review and revoke certificates")
    # --- issue 17: straw-to-meat subsidy (subsidy app) ---
    SUBSIDY_VIEW = "subsidy.view", _("Read subsidy units, applications and payments in scope")
    SUBSIDY_SURVEY = (
        "subsidy.survey",
        _("Survey units and enter subsidy applications at the counter"),
    )
    SUBSIDY_APPLY = "subsidy.apply", _("Apply for a subsidy as the unit itself")
    SUBSIDY_INSPECT = "subsidy.inspect", _("Inspect subsidised items on site")
    SUBSIDY_PAY = "subsidy.pay", _("Prepare and issue subsidy payment batches")
    SUBSIDY_SUPERVISE = "subsidy.supervise", _("Supervise subsidy cases: read and ask for a review")
    SUBSIDY_STATS = "subsidy.stats", _("Read the straw-to-meat programme's progress")
    # --- issue 18: straw-burning supervision (burning app) ---
    BURNING_VIEW = "burning.view", _("Read fire points, cases, grids and the map")
    BURNING_VERIFY = "burning.verify", _("Go on site and record a fire point's verification")
    BURNING_REPORT = "burning.report", _("Report a fire seen on patrol or by hotline")
    BURNING_CLOSE = "burning.close", _("Sign a fire case closed (township)")
    BURNING_MANAGE = "burning.manage", _("Keep the grids, zones, permits and responsible people")
    BURNING_IMPORT = "burning.import", _("Import satellite fire points")
    BURNING_SUPERVISE = "burning.supervise", _("Re-check a sample of closed fire cases")
    BURNING_ACCOUNT = (
        "burning.account",
        _("Hold counties to account: summons, warnings, deductions"),
    )
    # --- issue 22: complaints and re-examination (complaints app) ---
    COMPLAINT_VIEW = (
        "complaint.view",
        _("Read reports, re-examinations and remedies in scope (reporters stay confidential)"),
    )
    COMPLAINT_HANDLE = "complaint.handle", _("Take and answer the reports routed to one's division")
    REEXAM_REGISTER = "reexam.register", _("Enter a re-examination request at the counter")
    REMEDY_RECORD = "remedy.record", _("Record administrative reconsiderations and lawsuits")
    # --- issue 23: personal data protection (privacy app) ---
    ACCESS_LOG_VIEW = "privacy.access_log", _("Read the log of who viewed personal data")
    LEGAL_HOLD = "privacy.hold", _("Place and lift legal holds on records")
    SUBJECT_REQUEST_HANDLE = (
        "privacy.request",
        _("Handle people's requests for a copy or correction of their data"),
    )
    SUBJECT_REQUEST_OWN = (
        "privacy.request_own",
        _("Request a copy or correction of one's own data"),
    )
    # --- issue 22 item 4: moving records in from the old system (rostermove app) ---
    ROSTER_MIGRATE = "roster.migrate", _("Move the old system's roster in")
    SUBSIDY_MIGRATE = "subsidy.migrate", _("Move the old register of subsidy units in")
    EXAM_MIGRATE = "exam.migrate", _("Move the old register of certificate holders in")


A = Action
_TOWNSHIP_COMMON = {
    A.CASE_VIEW,
    A.CASE_OPEN,
    A.CASE_ACCEPT,
    A.CASE_INVESTIGATE,
    A.CASE_VERIFY,
    A.CASE_FLAG,
    A.CASE_DISCLOSE,
    A.CASE_WITHDRAW,
    A.STATS_VIEW,
    A.ROSTER_VIEW,
    A.ROSTER_REPORT_CHANGE,
    A.PAYMENT_PREPARE,
}

#: role → the actions it may take inside the subtree of its binding's division.
PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.APPLICANT: frozenset({A.CASE_VIEW_OWN, A.CASE_APPLY}),
    # village staff report, collect, appraise and disclose; they never decide
    Role.VILLAGE_STAFF: frozenset(
        {
            A.CASE_VIEW,
            A.CASE_REPORT,
            A.CASE_COLLECT,
            A.CASE_APPRAISE,
            A.CASE_DISCLOSE,
            A.ROSTER_VIEW,
            A.ROSTER_REPORT_CHANGE,
        }
    ),
    Role.GRID_WORKER: frozenset(
        {A.CASE_VIEW, A.CASE_REPORT, A.CASE_COLLECT, A.ROSTER_REPORT_CHANGE}
    ),
    Role.TOWNSHIP_CASEWORKER: frozenset(_TOWNSHIP_COMMON),
    Role.TOWNSHIP_APPROVER: frozenset(_TOWNSHIP_COMMON | {A.CASE_DECIDE, A.PAYMENT_ISSUE}),
    Role.SOCIAL_WORKER: frozenset({A.CASE_VIEW, A.CASE_INVESTIGATE}),
    # the county supervises: it reads, samples and sends findings, and can never decide
    Role.COUNTY_SUPERVISOR: frozenset(
        {A.CASE_VIEW, A.CASE_SUPERVISE, A.STATS_VIEW, A.AUDIT_VIEW, A.ROSTER_VIEW}
    ),
    Role.CITY_VIEWER: frozenset({A.STATS_VIEW}),
    Role.MEDINS_AGENCY: frozenset({A.CASE_VIEW, A.MEDINS_HANDLE, A.STATS_VIEW}),
    Role.HOSPITAL_OPERATOR: frozenset({A.MEDINS_SETTLE}),
    Role.SUBSIDY_REVIEWER: frozenset({A.CASE_VIEW, A.SUBSIDY_REVIEW}),
    Role.ENV_INSPECTOR: frozenset({A.CASE_VIEW, A.BURNING_INSPECT}),
    Role.EXAM_ADMIN: frozenset({A.CASE_VIEW, A.EXAM_ADMINISTER}),
    Role.SYSTEM_ADMIN: frozenset({A.AUDIT_VIEW, A.DIVISION_ADD, A.ACCOUNT_MANAGE}),
}


# --- issue 5: household economic verification ---
# Township caseworkers and approvers read and start runs for their township; the county
# supervisor reads every report of the county (full reports, as the issue asks).
PERMISSIONS[Role.TOWNSHIP_CASEWORKER] |= {A.VERIFICATION_VIEW, A.VERIFICATION_RUN}
PERMISSIONS[Role.TOWNSHIP_APPROVER] |= {A.VERIFICATION_VIEW, A.VERIFICATION_RUN}
PERMISSIONS[Role.COUNTY_SUPERVISOR] |= {A.VERIFICATION_VIEW}


# --- issue 19: safety exams ---
# The province's (or city's) exam administrator runs everything of the exams in its area;
# centre staff invigilate and mark; the certificate officer decides certificates; the
# county and city read the exam statistics; candidates and employers see their own only.
PERMISSIONS[Role.EXAM_ADMIN] |= {A.EXAM_VIEW, A.EXAM_INVIGILATE, A.EXAM_CERTIFY}
PERMISSIONS[Role.EXAM_CANDIDATE] = frozenset({A.EXAM_SIT})
PERMISSIONS[Role.EXAM_EMPLOYER] = frozenset({A.EXAM_ENROL})
PERMISSIONS[Role.EXAM_STAFF] = frozenset({A.EXAM_VIEW, A.EXAM_INVIGILATE})
PERMISSIONS[Role.EXAM_CERTIFIER] = frozenset({A.EXAM_VIEW, A.EXAM_CERTIFY})
PERMISSIONS[Role.COUNTY_SUPERVISOR] |= {A.EXAM_VIEW}
PERMISSIONS[Role.CITY_VIEWER] |= {A.EXAM_VIEW}


# --- issue 17: straw-to-meat subsidy ---
# The county livestock bureau runs it: the surveyor registers and enters, two inspectors
# measure on site, the reviewer vets units and signs the decision (谁审批、谁签字、谁负责),
# publishes the disclosure and enters the programme's yearly figures; finance pays. The unit
# itself applies only for its own record (the service checks the unit's account too). The
# county supervisor reads and asks for reviews; the city/province read the progress.
PERMISSIONS[Role.SUBSIDY_REVIEWER] |= {A.SUBSIDY_VIEW, A.SUBSIDY_STATS}
PERMISSIONS[Role.SUBSIDY_UNIT] = frozenset({A.SUBSIDY_APPLY})
PERMISSIONS[Role.SUBSIDY_SURVEYOR] = frozenset({A.SUBSIDY_VIEW, A.SUBSIDY_SURVEY, A.SUBSIDY_STATS})
PERMISSIONS[Role.SUBSIDY_INSPECTOR] = frozenset({A.SUBSIDY_VIEW, A.SUBSIDY_INSPECT})
PERMISSIONS[Role.SUBSIDY_FINANCE] = frozenset({A.SUBSIDY_VIEW, A.SUBSIDY_PAY, A.SUBSIDY_STATS})
PERMISSIONS[Role.COUNTY_SUPERVISOR] |= {A.SUBSIDY_SUPERVISE, A.SUBSIDY_STATS}
PERMISSIONS[Role.CITY_VIEWER] |= {A.SUBSIDY_STATS}


# --- issue 18: straw-burning supervision ---
# Field people (grid head, village 包保 person) see their village's fire cases, go on site
# and report fires; the township's duty staff also sign cases closed; the county keeps its
# grids, zones, permits and responsible people, imports fire points and re-checks a
# sample, but never verifies or closes (its view of the cases is read-only); the city or
# province environment inspector (ENV_INSPECTOR) imports the satellite feed and holds
# counties to account (summons, deductions, inspection groups); a group member records
# the group's visits.
PERMISSIONS[Role.GRID_HEAD] = frozenset({A.BURNING_VIEW, A.BURNING_VERIFY, A.BURNING_REPORT})
PERMISSIONS[Role.BAOBAO_PERSON] = frozenset({A.BURNING_VIEW, A.BURNING_VERIFY, A.BURNING_REPORT})
PERMISSIONS[Role.BURNING_TOWNSHIP] = frozenset(
    {A.BURNING_VIEW, A.BURNING_VERIFY, A.BURNING_REPORT, A.BURNING_CLOSE}
)
PERMISSIONS[Role.BURNING_COUNTY] = frozenset(
    {
        A.BURNING_VIEW,
        A.BURNING_REPORT,
        A.BURNING_MANAGE,
        A.BURNING_IMPORT,
        A.BURNING_SUPERVISE,
    }
)
PERMISSIONS[Role.ENV_INSPECTOR] |= {A.BURNING_VIEW, A.BURNING_IMPORT, A.BURNING_ACCOUNT}
PERMISSIONS[Role.INSPECTION_MEMBER] = frozenset({A.BURNING_VIEW, A.BURNING_INSPECT})

# --- issue 22 item 4: moving records in from the old system ---
# The county's civil-affairs staff move the old roster in for their county; the livestock
# bureau (its reviewer) the surveyed units of its schemes; the exam administration the
# certificate holders of its area. Each only inside its binding's division.
PERMISSIONS[Role.COUNTY_SUPERVISOR] |= {A.ROSTER_MIGRATE}
PERMISSIONS[Role.SUBSIDY_REVIEWER] |= {A.SUBSIDY_MIGRATE}
PERMISSIONS[Role.EXAM_ADMIN] |= {A.EXAM_MIGRATE}


# --- issue 22: complaints and re-examination ---
# A report goes to the complaint handler of its township (or of the county, when it is
# about township staff); the handler who takes it answers it and alone sees who reported.
# The county supervisor reads every report, re-examination and remedy of the county, with
# the reporters masked. Township staff enter re-examination requests at the counter and
# record reconsiderations and lawsuits; the new decision is signed by a township approver
# (CASE_DECIDE) other than the first signer.
PERMISSIONS[Role.COMPLAINT_HANDLER] = frozenset({A.COMPLAINT_VIEW, A.COMPLAINT_HANDLE})
PERMISSIONS[Role.COUNTY_SUPERVISOR] |= {A.COMPLAINT_VIEW}
PERMISSIONS[Role.TOWNSHIP_CASEWORKER] |= {A.REEXAM_REGISTER, A.REMEDY_RECORD}
PERMISSIONS[Role.TOWNSHIP_APPROVER] |= {A.REEXAM_REGISTER, A.REMEDY_RECORD}
# --- issue 23: personal data protection ---
# The county supervisor reads the access log of its county; the auditor reads it (and the
# audit log) for every division under its binding and changes nothing; the county's
# system administrator places and lifts legal holds; the township's staff take and answer
# people's requests about their data, which citizens and exam candidates file themselves.
PERMISSIONS[Role.PRIVACY_AUDITOR] = frozenset({A.ACCESS_LOG_VIEW, A.AUDIT_VIEW})
PERMISSIONS[Role.COUNTY_SUPERVISOR] |= {A.ACCESS_LOG_VIEW}
PERMISSIONS[Role.SYSTEM_ADMIN] |= {A.LEGAL_HOLD}
PERMISSIONS[Role.TOWNSHIP_CASEWORKER] |= {A.SUBJECT_REQUEST_HANDLE}
PERMISSIONS[Role.TOWNSHIP_APPROVER] |= {A.SUBJECT_REQUEST_HANDLE}
PERMISSIONS[Role.APPLICANT] |= {A.SUBJECT_REQUEST_OWN}
PERMISSIONS[Role.EXAM_CANDIDATE] |= {A.SUBJECT_REQUEST_OWN}


def role_allows(role: str, action: str) -> bool:
    """True when ``role`` carries ``action``; unknown roles carry nothing (fail closed)."""
    try:
        return Action(action) in PERMISSIONS.get(Role(role), frozenset())
    except ValueError:
        return False
