"""Common phrases of Vietnamese administrative prose, as a prior for mark repairs.

A trích yếu is written in a small, formulaic vocabulary ("công tác", "địa bàn", "thẩm
quyền giải quyết", "phòng, chống tham nhũng"). Tesseract's mark slips there ("địa ban",
"thấm quyền", "chống lang phí") are confident, and a one-page document often spells the
phrase only once more in its body, so its own evidence ties. These phrases break such
ties: `DocumentLexicon` counts each of their word pairs as seen PHRASE_WEIGHT times.

Only phrases whose letters have no other common reading in this prose belong here:
not "công tác" ("cộng tác viên"), "ban chỉ đạo" ("văn bản chỉ đạo"), "quy định chi"
("đình chỉ") or "đầu tư công" ("từ công tác"). Written from general knowledge of the
register, not from any sample set.
"""

from __future__ import annotations

from digitize.metadata import tables

# How many sightings one phrase of this list is worth (a place name counts 5).
PHRASE_WEIGHT = 3

# The phrases themselves are data: `data/phrases.toml`.
ADMIN_PHRASES: tuple[str, ...] = tables.ADMIN_PHRASES
