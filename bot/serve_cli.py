"""``cchc serve`` (HTTP API + web chat + webhooks) and ``cchc telegram`` (polling bot)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``telegram`` commands to the ``cchc`` Typer app."""

    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Interface (0.0.0.0 to expose)"),
        port: int = typer.Option(8000, "--port"),
        workers: int = typer.Option(1, "--workers", help="Uvicorn worker processes"),
    ) -> None:
        """Chạy API HTTP và trang hỏi đáp (http://HOST:PORT/, docs at /docs)."""
        import uvicorn

        from bot.api import create_app

        typer.echo(f"Trợ lý CCHC: http://{host}:{port}/  (API docs: /docs)", err=True)
        if workers > 1:
            uvicorn.run("bot.serve_cli:_factory", factory=True, host=host, port=port, workers=workers)
        else:
            uvicorn.run(create_app(), host=host, port=port)

    @app.command()
    def telegram() -> None:
        """Chạy bot Telegram ở chế độ polling (cần CCHC_TELEGRAM_TOKEN)."""
        from assistant.service import CCHCService
        from assistant.settings import get_settings
        from bot.telegram_bot import run_polling

        settings = get_settings()
        if not settings.telegram_token:
            typer.echo("Chưa đặt CCHC_TELEGRAM_TOKEN / CCHC_TELEGRAM_TOKEN is not set", err=True)
            raise typer.Exit(2)
        svc = CCHCService(settings=settings)
        if svc.ensure_index():
            typer.echo("Đã nạp bộ tài liệu kèm theo (bundled corpus ingested).", err=True)
        typer.echo("Bot Telegram đang chạy (polling); Ctrl-C để dừng.", err=True)
        run_polling(svc, settings)


def _factory():
    from bot.api import create_app

    return create_app()
