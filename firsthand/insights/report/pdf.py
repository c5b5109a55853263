"""The report of a period as a PDF, drawn with fpdf2 (pure Python: no system libraries, nothing fetched).

Charts are drawn as PDF shapes from the same figures as the pages' SVG charts, each followed by its
figures in words or a table. The PDF core fonts read Latin-1 only; text outside it (emoji, most
non-Latin scripts) is shown with its closest Latin-1 form or a "?", never dropped silently: a post's row
keeps its link to the post on the network.
"""

import unicodedata

from django.utils import timezone
from fpdf import FPDF
from fpdf.fonts import FontFace

from firsthand.insights.report.figures import Report

INK, MUTED, LINE = (17, 24, 39), (100, 116, 139), (226, 232, 240)
BRAND, PALE = (79, 70, 229), (199, 210, 254)
PUNCTUATION = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "•": "-"})


def latin(text) -> str:
    text = unicodedata.normalize("NFC", str(text)).translate(PUNCTUATION)
    return "".join(c if ord(c) < 256 else (unicodedata.normalize("NFKD", c)[:1] if c.isalpha() else "?") for c in text)


class Page(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4")
        self.title_text = title
        self.set_auto_page_break(True, margin=16)
        self.set_margins(16, 16, 16)

    def footer(self):
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, latin(f"{self.title_text} - page {self.page_no()}"), align="C")

    def heading(self, text: str):
        if self.get_y() > self.h - 60:
            self.add_page()
        self.ln(4)
        self.set_font("helvetica", "B", 13)
        self.set_text_color(*INK)
        self.cell(0, 8, latin(text), new_x="LMARGIN", new_y="NEXT")

    def line_of(self, text: str, size: float = 10, colour=INK, style: str = ""):
        self.set_font("helvetica", style, size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.5, latin(text), new_x="LMARGIN", new_y="NEXT")

    def figures(self, pairs: list[tuple[str, object]]):
        """A row of big numbers with their words under them."""
        width = (self.w - self.l_margin - self.r_margin) / max(len(pairs), 1)
        top = self.get_y()
        for n, (label, value) in enumerate(pairs):
            self.set_xy(self.l_margin + n * width, top)
            self.set_font("helvetica", "B", 16)
            self.set_text_color(*INK)
            self.cell(width, 8, latin("-" if value is None else value))
            self.set_xy(self.l_margin + n * width, top + 8)
            self.set_font("helvetica", size=8)
            self.set_text_color(*MUTED)
            self.cell(width, 4, latin(label))
        self.set_xy(self.l_margin, top + 14)

    def bars(self, values: list[int], labels: list[str], colours: list, height: float = 38):
        """Vertical bars over the page width, a label under every few; the figures are printed after it."""
        if self.get_y() + height + 8 > self.h - 16:
            self.add_page()
        left, top = self.l_margin, self.get_y() + 2
        width = self.w - self.l_margin - self.r_margin
        slot = width / max(len(values), 1)
        tallest = max(values + [1])
        self.set_draw_color(*LINE)
        self.line(left, top + height, left + width, top + height)
        self.set_font("helvetica", size=6.5)
        self.set_text_color(*MUTED)
        every = max(1, -(-len(values) // 12))
        for n, value in enumerate(values):
            h = height * value / tallest
            if value:
                self.set_fill_color(*colours[n])
                self.rect(left + n * slot + slot * 0.15, top + height - h, slot * 0.7, h, style="F")
            if n % every == 0:
                self.set_xy(left + n * slot - 4, top + height + 0.5)
                self.cell(slot + 8, 3.5, latin(labels[n]), align="C")
        self.set_font("helvetica", size=6.5)
        self.set_xy(left, top - 1)
        self.cell(10, 3, str(tallest))
        self.set_xy(self.l_margin, top + height + 6)

    def table(self, header: list[str], rows: list[list], widths: tuple):
        self.set_font("helvetica", size=8.5)
        self.set_text_color(*INK)
        self.set_draw_color(*LINE)
        self.set_fill_color(255, 255, 255)  # the bars' colour would otherwise fill every cell
        heading = FontFace(emphasis="BOLD", fill_color=(241, 245, 249))
        with super().table(
            col_widths=widths, line_height=5, padding=1, text_align="LEFT", headings_style=heading,
            cell_fill_color=(248, 250, 252), cell_fill_mode="ROWS",
        ) as table:  # fmt: skip
            for row in [header, *rows]:
                cells = table.row()
                for value in row:
                    cells.cell(latin("-" if value is None else value))
        self.ln(2)


def render(report: Report) -> bytes:
    title = f"{report.workspace}: social media report"
    pdf = Page(title)
    pdf.set_title(latin(title))
    pdf.set_creator("firsthand")
    pdf.add_page()
    pdf.line_of(title, 18, style="B")
    pdf.line_of(report.scope, 10, MUTED)

    pdf.heading("Customer messages")
    total = report.messages.get("total", 0)
    pdf.figures([("messages", total), *[(name.lower(), n) for name, n in report.kinds]])
    if total:
        per_day = [day["total"] for day in report.days]
        colour = [(148, 163, 184)] * len(per_day)
        pdf.bars(per_day, [f"{day['day']:%-d %b}" for day in report.days], colour)
        pdf.line_of(
            "Messages per day. " + ", ".join(f"{day['day']:%-d %b}: {day['total']}" for day in report.days), 8, MUTED
        )
    else:
        pdf.line_of("Nobody wrote to these accounts in this period.", colour=MUTED)
    if report.answered:
        answered = report.answered
        pdf.line_of(
            f"{answered['answered']} of {answered['conversations']} conversations answered"
            + (f" ({answered['share']}%)." if answered["share"] is not None else ".")
        )
        if answered["networks"]:
            rows = [[net, n, f"{m} min" if m is not None else None, f"{w}%" if w is not None else None]
                    for net, n, m, w in answered["networks"]]  # fmt: skip
            pdf.table(["Network", "First answers", "Median wait", "Within target"], rows, (40, 30, 30, 30))
    speakers = report.speakers
    if speakers.get("total"):
        pdf.line_of(f"{speakers['total']} answers sent, {speakers['owner_share']}% by an owner.")

    pdf.heading("Published posts")
    posts = report.posts
    counts = ("posts", "inbox_replies", "likes", "reposts", "clicks")
    words = ("posts", "replies in the inbox", "likes", "reposts", "link clicks")
    pdf.figures([(word, posts[key]) for word, key in zip(words, counts, strict=True)])
    if not posts["posts"]:
        pdf.line_of("No posts were published in this period.", colour=MUTED)
    else:
        if any(report.hours):
            marked = report.suggested
            pdf.line_of("When your posts get answered (replies by hour of the day)", 10, style="B")
            pdf.bars(report.hours, [f"{h:02d}" for h in range(24)], [BRAND if h in marked else PALE for h in range(24)])
            busiest = ", ".join(f"{h:02d}:00 ({report.hours[h]})" for h in range(24) if report.hours[h])
            pdf.line_of(f"Replies by hour: {busiest}.", 8, MUTED)
            if marked:
                pdf.line_of("Suggested queue slots: " + ", ".join(f"{h:02d}:00" for h in marked), style="B")
        for heading, rows in (("Most answered and liked", report.best), ("Least answered and liked", report.worst)):
            if rows:
                pdf.line_of(heading, 10, style="B")
                pdf.table(*post_table(rows))
        pdf.line_of("Posts with the most replies", 10, style="B")
        pdf.table(*post_table(report.top))
    return bytes(pdf.output())


def post_table(rows) -> tuple:
    header = ["Post", "Account", "Published", "Replies", "Likes", "Reposts"]
    body = [
        [row.text()[:90], row.account.handle, f"{timezone.localtime(row.published_at):%-d %b %H:%M}",
         row.inbox_replies, row.likes, row.reposts]
        for row in rows
    ]  # fmt: skip
    return header, body, (78, 34, 26, 14, 14, 14)
