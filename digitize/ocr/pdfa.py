"""PDF/A for the searchable copy: what can be set right without touching a page's content
(the sRGB output intent, annotation flags, actions PDF/A forbids), and what cannot (a font
not embedded, a 16-bit image in PDF/A-1...), which keeps the file from claiming the level.

The page images are never recompressed and no font is re-embedded: where the original holds
something the level does not allow, the file is written without the PDF/A mark and the
warning says why (the original is archived as it was, byte for byte). `pdf.py` calls
`prepare` just before it saves, then `claim` writes the XMP that says which level the file
meets, and `save_options` gives the way to write it (PDF/A-1 is PDF 1.4: no object streams).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from typing import Any

import pikepdf

LEVELS = ("2b", "1b", "3b", "off")
DEFAULT = "2b"
_SRGB = "sRGB IEC61966-2.1"

# Annotation flags (PDF 32000-1, 12.5.3): PDF/A wants Print set, and none of these
_INVISIBLE, _HIDDEN, _PRINT, _NO_VIEW, _TOGGLE_NO_VIEW = 1, 2, 4, 32, 256
# annotation types PDF/A-1 knows (those of PDF 1.4); the later parts add the rest of PDF 1.7's
_ANNOTS_1 = frozenset({"/Text", "/Link", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon",
                       "/PolyLine", "/Highlight", "/Underline", "/Squiggly", "/StrikeOut", "/Stamp",
                       "/Caret", "/Ink", "/Popup", "/Widget", "/PrinterMark", "/TrapNet"})
_ANNOTS_2 = _ANNOTS_1 | {"/FileAttachment", "/Watermark", "/Redact"}
_NO_APPEARANCE_NEEDED = frozenset({"/Popup", "/Link"})
# actions no part of PDF/A allows (those active.py takes out already aside)
_FORBIDDEN_ACTIONS = frozenset({"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript",
                                "/Hide", "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView",
                                "/SetState", "/NoOp"})
_NAMED_ALLOWED = frozenset({"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"})
_ACTION_KEYS = ("/A", "/OpenAction", "/Next")
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
_CMYK = frozenset({"/DeviceCMYK", "/CMYK"})
_RGB = frozenset({"/DeviceRGB", "/RGB"})


def check_level(level: str) -> str:
    """The level, lower-cased, if it is one of LEVELS; else ValueError."""
    value = str(level).strip().lower()
    if value not in LEVELS:
        raise ValueError(f"{level!r} is not one of {', '.join(LEVELS)}")
    return value


@cache
def srgb_profile() -> bytes:
    """A small ICC v2 sRGB profile (data/sRGB.icc, free to use: data/NOTICE)."""
    return files("digitize.ocr").joinpath("data", "sRGB.icc").read_bytes()


def prepare(pdf: pikepdf.Pdf, level: str) -> list[str]:
    """Make `pdf` meet PDF/A `level` where that changes nothing a reader sees; the reasons
    it still cannot claim the level (none: it may)."""
    part = int(level[0])
    problems: list[str] = []
    components = _output_intent(pdf)
    _tidy(pdf, part)
    _remove_forbidden_actions(pdf, part)
    problems += _fix_annotations(pdf, part)
    problems += _fix_optional_content(pdf, part)
    problems += _check_resources(pdf, part, components)
    return problems


def save_options(level: str | None) -> dict[str, Any]:
    """Pdf.save's options for a file that claims `level` (None: no claim)."""
    options: dict[str, Any] = {"linearize": False, "static_id": False, "encryption": False,
                               "preserve_pdfa": True, "fix_metadata_version": True,
                               "object_stream_mode": pikepdf.ObjectStreamMode.generate}
    if level and level.startswith("1"):  # PDF 1.4: no object streams, no cross-reference streams
        options.update(object_stream_mode=pikepdf.ObjectStreamMode.disable, force_version="1.4")
    return options


def fit_version(pdf: pikepdf.Pdf, level: str | None) -> dict[str, Any]:
    """PDF/A-2 and -3 are PDF 1.7 at most: a PDF 2.0 input is written as 1.7."""
    if level and not level.startswith("1") and pdf.pdf_version > "1.7":
        return {"force_version": "1.7"}
    return {}


def claim(meta: Any, level: str) -> None:
    """Write the PDF/A identification into the XMP being edited (`pdf.open_metadata()`)."""
    meta["pdfaid:part"] = level[0]
    meta["pdfaid:conformance"] = level[1:].upper()


def not_claimed_warning(level: str, problems: list[str]) -> str:
    shown = "; ".join(problems[:4]) + (f" (and {len(problems) - 4} more)" if len(problems) > 4 else "")
    return (f"the searchable PDF is not marked PDF/A-{level}: the original holds what PDF/A-{level} does "
            f"not allow ({shown}); it was kept as it is, not converted; the original is archived unchanged")


def _output_intent(pdf: pikepdf.Pdf) -> int:
    """Keep the document's own PDF/A output intent, or give it the sRGB one; the number of
    colour components of the intent's profile. Other intents (PDF/X's) go: PDF/A wants
    every intent to carry the same profile."""
    for intent in _as_list(pdf.Root.get("/OutputIntents")):
        if (isinstance(intent, pikepdf.Dictionary) and intent.get("/S") == pikepdf.Name.GTS_PDFA1
                and isinstance(intent.get("/DestOutputProfile"), pikepdf.Stream)):
            pdf.Root.OutputIntents = pikepdf.Array([intent])
            return int(intent.DestOutputProfile.get("/N", 3))
    profile = pdf.make_stream(srgb_profile(), N=3)
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1, OutputConditionIdentifier=_SRGB,
        Info=_SRGB, RegistryName="http://www.color.org", DestOutputProfile=profile,
    ))])
    return 3


def _tidy(pdf: pikepdf.Pdf, part: int) -> None:
    """Keys that only get in a validator's way: a /Type in the viewer preferences (which
    have none), and in PDF/A-1 (PDF 1.4) the pages' tab order, a PDF 1.5 key."""
    preferences = pdf.Root.get("/ViewerPreferences")
    if isinstance(preferences, pikepdf.Dictionary) and "/Type" in preferences:
        del preferences["/Type"]
    if part == 1:
        for page in pdf.pages:
            if "/Tabs" in page.obj:
                del page.obj["/Tabs"]


def _as_list(obj: Any) -> list[Any]:
    if isinstance(obj, pikepdf.Array):
        return list(obj)
    return [obj] if isinstance(obj, pikepdf.Dictionary) else []


def _remove_forbidden_actions(pdf: pikepdf.Pdf, part: int) -> None:
    """Actions no PDF/A allows (sound, movies, resetting forms, named actions other than
    page turns...), and in PDF/A-1 any action of a form field."""
    for top in pdf.objects:
        stack = [top]
        while stack:
            obj = stack.pop()
            if isinstance(obj, pikepdf.Stream):
                obj = obj.stream_dict
            if isinstance(obj, pikepdf.Dictionary):
                for key in _ACTION_KEYS:
                    if key in obj and _forbidden(obj[key]):
                        del obj[key]
                if part == 1 and obj.get("/Subtype") == pikepdf.Name.Widget and "/A" in obj:
                    del obj["/A"]
                children = list(obj.values())
            elif isinstance(obj, pikepdf.Array):
                children = list(obj)
            else:
                continue
            stack.extend(c for c in children if isinstance(c, pikepdf.Object) and not c.is_indirect)


def _forbidden(action: Any, depth: int = 0) -> bool:
    if depth > 32:
        return True
    for one in _as_list(action):
        kind = str(one.get("/S", ""))
        if kind in _FORBIDDEN_ACTIONS or (kind == "/Named" and str(one.get("/N", "")) not in _NAMED_ALLOWED):
            return True
        if "/Next" in one and _forbidden(one["/Next"], depth + 1):
            return True
    return False


def _fix_annotations(pdf: pikepdf.Pdf, part: int) -> list[str]:
    """Annotations printed as they are shown (the Print flag set), those never shown taken
    out, appearances reduced to the normal one; what cannot be fixed, as problems."""
    allowed = _ANNOTS_1 if part == 1 else _ANNOTS_2 if part == 2 else _ANNOTS_2 | {"/FileAttachment"}
    problems: set[str] = set()
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        kept = []
        for annot in annots:
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            flags = int(annot.get("/F", 0))
            subtype = str(annot.get("/Subtype", ""))
            if flags & (_HIDDEN | _NO_VIEW) or (flags & _INVISIBLE and subtype not in _ANNOTS_2):
                continue  # never shown on screen: not in the searchable copy either
            if subtype not in allowed:
                problems.add(f"{subtype.lstrip('/') or 'unknown'} annotations")
            annot.F = (flags | _PRINT) & ~(_INVISIBLE | _HIDDEN | _NO_VIEW | _TOGGLE_NO_VIEW)
            appearance = annot.get("/AP")
            if isinstance(appearance, pikepdf.Dictionary):
                for key in ("/D", "/R"):  # rollover and pressed looks: on screen only
                    if key in appearance:
                        del appearance[key]
            if "/N" not in (appearance or {}) and subtype not in _NO_APPEARANCE_NEEDED and _has_area(annot):
                problems.add(f"{subtype.lstrip('/')} annotations without an appearance")
            if part == 1 and float(annot.get("/CA", 1.0)) != 1.0:
                problems.add("transparent annotations (PDF/A-1 has no transparency)")
            kept.append(annot)
        if len(kept) < len(annots):
            page.obj.Annots = pikepdf.Array(kept)
    form = pdf.Root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and "/NeedAppearances" in form:
        del form["/NeedAppearances"]  # the widgets' own appearances are shown (checked above)
    return sorted(problems)


def _has_area(annot: pikepdf.Dictionary) -> bool:
    try:
        x0, y0, x1, y1 = (float(v) for v in annot.get("/Rect", [0, 0, 0, 0]))
    except (TypeError, ValueError):
        return False
    return abs(x1 - x0) > 0 and abs(y1 - y0) > 0


def _fix_optional_content(pdf: pikepdf.Pdf, part: int) -> list[str]:
    properties = pdf.Root.get("/OCProperties")
    if not isinstance(properties, pikepdf.Dictionary):
        return []
    if part == 1:
        return ["layers (optional content came with PDF 1.5)"]
    configs = [properties.get("/D"), *_as_list(properties.get("/Configs"))]
    for i, config in enumerate(c for c in configs if isinstance(c, pikepdf.Dictionary)):
        if "/Name" not in config:
            config.Name = f"Layers {i + 1}"
        if "/AS" in config:  # layers switched by printing or viewing: not in PDF/A
            del config["/AS"]
    return []


def _check_resources(pdf: pikepdf.Pdf, part: int, components: int) -> list[str]:
    """Walk everything the pages draw with (their resources, forms, annotation appearances,
    patterns, Type 3 glyphs): fonts embedded, images and graphics states the level allows,
    colours the output intent covers. Harmless fixes (Interpolate, alternate images, the
    transparency group of a PDF/A-1 page) are made on the way."""
    problems: set[str] = set()
    missing_fonts: set[str] = set()
    colours: set[str] = set()
    for kind, obj in _drawn(pdf):
        if kind == "font":
            if not _font_embedded(obj):
                missing_fonts.add(str(obj.get("/BaseFont", "?")).lstrip("/"))
        elif kind == "image":
            problems |= _image_problems(obj, part)
            colours |= _device_colours(obj.get("/ColorSpace"))
        elif kind == "gstate":
            problems |= _gstate_problems(obj, part)
        elif kind == "colourspace":
            colours |= _device_colours(obj)
        elif kind == "content":
            colours |= _content_colours(obj)
        elif kind == "group" and part == 1 and obj.get("/Group", {}).get("/S") == pikepdf.Name.Transparency:
            del obj["/Group"]  # a hint for blending: nothing to blend when nothing is transparent
    if missing_fonts:
        names = ", ".join(sorted(missing_fonts)[:5]) + (", …" if len(missing_fonts) > 5 else "")
        problems.add(f"fonts not embedded: {names}")
    intent = {1: "grey", 3: "RGB", 4: "CMYK"}.get(components, f"{components}-channel")
    for space in sorted(colours):
        if (space == "CMYK" and components != 4) or (space == "RGB" and components != 3):
            problems.add(f"device {space} colour with a {intent} output intent")
    return sorted(problems)


def _appearance_streams(annot: Any) -> list[Any]:
    """The streams of an annotation's normal appearance (one, or one per state)."""
    appearance = annot.get("/AP")
    normal = appearance.get("/N") if isinstance(appearance, pikepdf.Dictionary) else None
    if isinstance(normal, pikepdf.Stream):
        return [normal]
    if isinstance(normal, pikepdf.Dictionary):
        return [v for v in normal.values() if isinstance(v, pikepdf.Stream)]
    return []


def _drawn(pdf: pikepdf.Pdf) -> Iterator[tuple[str, Any]]:
    """(kind, object) for what the pages draw with, each object once: kinds font, image,
    gstate, colourspace, content (a page or a stream with content), group (a page or form
    dictionary, for its /Group)."""
    seen: set[tuple[int, int]] = set()

    def first(obj: Any) -> bool:
        if not obj.is_indirect:
            return True
        if obj.objgen in seen:
            return False
        seen.add(obj.objgen)
        return True

    stack: list[tuple[Any, Any]] = []  # (resources, what draws with them)
    for page in pdf.pages:
        yield "content", page
        yield "group", page.obj
        stack.append((page.obj.get("/Resources"), None))
        for annot in _as_list(page.obj.get("/Annots")):
            for stream in _appearance_streams(annot):
                if first(stream):
                    stack.append((stream.get("/Resources"), stream))
    while stack:
        resources, drawer = stack.pop()
        if drawer is not None:
            yield "content", drawer
            yield "group", drawer
        if not isinstance(resources, pikepdf.Dictionary) or not first(resources):
            continue
        for font in _values(resources.get("/Font")):
            if isinstance(font, pikepdf.Dictionary) and first(font):
                yield "font", font
                if font.get("/Subtype") == pikepdf.Name.Type3:
                    for glyph in _values(font.get("/CharProcs")):
                        if isinstance(glyph, pikepdf.Stream) and first(glyph):
                            stack.append((font.get("/Resources") or resources, glyph))
        for xobject in _values(resources.get("/XObject")):
            if not isinstance(xobject, pikepdf.Stream) or not first(xobject):
                continue
            if xobject.get("/Subtype") == pikepdf.Name.Image:
                yield "image", xobject
            elif xobject.get("/Subtype") == pikepdf.Name.Form:
                stack.append((xobject.get("/Resources"), xobject))
        for gstate in _values(resources.get("/ExtGState")):
            if isinstance(gstate, pikepdf.Dictionary) and first(gstate):
                yield "gstate", gstate
        for space in _values(resources.get("/ColorSpace")):
            yield "colourspace", space
        for shading in _values(resources.get("/Shading")):
            if isinstance(shading, pikepdf.Object) and first(shading):
                yield "colourspace", shading.get("/ColorSpace")
        for pattern in _values(resources.get("/Pattern")):
            if not isinstance(pattern, pikepdf.Object) or not first(pattern):
                continue
            if isinstance(pattern, pikepdf.Stream):  # a tiling pattern draws with its own resources
                stack.append((pattern.get("/Resources"), pattern))
            elif isinstance(pattern.get("/Shading"), pikepdf.Object):
                yield "colourspace", pattern.Shading.get("/ColorSpace")


def _values(obj: Any) -> list[Any]:
    return list(obj.values()) if isinstance(obj, pikepdf.Dictionary) else []


def _font_embedded(font: Any) -> bool:
    subtype = font.get("/Subtype")
    if subtype == pikepdf.Name.Type3:
        return True  # its glyphs are content streams in the file
    if subtype == pikepdf.Name.Type0:
        descendants = font.get("/DescendantFonts")
        font = descendants[0] if isinstance(descendants, pikepdf.Array) and len(descendants) else font
    descriptor = font.get("/FontDescriptor")
    return isinstance(descriptor, pikepdf.Dictionary) and any(k in descriptor for k in _FONT_FILES)


def _filters(image: pikepdf.Stream) -> list[str]:
    value = image.get("/Filter")
    return [str(f) for f in value] if isinstance(value, pikepdf.Array) else [str(value)] if value else []


def _image_problems(image: pikepdf.Stream, part: int) -> set[str]:
    if image.get("/Interpolate") is True:
        image.Interpolate = False  # a viewer's smoothing hint; PDF/A wants the pixels as they are
    for key in ("/Alternates", "/OPI"):  # other images for printing, from outside the file
        if key in image:
            del image[key]
    if part != 1:
        return set()
    problems = set()
    if int(image.get("/BitsPerComponent", 8)) > 8:
        problems.add("16-bit images (PDF/A-1 allows 8 bits a channel)")
    if "/JPXDecode" in _filters(image):
        problems.add("JPEG 2000 images (not in PDF 1.4)")
    if "/SMask" in image or int(image.get("/SMaskInData", 0)):
        problems.add("transparent images (PDF/A-1 has no transparency)")
    return problems


def _gstate_problems(gstate: pikepdf.Dictionary, part: int) -> set[str]:
    problems = set()
    if "/TR" in gstate or gstate.get("/TR2", pikepdf.Name.Default) != pikepdf.Name.Default:
        problems.add("transfer functions")
    if part == 1:
        smask = gstate.get("/SMask", pikepdf.Name("/None"))
        blend = gstate.get("/BM", pikepdf.Name.Normal)
        blends = [str(b) for b in blend] if isinstance(blend, pikepdf.Array) else [str(blend)]
        if (smask != pikepdf.Name("/None") or any(b not in ("/Normal", "/Compatible") for b in blends)
                or float(gstate.get("/CA", 1.0)) != 1.0 or float(gstate.get("/ca", 1.0)) != 1.0):
            problems.add("transparency (PDF/A-1 has none; PDF/A-2b allows it)")
    return problems


def _device_colours(space: Any, depth: int = 0) -> set[str]:
    """RGB and CMYK for the device colour spaces a colour space uses (an ICC-based space
    is calibrated: its alternate does not count)."""
    if space is None or depth > 8:
        return set()
    if isinstance(space, pikepdf.Name):
        name = str(space)
        return {"CMYK"} if name in _CMYK else {"RGB"} if name in _RGB else set()
    if isinstance(space, pikepdf.Array) and len(space):
        family = str(space[0])
        if family == "/ICCBased":
            return set()
        if family in ("/Indexed", "/I"):
            return _device_colours(space[1], depth + 1) if len(space) > 1 else set()
        if family in ("/Separation", "/DeviceN") and len(space) > 2:  # their alternate space
            return _device_colours(space[2], depth + 1)
        if family == "/Pattern" and len(space) > 1:
            return _device_colours(space[1], depth + 1)
    return set()


def _content_colours(holder: Any) -> set[str]:
    """Device RGB or CMYK set by a content stream's operators (rg, k, or cs with a device name)."""
    found: set[str] = set()
    try:
        for instruction in pikepdf.parse_content_stream(holder, "rg RG k K cs CS"):
            if not isinstance(instruction, pikepdf.ContentStreamInstruction):
                continue
            operands, op = instruction.operands, str(instruction.operator)
            if op in ("rg", "RG"):
                found.add("RGB")
            elif op in ("k", "K"):
                found.add("CMYK")
            elif operands:
                found |= _device_colours(operands[0])
    except (pikepdf.PdfError, TypeError, ValueError):
        pass  # unreadable content: the integrity check after saving speaks for it
    return found
