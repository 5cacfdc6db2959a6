import io
import json

import pytest

from qawl.io import InputError, ReadReport, read_articles


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_txt_file_is_one_article_named_by_file(tmp_path):
    path = write(tmp_path, "خبر.txt", "\ufeffقال الوزير إن الوضع مستقر.\r\n".encode())
    [article] = read_articles([path])
    assert article.id == "خبر"
    assert article.text == "قال الوزير إن الوضع مستقر.\r\n"  # BOM dropped, line ending kept


def test_jsonl_carries_other_fields(tmp_path):
    line = {"id": 7, "text": "نص", "title": "عنوان", "date": "2020-01-01"}
    path = write(tmp_path, "a.jsonl", (json.dumps(line, ensure_ascii=False) + "\n").encode())
    [article] = read_articles([path])
    assert article.id == "7" and article.meta == {"title": "عنوان", "date": "2020-01-01"}


def test_malformed_line_names_file_and_line(tmp_path):
    data = b'{"id": "a", "text": "x"}\n{broken\n{"id": "b", "text": "y"}\n'
    path = write(tmp_path, "a.jsonl", data)
    with pytest.raises(InputError, match=r"a\.jsonl:2: invalid JSON"):
        list(read_articles([path]))


def test_skip_invalid_goes_on_and_says_what_was_skipped(tmp_path):
    data = b'{"id": "a", "text": "x"}\n{broken\n{"id": "b"}\n\xff\xfe\n{"id": "c", "text": "z"}\n'
    path = write(tmp_path, "a.jsonl", data)
    report = ReadReport()
    ids = [a.id for a in read_articles([path], skip_invalid=True, report=report)]
    assert ids == ["a", "c"]
    assert [s.split(":")[1] for s in report.skipped] == ["2", "3", "4"]


def test_invalid_utf8_suggests_encoding(tmp_path):
    path = write(tmp_path, "old.txt", "قال".encode("cp1256"))
    with pytest.raises(InputError, match="cp1256"):
        list(read_articles([path]))
    [article] = read_articles([path], encoding="cp1256")
    assert article.text == "قال"


def test_duplicate_ids_are_an_error(tmp_path):
    path = write(tmp_path, "a.jsonl", b'{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n')
    with pytest.raises(InputError, match="duplicate id"):
        list(read_articles([path]))


def test_stdin_plain_text_and_jsonl():
    [plain] = read_articles([], stdin=io.BytesIO("نص عادي".encode()))
    assert plain.text == "نص عادي"
    lines = b'{"id": "x", "text": "a"}\n{"id": "y", "text": "b"}\n'
    assert [a.id for a in read_articles(["-"], stdin=io.BytesIO(lines))] == ["x", "y"]


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_articles([str(tmp_path / "nope.txt")]))
