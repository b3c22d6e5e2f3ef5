"""The signing time from the digital signature stamp (text layer or OCR'd stamp box)."""

from __future__ import annotations

from digitize.metadata.layout import looks_like_stamp
from digitize.metadata.readers.context import STAMP, FieldReader, Reading, field
from digitize.metadata.stamps import StampTime, best_stamp_time, find_stamp_times

# A stamp in the PDF's own text layer is the signature's text; an OCR'd one may be misread.
FROM_LAYER = 0.95
FROM_OCR = 0.7


def read_stamp(r: Reading) -> None:
    times: list[StampTime] = []
    for page in r.all_pages:
        times += find_stamp_times(page.layer_text, from_layer=True, today=r.today)
    for page in r.pages:
        stamp_text = "\n".join(s.text for s in r.segs[page.number] if looks_like_stamp(s))
        times += find_stamp_times(stamp_text, from_layer=False, today=r.today)
    r.stamp = best_stamp_time(times)
    if r.stamp is not None:
        conf = FROM_LAYER if r.stamp.from_layer else FROM_OCR
        r.fields["signed_at"] = field(r.stamp.at.isoformat(), conf, "signature-stamp")


STAMP_READER = FieldReader("stamp", read_stamp, provides=(STAMP, "signed_at"))
