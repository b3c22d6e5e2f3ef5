"""English words in a Vietnamese document: what `--lang vie` must still read.

Offices write some things in Latin script that is not Vietnamese: COVID-19, web and e-mail
addresses, "Website", the names of programmes and software. A document made with
``english=True`` (the ``english`` profile) gets two paragraphs of them at the start of its
body, so they land on its first page. Other profiles never draw them, so their files stay
byte for byte the same.
"""

from __future__ import annotations

import random
from typing import Any

from .model import Para, toks

DOMAINS = ["quangngai.gov.vn", "lamdong.gov.vn", "danang.gov.vn", "hanoi.gov.vn", "moh.gov.vn"]
MAILBOXES = ["vanthu", "vpub", "tiepnhan", "hotro", "congdientu"]
PROGRAMMES = [
    "Smart City", "E-Government", "Digital Transformation", "Green Growth", "Smart Health",
    "Zero Hunger", "Clean Air", "Better Work",
]
PARTNERS = ["UNICEF", "UNDP", "World Bank", "WHO", "USAID", "JICA", "KOICA"]
SOFTWARE = ["Zoom", "Microsoft Teams", "Google Meet", "Zalo", "Facebook", "iOffice", "VNeID", "eOffice"]


def english_paras(rng: random.Random, size: float, st: dict[str, Any]) -> list[Para]:
    """Two paragraphs naming a web address, an e-mail address, COVID-19 and programmes."""
    domain, box = rng.choice(DOMAINS), rng.choice(MAILBOXES)
    unit = rng.choice(["soyte", "sotttt", "sokhdt", "sogddt", "stnmt"])
    programme, other = rng.sample(PROGRAMMES, 2)
    partner, tool = rng.choice(PARTNERS), rng.choice(SOFTWARE)
    first = (
        f"Tiếp tục thực hiện các biện pháp phòng, chống dịch COVID-19; triển khai Chương trình "
        f"\"{programme}\" và Dự án \"{other}\" với sự hỗ trợ của {partner}; các cuộc họp trực "
        f"tuyến tổ chức qua {tool}."
    )
    second = (
        f"Thông tin chi tiết đăng trên Website của {unit.upper()} tại địa chỉ "
        f"https://{unit}.{domain}; ý kiến góp ý gửi về hộp thư e-mail: {box}@{domain} hoặc "
        f"www.{domain}/gopy trước ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}."
    )
    return [
        Para(toks(text, "R"), size, indent=st["indent"], after=st["para_gap"])
        for text in (first, second)
    ]
