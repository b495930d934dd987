"""``cchc draft`` — draft next year's kế hoạch (DOCX, Markdown or JSON).

``cchc draft --unit "Trường Mầm non Hương Sen" --year 2025 [--district "quận Gò Vấp"]
[--kind cchc|tthc|par-index|papi] [--section NAME|all] [--out plan.docx|plan.md] [--json]``

Without ``--out`` the Markdown is printed; ``--json`` prints ``Draft.to_dict()``.
Exit code 2 on bad arguments (unknown kind/section, empty unit).
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
        year: int = typer.Option(..., "--year", help="Năm kế hoạch"),
        district: Optional[str] = typer.Option(None, "--district", help="Quận/huyện, ví dụ \"quận Gò Vấp\""),
        kind: str = typer.Option("cchc", "--kind", help="cchc | tthc | par-index | papi"),
        section: str = typer.Option("all", "--section", help="all hoặc tên mục (chỉ tiêu, cải cách TTHC, nv3 …)"),
        out: Optional[Path] = typer.Option(None, "--out", help="plan.docx hoặc plan.md"),
        as_json: bool = typer.Option(False, "--json", help="In JSON"),
    ) -> None:
        """Soạn dự thảo kế hoạch năm sau từ các kế hoạch trong kho văn bản."""
        from assistant.drafting.drafter import draft_plan
        from assistant.drafting.render_docx import write_docx
        from assistant.drafting.render_markdown import draft_to_markdown
        from assistant.settings import get_settings

        try:
            d = draft_plan(unit, year, district=district, kind=kind, section=section, settings=get_settings())
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
