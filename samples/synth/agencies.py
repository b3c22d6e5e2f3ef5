"""Issuing agencies (UBND, HĐND, Sở, Phòng, Bộ, Chính phủ, Thủ tướng) and their signers' titles."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from .fmt import nfc, upper
from .fonts import text_width
from .vocabulary import AGENCY_KINDS, DEPARTMENTS, DISTRICT_OFFICES, MINISTRIES, PROVINCES


@dataclass
class Agency:
    kind: str
    issuer_lines: list[str]  # printed lines of the issuing agency (bold caps)
    parent: str | None
    code: str  # the agency part of the symbol
    units: list[str]  # công văn units
    place: str
    name: str  # in running text
    short: str  # short form in running text
    head: str  # title of the head (caps)
    deputy: str
    head_text: str  # "Chủ tịch UBND tỉnh"
    scope: str  # "trên địa bàn tỉnh Quảng Ngãi"
    types: list[str]
    collective: str | None = None  # "ỦY BAN NHÂN DÂN" for "TM. ..."
    office: str | None = None  # "CHÁNH VĂN PHÒNG"
    authority: str = ""  # line above "Căn cứ" in a Quyết định
    superior: str = "Ủy ban nhân dân tỉnh"
    city: bool = False  # a centrally-run city: "thành phố" where a province says "tỉnh"
    lower: str = "các cơ quan, đơn vị trực thuộc"


@dataclass
class _Seat:
    """Where the agency sits: its province (or city), and how the province is written."""

    province: str
    pkind: str  # "tỉnh" | "thành phố"
    districts: list[tuple[str, str]]
    ubnd: str  # "ỦY BAN NHÂN DÂN", or the older "UỶ BAN NHÂN DÂN"
    types: list[str]

    @property
    def caps(self) -> str:
        return f"{upper(self.pkind)} {upper(self.province)}"

    @property
    def scope(self) -> str:
        return f"trên địa bàn {self.pkind} {self.province}"


def make_agency(rng: random.Random, doc_type: str, year: int) -> Agency:
    """Draw an agency that issues ``doc_type`` documents."""
    province, pkind, districts = rng.choice(PROVINCES)
    ubnd = "UỶ BAN NHÂN DÂN" if year < 2021 and rng.random() < 0.25 else "ỦY BAN NHÂN DÂN"
    names = [k for k, (_, types) in AGENCY_KINDS.items() if doc_type in types]
    kind = rng.choices(names, [AGENCY_KINDS[k][0] for k in names])[0]
    seat = _Seat(province, pkind, districts, ubnd, AGENCY_KINDS[kind][1])
    ag = _BUILDERS[kind](rng, seat)
    ag.city = pkind == "thành phố" and ag.kind in ("ubnd_tinh", "ubnd_huyen", "hdnd", "so", "phong")
    return ag


def _ubnd_tinh(rng: random.Random, s: _Seat) -> Agency:
    p, pk = s.province, s.pkind
    return Agency(
        kind="ubnd_tinh", issuer_lines=[s.ubnd, s.caps], parent=None, code="UBND",
        units=["KGVX", "KTTH", "NC", "TH", "TTHC", "NNTN", "CNXD", "VX"], place=p,
        name=f"Ủy ban nhân dân {pk} {p}", short=f"UBND {pk}", head="CHỦ TỊCH", deputy="PHÓ CHỦ TỊCH",
        head_text=f"Chủ tịch UBND {pk}", scope=s.scope, types=s.types, collective=s.ubnd,
        office="CHÁNH VĂN PHÒNG",
        authority=upper(f"{s.ubnd} {pk} {p}") if rng.random() < 0.5 else upper(f"chủ tịch {s.ubnd} {pk} {p}"),
        superior="Thủ tướng Chính phủ", lower="các sở, ban, ngành tỉnh",
    )  # fmt: skip


def _ubnd_huyen(rng: random.Random, s: _Seat) -> Agency:
    unit, district = rng.choice(s.districts)
    return Agency(
        kind="ubnd_huyen", issuer_lines=[s.ubnd, upper(f"{unit} {district}")], parent=None, code="UBND",
        units=["VP", "TNMT", "TCKH", "NV", "VHTT"], place=district,
        name=f"Ủy ban nhân dân {unit} {district}", short=f"UBND {unit}", head="CHỦ TỊCH",
        deputy="PHÓ CHỦ TỊCH", head_text=f"Chủ tịch UBND {unit}", scope=f"trên địa bàn {unit} {district}",
        types=s.types, collective=s.ubnd, office="CHÁNH VĂN PHÒNG",
        authority=upper(f"chủ tịch {s.ubnd} {unit} {district}"),
        superior=f"UBND {s.pkind}", lower="các xã, thị trấn",
    )  # fmt: skip


def _hdnd(rng: random.Random, s: _Seat) -> Agency:
    p, pk = s.province, s.pkind
    return Agency(
        kind="hdnd", issuer_lines=["HỘI ĐỒNG NHÂN DÂN", s.caps], parent=None, code="HĐND",
        units=["VP", "KTNS", "VHXH"], place=p, name=f"Hội đồng nhân dân {pk} {p}", short=f"HĐND {pk}",
        head="CHỦ TỊCH", deputy="PHÓ CHỦ TỊCH", head_text=f"Thường trực HĐND {pk}", scope=s.scope,
        types=s.types, collective="THƯỜNG TRỰC HĐND", office=None,
        authority=upper(f"hội đồng nhân dân {pk} {p}"),
        superior="Ủy ban Thường vụ Quốc hội", lower="các Ban của HĐND tỉnh",
    )  # fmt: skip


def _so(rng: random.Random, s: _Seat) -> Agency:
    name, code, units = rng.choice(DEPARTMENTS)
    parent = f"{s.ubnd} {s.caps}"
    if rng.random() < 0.7 or text_width(parent, "R", 13) > 185:
        parent = f"UBND {s.caps}"
    return Agency(
        kind="so", issuer_lines=[upper(name)], parent=parent, code=code, units=units, place=s.province,
        name=name, short=name, head="GIÁM ĐỐC", deputy="PHÓ GIÁM ĐỐC", head_text=f"Giám đốc {name}",
        scope=s.scope, types=s.types, collective=None, office="CHÁNH VĂN PHÒNG",
        authority=upper(f"giám đốc {name}"),
        lower="các phòng, đơn vị trực thuộc Sở",
    )  # fmt: skip


def _phong(rng: random.Random, s: _Seat) -> Agency:
    unit, district = rng.choice(s.districts)
    name, code = rng.choice(DISTRICT_OFFICES)
    return Agency(
        kind="phong", issuer_lines=[upper(name)], parent=upper(f"UBND {unit} {district}"), code=code,
        units=[], place=district, name=name, short=name, head="TRƯỞNG PHÒNG", deputy="PHÓ TRƯỞNG PHÒNG",
        head_text=f"Trưởng {name}", scope=f"trên địa bàn {unit} {district}", types=s.types,
        collective=None, office=None, authority=upper(f"trưởng {name}"),
        superior=f"UBND {unit}", lower="các trường học, đơn vị trực thuộc",
    )  # fmt: skip


def _bo(rng: random.Random, s: _Seat) -> Agency:
    name, code, units = rng.choice(MINISTRIES)
    return Agency(
        kind="bo", issuer_lines=[upper(name)], parent=None, code=code, units=units, place="Hà Nội",
        name=name, short=name, head="BỘ TRƯỞNG", deputy="THỨ TRƯỞNG", head_text=f"Bộ trưởng {name}",
        scope="trên phạm vi toàn quốc", types=s.types, collective=None, office="CHÁNH VĂN PHÒNG",
        authority=upper(f"bộ trưởng {name}"),
        superior="Chính phủ", lower="các Ủy ban nhân dân tỉnh, thành phố trực thuộc Trung ương",
    )  # fmt: skip


def _chinhphu(rng: random.Random, s: _Seat) -> Agency:
    return Agency(
        kind="chinhphu", issuer_lines=["CHÍNH PHỦ"], parent=None, code="CP", units=[], place="Hà Nội",
        name="Chính phủ", short="Chính phủ", head="THỦ TƯỚNG", deputy="PHÓ THỦ TƯỚNG",
        head_text="Thủ tướng Chính phủ", scope="trên phạm vi cả nước", types=s.types,
        collective="CHÍNH PHỦ", office=None, authority="CHÍNH PHỦ",
        superior="Quốc hội", lower="các bộ, cơ quan ngang bộ",
    )  # fmt: skip


def _ttg(rng: random.Random, s: _Seat) -> Agency:
    return Agency(
        kind="ttg", issuer_lines=["THỦ TƯỚNG CHÍNH PHỦ"], parent=None, code="TTg",
        units=["KGVX", "CN", "NN", "QHĐP"], place="Hà Nội", name="Thủ tướng Chính phủ",
        short="Thủ tướng Chính phủ", head="THỦ TƯỚNG", deputy="PHÓ THỦ TƯỚNG",
        head_text="Thủ tướng Chính phủ", scope="trên phạm vi cả nước", types=s.types, collective=None,
        office=None, authority="THỦ TƯỚNG CHÍNH PHỦ",
        superior="Chính phủ", lower="các bộ, ngành, địa phương",
    )  # fmt: skip


_BUILDERS: dict[str, Callable[[random.Random, _Seat], Agency]] = {
    "ubnd_tinh": _ubnd_tinh,
    "ubnd_huyen": _ubnd_huyen,
    "hdnd": _hdnd,
    "so": _so,
    "phong": _phong,
    "bo": _bo,
    "chinhphu": _chinhphu,
    "ttg": _ttg,
}


def signer_block(rng: random.Random, ag: Agency, doc_type: str, year: int) -> list[str]:
    """Title lines above the signature, as printed."""
    tm, kt, tl = ("T/M", "K/T", "T/L") if year < 2011 and rng.random() < 0.5 else ("TM.", "KT.", "TL.")
    return [nfc(x) for x in rng.choice(_signer_options(rng, ag, doc_type, tm, kt, tl))]


def _signer_options(
    rng: random.Random, ag: Agency, doc_type: str, tm: str, kt: str, tl: str
) -> list[list[str]]:
    """Who may sign: for the collective (TM.), for the head (KT.), on the head's behalf (TL., TUQ.)."""
    if ag.kind in ("ubnd_tinh", "ubnd_huyen"):
        if doc_type == "Công văn":
            return [
                [f"{kt} {ag.head}", ag.deputy],
                [ag.head],
                [f"{tl} {ag.head}", ag.office or ""],
                [f"{tl} {ag.head}", f"{kt} {ag.office}", "PHÓ CHÁNH VĂN PHÒNG"],
            ]
        if doc_type == "Thông báo":
            return [
                [f"{tl} {ag.head}", f"{kt} {ag.office}", "PHÓ CHÁNH VĂN PHÒNG"],
                [f"{tl} {ag.head}", ag.office or ""],
                [f"{tm} {ag.collective}", f"{kt} {ag.head}", ag.deputy],
            ]
        return [
            [f"{tm} {ag.collective}", ag.head],
            [f"{tm} {ag.collective}", f"{kt} {ag.head}", ag.deputy],
            [f"{kt} {ag.head}", ag.deputy],
            [ag.head],
        ]
    if ag.kind == "hdnd":
        if doc_type == "Nghị quyết":
            return [[ag.head]]
        return [[f"{tm} {ag.collective}", f"{kt} {ag.head}", ag.deputy], [f"{tm} {ag.collective}", ag.head]]
    if ag.kind == "so":
        opts = [[ag.head], [f"{kt} {ag.head}", ag.deputy], [ag.head], [f"{kt} {ag.head}", ag.deputy]]
        if doc_type == "Công văn":
            opts.append([f"{tl} {ag.head}", "CHÁNH VĂN PHÒNG"])
        if rng.random() < 0.1:
            opts = [[f"Q. {ag.head}"]]
        return opts
    if ag.kind == "bo":
        opts = [[ag.head], [f"{kt} {ag.head}", ag.deputy]]
        if doc_type == "Công văn":
            opts += [[f"{tl} {ag.head}", "CHÁNH VĂN PHÒNG"], [f"TUQ. {ag.head}", "CHÁNH VĂN PHÒNG"]]
        return opts
    if ag.kind == "chinhphu":
        return [[f"{tm} {ag.collective}", ag.head], [f"{tm} {ag.collective}", f"{kt} {ag.head}", ag.deputy]]
    return [[ag.head], [f"{kt} {ag.head}", ag.deputy]]  # phong, ttg
