"""`qawl serve`: a small local web page (Flask) over the extractor.

Paste Arabic text or upload a `.txt`/`.jsonl` file, see the right-to-left view
of `qawl render`, download the JSONL. Input size is limited, with a clear
message; the server listens only on the host it is given (127.0.0.1 by default).
"""

from __future__ import annotations

import base64
import html
import json
import logging
import tempfile

from flask import Flask, request

from qawl.io import InputError, read_articles
from qawl.render import PAGE_STYLE, render_document

log = logging.getLogger(__name__)

MAX_BYTES = 2_000_000  # per request: a few hundred articles
MAX_ARTICLES = 200

_FORM = """<form method="post" action="/extract" enctype="multipart/form-data">
<p><label for="text">النص العربي</label><br>
<textarea id="text" name="text" rows="10" style="width:100%" dir="rtl"></textarea></p>
<p><label for="file">أو ملف ‎.txt‎ أو ‎.jsonl‎</label> <input id="file" type="file" name="file"></p>
<p><button id="submit" type="submit">استخرج الاقتباسات</button></p></form>"""


def _page(body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>qawl</title><style>{PAGE_STYLE}</style></head><body>"
        f"<h1>qawl: من قال ماذا</h1>{body}</body></html>"
    )


def _articles_from_request() -> list[tuple[str, str]]:
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data = upload.read()
        suffix = ".jsonl" if upload.filename.endswith((".jsonl", ".json")) else ".txt"
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            handle.write(data)
            handle.flush()
            articles = list(read_articles([handle.name]))
        for article in articles:  # the temporary name is not the user's file name
            if suffix == ".txt":
                article.id = upload.filename.rsplit(".", 1)[0]
        return [(a.id, a.text) for a in articles]
    text = request.form.get("text", "")
    return [("text", text)] if text.strip() else []


def create_app(extractor) -> Flask:
    """The web app around one loaded extractor."""
    app = Flask("qawl")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BYTES

    @app.get("/")
    def index() -> str:
        return _page(_FORM)

    @app.post("/extract")
    def extract() -> tuple[str, int] | str:
        try:
            articles = _articles_from_request()
        except InputError as err:
            return _page(f'<p class="error">{html.escape(str(err))}</p>{_FORM}'), 400
        if not articles:
            return _page(f'<p class="error">لا يوجد نص لتحليله.</p>{_FORM}'), 400
        if len(articles) > MAX_ARTICLES:
            message = f"الملف يضم {len(articles)} مقالة، والحد {MAX_ARTICLES}."
            return _page(f'<p class="error">{message}</p>{_FORM}'), 413
        docs = list(extractor.pipe(articles))
        jsonl = "".join(json.dumps(d.to_json(), ensure_ascii=False) + "\n" for d in docs)
        link = base64.b64encode(jsonl.encode("utf-8")).decode("ascii")
        download = (
            f'<p><a id="download" download="qawl.jsonl" '
            f'href="data:application/jsonl;base64,{link}">تنزيل النتائج (JSONL)</a></p>'
        )
        return _page(download + "".join(render_document(d) for d in docs) + _FORM)

    @app.errorhandler(413)
    def too_large(_error) -> tuple[str, int]:
        limit = f"{MAX_BYTES // 1_000_000} MB"
        return _page(f'<p class="error">الملف أكبر من الحد المسموح ({limit}).</p>{_FORM}'), 413

    return app


def serve(extractor, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app until interrupted (werkzeug's server: a local tool, not a public one)."""
    log.info("qawl serve on http://%s:%d", host, port)
    create_app(extractor).run(host=host, port=port, debug=False)
