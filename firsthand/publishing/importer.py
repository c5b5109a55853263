"""Many posts at once from a CSV file: every row is checked first, and nothing is imported unless all are good.

Columns (a header row is required): account, time, text, and optionally media.
- account: the handle as shown in firsthand, e.g. @shop-news
- time: "2026-12-01 09:30" on the workspace's clock, or ISO 8601 with an offset ("2026-12-01T09:30+01:00")
- text: the post
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from firsthand.networks.models import ConnectedAccount
from firsthand.publishing import operations
from firsthand.publishing.checks import check_for_account
from firsthand.publishing.clock import TimeProblem, to_utc, wall_clock_to_utc
from firsthand.team import scope

REQUIRED = ("account", "time", "text")
OPTIONAL = ("media",)
MAX_ROWS = 5000


@dataclass
class Row:
    line: int
    account: object = None
    due: datetime | None = None
    text: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems with the file as a whole
    imported: int = 0
    awaiting: int = 0  # of those imported, how many wait for an approver

    @property
    def ok(self) -> bool:
        return not self.errors and all(not row.errors for row in self.rows)


def read(content: bytes | str, workspace, membership=None) -> Report:
    report = Report()
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            report.errors.append("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
            return report
    if "\x00" in content:
        report.errors.append("The file contains NUL characters, so it is not a CSV text file. Export it as CSV again.")
        return report
    # newline="": the csv module finds the rows itself, so files saved with CR-only line ends (old Mac
    # Excel) read like any other.
    reader = csv.DictReader(io.StringIO(content, newline=""))
    try:
        return read_rows(reader, workspace, report, membership)
    except csv.Error as error:
        # The csv module's words (a cell over its 131,072-character limit, a stray quote) and the row.
        report.errors.append(f"Row {reader.line_num + 1} could not be read as CSV: {error}.")
        report.rows = []
        return report


def read_rows(reader: csv.DictReader, workspace, report: Report, membership=None) -> Report:
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in REQUIRED + OPTIONAL]
    if not header:
        report.errors.append("The file is empty. The first row must name the columns: account, time, text.")
        return report
    if missing or unknown:
        if missing:
            report.errors.append(f"Missing column(s): {', '.join(missing)}.")
        if unknown:
            report.errors.append(f"Unknown column(s): {', '.join(unknown)}. Use account, time, text (and media).")
        return report
    reader.fieldnames = header
    found = ConnectedAccount.objects.connected().filter(workspace=workspace)
    accounts = {a.handle.lower(): a for a in found}
    reachable = {a.pk for a in scope.within(membership, found, "pk")}
    for line, values in enumerate(reader, start=2):
        if len(report.rows) >= MAX_ROWS:
            report.errors.append(f"At most {MAX_ROWS} rows per file; split the file.")
            break
        row = read_row(line, values, accounts, workspace)
        if row.account is not None and row.account.pk not in reachable:
            row.errors = [f"{row.account.handle} is outside your access; you can't post there. Ask an owner."]
        report.rows.append(row)
    if not report.rows:
        report.errors.append("The file has a header but no posts.")
    return report


def read_row(line: int, values: dict, accounts: dict, workspace) -> Row:
    row = Row(line=line, text=(values.get("text") or "").strip())
    if None in values:
        row.errors.append("This row has more cells than the header.")
    handle = (values.get("account") or "").strip().lower()
    handle = handle if handle.startswith("@") or not handle else f"@{handle}"
    row.account = accounts.get(handle)
    if row.account is None:
        row.errors.append(f"No connected account {handle or '(empty)'} in this workspace.")
    row.due = parse_time((values.get("time") or "").strip(), workspace.timezone, row.errors)
    if row.due and row.due <= timezone.now():
        row.errors.append("This time has already passed.")
    if (values.get("media") or "").strip():
        row.errors.append("Images in imports are not supported yet; leave the media column empty.")
    if row.account is not None:
        row.errors += check_for_account(row.account, [row.text]).problems
    return row


def parse_time(value: str, zone_name: str, errors: list[str]) -> datetime | None:
    if not value:
        errors.append("The time is empty.")
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        errors.append(f"“{value}” is not a time firsthand understands; write it like 2026-12-01 09:30.")
        return None
    try:
        if parsed.tzinfo is not None:
            return to_utc(parsed)
        return wall_clock_to_utc(
            date(parsed.year, parsed.month, parsed.day), time(parsed.hour, parsed.minute), zone_name
        )
    except TimeProblem as problem:
        errors.append(str(problem))
        return None


def import_posts(membership, content) -> Report:
    """Check every row; import all of them in one transaction, or none."""
    report = read(content, membership.workspace, membership)
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            for row in report.rows:
                post = operations.save_post(membership, accounts=[row.account], text=row.text)
                try:  # the same check and approval as any post scheduled by hand
                    # Importing the checked rows is the owner's yes, as before: no per-row "Publish anyway?".
                    if operations.schedule(membership, post, row.due, anyway=True) == operations.AWAITING:
                        report.awaiting += 1
                except operations.PublishingError as refusal:
                    row.errors.append(str(refusal))
                    raise
                report.imported += 1
    except operations.PublishingError:
        report.imported = report.awaiting = 0  # all or none: the transaction rolled every row back
    return report
