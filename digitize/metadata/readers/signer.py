"""The signer's name and title, from the signer block of the last page that has one."""

from __future__ import annotations

from digitize.metadata.caps import clean_caps, upper_caps_line
from digitize.metadata.layout import trust
from digitize.metadata.names import doubtful_name_words, name_words, restore_name
from digitize.metadata.readers.context import (
    COIN_TOSS,
    INFERRED,
    FieldReader,
    Reading,
    field,
    min_conf,
    word_min,
)
from digitize.metadata.signer import (
    SignerBlock,
    TitleLine,
    delegation_of,
    deputy_title,
    deputy_without_kt,
    find_signer,
    lost_deputy_mark,
    normalise_title_line,
    traces_of,
)
from digitize.metadata.tables import SURNAMES, UNMARKED_NAME_SYLLABLES
from digitize.metadata.text import fold, has_vietnamese_marks, implausible_words, unknown_words

# A text layer's name; an OCR'd one, times how well its letters were read.
LAYER_NAME = 0.95
PRINTED_NAME = 0.9
# Ceilings: letters of the name guessed or implausible; syllables that lost their marks.
DAMAGED_NAME = 0.45
DOUBTFUL_NAME = 0.5
# Ceiling for a name of two words: a signer's name nearly always has a middle name, so
# one of its words was probably lost under the seal or the signature.
SHORT_NAME = 0.55
# Multiplier for a name found without any title line above it.
NO_TITLE = 0.85
# A text layer's title; an OCR'd one, times how well its lines were read.
LAYER_TITLE = 0.96
PRINTED_TITLE = 0.9
# Multiplier for a title line snapped to the nearest known position.
SNAPPED = 0.9
# Ceilings: words of no title or agency name; a title line lost (seal, signature).
UNKNOWN_TITLE = 0.5
LOST_LINE = 0.4
# Ceilings for "KT. X" alone: a deputy title implied that OCR debris confirms; none known.
TRACED = 0.8
NO_DEPUTY = 0.3


def read_signer(r: Reading) -> None:
    for page in reversed(r.pages):
        block = find_signer(r.segs[page.number], page.width)
        if block is not None:
            if block.titles:
                _signer_title(r, block, page.source)
            if block.name is not None and block.name_text:
                _signer_name(r, block, page.source)
            return


def _signer_name(r: Reading, block: SignerBlock, src: str) -> None:
    assert block.name is not None and block.name_text is not None
    layer = src == "text-layer"
    conf = LAYER_NAME if layer else PRINTED_NAME * trust(word_min(name_words(block.name)))
    reading = restore_name(
        block.name_text,
        unmarked_ok=UNMARKED_NAME_SYLLABLES,
        surnames=SURNAMES,
        marks_lost=_titles_lost_marks(r, block),
    )
    name = reading.text
    if not layer:
        conf = min(conf, reading.ceiling)
    if block.surname_fixed or implausible_words(name) or unknown_words(name):
        conf = min(conf, DAMAGED_NAME)
    if doubtful_name_words(name):
        conf = min(conf, DOUBTFUL_NAME)
    if len(name.split()) < 3:
        conf = min(conf, SHORT_NAME)
    if not block.titles:
        conf *= NO_TITLE
    r.fields["signer"] = field(name, conf, src)


def _titles_lost_marks(r: Reading, block: SignerBlock) -> bool:
    """True when OCR dropped marks off the block's title lines ("CHU TỊCH"): the bold
    name under them may have lost some too."""
    for seg in block.titles:
        printed = upper_caps_line(clean_caps(seg.text))
        fixed = normalise_title_line(printed, r.evidence).text
        pw, fw = printed.split(), fixed.split()
        if len(pw) == len(fw) and any(
            not has_vietnamese_marks(p) and has_vietnamese_marks(f) and fold(p) == fold(f)
            for p, f in zip(pw, fw, strict=True)
        ):
            return True
    return False


def _signer_title(r: Reading, block: SignerBlock, src: str) -> None:
    read = [normalise_title_line(upper_caps_line(clean_caps(s.text)), r.evidence) for s in block.titles]
    lines = _settle_deputies(read)
    conf = LAYER_TITLE if src == "text-layer" else PRINTED_TITLE * trust(min_conf(block.titles))
    if any(t.coin_toss for t in read):
        conf *= COIN_TOSS  # "UY BAN" could be printed ỦY or UỶ, and nothing else says which
    if any(t.snapped for t in read):
        conf *= SNAPPED
    if any(t.unknown for t in read):
        conf = min(conf, UNKNOWN_TITLE)  # words that belong to no title or agency name
    if block.noise or deputy_without_kt(lines):
        conf = min(conf, LOST_LINE)  # a title line was lost (seal, signature over it)
    deputy = lost_deputy_mark(lines)
    if deputy is not None:
        # "KT. GIÁM ĐỐC" then "GIÁM ĐỐC": one signing for another is a deputy ("PHÓ" lost)
        lines[-1] = deputy
        conf = min(conf, INFERRED)
    title = " ".join(lines)
    if delegation_of(lines[-1]) not in (None, "Q."):
        # "KT. CHỦ TỊCH" alone: the signer's own title line was not read
        deputy = deputy_title(lines[-1])
        title = f"{title} {deputy}" if deputy else title
        seen = deputy is not None and traces_of(deputy, block.between)
        conf = min(conf, TRACED if seen else INFERRED if deputy else NO_DEPUTY)
    r.fields["signer_title"] = field(title, conf, src)


def _settle_deputies(read: list[TitleLine]) -> list[str]:
    """The title lines' text, a coin-toss line under "KT. X" taken as X's deputy ("THU
    TRUONG" under "KT. BỘ TRƯỞNG" is THỨ TRƯỞNG, not THỦ TRƯỞNG); `read` is updated."""
    lines = [t.text for t in read]
    for i in range(1, len(read)):
        deputy = deputy_title(lines[i - 1]) if delegation_of(lines[i - 1]) == "KT." else None
        if read[i].coin_toss and deputy and fold(deputy) == fold(lines[i]):
            lines[i], read[i] = deputy, read[i]._replace(coin_toss=False)
    return lines


SIGNER_READER = FieldReader("signer", read_signer, provides=("signer", "signer_title"))
