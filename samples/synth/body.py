"""The body of a document, as paragraphs: a head, growable units, and a tail.

The layout takes as many units as make the asked number of pages, so every body draws more
units than a page holds.
"""

from __future__ import annotations

from typing import Any

from .compose import Ctx
from .fmt import earlier, fmt_date_line, fmt_date_short, later
from .model import Body, DocSpec, Para, toks
from .vocabulary import DEPARTMENTS

LEGAL = ("Quyết định", "Nghị quyết", "Nghị định", "Thông tư")  # articles: "Điều 1.", ...
LEAD_WORDS = ["Tăng cường", "Tổ chức", "Đẩy mạnh", "Nâng cao", "Kết quả", "Về công tác", "Triển khai"]


class _Paras:
    """Makes the paragraphs of one document at its body size, indent and spacing."""

    def __init__(self, size: float, st: dict[str, float]):
        self.size, self.ind, self.gap = size, st["indent"], st["para_gap"]

    def p(self, text: str, style: str = "R", lead: str = "", **kw: Any) -> Para:
        tokens = toks(lead, "B") + toks(text, style) if lead else toks(text, style)
        kw.setdefault("indent", self.ind)
        kw.setdefault("after", self.gap)
        return Para(tokens, self.size, **kw)

    def heading(self, text: str, align: str = "justify", style: str = "B") -> Para:
        indent = self.ind if align != "center" else 0
        return Para(toks(text, style), self.size, align=align, indent=indent, after=self.gap,
                    before=self.gap, keep_with_next=True)  # fmt: skip

    def center(self, text: str, style: str = "B", before: float = 0.0) -> Para:
        return Para(toks(text, style), self.size, align="center", before=before, after=self.gap,
                    keep_with_next=True)  # fmt: skip


def build_body(spec: DocSpec, ctx: Ctx, sz: float, st: dict[str, float]) -> Body:
    """Head, growable units and tail of the document's body."""
    mk = _Paras(sz, st)
    dtp = spec.doc_type
    if dtp in LEGAL:
        return _legal_head(spec, ctx, mk), _legal_units(ctx, mk), _legal_tail(spec, ctx, mk)
    head = _kinh_gui(spec, mk) if dtp in ("Tờ trình", "Công văn") and spec.kinh_gui else []
    if dtp == "Công văn":
        head.append(mk.p(f"Thực hiện {ctx.ref()} về việc {spec.abstract}; {ctx.ag.short} có ý kiến như sau:"))
        units = [[mk.p(f"{i}. {ctx.paragraph()}")] for i in range(1, 26)]
        return head, units, [mk.p("Đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện./.")]
    sections = _opening(spec, ctx, mk, head)
    units = _section_units(ctx, mk, sections)
    return head, units, [mk.p(_closing(spec, ctx))]


def _legal_head(spec: DocSpec, ctx: Ctx, mk: _Paras) -> list[Para]:
    """Authority, "Căn cứ" lines, the proposal, the enacting words and Article 1."""
    rng, ag, dtp, gap = ctx.rng, ctx.ag, spec.doc_type, mk.gap
    head: list[Para] = []
    if dtp != "Thông tư":
        head.append(mk.center(ag.authority, before=gap))
    if dtp == "Nghị quyết" and ag.kind == "hdnd":
        term = rng.choice(["XI", "XII", "XIII", "XIV"])
        head.append(mk.center(f"KHÓA {term}, KỲ HỌP THỨ {rng.randint(2, 25)}"))
    for line in ctx.can_cu():
        head.append(mk.p(line, "I", after=gap / 2))
    if dtp in ("Quyết định", "Thông tư"):
        head.append(mk.p(_proposed_by(ctx), "I"))
    elif dtp == "Nghị quyết":
        head.append(
            mk.p(
                f"Xét Tờ trình số {rng.randint(1, 300)}/TTr-UBND "
                f"{'ngày ' + fmt_date_short(rng, earlier(rng, ctx.issued, 5, 40))} của "
                f"Ủy ban nhân dân tỉnh; Báo cáo thẩm tra của các Ban Hội đồng nhân dân "
                f"tỉnh; ý kiến thảo luận của đại biểu Hội đồng nhân dân tỉnh tại kỳ họp.",
                "I",
            )
        )
    verb = {
        "Quyết định": "QUYẾT ĐỊNH:",
        "Nghị quyết": "QUYẾT NGHỊ:",
        "Nghị định": "Chính phủ ban hành Nghị định.",
        "Thông tư": f"{ag.head_text.split(' Bộ')[0]} ban hành Thông tư.",
    }[dtp]
    head.append(mk.center(verb, "B" if verb.isupper() else "R", before=gap))
    art1 = spec.abstract[0].lower() + spec.abstract[1:]
    art1 = art1.replace("về việc ", "", 1)
    head.append(mk.p(f"{art1[0].upper()}{art1[1:]}, với những nội dung chủ yếu như sau:", lead="Điều 1."))
    return head


def _proposed_by(ctx: Ctx) -> str:
    """ "Theo đề nghị của ...": a department of the ministry, or a provincial department."""
    rng = ctx.rng
    if ctx.ag.kind in ("bo", "ttg", "chinhphu"):
        who = rng.choice(
            ["Vụ trưởng Vụ Pháp chế", "Vụ trưởng Vụ Tổ chức cán bộ", "Vụ trưởng Vụ Kế hoạch - Tài chính"]
        )
        return f"Theo đề nghị của {who}."
    dname, dcode, _ = rng.choice(DEPARTMENTS)
    when = fmt_date_short(rng, earlier(rng, ctx.issued, 3, 40))
    return f"Theo đề nghị của Giám đốc {dname} tại Tờ trình số {rng.randint(1, 300)}/TTr-{dcode} ngày {when}."


def _legal_units(ctx: Ctx, mk: _Paras) -> list[list[Para]]:
    units = []
    for i in range(1, 26):
        items = [mk.p(f"{i}. {ctx.paragraph(1)}")]
        if ctx.rng.random() < 0.3:
            items += [mk.p(f"{c}) {ctx.sentence()}") for c in "ab"]
        units.append(items)
    return units


def _legal_tail(spec: DocSpec, ctx: Ctx, mk: _Paras) -> list[Para]:
    """Article 2 (when it takes effect) and Article 3 (who carries it out)."""
    rng, ag, dtp = ctx.rng, ctx.ag, spec.doc_type
    eff = later(rng, ctx.issued, 0, 30)
    tail = [
        mk.p(
            f"{'Nghị quyết' if dtp == 'Nghị quyết' else dtp} này có hiệu lực kể từ "
            f"{'ngày ký' if rng.random() < 0.5 else fmt_date_line(eff, eff.year >= 2020)}.",
            lead="Điều 2.",
        )
    ]
    who = "Chánh Văn phòng " + ag.short + ", " if ag.office else ""
    tail.append(
        mk.p(
            f"{who}{ctx.dept_head()}, Thủ trưởng {ag.lower} và các cơ quan, đơn vị, "
            f"cá nhân có liên quan chịu trách nhiệm thi hành {dtp} này./.",
            lead="Điều 3.",
        )
    )
    return tail


def _kinh_gui(spec: DocSpec, mk: _Paras) -> list[Para]:
    """ "Kính gửi:" on one centred line, or a list aligned under its first entry."""
    kg, sz, gap = spec.kinh_gui, mk.size, mk.gap
    if len(kg) == 1:
        return [Para(toks("Kính gửi:", "R") + toks(kg[0]), sz, align="center", before=gap, after=2 * gap)]
    head = [Para(toks("Kính gửi:") + toks(kg[0]), sz, align="kg", before=gap)]
    for k in kg[1:]:
        head.append(Para(toks(k), sz, align="kg-cont"))
    head[-1].after = 2 * gap
    return head


def _opening(spec: DocSpec, ctx: Ctx, mk: _Paras, head: list[Para]) -> list[str]:
    """Append the opening paragraphs to ``head``; return the section headings of the type."""
    rng, ag, dtp = ctx.rng, ctx.ag, spec.doc_type
    if dtp == "Tờ trình":
        for line in ctx.can_cu()[:2]:
            head.append(mk.p(line))
        to_whom = spec.kinh_gui[0].rstrip(";.")
        head.append(mk.p(f"{ag.short} kính trình {to_whom} xem xét, phê duyệt nội dung như sau:"))
        return [
            "I. SỰ CẦN THIẾT",
            "II. MỤC ĐÍCH, QUAN ĐIỂM",
            "III. NỘI DUNG ĐỀ NGHỊ",
            "IV. KINH PHÍ THỰC HIỆN",
        ]
    if dtp == "Kế hoạch":
        head.append(
            mk.p(
                f"Thực hiện {ctx.ref()} về {ctx.topic}; {ag.short} ban hành Kế hoạch triển khai "
                f"thực hiện như sau:"
            )
        )
        return ["I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG THỰC HIỆN", "III. TỔ CHỨC THỰC HIỆN"]
    if dtp == "Báo cáo":
        head.append(
            mk.p(f"Thực hiện {ctx.ref()}, {ag.short} báo cáo kết quả thực hiện công tác {ctx.topic} như sau:")
        )
        return [
            "I. KẾT QUẢ THỰC HIỆN",
            "II. KHÓ KHĂN, VƯỚNG MẮC",
            "III. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI",
            "IV. KIẾN NGHỊ, ĐỀ XUẤT",
        ]
    if dtp == "Thông báo":
        meet = earlier(rng, ctx.issued, 2, 15)
        head.append(
            mk.p(
                f"Ngày {fmt_date_short(rng, meet)}, {ag.head_text} chủ trì cuộc họp về "
                f"{ctx.topic}. Tham dự cuộc họp có đại diện lãnh đạo {ctx.dept()}, "
                f"{ctx.dept()} và các cơ quan, đơn vị có liên quan. Sau khi nghe báo cáo và "
                f"ý kiến của các đại biểu dự họp, {ag.head_text} kết luận như sau:"
            )
        )
        return []
    if dtp == "Chỉ thị":
        head.append(
            mk.p(
                f"Thời gian qua, công tác {ctx.topic} {ag.scope} đã đạt được một số kết quả "
                f"quan trọng. Tuy nhiên, bên cạnh đó vẫn còn những tồn tại, hạn chế cần "
                f"khắc phục. Để tăng cường công tác {ctx.topic}, {ag.head_text} yêu cầu:"
            )
        )
        return []
    # Hướng dẫn, Chương trình
    head.append(mk.p(f"Căn cứ {ctx.ref()}; {ag.short} hướng dẫn thực hiện như sau:"))
    return ["I. NHỮNG VẤN ĐỀ CHUNG", "II. NỘI DUNG CỤ THỂ", "III. TỔ CHỨC THỰC HIỆN"]


def _section_units(ctx: Ctx, mk: _Paras, sections: list[str]) -> list[list[Para]]:
    """Numbered items (some with a bold lead, some with dashed sub-items), by section."""
    rng = ctx.rng
    n_units = 16
    per_section = max(2, n_units // max(1, len(sections))) if sections else n_units
    units = []
    for s_i in range(max(1, len(sections))):
        for j in range(1, per_section + 1):
            unit: list[Para] = []
            if sections and j == 1:
                unit.append(mk.heading(sections[s_i]))
            if rng.random() < 0.45:
                lead_words = rng.choice(LEAD_WORDS)
                unit.append(mk.p(ctx.paragraph(), lead=f"{j}. {lead_words} {ctx.topic}."))
            else:
                unit.append(mk.p(f"{j}. {ctx.paragraph()}"))
            if rng.random() < 0.3:
                unit += [mk.p(f"- {ctx.sentence()}") for _ in range(rng.randint(1, 3))]
            units.append(unit)
    return units


def _closing(spec: DocSpec, ctx: Ctx) -> str:
    """The closing sentence of the type (the whole table is built: it draws a department)."""
    ag, dtp = ctx.ag, spec.doc_type
    to_whom = spec.kinh_gui[0].rstrip(";.") if spec.kinh_gui else ag.superior
    return {
        "Kế hoạch": f"Trên đây là Kế hoạch {ctx.topic} của {ag.short}. Trong quá trình triển "
        f"khai thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị phản ánh về "
        f"{ctx.dept()} để tổng hợp, báo cáo {ag.head_text} xem xét, chỉ đạo./.",
        "Báo cáo": f"Trên đây là báo cáo kết quả thực hiện công tác {ctx.topic} của {ag.short}, "
        f"kính báo cáo {ag.superior} theo dõi, chỉ đạo./.",
        "Thông báo": f"{ag.short} thông báo để các cơ quan, đơn vị liên quan biết, thực hiện./.",
        "Tờ trình": f"{ag.short} kính trình {to_whom} xem xét, quyết định./.",
        "Chỉ thị": f"Yêu cầu Thủ trưởng {ag.lower} nghiêm túc triển khai thực hiện Chỉ thị này./.",
    }.get(
        dtp,
        f"Trong quá trình thực hiện, nếu có vướng mắc, đề nghị phản ánh về {ag.short} để "
        f"được hướng dẫn, giải quyết./.",
    )
