"""The words of the pages, Vietnamese first (English with ?lang=en or Accept-Language)."""

from __future__ import annotations

from starlette.requests import Request

LANGS = ("vi", "en")

FIELD_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "number_symbol": "Số và ký hiệu", "number": "Số", "symbol": "Ký hiệu",
        "issued_date": "Ngày ban hành", "place": "Địa danh", "doc_type": "Tên loại",
        "abstract": "Trích yếu", "issuer": "Cơ quan ban hành", "parent_issuer": "Cơ quan chủ quản",
        "signer": "Người ký", "signer_title": "Chức vụ người ký", "urgency": "Mức độ khẩn",
        "signed_at": "Thời gian ký số", "language": "Ngôn ngữ",
    },
    "en": {
        "number_symbol": "Number and symbol", "number": "Number", "symbol": "Symbol",
        "issued_date": "Date issued", "place": "Place", "doc_type": "Type",
        "abstract": "Abstract", "issuer": "Issuing agency", "parent_issuer": "Parent agency",
        "signer": "Signer", "signer_title": "Signer's title", "urgency": "Urgency",
        "signed_at": "Digitally signed at", "language": "Language",
    },
}

SOURCE_LABELS: dict[str, dict[str, str]] = {
    "vi": {"ocr": "đọc từ ảnh (OCR)", "text-layer": "lớp chữ của tệp", "signature-stamp": "dấu chữ ký số",
           "filename": "tên tệp", "manual": "văn thư nhập"},
    "en": {"ocr": "read from the image (OCR)", "text-layer": "the file's text layer",
           "signature-stamp": "digital signature stamp",
           "filename": "file name", "manual": "typed by a clerk"},
}

TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "app": "Kho văn bản số", "search": "Tìm kiếm", "review": "Kiểm tra", "sign_in": "Đăng nhập",
        "sign_out": "Đăng xuất", "user": "Tên đăng nhập", "password": "Mật khẩu",
        "bad_sign_in": "Sai tên đăng nhập hoặc mật khẩu.", "too_many": "Quá nhiều lần thử; chờ một phút.",
        "query": "Từ khóa (không cần dấu)", "all_types": "Mọi loại", "issuer": "Cơ quan ban hành",
        "signer": "Người ký", "place": "Địa danh", "from": "Từ ngày", "to": "Đến ngày",
        "needs_review": "Cần kiểm tra", "sort": "Sắp xếp", "relevance": "Phù hợp nhất",
        "newest": "Mới nhất", "oldest": "Cũ nhất", "results": "kết quả",
        "no_results": "Không tìm thấy văn bản.",
        "sure": "chắc chắn", "check": "cần kiểm tra", "missing": "chưa đọc được", "absent": "",
        "source": "Nguồn",
        "confidence": "Độ tin cậy", "value": "Giá trị", "suggestion": "Máy đề xuất",
        "download_pdf": "Tải PDF tìm kiếm được", "download_original": "Tải bản gốc", "history": "Lịch sử",
        "pages": "Số trang", "file": "Tệp gốc", "queue": "Hàng chờ kiểm tra",
        "queue_empty": "Không còn văn bản cần kiểm tra.",
        "fields_to_check": "Trường cần kiểm tra", "open": "Mở", "save_next": "Lưu, sang văn bản sau",
        "accept_all": "Chấp nhận tất cả", "skip_doc": "Bỏ qua văn bản này", "keys": (
            "Enter/Tab: trường sau · gõ để sửa · Alt+A: nhận đề xuất · Esc: bỏ qua trường · "
            "Ctrl+Enter: chấp nhận tất cả và lưu · Alt+N: lưu, sang văn bản sau"),
        "date_hint": "dd/mm/yyyy", "clear_hint": "gõ - nếu văn bản không có trường này",
        "no_image": "(không có ảnh vùng này)", "local_mode": "Chế độ một máy: chưa có người dùng, "
        "chỉ mở được trên máy này.", "forbidden": "Bạn không có quyền xem trang này.",
        "not_found": "Không tìm thấy.", "bad_request": "Yêu cầu không hợp lệ.", "error": "Lỗi",
        "when": "Lúc", "who": "Ai", "action": "Việc", "field": "Trường", "old": "Cũ", "new": "Mới",
        "document": "Văn bản", "go": "Tìm", "saved": "Đã lưu", "more": "Xem thêm",
        "other_fields": "Các trường khác",
    },
    "en": {
        "app": "Document archive", "search": "Search", "review": "Review", "sign_in": "Sign in",
        "sign_out": "Sign out", "user": "User name", "password": "Password",
        "bad_sign_in": "Wrong user name or password.", "too_many": "Too many tries; wait a minute.",
        "query": "Words (tone marks optional)", "all_types": "All types", "issuer": "Issuing agency",
        "signer": "Signer", "place": "Place", "from": "From", "to": "To",
        "needs_review": "Needs review", "sort": "Sort", "relevance": "Best match",
        "newest": "Newest", "oldest": "Oldest", "results": "results", "no_results": "No documents found.",
        "sure": "certain", "check": "to check", "missing": "not read", "absent": "", "source": "Source",
        "confidence": "Confidence", "value": "Value", "suggestion": "Machine's suggestion",
        "download_pdf": "Download searchable PDF", "download_original": "Download original",
        "history": "History",
        "pages": "Pages", "file": "Original file", "queue": "Review queue",
        "queue_empty": "Nothing left to review.",
        "fields_to_check": "Fields to check", "open": "Open", "save_next": "Save, next document",
        "accept_all": "Accept all", "skip_doc": "Skip this document", "keys": (
            "Enter/Tab: next field · type to correct · Alt+A: take the suggestion · Esc: skip the field · "
            "Ctrl+Enter: accept all and save · Alt+N: save, next document"),
        "date_hint": "dd/mm/yyyy", "clear_hint": "type - if the document has no such field",
        "no_image": "(no image of this region)", "local_mode": "Single-machine mode: no users yet, "
        "open on this machine only.", "forbidden": "You may not see this page.",
        "not_found": "Not found.", "bad_request": "Bad request.", "error": "Error",
        "when": "When", "who": "Who", "action": "Action", "field": "Field", "old": "Old", "new": "New",
        "document": "Document", "go": "Search", "saved": "Saved", "more": "More",
        "other_fields": "Other fields",
    },
}


def language(request: Request) -> str:
    """?lang= (remembered in a cookie), else the cookie, else Accept-Language, else Vietnamese."""
    asked = request.query_params.get("lang") or request.cookies.get("lang")
    if asked in LANGS:
        return asked
    accept = request.headers.get("accept-language", "").lower()
    first = accept.split(",")[0].strip()
    return "en" if first.startswith("en") else "vi"
