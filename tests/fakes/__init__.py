"""Local stand-ins for external chat APIs (Telegram Bot API, Zalo OA API) and a
helper to run an ASGI app with uvicorn on a free loopback port in a thread."""
