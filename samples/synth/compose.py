"""Document text: sentences, references to earlier acts, "Căn cứ" lines, abstracts, addressees.

Every draw comes from the document's random generator, in a fixed order: reordering two draws
changes every document after them.
"""

from __future__ import annotations

import datetime as dt
import random

from .agencies import Agency
from .fmt import earlier, fmt_date_line, fmt_date_short, fmt_int, fmt_pct, later, nfc
from .vocabulary import (
    ABSTRACTS,
    ABSTRACTS_NORMATIVE,
    DECREES,
    DEPARTMENTS,
    FIELDS,
    GENERIC,
    KINH_GUI_MANY,
    KINH_GUI_MANY_DEFAULT,
    KINH_GUI_ONE,
    KINH_GUI_ONE_EXTRA,
    KINH_GUI_TO_TRINH,
    LAWS,
    NORMATIVE_DECISION,
    RECIPIENTS,
    RECIPIENTS_FIRST,
    TOPICS,
)


class Ctx:
    """What the body text generators need to know about the document."""

    def __init__(self, rng: random.Random, ag: Agency, issued: dt.date, topic: str, doc_type: str):
        self.rng, self.ag, self.issued, self.topic, self.doc_type = rng, ag, issued, topic, doc_type
        self.year = issued.year
        self.used: set[str] = set()

    def ref(self) -> str:
        """A reference to an earlier document, with its (non-issue) date."""
        rng = self.rng
        d = earlier(rng, self.issued, 15, 700)
        n = rng.randint(1, 2400)
        when = fmt_date_short(rng, d) if rng.random() < 0.6 else fmt_date_line(d, d.year >= 2020)
        if when[0].isdigit():
            when = "ngày " + when
        kinds = [
            (f"Công văn số {n}/{self.ag.code}-{rng.choice(self.ag.units or ['VP'])}", self.ag.short),
            (f"Quyết định số {n}/QĐ-UBND", "UBND tỉnh"),
            (f"Nghị quyết số {n % 150 + 1}/NQ-HĐND", "Hội đồng nhân dân tỉnh"),
            (f"Chỉ thị số {n % 40 + 1:02d}/CT-TTg", "Thủ tướng Chính phủ"),
            (f"Kế hoạch số {n}/KH-UBND", "UBND tỉnh"),
            (f"Công văn số {n}/BNV-VP", "Bộ Nội vụ"),
        ]
        what, who = rng.choice(kinds)
        return f"{what} {when} của {who}"

    def dept(self) -> str:
        return self.rng.choice([d[0] for d in DEPARTMENTS] + ["Công an tỉnh", "Văn phòng UBND tỉnh"])

    def dept_head(self) -> str:
        d = self.dept()
        if d.startswith("Văn phòng"):
            return "Chánh " + d
        return "Giám đốc " + d

    def deadline(self) -> str:
        return "ngày " + fmt_date_short(self.rng, later(self.rng, self.issued, 7, 120))

    def sentence(self) -> str:
        """One sentence of the body, not repeated until the document has used twenty."""
        templates = self._templates()
        rng = self.rng
        for _ in range(8):
            text = rng.choice(GENERIC) if rng.random() < 0.35 else rng.choice(templates)
            key = text[:40] if text in GENERIC else str(templates.index(text))
            if key not in self.used:
                break
        if len(self.used) > 20:  # a long document: allow repeats, but not back to back
            self.used = {key}
        self.used.add(key)
        return text

    def _templates(self) -> list[str]:
        """The sentences about the topic (drawing their numbers, dates and departments)."""
        rng, ag = self.rng, self.ag
        topic = self.topic if rng.random() < 0.7 else rng.choice(TOPICS)
        d1, d2 = rng.sample([d[0] for d in DEPARTMENTS] + ["Công an tỉnh"], 2)
        n1 = rng.randint(800, 25000)
        n2 = int(n1 * rng.uniform(0.9, 0.99))
        money = rng.randint(2, 950) * 1_000_000
        return [
            f"{d1} chủ trì, phối hợp với {d2} tổ chức triển khai thực hiện công "
            f"tác {topic} {ag.scope}; định kỳ báo cáo kết quả về {ag.short} trước {self.deadline()}.",
            f"{self.dept()} chủ trì, phối hợp với các cơ quan, đơn vị liên quan hướng dẫn, kiểm "
            f"tra, đôn đốc việc thực hiện {topic}; tổng hợp, báo cáo {ag.head_text} kết quả thực "
            f"hiện.",
            f"Giao {self.dept()} tham mưu {ag.short} ban hành văn bản chỉ đạo, hướng dẫn thực hiện "
            f"{topic} năm {self.year}, bảo đảm đúng quy định.",
            f"Tổ chức rà soát, đánh giá thực trạng công tác {topic}; xác định rõ những kết quả đạt "
            f"được, tồn tại, hạn chế và nguyên nhân.",
            f"Phấn đấu đến hết năm {self.year}, tỷ lệ hồ sơ giải quyết đúng hạn đạt trên "
            f"{rng.randint(90, 98)}%; {rng.randint(70, 100)}% cơ quan, đơn vị hoàn thành nhiệm vụ "
            f"về {topic}.",
            f"Kinh phí thực hiện {topic} được bố trí từ nguồn ngân sách nhà nước theo phân cấp "
            f"hiện hành và các nguồn huy động hợp pháp khác.",
            f"Trong kỳ, {ag.lower} đã tiếp nhận {fmt_int(n1)} hồ sơ, trong đó giải quyết đúng hạn "
            f"{fmt_int(n2)} hồ sơ, đạt tỷ lệ {fmt_pct(100 * n2 / n1)}%; số hồ sơ đang giải quyết "
            f"là {fmt_int(rng.randint(5, 400))} hồ sơ.",
            f"Tổng kinh phí thực hiện là {fmt_int(money)} đồng, trong đó ngân sách tỉnh "
            f"{fmt_int(money // 2)} đồng, còn lại từ nguồn vốn lồng ghép các chương trình, dự án.",
            f"Đã tổ chức {rng.randint(2, 30)} lớp tập huấn về {topic} cho "
            f"{fmt_int(rng.randint(100, 3000))} lượt cán bộ, công chức, viên chức tham gia.",
            f"Thực hiện {self.ref()}, {ag.short} đã chỉ đạo các cơ quan, đơn vị triển khai thực hiện "
            f"nghiêm túc, đạt được nhiều kết quả tích cực.",
            f"Công tác {topic} còn một số tồn tại, hạn chế như: việc phối hợp giữa các cơ quan, "
            f"đơn vị có lúc chưa chặt chẽ; chất lượng tham mưu ở một số nơi chưa cao.",
        ]

    def paragraph(self, k: int | None = None) -> str:
        k = k or self.rng.randint(1, 3)
        return " ".join(self.sentence() for _ in range(k))

    def can_cu(self) -> list[str]:
        rng = self.rng
        laws = [x for x in LAWS if x[1] < self.issued]
        decrees = [x for x in DECREES if x[1] < self.issued]
        lines = []
        for name, d in rng.sample(laws, min(len(laws), rng.randint(1, 2))):
            lines.append(f"Căn cứ {name} {fmt_date_line(d, d.year >= 2020)};")
        for name, d, what in rng.sample(decrees, min(len(decrees), rng.randint(0, 2))):
            lines.append(f"Căn cứ {name} {fmt_date_line(d, d.year >= 2020)} của Chính phủ {what};")
        if rng.random() < 0.6 and self.ag.kind not in ("bo", "ttg", "chinhphu"):
            lines.append(f"Căn cứ {self.ref()} về {self.topic};")
        return lines


def abstract_for(rng: random.Random, doc_type: str, ctx: Ctx, normative: bool) -> str:
    """The abstract ("trích yếu"), from the templates of data/vocabulary.toml."""
    t, y, ag = ctx.topic, ctx.year, ctx.ag
    quoted = ctx.ref()
    prev = ctx.issued.replace(day=1) - dt.timedelta(days=1)
    quarter = ["I", "II", "III", "IV"][(prev.month - 1) // 3]
    period = rng.choice(
        [
            f"tháng {prev.month:02d}/{prev.year}",
            f"quý {quarter} năm {prev.year}",
            f"6 tháng đầu năm {y}",
            f"năm {y - 1}",
        ]
    )
    field, law, stat_field = rng.choice(FIELDS), rng.choice(LAWS)[0], rng.choice(FIELDS)
    values = {
        "topic": t, "year": y, "last_year": y - 1, "year5": y + 5, "scope": ag.scope,
        "area": ag.scope.replace("trên địa bàn ", ""), "agency": ag.name, "head": ag.head_text,
        "quoted": quoted, "period": period, "field": field, "stat_field": stat_field, "law": law,
    }  # fmt: skip
    if doc_type == "Quyết định" and normative:
        return nfc(NORMATIVE_DECISION.format(**values))
    table = ABSTRACTS_NORMATIVE if normative and doc_type in ABSTRACTS_NORMATIVE else ABSTRACTS
    return nfc(rng.choice(table[doc_type]).format(**values))


def recipients_for(rng: random.Random, ag: Agency, doc_type: str, units: str) -> list[str]:
    """ "Nơi nhận": who gets a copy, ending with the archive copy ("Lưu: VT, ...")."""
    first = RECIPIENTS_FIRST.get(doc_type)
    pool = RECIPIENTS[ag.kind]
    items = rng.sample(pool, min(len(pool), rng.randint(2, 5)))
    if first:
        items.insert(0, first)
    items.append(f"Lưu: VT, {units}.")
    return [nfc("- " + x) for x in items]


def kinh_gui_for(rng: random.Random, ag: Agency, doc_type: str) -> list[str]:
    """ "Kính gửi": a Tờ trình goes to one body; a công văn to one addressee or to a list."""
    if doc_type == "Tờ trình":
        return [KINH_GUI_TO_TRINH.get(ag.kind, ag.superior)]
    if doc_type != "Công văn":
        return []
    if rng.random() < 0.5:
        one = KINH_GUI_ONE.get(ag.kind, [d[0] for d in DEPARTMENTS] + KINH_GUI_ONE_EXTRA)
        return [rng.choice(one)]
    pool = KINH_GUI_MANY.get(ag.kind, KINH_GUI_MANY_DEFAULT)
    items = pool[: rng.randint(2, len(pool))]
    return [f"- {k}{'.' if i == len(items) - 1 else ';'}" for i, k in enumerate(items)]
