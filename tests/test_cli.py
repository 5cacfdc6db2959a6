"""The qawl command, run in-process through qawl.cli.main."""

import json

import pytest

from qawl.cli import main
from tests.conftest import EXAMPLE, shared_file


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_extract_example_article_as_jsonl(capsys):
    code, out, _ = run(capsys, "extract", str(EXAMPLE), "--model", "rules", "-q")
    assert code == 0
    [record] = [json.loads(line) for line in out.splitlines()]
    assert record["id"] == "article" and record["extractor"].startswith("qawl-rules")
    names = {e["id"]: e["name"] for e in record["entities"]}
    speakers = [names[q["entity"]] for q in record["quotes"]]
    assert "سامي الحداد" in speakers and "ليلى بن عمر" in speakers
    for q in record["quotes"]:
        start, end = q["content"]
        assert record["text"][start:end].strip()


def test_extract_text_format(capsys):
    code, out, _ = run(
        capsys, "extract", str(EXAMPLE), "--model", "rules", "--format", "text", "-q"
    )
    assert code == 0 and out.startswith("# article\n") and "ليلى بن عمر: " in out


def test_extract_bad_line_is_one_clear_error(capsys, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "وقال علي إن الجو جميل."}\n[1, 2]\n', encoding="utf-8")
    code, out, err = run(capsys, "extract", str(path), "--model", "rules", "-q")
    assert code == 2 and "in.jsonl:2" in err and "Traceback" not in err
    code, out, err = run(capsys, "extract", str(path), "--model", "rules", "--skip-invalid")
    assert code == 0 and len(out.splitlines()) == 1 and "skipped" in err and "in.jsonl:2" in err


def test_extract_carries_input_fields(capsys, tmp_path):
    path = tmp_path / "in.jsonl"
    line = {"id": "a", "text": "وقال علي إن الجو جميل.", "source": "مصدر", "url": "http://x"}
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    _, out, _ = run(capsys, "extract", str(path), "--model", "rules", "-q")
    record = json.loads(out)
    assert record["source"] == "مصدر" and record["url"] == "http://x"


def test_evaluate_prediction_file_json(capsys, tmp_path):
    gold = shared_file("seed-article.gold.jsonl")
    code, out, _ = run(
        capsys, "evaluate", str(gold), "--pred", str(gold), "--json", "--bootstrap", "0"
    )
    metrics = json.loads(out)
    assert code == 0 and metrics["e2e_f1"] == 1.0 and metrics["soft_f1"] == 1.0
    for key in (
        "e2e_p",
        "e2e_r",
        "exact_f1",
        "token_f1",
        "attribution_acc",
        "kind_acc",
        "cue_acc",
        "speaker_span_acc",
    ):
        assert key in metrics


def test_evaluate_rules_writes_error_report(capsys, tmp_path):
    gold = shared_file("seed-article.gold.jsonl")
    errors = tmp_path / "errors.jsonl"
    code, out, _ = run(capsys, "evaluate", str(gold), "--model", "rules", "--errors", str(errors))
    assert code == 0 and "e2e" in out.lower()
    rows = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert all(row["type"] in {"missed", "spurious", "wrong_speaker", "wrong_kind"} for row in rows)


def test_evaluate_unknown_prediction_id_is_an_error(capsys, tmp_path):
    gold = shared_file("seed-article.gold.jsonl")
    pred = tmp_path / "pred.jsonl"
    pred.write_text(
        '{"id": "other", "text": "x", "entities": [], "quotes": []}\n', encoding="utf-8"
    )
    code, _, err = run(capsys, "evaluate", str(gold), "--pred", str(pred))
    assert code == 2 and "other" in err


def test_missing_input_file(capsys):
    code, _, err = run(capsys, "extract", "no-such-file.txt", "--model", "rules")
    assert code == 2 and "no such file" in err


@pytest.mark.parametrize("argv", [["--version"]])
def test_version(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0 and "qawl" in capsys.readouterr().out


def test_render_example_article_page(capsys, tmp_path):
    out = tmp_path / "page.html"
    code, _, _ = run(capsys, "render", str(EXAMPLE), "--model", "rules", "-o", str(out))
    page = out.read_text(encoding="utf-8")
    assert code == 0 and 'dir="rtl"' in page and "http" not in page
    assert page.count('class="q"') >= 5 and "سامي الحداد (3)" in page


def test_render_reads_annotated_records_as_they_are(capsys, tmp_path):
    gold = shared_file("seed-article.gold.jsonl")
    out = tmp_path / "seed.html"
    code, _, _ = run(capsys, "render", str(gold), "-o", str(out))
    page = out.read_text(encoding="utf-8")
    assert code == 0 and "32 اقتباس" in page and "سيرغي لافروف" in page


def test_report_extracts_plain_articles(capsys, tmp_path):
    code, _, err = run(capsys, "report", str(EXAMPLE), "--model", "rules", "-o", str(tmp_path))
    table = (tmp_path / "speakers.csv").read_text(encoding="utf-8-sig")
    assert code == 0 and "سامي الحداد,person,male,3" in table
    assert "1 articles, 6 quotes" in err
