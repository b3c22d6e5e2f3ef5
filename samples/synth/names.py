"""Names of signers, drawn like Vietnamese names are spread."""

from __future__ import annotations

import random

from .fmt import nfc
from .vocabulary import GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M, SURNAMES


def person_name(rng: random.Random) -> str:
    surname = rng.choices([s for s, _ in SURNAMES], [w for _, w in SURNAMES])[0]
    if rng.random() < 0.3:
        middle, given = rng.choice(MIDDLE_F), rng.choice(GIVEN_F)
    else:
        middle, given = rng.choice(MIDDLE_M), rng.choice(GIVEN_M)
    if rng.random() < 0.1:  # double surname, "Trần Nguyễn Minh Thành"
        middle = rng.choice([s for s, _ in SURNAMES if s != surname]) + " " + middle
    return nfc(f"{surname} {middle} {given}")
