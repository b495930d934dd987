"""``cchc draft`` — draft next year's kế hoạch (DOCX, Markdown or JSON) from the indexed documents.

``cchc draft --unit "Trường Mầm non Hương Sen" [--year 2027] [--governing-body "UBND PHƯỜNG …"]
[--district "quận Gò Vấp"] [--kind cchc|tthc|par-index|papi] [--section NAME|all] [--out plan.docx|plan.md] [--json]``

The sources are the documents of the index (bundled and uploaded; an empty
index first ingests the bundled corpus, as ``cchc ask`` does), the same as
``POST /v1/draft`` and Telegram ``/soan``. ``--year`` defaults to the year
after the as-of date (``CCHC_AS_OF``, default today). Without ``--out`` the
Markdown is printed; ``--json`` prints ``Draft.to_dict()``. Exit code 2 on bad
arguments (unknown kind/section, empty unit).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    """Add the ``draft`` command to ``app``."""

    @app.command("draft")
    def draft_cmd(
        unit: str = typer.Option(..., "--unit", help="Tên đơn vị, ví dụ \"Trường Mầm non Hương Sen\""),
        year: Optional[int] = typer.Option(None, "--year", help="Năm kế hoạch (mặc định: năm sau ngày CCHC_AS_OF)"),
        governing_body: Optional[str] = typer.Option(
            None, "--governing-body", help="Cơ quan chủ quản sau sắp xếp, ví dụ \"UBND PHƯỜNG HẠNH THÔNG\""),
        district: Optional[str] = typer.Option(None, "--district", help="Quận/huyện cũ, ví dụ \"quận Gò Vấp\""),
        kind: str = typer.Option("cchc", "--kind", help="cchc | tthc | par-index | papi"),
        section: str = typer.Option("all", "--section", help="all hoặc tên mục (chỉ tiêu, cải cách TTHC, nv3 …)"),
        out: Optional[Path] = typer.Option(None, "--out", help="plan.docx hoặc plan.md"),
        as_json: bool = typer.Option(False, "--json", help="In JSON"),
    ) -> None:
        """Soạn dự thảo kế hoạch năm sau từ các văn bản trong kho (kế hoạch và văn bản hướng dẫn đã nạp)."""
        from assistant.drafting.drafter import draft_plan
        from assistant.drafting.render_docx import write_docx
        from assistant.drafting.render_markdown import draft_to_markdown
        from assistant.drafting.sources import draft_documents
        from assistant.service import CCHCService

        if not unit.strip():
            typer.echo("Lỗi: thiếu tên đơn vị (unit)", err=True)
            raise typer.Exit(2)
        svc = CCHCService()
        if svc.is_empty():
            typer.echo("Kho dữ liệu trống: đang nạp bộ tài liệu kèm theo (bundled corpus)…", err=True)
            svc.ingest(None, progress=True)
        try:
            d = draft_plan(unit, year, district=district, kind=kind, section=section,
                           docs=draft_documents(svc.parsed_documents()), settings=svc.settings,
                           governing_body=governing_body, validity=svc.validity())
        except ValueError as e:
            typer.echo(f"Lỗi: {e}", err=True)
            raise typer.Exit(2)
        if out is not None:
            if out.suffix.lower() == ".docx":
                write_docx(d, out)
            else:
                out.write_text(draft_to_markdown(d), encoding="utf-8")
            typer.echo(f"Đã ghi {out}", err=True)
        if as_json:
            typer.echo(json.dumps(d.to_dict(), ensure_ascii=False, indent=2))
        elif out is None:
            typer.echo(draft_to_markdown(d))
        for n in d.notes:
            typer.echo(f"Lưu ý: {n}", err=True)
