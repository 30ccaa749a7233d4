"""The text of the help pages: per screen, what it is for, what each action does, and the clause it serves.

English msgids like every other string; the Japanese comes from the catalogue. ``url_names`` are the screens that
link to the page (``mctv.help`` finds the page from the view name)."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class HelpPage:
    slug: str
    title: Promise
    purpose: Promise
    actions: tuple[tuple[Promise, Promise], ...]
    clauses: tuple[Promise, ...]
    url_names: tuple[str, ...]


DECLARATION_4_2 = _("Declaration 4(2): no unauthorised access, leak, loss or damage.")
DECLARATION_4_1 = _("Declaration 4(1): staff training and a responsible person in each department.")
DECLARATION_5 = _(
    "Declaration 5 and APPI arts. 76–108: disclosure, correction and suspension of use at the person's request."
)
DECLARATION_13 = _("Declaration 13: records are kept for the period the city's rules set, then disposed of.")

PAGES = (
    HelpPage(
        "register_imports",
        _("Register imports"),
        _(
            "Bringing in the register an office kept before (a spreadsheet or an older system's export): checked "
            "first, then imported, each import recorded."
        ),
        (
            (
                _("Import a register file"),
                _(
                    "CSV (UTF-8 or Shift_JIS) or Excel (.xlsx). The import profile says which column holds which "
                    "item; the next page shows how the columns are read and the first rows."
                ),
            ),
            (
                _("Check the file"),
                _(
                    "Writes nothing: every problem is listed by row and column, with the likely duplicates in the "
                    "file and in the register. The report can be downloaded as CSV."
                ),
            ),
            (
                _("Import"),
                _(
                    "Writes the rows. Whole file: one refused row and nothing is written. Each row: the good rows are "
                    "written and the bad ones reported. A large file is worked on in the background."
                ),
            ),
            (
                _("Importing again"),
                _(
                    "Rows are matched by the number in the former register: the same file changes nothing, a "
                    "corrected file updates only what changed, and the change history names the import."
                ),
            ),
        ),
        (_("Declaration 1: the personal information held."), DECLARATION_4_2),
        ("subscribers:import_list", "subscribers:import_upload", "subscribers:import_detail"),
    ),
    HelpPage(
        "dashboard",
        _("Dashboard"),
        _("What is due today: requests awaiting a reply by their due date, incident reports and appeals to refer."),
        (
            (_("A number"), _("Opens the request, incident or appeal.")),
            (_("Days left"), _("Red is overdue, amber is due soon. The due date is the last open day of the period.")),
            (_("Warnings"), _("Departments without a responsible person, untrained staff, approvals waiting.")),
        ),
        (DECLARATION_5, _("Declaration 11: leaks are reported at once.")),
        ("privacy:dashboard",),
    ),
    HelpPage(
        "subscribers",
        _("Subscribers"),
        _("The subscriber register: search, register and open a subscriber's record."),
        (
            (_("Search"), _("Finds by name, reading, phone, address or number; full- and half-width are the same.")),
            (
                _("Register"),
                _("Registers a new subscriber. Someone who looks already registered is listed first, to confirm."),
            ),
            (_("Export CSV"), _("Writes the search result to a file. The export is recorded with its purpose.")),
        ),
        (_("Declaration 1: the personal information held."), DECLARATION_4_2),
        ("subscribers:list", "subscribers:create"),
    ),
    HelpPage(
        "subscriber",
        _("Subscriber record"),
        _("One subscriber's record: personal information, services, consents, requests and provisions."),
        (
            (_("Edit"), _("Changes the record; the previous values stay in the change history.")),
            (_("Change status / terminate"), _("Records suspension, resumption or termination with its date.")),
            (
                _("Void this registration"),
                _("For a registration made by mistake (officers): kept with its reason, out of lists and provisions."),
            ),
            (_("Change history"), _("Shows who changed what and when.")),
            (_("Record a consent"), _("Records a consent to a purpose not stated in the declaration.")),
            (_("Record a provision"), _("Records data handed to someone outside the office.")),
        ),
        (
            _("Declaration 2(3): any other use only with the subscriber's consent."),
            _("Declaration 3: no provision to a third party except on the six bases."),
            DECLARATION_4_2,
        ),
        ("subscribers:detail", "subscribers:edit", "subscribers:status", "subscribers:void"),
    ),
    HelpPage(
        "history",
        _("Change history"),
        _("Every change to the record: when, by whom, why, and the value before and after."),
        ((_("Back to the record"), _("Returns to the subscriber's record.")),),
        (DECLARATION_4_2,),
        ("subscribers:history",),
    ),
    HelpPage(
        "requests",
        _("Subscribers' requests"),
        _("Written requests for disclosure, correction, suspension of use and the like, and their deadlines."),
        (
            (
                _("Record a subscriber's request"),
                _("Receives a written request; the due date is counted from the next day."),
            ),
            (_("Filter"), _("Shows the open requests, all requests, or those in one status.")),
        ),
        (DECLARATION_5,),
        ("privacy:request_list", "privacy:request_create"),
    ),
    HelpPage(
        "request",
        _("Request"),
        _("One request from receipt to reply: identity check, review, decision, letters and the events so far."),
        (
            (_("Record the identity check"), _("Records how the person or agent was identified.")),
            (_("Ask for a correction of the form"), _("Stops the clock until the corrected form arrives.")),
            (_("Extend the deadline (once)"), _("Extends the period with a reason; the requester is told.")),
            (_("Decide (officer)"), _("Records the decision; a partial or refused one needs its grounds.")),
            (_("Notice (PDF)"), _("Prints the letter to the requester.")),
            (_("Record an appeal"), _("Registers an appeal against the decision.")),
        ),
        (DECLARATION_5, _("Declaration 6(3): provision to contractors stops at the person's request.")),
        ("privacy:request_detail",),
    ),
    HelpPage(
        "consultations",
        _("Consultations"),
        _("Calls and visits without a written request. One becomes a request when the written request arrives."),
        (
            (_("Record a consultation"), _("Notes who asked what and how.")),
            (_("Record the written request"), _("Opens the request form filled in from the consultation.")),
        ),
        (_("APPI arts. 76(1), 77(1): a request is made in writing."),),
        ("privacy:consultation_list", "privacy:consultation_create"),
    ),
    HelpPage(
        "appeals",
        _("Appeals"),
        _("Appeals against decisions on requests, referral to the review board and the ruling."),
        (
            (_("Record an appeal"), _("Registers an appeal with the decision it is against.")),
            (
                _("Consult the review board"),
                _("Records the referral to the review board and notifies those concerned."),
            ),
            (_("Rule on the appeal"), _("Records the ruling; a decision set aside reopens the request.")),
        ),
        (_("APPI art. 105: appeals go to the review board."),),
        ("privacy:appeal_list", "privacy:appeal_detail", "privacy:appeal_create"),
    ),
    HelpPage(
        "complaints",
        _("Complaints register"),
        _("Complaints about how the office handles personal information, each with its reply and reply date."),
        (
            (_("Record a complaint"), _("Registers the complaint; the reply date is counted from receipt.")),
            (_("Record the reply"), _("Records what was answered and done.")),
            (_("Close the complaint"), _("Closes the complaint once it is answered.")),
        ),
        (_("Declaration 12: complaints about handling of personal information."),),
        ("privacy:complaint_list", "privacy:complaint_detail", "privacy:complaint_create"),
    ),
    HelpPage(
        "work_orders",
        _("Work orders"),
        _("Work ordered from contractors, and which items of the subscriber each contractor may see and when."),
        (
            (_("Register a work order"), _("Names the subscriber, contractor, kind of work and access window.")),
            (_("Print the work sheet (paper provision)"), _("Prints the sheet; the printing is a provision record.")),
            (
                _("Close work order"),
                _("Ends the work and records whether the paper sheets came back or were destroyed."),
            ),
        ),
        (
            _("Declaration 2(1): data may be handed to contractors for the work."),
            _("Declaration 6(1): only the items the work needs."),
        ),
        (
            "privacy:work_order_list",
            "privacy:work_order_detail",
            "privacy:work_order_create",
            "privacy:work_order_edit",
        ),
    ),
    HelpPage(
        "handovers",
        _("Bulk hand-overs"),
        _(
            "Files of many subscribers handed to a printer, a fee collector or the system vendor under its "
            "confidentiality agreement, and their return or destruction."
        ),
        (
            (
                _("Make a bulk hand-over"),
                _(
                    "Names the agreement, purpose, items, method and file format. Subscribers who stopped provision "
                    "to contractors, voided registrations and those without consent are left out."
                ),
            ),
            (
                _("Download the file (once)"),
                _("Hands the file over: each subscriber is recorded as provided, with the file's SHA-256."),
            ),
            (
                _("Record the confirmation"),
                _("Records who confirmed the return or destruction, how and on which day."),
            ),
        ),
        (
            _("Declaration 2(1): data may be handed to contractors for the work."),
            _("Declaration 6(2): by paper, transmission, media or server access."),
            _("Broadcaster rules 19: return, erasure and destruction of the data."),
        ),
        ("privacy:handover_list", "privacy:handover_detail", "privacy:handover_create"),
    ),
    HelpPage(
        "provisions",
        _("Provision records"),
        _("Every handing of personal data to someone outside the office: when, whose, to whom, what, how and why."),
        (
            (_("Search"), _("Narrows the records by subscriber, recipient, method or date.")),
            (_("Export CSV"), _("Writes the records shown to a file.")),
        ),
        (
            _("Declaration 3: no provision to a third party except on the six bases."),
            _("Declaration 6(2): the method of each provision is recorded."),
        ),
        ("privacy:provision_list", "privacy:provision_record"),
    ),
    HelpPage(
        "exceptional",
        _("Exceptional provisions"),
        _("Provisions on bases (3)–(6) of declaration 3 wait here for the responsible officer's approval."),
        ((_("Decide"), _("Approves or rejects with a written reason; nothing is provided until approved.")),),
        (_("Declaration 3(3)–(6): exceptions need an officer's approval and a reason."),),
        ("privacy:exceptional_list", "privacy:exceptional_decide"),
    ),
    HelpPage(
        "purposes",
        _("Purposes of use"),
        _("The purposes the data is used for, and the bulk uses of each: lists, address labels and statistics."),
        (
            (_("Export CSV"), _("Lists only the subscribers this purpose may reach.")),
            (_("Address labels"), _("Prints labels on A4 sheets for the subscribers this purpose may reach.")),
            (_("Statistics"), _("Counts only; small cells are hidden so no one can be identified.")),
        ),
        (
            _("Declaration 2(2): the three stated purposes."),
            _("Declaration 2(3): any other use only with the subscriber's consent."),
        ),
        ("privacy:purpose_list", "privacy:statistics", "privacy:label_print"),
    ),
    HelpPage(
        "contractors",
        _("Contractors"),
        _("Contractors and their confidentiality agreements: which items each may ever receive."),
        (
            (_("Register a contractor"), _("Registers a contractor.")),
            (
                _("Record a confidentiality agreement"),
                _("Records the agreement, its period, items and whether re-delegation is allowed."),
            ),
        ),
        (_("Declaration 4(3): contractors are bound by a confidentiality agreement."),),
        (
            "privacy:contractor_list",
            "privacy:contractor_detail",
            "privacy:contractor_create",
            "privacy:contractor_edit",
        ),
    ),
    HelpPage(
        "incidents",
        _("Incident register"),
        _("Leaks and other incidents: facts, people affected, notices, and the report deadlines."),
        (
            (_("Record an incident"), _("Registers the incident; the report deadlines are counted from discovery.")),
            (_("Derive the affected people from the records"), _("Finds the subscribers affected from the logs.")),
            (_("Report draft (PDF)"), _("Prints the report with counts, not names.")),
            (_("Change the status"), _("Records the reports made and closes the incident.")),
        ),
        (_("Declaration 11: leaks are reported at once and the people concerned are told."),),
        ("privacy:incident_list", "privacy:incident_detail", "privacy:incident_create", "privacy:incident_scope"),
    ),
    HelpPage(
        "file_register",
        _("File register"),
        _("The register of personal information files the office publishes, reviewed and approved here."),
        (
            (_("Approve and publish"), _("Approves the new version; it becomes the published register.")),
            (_("The published register"), _("Opens the page the public sees.")),
        ),
        (_("APPI art. 75: the city keeps and publishes a register of its personal information files."),),
        ("privacy:file_register_review",),
    ),
    HelpPage(
        "accountability",
        _("Training and inspection"),
        _("Staff training, each department's self-inspection and the audit findings of the fiscal year."),
        (
            (_("Record a training session"), _("Records the session and who attended.")),
            (_("Start the self-inspection"), _("Starts the year's checklist for a department.")),
            (_("Yearly report (PDF)"), _("Prints the year's training, inspections and audit for the city's audit.")),
        ),
        (DECLARATION_4_1,),
        ("privacy:accountability", "privacy:training_detail", "privacy:inspection_detail"),
    ),
    HelpPage(
        "retention",
        _("Retention and disposal"),
        _("Records past their retention period, proposed every night for disposal."),
        (
            (_("Approve the disposal"), _("Approves the proposal; the records are purged in batches.")),
            (_("Disposal certificate (PDF)"), _("Prints the record of what was disposed of, without personal data.")),
        ),
        (DECLARATION_13,),
        ("privacy:disposal_list", "privacy:disposal_detail"),
    ),
    HelpPage(
        "access_log",
        _("Access log"),
        _("Every view of a subscriber's personal data by staff: who, when, which record and why."),
        ((_("Search"), _("Narrows the log by staff member, subscriber or date.")),),
        (DECLARATION_4_2,),
        ("privacy:access_log",),
    ),
    HelpPage(
        "access_reviews",
        _("Access reviews"),
        _("The monthly check that staff viewed residents' records only for their work."),
        (
            (_("Run the review"), _("Reviews last month's access log and flags views without related business.")),
            (_("Close the flag"), _("Another person records the explanation of a flagged view.")),
            (_("Review record (PDF)"), _("Prints the review with each flag and its outcome.")),
        ),
        (DECLARATION_4_1, DECLARATION_4_2),
        ("privacy:access_review_list", "privacy:access_review_detail"),
    ),
    HelpPage(
        "portal",
        _("Contractor portal"),
        _("Your company's work orders whose access window is open today, with the items the work needs."),
        (
            (_("A work order"), _("Shows the subscriber's items for the work. Each opening is recorded.")),
            (_("Download the work sheet (PDF)"), _("Prints the sheet. Return or destroy it after the work.")),
        ),
        (
            _("Declaration 6(1): only the items the work needs."),
            _("Declaration 4(3): contractors are bound by a confidentiality agreement."),
        ),
        ("portal:home", "portal:work_order"),
    ),
)
