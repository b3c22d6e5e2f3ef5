"""Active content (scripts, launch actions, attached files) taken out of the working copy, so
the searchable PDF colleagues open runs and carries nothing; the original is not touched."""

from __future__ import annotations

import pikepdf

# actions that run code, start programs, send or fetch data, or open attached files
_ACTIVE_ACTIONS = {"/JavaScript": "JavaScript", "/Launch": "launch actions",
                   "/SubmitForm": "form submission", "/ImportData": "form data import",
                   "/GoToE": "links into attached files", "/Rendition": "media actions"}
_ACTION_KEYS = ("/OpenAction", "/A", "/Next")
_NAME_TREES = {"/JavaScript": "JavaScript", "/EmbeddedFiles": "embedded files"}


def remove_active_content(pdf: pikepdf.Pdf) -> list[str]:
    """Remove scripts, dangerous actions, additional actions (/AA) and embedded files from
    `pdf`, in place; the warnings to give (none if there was nothing)."""
    removed: set[str] = set()
    if isinstance(pdf.Root, pikepdf.Dictionary):
        _clean_catalog(pdf.Root, removed)
    for obj in list(pdf.objects):
        _clean(obj, removed)
    if not removed:
        return []
    what = ", ".join(sorted(removed))
    return [f"active content removed from the searchable PDF ({what}); the original is kept as it was"]


def _clean_catalog(root: pikepdf.Dictionary, removed: set[str]) -> None:
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key, what in _NAME_TREES.items():
            if key in names:
                del names[key]
                removed.add(what)
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
        del form["/XFA"]  # XFA forms carry their own scripts
        removed.add("XFA form scripts")
    if "/AF" in root:  # PDF/A-3 associated files
        del root["/AF"]
        removed.add("embedded files")


def _clean(top: pikepdf.Object, removed: set[str]) -> None:
    """Clean one indirect object and the direct objects inside it (indirect ones are
    visited in their own turn)."""
    stack = [top]
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        if isinstance(obj, pikepdf.Dictionary):
            _clean_dictionary(obj, removed)
            children = list(obj.values())
        elif isinstance(obj, pikepdf.Array):
            children = list(obj)
        else:
            continue
        stack.extend(c for c in children if isinstance(c, pikepdf.Object) and not c.is_indirect)


def _clean_dictionary(obj: pikepdf.Dictionary, removed: set[str]) -> None:
    if "/AA" in obj:
        del obj["/AA"]
        removed.add("automatic actions (/AA)")
    if "/JS" in obj:
        del obj["/JS"]
        removed.add("JavaScript")
    for key in _ACTION_KEYS:
        if key in obj and (what := _active(obj[key])):
            del obj[key]
            removed.add(what)
    if "/EF" in obj:  # a file specification's embedded file streams
        del obj["/EF"]
        removed.add("embedded files")
    if obj.get("/Subtype") == pikepdf.Name.FileAttachment and "/FS" in obj:
        del obj["/FS"]
        removed.add("embedded files")


def _active(action: pikepdf.Object, depth: int = 0) -> str | None:
    """What an action (or a chain or list of actions) does that must go, or None."""
    if depth > 32:  # a chain that long (or a loop) is itself suspect
        return "looping action chains"
    actions = list(action) if isinstance(action, pikepdf.Array) else [action]
    for one in actions:
        if isinstance(one, pikepdf.Dictionary):
            kind = str(one.get("/S", ""))
            if kind in _ACTIVE_ACTIONS:
                return _ACTIVE_ACTIONS[kind]
            if "/Next" in one and (what := _active(one["/Next"], depth + 1)):
                return what
    return None
