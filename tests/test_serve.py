"""qawl serve: the Flask app in-process, and a real browser against it."""

import shutil
import threading

import pytest

pytest.importorskip("flask")

from qawl.rules import RuleExtractor  # noqa: E402
from qawl.serve import MAX_BYTES, create_app  # noqa: E402
from tests.conftest import EXAMPLE  # noqa: E402

ARTICLE = EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def app():
    return create_app(RuleExtractor())


def test_form_and_extraction(app):
    client = app.test_client()
    assert "<textarea" in client.get("/").get_data(as_text=True)
    page = client.post("/extract", data={"text": ARTICLE}).get_data(as_text=True)
    assert page.count('class="q"') >= 5 and "سامي الحداد (3)" in page and 'id="download"' in page


def test_empty_and_oversized_input_get_clear_messages(app):
    client = app.test_client()
    empty = client.post("/extract", data={"text": "  "})
    assert empty.status_code == 400 and "لا يوجد نص" in empty.get_data(as_text=True)
    big = client.post("/extract", data={"text": "ا" * (MAX_BYTES + 10)})
    assert big.status_code == 413 and "الحد المسموح" in big.get_data(as_text=True)


def test_upload_of_a_bad_jsonl_names_the_line(app):
    import io

    client = app.test_client()
    data = {"file": (io.BytesIO(b'{"id": "a", "text": "x"}\n{oops\n'), "in.jsonl")}
    response = client.post("/extract", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and ":2: invalid JSON" in response.get_data(as_text=True)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_browser_submits_an_article_and_sees_quotes(app):
    sync_api = pytest.importorskip("playwright.sync_api")
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/")
            page.fill("#text", ARTICLE)
            page.click("#submit")
            page.wait_for_selector("span.q")
            assert page.locator("span.q").count() >= 5
            assert "سامي الحداد" in page.locator("ul.legend").first.inner_text()
            browser.close()
    finally:
        server.shutdown()
