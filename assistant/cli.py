"""The ``cchc`` command line: the assistant's commands.

This module defines the Typer ``app`` with the commands of the assistant
layer (ingest, ask, search, documents, and, registered below, citations,
explain, draft). The whole ``cchc`` program — with ``serve``/``telegram``
(``bot.serve_cli``) and ``eval`` (``evals.eval_cli``), which sit in layers
above this one — is assembled in :mod:`cchc.cli`; ``python -m assistant.cli``
runs that whole program too.

Stable contract (scripts depend on it):

* ``cchc ingest [PATH ...] [--json]`` — default: the bundled corpus (documents and validity table).
* ``cchc delete DOC_ID [--json]`` — remove a document (and its knowledge).
* ``cchc ask "QUESTION" [-k N] [--json] [--batch FILE]``
* ``cchc search "QUERY" [-k N] [--json] [--batch FILE]``

``ask --json`` prints ``{"question", "answer", "abstained", "citations": [{"n",
"doc_id", "number", "title", "issuer", "date", "section", "text", "score"}]}``;
``search --json`` prints ``{"query", "hits": [...]}``. ``--batch FILE`` reads
one question per line (``-`` = stdin) and prints one JSON object per line.

Bad arguments end with one line on stderr, ``Lỗi: … / error: …``, and exit
status 2, before any index is opened: text that is not valid UTF-8 (an
argument holding undecodable bytes, a batch file that is not UTF-8 or UTF-16
with a BOM), a batch file that cannot be read, ``-k`` outside 1…20 (ask) or
1…50 (search), an unknown ``--mode``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Optional

import typer

from assistant import citations_cli, index_cli
from assistant.drafting import cli as drafting_cli
from assistant.cli_args import SEARCH_MODES, check_k, check_text, decode_batch, fail

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Trợ lý CCHC — hỏi đáp và soạn kế hoạch cải cách hành chính có trích dẫn.")


def _service():
    from assistant.service import CCHCService

    return CCHCService()


def _ready_service():
    svc = _service()
    if svc.is_empty():
        typer.echo("Kho dữ liệu trống: đang nạp bộ tài liệu kèm theo (bundled corpus)…", err=True)
        t0 = time.perf_counter()
        rep = svc.ingest(None, progress=True)
        typer.echo(
            f"Đã nạp {len(rep.added)} văn bản, {rep.chunks_added} đoạn trong {time.perf_counter() - t0:.0f} s.", err=True
        )
    return svc


def _print_answer(ans) -> None:
    typer.echo(ans.answer)
    for note in ans.notes:
        typer.echo(f"({note})")
    if ans.citations:
        typer.echo("\nNguồn:")
        for c in ans.citations:
            doc = c.number or (f"{c.title} ({c.doc_id})" if c.title else c.doc_id)
            label = " ".join(x for x in [doc, f"— {c.section}" if c.section else ""] if x)
            ocr = " [bản quét, có thể sai dấu]" if c.ocr_damaged else ""
            date = f", ngày {c.date}" if c.date else ""
            typer.echo(f"[{c.n}] {label}{date}{ocr}")
            snippet = " ".join(c.text.split())
            typer.echo(f"    “{snippet[:300]}{'…' if len(snippet) > 300 else ''}”")


def _read_batch(path: str) -> list[str]:
    if path == "-":
        return decode_batch(typer.get_binary_stream("stdin").read(), "stdin")
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        fail(f"không đọc được tệp {path}: {e.strerror or e}", f"cannot read {path}: {e.strerror or e}")
    return decode_batch(data, path)


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(None, help="Files or folders (.txt .md .docx .pdf .html .htm; scanned PDFs are read by OCR); default: the bundled corpus"),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON"),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="Bars on stderr (default: on a terminal, not with --json)"),
) -> None:
    """Nạp văn bản vào kho (ingest documents into the index)."""
    svc = _service()
    t0 = time.perf_counter()
    try:
        rep = svc.ingest(list(paths) if paths else None, progress=progress if progress is not None else (False if as_json else None))
    except KeyboardInterrupt as e:  # the index stays consistent; the next run resumes
        from assistant.index_cli import interrupted_message

        typer.echo(interrupted_message(getattr(e, "report", None)), err=True)
        raise typer.Exit(130)
    secs = time.perf_counter() - t0
    if as_json:
        typer.echo(json.dumps({**rep.to_dict(), "seconds": round(secs, 2)}, ensure_ascii=False))
    else:
        for p, reason in rep.failed:
            typer.echo(f"LỖI {p}: {reason}", err=True)
        typer.echo(
            f"added {len(rep.added)} documents ({rep.chunks_added} chunks), skipped {len(rep.skipped)} unchanged, "
            f"failed {len(rep.failed)} — {secs:.1f} s; total {svc.index.store.count_documents()} documents, "
            f"{svc.index.count_chunks()} chunks"
        )
    if rep.failed and not rep.added and not rep.skipped:
        raise typer.Exit(1)


@app.command()
def ask(
    question: Optional[str] = typer.Argument(None, help="Câu hỏi"),
    k: int = typer.Option(5, "-k", help="Passages to retrieve (1-20)"),
    as_json: bool = typer.Option(False, "--json"),
    batch: Optional[str] = typer.Option(None, "--batch", help="File with one question per line ('-' = stdin); JSON lines out"),
) -> None:
    """Hỏi đáp có trích dẫn (ask a question, get a cited answer)."""
    check_k(k, "ask")
    check_text(question, "câu hỏi", "question")
    questions = _read_batch(batch) if batch else None
    if questions is None and not question:
        fail("cần CÂU HỎI hoặc --batch TỆP", "give a QUESTION or --batch FILE")
    svc = _ready_service()
    if questions is not None:
        for q in questions:
            typer.echo(json.dumps(svc.ask(q, k=k).to_dict(), ensure_ascii=False))
        return
    ans = svc.ask(question, k=k)
    if as_json:
        typer.echo(json.dumps(ans.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_answer(ans)


@app.command()
def search(
    query: Optional[str] = typer.Argument(None),
    k: int = typer.Option(5, "-k", help="Passages to return (1-50)"),
    as_json: bool = typer.Option(False, "--json"),
    batch: Optional[str] = typer.Option(None, "--batch", help="File with one query per line ('-' = stdin); JSON lines out"),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid | bm25 | dense"),
) -> None:
    """Tìm đoạn văn bản liên quan (hybrid BM25 + dense search)."""
    from assistant.types import Citation

    check_k(k, "search")
    if mode not in SEARCH_MODES:
        fail(f"--mode không hợp lệ {mode!r}; chọn một trong: {', '.join(SEARCH_MODES)}",
             f"unknown --mode {mode!r}; choose one of: {', '.join(SEARCH_MODES)}")
    check_text(query, "truy vấn", "query")
    queries = _read_batch(batch) if batch else None
    if queries is None and not query:
        fail("cần TRUY VẤN hoặc --batch TỆP", "give a QUERY or --batch FILE")
    svc = _ready_service()

    def run(q: str) -> dict:
        hits = svc.search(q, k=k, mode=mode)
        return {"query": q, "hits": [Citation.from_hit(i, h).to_dict() for i, h in enumerate(hits, 1)]}

    if queries is not None:
        for q in queries:
            typer.echo(json.dumps(run(q), ensure_ascii=False))
        return
    out = run(query)
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for h in out["hits"]:
        typer.echo(f"[{h['n']}] {h['score']:.4f} {h['number'] or h['doc_id']} — {h['section']}")
        typer.echo("    " + " ".join(h["text"].split())[:240])


@app.command()
def documents(as_json: bool = typer.Option(False, "--json")) -> None:
    """Liệt kê văn bản đã nạp (list indexed documents)."""
    svc = _service()
    metas = svc.documents()
    if as_json:
        typer.echo(json.dumps([m.to_dict() for m in metas], ensure_ascii=False, indent=2))
        return
    for m in metas:
        typer.echo(f"{m.doc_id}\t{m.number or '-'}\t{m.date or '-'}\t{m.title or ''}")


@app.command()
def delete(doc_id: str = typer.Argument(..., help="doc_id (see `cchc documents`)"),
           as_json: bool = typer.Option(False, "--json")) -> None:
    """Xoá một văn bản khỏi kho (its chunks, vectors and knowledge: citations, validity, glossary)."""
    svc = _service()
    ok = svc.delete_document(doc_id)
    if as_json:
        typer.echo(json.dumps({"deleted": doc_id if ok else None}, ensure_ascii=False))
    else:
        typer.echo(f"Đã xoá {doc_id}." if ok else f"Không có văn bản {doc_id} trong kho.", err=not ok)
    if not ok:
        raise typer.Exit(1)


citations_cli.register(app)
drafting_cli.register(app)
index_cli.register(app)


if __name__ == "__main__":  # pragma: no cover - `python -m assistant.cli …` runs the whole program
    from cchc.cli import main

    main()
