"""``cchc index check [--repair] [--json]``: do the docstore, BM25 and Chroma
hold exactly the same chunks, and is any write unfinished?

Opening the index already finishes what a killed writer left when that needs
no embedding (``index.transactions``); ``check`` reports what the opening
found and repaired, then the state now. ``--repair`` also resumes interrupted
ingests and re-embeds vectors the embedding cache lacks. Exit status 0 when the
index is clean, 1 otherwise.
"""

from __future__ import annotations

import json

import typer


def interrupted_message(report=None) -> str:
    """The one line printed when Ctrl-C stops ``cchc ingest``."""
    done = f"{len(report.added)} văn bản đã nạp xong, " if report is not None else ""
    return (f"Đã dừng nạp (Ctrl-C): {done}kho dữ liệu vẫn nhất quán; chạy lại `cchc ingest` để nạp tiếp "
            "(phần đã nhúng được giữ trong bộ nhớ đệm, không nhúng lại).")


def check_index(service, repair: bool = False) -> dict:
    """``{"opened": <what opening the index found and repaired>, "repair":
    <what --repair found and did, or None>, "now": <the state after>}``,
    each a ``CheckReport.to_dict()``, plus ``"clean"``."""
    idx = service.index
    opened = idx.opened.to_dict() if idx.opened is not None else None
    did = idx.check(repair=True).to_dict() if repair else None
    now = idx.check(repair=False)
    return {"opened": opened, "repair": did, "now": now.to_dict(), "clean": now.clean}


def _lines(out: dict) -> list[str]:
    now = out["now"]
    lines = [
        f"Kho: {now['documents']} văn bản, {now['chunks']} đoạn (docstore) · BM25 {now['bm25_chunks']} đoạn · "
        f"Chroma {now['vectors']} vector (cần {now['expected_vectors']})"
    ]
    for label, rep in (("Khi mở kho", out["opened"]), ("--repair", out["repair"])):
        if rep and (rep["repaired"] or rep["interrupted"] or not rep["consistent"]):
            lines.append(f"{label}: tìm thấy {len(rep['interrupted'])} lần ghi dở, {rep['orphan_count']} vector thừa, "
                         f"{rep['missing_count']} vector thiếu; đã sửa: {_fmt(rep['repaired']) or 'không'}")
    for name, key in (("vector thừa (orphan)", "orphan_vectors"), ("vector thiếu (missing)", "missing_vectors"),
                      ("đoạn thiếu trong BM25", "bm25_missing"), ("đoạn thừa trong BM25", "bm25_extra"),
                      ("văn bản lệch id", "bad_documents"),
                      ("văn bản chưa có tri thức (trích dẫn, hiệu lực, thuật ngữ; tạo khi dùng lần đầu)",
                       "knowledge_missing")):
        if now[key]:
            lines.append(f"{name}: {', '.join(now[key][:10])}{' …' if len(now[key]) > 10 else ''}")
    for p in now["pending"]:
        emb = f", {p['embedded']}/{p['chunks']} đoạn đã nhúng" if p["embedded"] is not None else ""
        lines.append(f"ghi dở: {p['doc_id']} ({p['op']}, {p['phase']}{emb}, từ {p['started']}) — "
                     "chạy `cchc ingest` hoặc `cchc index check --repair` để hoàn tất")
    if now["writer_active"]:
        lines.append("Một tiến trình khác đang ghi vào kho: số liệu có thể đang thay đổi, chưa sửa gì.")
    lines.append(("OK: các kho khớp nhau" if out["clean"] else "CHƯA SẠCH: xem các dòng trên")
                 + f" ({now['seconds']:.3f} s)")
    return lines


def _fmt(d: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in d.items())


def register(app: typer.Typer) -> None:
    """Add the ``index`` command group (``index check``) to the ``cchc`` app."""
    index_app = typer.Typer(no_args_is_help=True, help="Kho chỉ mục: kiểm tra và sửa (index consistency).")

    @index_app.command("check")
    def check(
        repair: bool = typer.Option(False, "--repair", help="Also resume interrupted ingests and re-embed missing vectors"),
        as_json: bool = typer.Option(False, "--json", help="One JSON object"),
    ) -> None:
        """Kiểm tra docstore, BM25 và Chroma có khớp nhau không (orphan / missing ids, lần ghi dở)."""
        from assistant.service import CCHCService

        out = check_index(CCHCService(), repair=repair)
        if as_json:
            typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            for line in _lines(out):
                typer.echo(line)
        if not out["clean"]:
            raise typer.Exit(1)

    app.add_typer(index_app, name="index")
