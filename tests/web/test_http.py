"""`digitize serve` over HTTP (Starlette's TestClient): every route, role and error."""

from __future__ import annotations

import io
import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select
from starlette.testclient import TestClient

from digitize.db.models import Document, Event
from digitize.errors import ConfigError
from digitize.pipelines import access
from digitize.pipelines.archive import Archive
from digitize.web import server
from digitize.web.app import create_app

from .conftest import PASSWORD, csrf_of, sign_in, start_digitize

WEB = Path(__file__).resolve().parents[2] / "digitize" / "web"


def _events(archive: Archive, doc_id: int, action: str) -> list[Event]:
    with archive.session() as session:
        return list(session.scalars(select(Event).where(Event.document_id == doc_id, Event.action == action)))


def _doc(archive: Archive, doc_id: int) -> Document:
    with archive.session() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        return doc


def test_pages_ask_for_a_sign_in_and_scripts_get_401(client_for: Any, doc_id: int) -> None:
    client = client_for(None)
    page = client.get(f"/documents/{doc_id}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == f"/login?next=/documents/{doc_id}"
    assert client.get(f"/documents/{doc_id}.json").status_code == 401
    assert client.get("/search", headers={"accept": "application/json"}).status_code == 401
    assert client.get(f"/documents/{doc_id}/pdf", headers={"authorization": "Bearer nope"}).status_code == 401


def test_sign_in_sets_an_httponly_lax_cookie_and_a_wrong_password_is_refused(client_for: Any) -> None:
    client = client_for(None)
    wrong = sign_in(client, "lan", "not-the-password")
    assert wrong.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in wrong.text
    assert sign_in(client, "nobody").status_code == 401  # the same answer for a name that is not there
    right = sign_in(client, "lan")
    assert right.status_code == 303
    cookie = right.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/search").status_code == 200


def test_sign_in_is_rate_limited_per_user_and_address(client_for: Any) -> None:
    client = client_for(None)
    for _ in range(5):
        assert sign_in(client, "lan", "wrong-guess").status_code == 401
    assert sign_in(client, "lan").status_code == 429  # even the right password, for a minute
    assert sign_in(client, "minh").status_code == 303  # another user is not locked out


def test_a_post_without_the_csrf_token_is_refused(client_for: Any, doc_id: int, archive: Archive) -> None:
    anonymous = client_for(None)
    anonymous.get("/login")
    assert anonymous.post("/login", data={"user": "lan", "password": PASSWORD}).status_code == 403
    clerk = client_for("van-thu")
    refused = clerk.post(f"/review/{doc_id}", data={"value_number_symbol": "1/QĐ-UBND", "state_number_symbol":
                                                     "typed", "csrf": "forged"})
    assert refused.status_code == 403
    assert _doc(archive, doc_id).number_symbol == "16/QĐ-UBND"
    assert clerk.post("/logout", data={}).status_code == 403


def test_login_never_redirects_to_another_site(client_for: Any) -> None:
    client = client_for(None)
    page = client.get("/login?next=//evil.example/x")
    answer = client.post("/login", data={"user": "lan", "password": PASSWORD, "csrf": csrf_of(page.text),
                                         "next": "https://evil.example/"}, follow_redirects=False)
    assert answer.headers["location"] == "/"


def test_search_finds_without_tone_marks_with_snippet_count_and_filters(client_for: Any, doc_id: int) -> None:
    client = client_for("can-bo")
    page = client.get("/search", params={"q": "chuyen doi so"})
    assert page.status_code == 200 and f'href="/documents/{doc_id}"' in page.text
    assert "<mark>" in page.text and "1 kết quả" in page.text
    data = client.get("/search.json", params={"q": "chuyen doi so", "signer": "nguyen van an"}).json()
    assert data["count"] == 1 and data["results"][0]["id"] == doc_id
    assert client.get("/search.json", params={"q": "chuyen doi so", "signer": "tran"}).json()["count"] == 0
    assert client.get("/search.json", params={"needs_review": "1", "type": "quyet dinh"}).json()["count"] == 1
    by_date = client.get("/search.json", params={"from": "01/01/2030"})
    assert by_date.status_code == 400  # a day in the future cannot be typed
    assert client.get("/search.json", params={"sort": "random"}).status_code == 400
    same = client.get("/search", params={"q": "chuyen doi so"}, headers={"accept": "application/json"}).json()
    assert same["results"][0]["id"] == doc_id


def test_document_page_shows_confidence_in_words_and_records_the_read(
        client_for: Any, doc_id: int, archive: Archive) -> None:
    client = client_for("can-bo")
    page = client.get(f"/documents/{doc_id}")
    assert page.status_code == 200
    assert "cần kiểm tra" in page.text and "chắc chắn" in page.text
    words = client.get(f"/documents/{doc_id}.json").json()["confidence_words"]
    assert (words["number_symbol"], words["number"], words["doc_type"]) == ("check", "check", "sure")
    assert (words["issued_date"], words["urgency"]) == ("missing", "absent")
    assert f'src="/documents/{doc_id}/pdf"' in page.text
    record = client.get(f"/documents/{doc_id}.json").json()
    assert record["number_symbol"] == "16/QĐ-UBND" and "keys" not in record and "source_path" not in record
    reads = _events(archive, doc_id, "read")
    assert [(e.actor, (e.detail or {})["what"]) for e in reads] == [("minh", "page")] * 3
    assert client.get("/documents/999.json").status_code == 404
    assert client.get("/documents/999").status_code == 404


def test_pdf_streams_inline_and_the_original_downloads(
        client_for: Any, doc_id: int, archive: Archive) -> None:
    client = client_for("can-bo")
    pdf = client.get(f"/documents/{doc_id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.headers["content-disposition"].startswith(
        "inline")
    original = client.get(f"/documents/{doc_id}/original")
    assert original.headers["content-disposition"].startswith("attachment") and 'qd-15.pdf' in \
        original.headers["content-disposition"]
    assert {(e.detail or {})["what"] for e in _events(archive, doc_id, "read")} == {"pdf", "original"}
    assert client.get("/documents/999/pdf").status_code == 404


def test_an_officer_may_not_review(client_for: Any, doc_id: int) -> None:
    client = client_for("can-bo")
    assert client.get("/review").status_code == 403
    assert client.get(f"/review/{doc_id}").status_code == 403
    assert client.get(f"/review/{doc_id}/image/number_symbol.png").status_code == 403
    page = client.get(f"/review/{doc_id}")
    assert "Bạn không có quyền" in page.text


def test_queue_and_review_page_show_the_doubtful_fields_with_images(client_for: Any, doc_id: int) -> None:
    client = client_for("van-thu")
    queue = client.get("/review.json").json()
    assert [d["id"] for d in queue["documents"]] == [doc_id]
    assert {f["name"] for f in queue["documents"][0]["fields"]} == {"number_symbol", "issued_date", "signer"}
    page = client.get(f"/review/{doc_id}")
    assert page.status_code == 200 and "Số và ký hiệu" in page.text and "Ngày ban hành" in page.text
    assert 'data-suggestion="16/QĐ-UBND"' in page.text and "dd/mm/yyyy" in page.text
    image = client.get(f"/review/{doc_id}/image/number_symbol.png")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    crop = Image.open(io.BytesIO(image.content))
    assert crop.height >= 60 and crop.width >= 300  # ~300 dpi: the "Số:" line at a readable size
    assert client.get(f"/review/{doc_id}/image/nonsense.png").status_code == 404
    assert client.get("/review/999").status_code == 404


def test_review_saves_through_the_edit_path_with_the_users_name(
        client_for: Any, doc_id: int, archive: Archive) -> None:
    client = client_for("van-thu")
    csrf = csrf_of(client.get(f"/review/{doc_id}").text)
    answer = client.post(f"/review/{doc_id}", data={
        "csrf": csrf, "mode": "save",
        "value_number_symbol": "15/QĐ-UBND", "state_number_symbol": "typed",
        "value_issued_date": "06/01/2020", "state_issued_date": "typed",
        "value_signer": "Nguyễn Văn An", "state_signer": "accepted"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/review"
    doc = _doc(archive, doc_id)
    assert (doc.number_symbol, doc.number, doc.issued_date) == ("15/QĐ-UBND", "15", "2020-01-06")
    assert not doc.needs_review
    edits = _events(archive, doc_id, "edit")
    assert {(e.actor, e.field, e.new_value) for e in edits} == {
        ("lan", "number_symbol", "15/QĐ-UBND"), ("lan", "issued_date", "2020-01-06"),
        ("lan", "signer", "Nguyễn Văn An")}


def test_review_keeps_untouched_suggestions_flagged_unless_accepted(
        client_for: Any, doc_id: int, archive: Archive) -> None:
    client = client_for("van-thu")
    csrf = csrf_of(client.get(f"/review/{doc_id}").text)
    client.post(f"/review/{doc_id}", data={"csrf": csrf, "mode": "save", "value_number_symbol": "16/QĐ-UBND",
                                           "state_number_symbol": "pending"})
    assert _doc(archive, doc_id).needs_review and not _events(archive, doc_id, "edit")
    client.post(f"/review/{doc_id}", data={"csrf": csrf, "mode": "all", "value_number_symbol": "16/QĐ-UBND",
                                           "state_number_symbol": "pending", "value_issued_date": "",
                                           "state_issued_date": "pending"})
    doc = _doc(archive, doc_id)
    assert (doc.field_meta["number_symbol"]["source"], doc.issued_date) == ("manual", None)
    assert doc.needs_review  # the day was neither read nor typed


def test_review_refuses_bad_input(client_for: Any, doc_id: int, archive: Archive) -> None:
    client = client_for("van-thu")
    csrf = csrf_of(client.get(f"/review/{doc_id}").text)
    bad_date = client.post(f"/review/{doc_id}", data={"csrf": csrf, "value_issued_date": "31/02/2020",
                                                      "state_issued_date": "typed"})
    assert bad_date.status_code == 400 and 'role="alert"' in bad_date.text
    assert _doc(archive, doc_id).issued_date is None
    unknown = client.post(f"/review/{doc_id}", data={"csrf": csrf, "value_password": "x"})
    assert unknown.status_code == 400
    assert client.post(f"/review/{doc_id}", data={"csrf": csrf, "mode": "everything"}).status_code == 400
    assert client.post(f"/review/{doc_id}", data={"csrf": csrf, "value_signer": "x",
                                                  "state_signer": "maybe"}).status_code == 400


def test_a_script_reads_and_reviews_with_its_token(client_for: Any, doc_id: int, archive: Archive) -> None:
    token = access.new_token(archive, "lan")
    script = TestClient(create_app(archive, host="0.0.0.0"))
    bearer = {"authorization": f"Bearer {token}"}
    assert script.get(f"/documents/{doc_id}.json", headers=bearer).json()["id"] == doc_id
    saved = script.post(f"/review/{doc_id}.json", headers=bearer,
                        json={"fields": {"issued_date": "6/1/2020"}})
    assert saved.status_code == 200 and saved.json()["saved"] == ["issued_date"]
    assert _doc(archive, doc_id).issued_date == "2020-01-06"
    confirmed = script.post(f"/review/{doc_id}.json", headers=bearer,
                            json={"fields": {"signer": "Nguyễn Văn An"}})  # the suggestion, unchanged
    assert confirmed.json()["saved"] == ["signer"]
    assert script.post(f"/review/{doc_id}.json", headers=bearer, json={"fields": 3}).status_code == 400
    assert [e.actor for e in _events(archive, doc_id, "edit")] == ["lan", "lan"]


def test_no_users_on_the_loopback_is_the_single_clerk_elsewhere_refused(
        archive: Archive, doc_id: int) -> None:
    local = TestClient(create_app(archive, host="127.0.0.1"), base_url="http://127.0.0.1:8080")
    assert local.get(f"/review/{doc_id}").status_code == 200
    rebound = TestClient(create_app(archive, host="127.0.0.1"), base_url="http://evil.example:8080")
    assert rebound.get("/search", follow_redirects=False).status_code == 303  # DNS rebinding: not local
    assert "Chế độ một máy" in local.get("/search").text
    proxied = local.get("/search", headers={"x-forwarded-for": "10.0.0.9"}, follow_redirects=False)
    assert proxied.status_code == 303  # behind a proxy, it is not this machine's clerk
    wide = TestClient(create_app(archive, host="0.0.0.0"))
    assert wide.get("/search", follow_redirects=False).status_code == 303
    with pytest.raises(ConfigError, match="no users"):
        server.check_can_serve(archive, "0.0.0.0")
    server.check_can_serve(archive, "::1")


def test_english_on_request_and_headers_that_keep_others_out(client_for: Any, doc_id: int) -> None:
    client = client_for("can-bo")
    page = client.get(f"/documents/{doc_id}?lang=en")
    assert "to check" in page.text and "certain" in page.text
    assert "to check" in client.get(f"/documents/{doc_id}").text  # remembered
    assert "cần kiểm tra" in client.get(f"/documents/{doc_id}?lang=vi").text
    fresh = client_for("can-bo")
    assert "Search" in fresh.get("/search", headers={"accept-language": "en-US,en;q=0.8"}).text
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and page.headers["x-content-type-options"] == "nosniff"


def test_pages_reference_nothing_outside_the_server() -> None:
    """No CDN, no web font, no remote script: templates and static files name no http(s) URL."""
    for path in [*WEB.glob("templates/*.html"), *WEB.glob("static/*")]:
        text = path.read_text("utf-8")
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), path
        assert "@import" not in text and "url(" not in text, path


def test_users_commands_add_passwd_token_remove(run: Any, home: Path) -> None:
    added = run("users", "add", "hoa", "--role", "van-thu", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    again = run("users", "add", "hoa", "--role", "can-bo", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert again.exit_code == 2 and "exists already" in again.output
    short = run("users", "add", "an", "--role", "can-bo", input="short\nshort\n")
    assert short.exit_code == 2 and "too short" in short.output
    assert run("users", "passwd", "hoa", input="new-password-2\nnew-password-2\n").exit_code == 0
    token = run("users", "token", "hoa").stdout.strip()
    assert len(token) >= 40
    assert run("users", "list").stdout.split() == ["hoa", "van-thu", "token"]
    assert run("users", "remove", "hoa").exit_code == 0
    assert run("users", "remove", "hoa").exit_code == 4
    refused = run("serve", "--host", "0.0.0.0", "--port", "8099")
    assert refused.exit_code == 10 and "no users" in refused.output


def test_the_number_crop_is_the_so_line_tesseract_can_read(archive: Archive, doc_id: int) -> None:
    """The image shown for số và ký hiệu is the "Số:" line of the real page (read back here
    by tesseract), not the whole header: the clerk sees the digits big."""
    from digitize.ocr import tesseract
    from digitize.pipelines import crops

    path = crops.field_image(archive, doc_id, "number_symbol")
    assert path is not None and path.parent == archive.settings.home / "cache" / "crops"
    crop = Image.open(path)
    words = " ".join(w.text for w in tesseract.ocr_words(crop, lang="vie", psm=6, timeout=60))
    assert "15" in words and "UBND" in words and "QUYẾT" not in words, words
    assert crops.field_image(archive, doc_id, "number_symbol") == path  # cached


def test_home_static_queue_filter_and_sign_out(client_for: Any, doc_id: int) -> None:
    client = client_for("van-thu")
    assert 'id="q"' in client.get("/").text
    assert client.get("/index.json").json()["results"][0]["id"] == doc_id
    css = client.get("/static/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/review.json?field=signer").json()["count"] == 1
    assert client.get("/review.json?field=abstract").json()["count"] == 0
    queue = client.get("/review")
    assert f'href="/review/{doc_id}"' in queue.text
    out = client.post("/logout", data={"csrf": csrf_of(queue.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_values_are_escaped_in_pages(client_for: Any, doc_id: int, archive: Archive) -> None:
    from digitize.pipelines import review

    review.set_field(archive, doc_id, "abstract", '<script>alert("x")</script> chuyển đổi số')
    client = client_for("van-thu")
    for path in (f"/documents/{doc_id}", "/search?q=chuyen+doi+so"):
        page = client.get(path).text
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page, path


def test_search_limit_is_checked(client_for: Any, doc_id: int) -> None:
    client = client_for("can-bo")
    assert client.get("/search.json?limit=1").json()["results"][0]["id"] == doc_id
    assert "limit=5" in client.get("/search.json?limit=1").json()["more_url"]
    for bad in ("0", "501", "ten"):
        assert client.get(f"/search.json?limit={bad}").status_code == 400


def test_serve_says_in_one_line_that_the_port_is_taken(run: Any, doc_id: int) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        answer = run("serve", "--port", port)
    assert answer.exit_code == 2 and "cannot listen on 127.0.0.1" in answer.output


def test_review_web_serves_the_queue_to_the_clerk_at_this_machine(
        home: Path, archive: Archive, doc_id: int, tmp_path: Path) -> None:
    for url in start_digitize(home, tmp_path, "review", "--web"):
        with urllib.request.urlopen(f"{url}/review.json", timeout=10) as answer:
            queue = json.loads(answer.read())
        assert [d["id"] for d in queue["documents"]] == [doc_id]
