"""``cchc citations`` and ``cchc explain``: the legal citation graph and the
glossary of abbreviations, from the indexed documents."""

from __future__ import annotations

import json

import typer


def _service():
    from assistant.service import CCHCService

    svc = CCHCService()
    if svc.is_empty():
        typer.echo("Kho dữ liệu trống: đang nạp bộ tài liệu kèm theo (bundled corpus)…", err=True)
        svc.ingest(None, progress=True)
    return svc


def citations_rows(service, missing: bool = False) -> list[dict]:
    """Rows of ``cchc citations --json``: ``{"id", "type", "number", "date",
    "issuer", "title", "cited_by": [{"doc_id", "section"}], "in_corpus"}``,
    most cited first; ``missing`` keeps the documents the corpus does not hold."""
    rows = service.citation_graph().to_json()
    return [r for r in rows if not r["in_corpus"]] if missing else rows


def register(app: typer.Typer) -> None:
    """Add ``citations`` and ``explain`` to the ``cchc`` app."""

    @app.command()
    def citations(
        as_json: bool = typer.Option(False, "--json", help="One JSON list"),
        missing: bool = typer.Option(False, "--missing", help="Only cited documents the corpus does not hold (to fetch)"),
    ) -> None:
        """Văn bản được viện dẫn (legal citation graph); --missing: danh sách cần bổ sung."""
        rows = citations_rows(_service(), missing=missing)
        if as_json:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for r in rows:
            mark = "có trong kho" if r["in_corpus"] else "CHƯA CÓ"
            if not r.get("verified", True):
                mark += ", chưa kiểm chứng"
            by = ", ".join(sorted({c["doc_id"] for c in r["cited_by"]}))
            date = f" ngày {r['date']}" if r.get("date") else ""
            typer.echo(f"{r['id']}\t{r.get('type') or ''}{date}\t[{mark}]\t← {by}")
        typer.echo(f"{len(rows)} văn bản", err=True)

    @app.command()
    def explain(term: str = typer.Argument(..., help="Thuật ngữ / viết tắt, ví dụ CCHC, TTHC, PAPI"),
                as_json: bool = typer.Option(False, "--json")) -> None:
        """Giải thích thuật ngữ, viết tắt (glossary for new clerks), có trích dẫn."""
        from assistant.cli_args import check_text

        check_text(term, "thuật ngữ", "term")
        svc = _service()
        ans = svc.explain(term)
        if ans is None:
            if as_json:
                typer.echo(json.dumps({"term": term, "found": False}, ensure_ascii=False))
            else:
                typer.echo(f"Không tìm thấy thuật ngữ “{term}” trong kho tài liệu.")
            raise typer.Exit(1)
        if as_json:
            typer.echo(json.dumps({"term": term, "found": True, **ans.to_dict()}, ensure_ascii=False, indent=2))
            return
        typer.echo(ans.answer)
        for c in ans.citations:
            typer.echo(f"[{c.n}] {c.number or c.doc_id} — {c.section}: “{' '.join(c.text.split())[:200]}…”")
