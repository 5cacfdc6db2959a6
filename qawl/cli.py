"""The `qawl` command: thin verbs over the library's functions.

    qawl extract [INPUT ...] [-o OUT] [--model PATH|rules] [--format jsonl|text]
    qawl evaluate GOLD (--pred FILE | --model PATH|rules) [--json] [--errors FILE]
    qawl base build OUT              (model room)
    qawl data build OUT / qawl train CONFIG   (training room)

Every verb returns an exit code; errors in the input are reported on one line
naming the file and record, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from typing import IO

from qawl import __version__
from qawl.io import Article, InputError, ReadReport, format_text, read_articles
from qawl.schema import Document, RecordError, load_documents

log = logging.getLogger("qawl")
_ANNOTATION_KEYS = ("entities", "quotes", "qawl_version", "extractor")


def _extractor(spec: str | None, attribution: str = "auto"):
    """The extractor a --model value names: "rules", a model directory, or
    None for the shipped default model (the rules when none is shipped)."""
    from qawl.extractor import DEFAULT_MODEL_DIR, load_extractor

    if spec is None and not (DEFAULT_MODEL_DIR / "config.json").is_file():
        log.info("no default model is shipped with this install: using the rules")
        spec = "rules"
    return load_extractor(spec, attribution=attribution)


def _attribution_option(parser: argparse.ArgumentParser) -> None:
    from qawl.extractor import ATTRIBUTIONS

    parser.add_argument(
        "--attribution", choices=ATTRIBUTIONS, default="auto",
        help="how a model's quotes get their speakers: its learned ranker (auto: when it "
        "has one), the rules' attribution, or the baseline 'explicit speaker, else the "
        "last source'",
    )  # fmt: skip


def extract_documents(
    articles: Iterator[Article], extractor, batch_size: int = 8
) -> Iterator[Document]:
    """Run an extractor over articles, carrying their other fields through."""
    buffer: list[Article] = []

    def flush() -> Iterator[Document]:
        pairs = [(a.id, a.text) for a in buffer]
        for article, doc in zip(buffer, extractor.pipe(pairs, batch_size=batch_size), strict=True):
            # An annotated input's own quotes are replaced, not carried through.
            doc.meta = {k: v for k, v in article.meta.items() if k not in _ANNOTATION_KEYS}
            yield doc
        buffer.clear()

    for article in articles:
        buffer.append(article)
        if len(buffer) >= batch_size:
            yield from flush()
    if buffer:
        yield from flush()


def _open_out(path: str | None) -> IO[str]:
    if path in (None, "-"):
        return sys.stdout
    return open(path, "w", encoding="utf-8")


def cmd_extract(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    report = ReadReport()
    stdin = sys.stdin.buffer if not args.inputs or "-" in args.inputs else None
    articles = read_articles(args.inputs, stdin, args.encoding, args.skip_invalid, report)
    extractor = _extractor(args.model, args.attribution)
    started = time.perf_counter()
    out = _open_out(args.output)
    n_docs = n_quotes = 0
    try:
        docs = extract_documents(articles, extractor, args.batch_size)
        for doc in tqdm(
            docs, desc="extract", unit="article", disable=args.quiet or not sys.stderr.isatty()
        ):
            if args.min_score is not None:
                doc.quotes = [q for q in doc.quotes if q.score is None or q.score >= args.min_score]
            if args.format == "text":
                out.write(format_text(doc))
            else:
                out.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
            n_docs += 1
            n_quotes += len(doc.quotes)
    finally:
        if out is not sys.stdout:
            out.close()
    seconds = time.perf_counter() - started
    if not args.quiet:
        print(
            f"qawl: {n_docs} articles, {n_quotes} quotes, {seconds:.1f} s ({extractor.name})",
            file=sys.stderr,
        )
    for problem in report.skipped:
        print(f"qawl: skipped {problem}", file=sys.stderr)
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from qawl.eval import error_report, evaluate, format_table

    gold = load_documents(args.gold)
    if args.pred:
        pred = load_documents(args.pred)
    else:
        extractor = _extractor(args.model, args.attribution)
        pred = list(extractor.pipe([(d.id, d.text) for d in gold], batch_size=args.batch_size))
    metrics = evaluate(gold, pred, bootstrap=args.bootstrap)
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as handle:
            for row in error_report(gold, pred):
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps(metrics, ensure_ascii=False))
    else:
        print(format_table(metrics))
    return 0


def annotated_or_extracted(
    articles: Iterable[Article], model: str | None, batch_size: int = 8
) -> Iterator[Document]:
    """Documents of the inputs, streamed in order: records that already hold
    ``quotes`` (gold or predictions) are read as they are; plain articles are
    extracted (the model is loaded only if one needs it)."""
    extractor = None
    pending: list[Article] = []

    def flush() -> Iterator[Document]:
        nonlocal extractor
        if pending:
            extractor = extractor or _extractor(model)
            yield from extract_documents(iter(list(pending)), extractor, batch_size)
            pending.clear()

    for article in articles:
        if "quotes" in article.meta:
            yield from flush()
            record = {**article.meta, "id": article.id, "text": article.text}
            yield Document.from_json(record, f"article {article.id}")
        else:
            pending.append(article)
            if len(pending) >= batch_size:
                yield from flush()
    yield from flush()


def _articles(args: argparse.Namespace) -> Iterator[Article]:
    stdin = sys.stdin.buffer if not args.inputs or "-" in args.inputs else None
    return read_articles(args.inputs, stdin, args.encoding, args.skip_invalid)


def cmd_render(args: argparse.Namespace) -> int:
    from qawl.render import render_html

    page = render_html(annotated_or_extracted(_articles(args), args.model, args.batch_size))
    out = _open_out(args.output)
    try:
        out.write(page)
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from qawl.report import build_report, write_report

    started = time.perf_counter()
    docs = annotated_or_extracted(_articles(args), args.model, args.batch_size)
    quiet = args.quiet or not sys.stderr.isatty()
    report = build_report(tqdm(docs, desc="report", unit="article", disable=quiet))
    paths = write_report(report, args.output)
    if not args.quiet:
        print(
            f"qawl: {report.articles} articles, {report.quotes} quotes, "
            f"{len(report.speakers)} speakers, {time.perf_counter() - started:.1f} s -> "
            + ", ".join(str(p) for p in paths),
            file=sys.stderr,
        )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        from qawl.serve import serve
    except ImportError:
        print('qawl: error: serve needs Flask: pip install "qawl[serve]"', file=sys.stderr)
        return 2
    serve(_extractor(args.model), host=args.host, port=args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qawl", description="Who said what in Arabic news: quotes, cues, speakers."
    )
    parser.add_argument("--version", action="version", version=f"qawl {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    verbs = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    extract = verbs.add_parser("extract", help="find quotes and speakers in articles")
    extract.add_argument(
        "inputs", nargs="*", metavar="INPUT",
        help=".txt (one article), .jsonl ({id, text, ...} lines) or - for stdin (default)",
    )  # fmt: skip
    extract.add_argument("-o", "--output", help="output file (default: stdout)")
    extract.add_argument(
        "--model", default=None,
        help="model directory or hub id, or 'rules' (default: the shipped model)",
    )  # fmt: skip
    extract.add_argument("--format", choices=("jsonl", "text"), default="jsonl")
    extract.add_argument("--encoding", default="utf-8", help="input encoding, e.g. cp1256")
    extract.add_argument(
        "--skip-invalid",
        action="store_true",
        help="go on past malformed JSONL lines, saying what was skipped",
    )
    extract.add_argument(
        "--min-score", type=float, default=None, help="drop quotes whose score is below this"
    )
    extract.add_argument("--batch-size", type=int, default=8)
    _attribution_option(extract)
    extract.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    extract.set_defaults(func=cmd_extract)

    evaluate = verbs.add_parser("evaluate", help="score predictions against gold annotations")
    evaluate.add_argument("gold", help="gold JSONL (the guidelines' format)")
    source = evaluate.add_mutually_exclusive_group(required=True)
    source.add_argument("--pred", help="predictions JSONL")
    source.add_argument("--model", help="model directory or 'rules' to predict with")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("--errors", help="write an error report (JSONL) here")
    evaluate.add_argument(
        "--bootstrap",
        type=int,
        default=1000,
        help="bootstrap resamples for the e2e F1 interval (0: none)",
    )
    evaluate.add_argument("--batch-size", type=int, default=8)
    _attribution_option(evaluate)
    evaluate.set_defaults(func=cmd_evaluate)

    render = verbs.add_parser("render", help="one right-to-left HTML page of the quotes")
    _annotated_inputs(render)
    render.add_argument("-o", "--output", help="HTML file (default: stdout)")
    render.set_defaults(func=cmd_render)

    report = verbs.add_parser("report", help="who said what across a corpus: CSV and HTML")
    _annotated_inputs(report)
    report.add_argument("-o", "--output", default="qawl-report", help="output directory")
    report.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    report.set_defaults(func=cmd_report)

    serve = verbs.add_parser("serve", help="a local web page: paste text, see who said what")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (only this)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--model", default=None, help="model directory or 'rules'")
    serve.set_defaults(func=cmd_serve)

    _register_optional(verbs, "qawl.model.commands")
    _register_optional(verbs, "qawl.training.commands")
    return parser


def _annotated_inputs(parser: argparse.ArgumentParser) -> None:
    """Inputs of the verbs that read predictions as they are and extract the rest."""
    parser.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help="articles (.txt/.jsonl), or predictions/gold JSONL with quotes",
    )
    parser.add_argument("--model", default=None, help="model for articles without quotes")
    parser.add_argument("--encoding", default="utf-8")
    parser.add_argument("--skip-invalid", action="store_true")
    parser.add_argument("--batch-size", type=int, default=8)


def _register_optional(verbs: argparse._SubParsersAction, module: str) -> None:
    """Rooms add their own verbs; one that cannot import leaves the rest working."""
    import importlib

    try:
        importlib.import_module(module).register(verbs)
    except ImportError as err:
        log.debug("%s verbs unavailable: %s", module, err)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="qawl: %(levelname)s: %(message)s",
    )
    try:
        result = args.func(args)
    except (InputError, RecordError, FileNotFoundError, ValueError) as err:
        print(f"qawl: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    if isinstance(result, str):  # room verbs return a summary line
        print(result)
        return 0
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
