"""Conversation memory for every channel, in one SQLite file under
``settings.data_dir`` (``conversations.sqlite3``), and the memory policy
every channel follows (:func:`ask_in_conversation`).

* Turns: per chat key (``"tg:<chat id>"``, ``"zalo:<user id>"``,
  ``"web:<session id>"``) the last ``max_turns`` ``(question, answer)`` pairs,
  oldest first — the ``history`` shape ``CCHCService.ask`` takes.
* Citation sets: the citations of one answer stored under a short random id,
  so a Telegram inline button can carry ``src:<id>:<n>`` (Telegram limits
  callback data to 64 bytes) instead of the passage itself.
* Seen message ids (Zalo ``msg_id``) to drop webhook re-deliveries.

Policy: a chat's last ``settings.history_turns`` turns go with each
question (the answerer rewrites a follow-up from them, ``assistant.followup``)
and the new turn is stored after the answer; a chat without a key (a web
request without ``session_id``) has no memory.

Each call opens its own connection, so one ``ConversationMemory`` may be used
from several threads; writes are serialised by SQLite.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from assistant.protocols import Asker
from assistant.types import Answer

_SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_key TEXT NOT NULL,
    ts REAL NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_chat ON turns(chat_key, id);
CREATE TABLE IF NOT EXISTS citation_sets (
    id TEXT PRIMARY KEY,
    ts REAL NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS seen_messages (
    msg_id TEXT PRIMARY KEY,
    ts REAL NOT NULL
);
"""


@contextmanager
def sqlite_connection(path: Path) -> Iterator[sqlite3.Connection]:
    """A fresh SQLite connection to ``path`` for one block: committed on
    success, rolled back on an exception, always closed (so one object may
    be used from several threads)."""
    conn = sqlite3.connect(path, timeout=30)
    try:
        with conn:
            yield conn
    finally:
        conn.close()


class ConversationMemory:
    """Bounded per-chat history and short-id citation sets in SQLite.

    ``path``: the SQLite file (parent directories are created).
    ``max_turns``: turns kept per chat (``settings.history_turns``); older
    turns are deleted when a new one is added. ``max_citation_sets``: the
    oldest citation sets beyond this many are pruned.
    """

    def __init__(self, path: Path, max_turns: int = 6, max_citation_sets: int = 5000):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.max_turns = max(0, int(max_turns))
        self.max_citation_sets = max_citation_sets
        self._lock = threading.Lock()
        with self._conn() as c:
            c.executescript(_SCHEMA)

    @classmethod
    def from_settings(cls, settings) -> "ConversationMemory":
        """Memory at ``settings.data_dir / "conversations.sqlite3"``."""
        return cls(Path(settings.data_dir) / "conversations.sqlite3", max_turns=settings.history_turns)

    def _conn(self):
        return sqlite_connection(self.path)

    # ---- turns ---------------------------------------------------------------
    def history(self, chat_key: str) -> list[tuple[str, str]]:
        """The last ``max_turns`` ``(question, answer)`` pairs of a chat, oldest first."""
        if self.max_turns == 0:
            return []
        with self._conn() as c:
            rows = c.execute(
                "SELECT question, answer FROM turns WHERE chat_key=? ORDER BY id DESC LIMIT ?",
                (chat_key, self.max_turns),
            ).fetchall()
        return [(q, a) for q, a in reversed(rows)]

    def add_turn(self, chat_key: str, question: str, answer: str) -> None:
        """Append a turn and drop the chat's turns beyond ``max_turns``."""
        with self._lock, self._conn() as c:
            c.execute(
                "INSERT INTO turns(chat_key, ts, question, answer) VALUES (?,?,?,?)",
                (chat_key, time.time(), question, answer),
            )
            c.execute(
                "DELETE FROM turns WHERE chat_key=? AND id NOT IN "
                "(SELECT id FROM turns WHERE chat_key=? ORDER BY id DESC LIMIT ?)",
                (chat_key, chat_key, self.max_turns),
            )

    def clear(self, chat_key: str) -> None:
        """Forget a chat's history."""
        with self._lock, self._conn() as c:
            c.execute("DELETE FROM turns WHERE chat_key=?", (chat_key,))

    # ---- citation sets ---------------------------------------------------------
    def save_citations(self, citations: list[dict[str, Any]]) -> str:
        """Store citation dicts (``Citation.to_dict()``) and return an 8-character id."""
        cid = secrets.token_urlsafe(6)
        with self._lock, self._conn() as c:
            c.execute(
                "INSERT INTO citation_sets(id, ts, data) VALUES (?,?,?)",
                (cid, time.time(), json.dumps(citations, ensure_ascii=False)),
            )
            c.execute(
                "DELETE FROM citation_sets WHERE id NOT IN "
                "(SELECT id FROM citation_sets ORDER BY ts DESC LIMIT ?)",
                (self.max_citation_sets,),
            )
        return cid

    def get_citation(self, set_id: str, n: int) -> dict[str, Any] | None:
        """Citation ``[n]`` of a stored set, or None if the set or ``n`` is unknown."""
        with self._conn() as c:
            row = c.execute("SELECT data FROM citation_sets WHERE id=?", (set_id,)).fetchone()
        if not row:
            return None
        for cit in json.loads(row[0]):
            if int(cit.get("n", -1)) == int(n):
                return cit
        return None

    # ---- webhook de-duplication ---------------------------------------------
    def first_time_seen(self, msg_id: str, forget_after_s: float | None = None) -> bool:
        """True the first time ``msg_id`` is seen, False on every later call
        (kept in SQLite: a restart does not forget). ``forget_after_s``: ids
        seen longer ago than this are pruned (for events that are refused
        anyway once that old)."""
        now = time.time()
        with self._lock, self._conn() as c:
            if forget_after_s is not None:
                c.execute("DELETE FROM seen_messages WHERE ts < ?", (now - forget_after_s,))
            cur = c.execute("INSERT OR IGNORE INTO seen_messages(msg_id, ts) VALUES (?,?)", (msg_id, now))
            return cur.rowcount == 1


def chat_key(channel: str, chat_id: object) -> str:
    """Memory key of one chat: ``chat_key("tg", 5551234)`` → ``"tg:5551234"``
    (channels: ``tg``, ``zalo``, ``web``)."""
    return f"{channel}:{chat_id}"


def ask_in_conversation(asker: Asker, memory: ConversationMemory, key: str | None, question: str,
                        k: int = 5) -> Answer:
    """Answer ``question`` within the chat ``key`` (see the module's policy):
    its history goes with the question and the new turn is stored. ``key``
    None: a question without memory. Exceptions of ``asker.ask`` propagate
    (nothing is stored then)."""
    history = memory.history(key) if key else []
    answer = asker.ask(question, k=k, history=history or None)
    if key:
        memory.add_turn(key, question, answer.answer)
    return answer
