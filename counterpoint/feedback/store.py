"""The feedback store: people's judgements of passages, in one SQLite file (standard library only).

A judgement is a rating (1-5) of one passage, or a preference "A is better than B". Each carries the
passages themselves (stored once each, by SHA-256 of their text), the rulebook they were judged under,
the critic model's version (its digest), an optional rater and note, and when it was made (ISO-8601 UTC).

Where it lives: ``$COUNTERPOINT_DATA/feedback.sqlite3`` if that variable is set, else
``$XDG_DATA_HOME/counterpoint/feedback.sqlite3``, else ``~/.local/share/counterpoint/feedback.sqlite3``;
every call takes an explicit path too.

Safety:

* Several programs may add at once: the file is in WAL mode with a busy timeout, and every addition is
  one ``BEGIN IMMEDIATE`` transaction, so it is all there or not at all.
* The file says what it is: a ``meta`` table holds :data:`APPLICATION` and ``PRAGMA user_version`` the
  schema version (:data:`SCHEMA`). A file that is not SQLite, an SQLite file of another program, or one
  written by a newer counterpoint is refused with one sentence and left as it was; one of an older schema
  is migrated in one transaction.
* Reading never creates a store: listing or exporting a path where there is none is an error.
* Ids are never reused (``AUTOINCREMENT``), so an exported judgement keeps its meaning after a removal.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from counterpoint.errors import InputError, require_int, require_text
from counterpoint.feedback.passage import FORMATS, Passage

APPLICATION = "counterpoint-feedback"
SCHEMA = 1
BUSY_MS = 30_000
FILENAME = "feedback.sqlite3"
MAX_NAME = 200  # rulebook, rater, model version
MAX_NOTE = 2_000
EXPORT_COLUMNS = ("id", "kind", "rating", "passage_id", "passage_sha256", "passage_title", "other_id",
                  "other_sha256", "other_title", "rulebook", "model_version", "rater", "note", "created_at")

_FORMAT_LIST = ", ".join(f"'{f}'" for f in FORMATS)
SCHEMA_V1 = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL CHECK (format IN ({_FORMAT_LIST})),
    content TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    voices INTEGER,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS judgements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('rating', 'prefer')),
    passage_id INTEGER NOT NULL REFERENCES passages(id),
    other_id INTEGER REFERENCES passages(id),
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    rulebook TEXT NOT NULL,
    model_version TEXT,
    rater TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    CHECK ((kind = 'rating' AND rating IS NOT NULL AND other_id IS NULL)
        OR (kind = 'prefer' AND rating IS NULL AND other_id IS NOT NULL AND other_id != passage_id))
);
CREATE INDEX IF NOT EXISTS judgements_passage ON judgements(passage_id);
CREATE INDEX IF NOT EXISTS judgements_other ON judgements(other_id);
"""
COLUMNS = {"meta": {"key", "value"},
           "passages": {"id", "sha256", "format", "content", "title", "voices", "created_at"},
           "judgements": {"id", "kind", "passage_id", "other_id", "rating", "rulebook", "model_version", "rater",
                          "note", "created_at"}}

# Schema 0, the draft before passages had a table of their own: each judgement held its passages' text
# inline, and no model version or rater was recorded. Kept here so that the migration can be tested.
SCHEMA_V0 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE judgements (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    passage TEXT NOT NULL,
    passage_format TEXT NOT NULL,
    other TEXT,
    other_format TEXT,
    rating INTEGER,
    rulebook TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""


def default_store_path() -> Path:
    """Where the store lives unless a path is given (see the module's doc)."""
    if os.environ.get("COUNTERPOINT_DATA"):
        return Path(os.environ["COUNTERPOINT_DATA"]) / FILENAME
    if os.environ.get("XDG_DATA_HOME"):
        return Path(os.environ["XDG_DATA_HOME"]) / "counterpoint" / FILENAME
    return Path.home() / ".local" / "share" / "counterpoint" / FILENAME


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Judgement:
    id: int
    kind: str  # "rating" or "prefer"
    passage_id: int
    passage_sha256: str
    passage_title: str
    other_id: int | None  # prefer: the passage judged worse
    other_sha256: str | None
    other_title: str | None
    rating: int | None  # rating: 1 (poor) to 5 (excellent)
    rulebook: str
    model_version: str | None
    rater: str | None
    note: str | None
    created_at: str

    def to_dict(self) -> dict:
        return asdict(self)


class FeedbackStore:
    """A feedback store at ``path`` (default: :func:`default_store_path`); see the module's doc.

    Opening checks nothing; each call opens the file, checks what it is, does its work and closes it, so a
    store object can be kept and shared by threads, and several processes can use the same file.
    """

    def __init__(self, path: str | Path | None = None):
        if path is not None and not isinstance(path, (str, Path)):
            raise InputError(f"a store path must be a string or a Path, not a {type(path).__name__}.")
        self.path = Path(path) if path is not None else default_store_path()
        self._default = path is None

    # -- opening ----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _connect(self, *, create: bool) -> Iterator[sqlite3.Connection]:
        path = self.path
        if path.is_dir():
            raise InputError(f"{path} is a folder, not a feedback store.")
        if not path.exists():
            if not create:
                raise InputError(f"there is no feedback store at {path}; `counterpoint feedback add` creates one.")
            if self._default:
                path.parent.mkdir(parents=True, exist_ok=True)
            elif not path.parent.is_dir():
                raise InputError(f"the folder {path.parent} does not exist.")
        elif not path.is_file():
            raise InputError(f"{path} is not a regular file, so it is not a feedback store.")
        mode = "rwc" if create else "rw"
        try:
            con = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, isolation_level=None,
                                  timeout=BUSY_MS / 1000)
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        try:
            con.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
            self._check(con, create=create)
            con.execute("PRAGMA foreign_keys = ON")
            yield con
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        finally:
            con.close()

    def _error(self, exc: sqlite3.Error) -> InputError:
        text = str(exc).lower()
        if "not a database" in text or "file is encrypted" in text:
            return InputError(f"{self.path.name} is not a counterpoint feedback store (not an SQLite database); "
                              "it was left unchanged.")
        if "locked" in text or "busy" in text:
            return InputError(f"the feedback store {self.path.name} stayed locked by another program for "
                              f"{BUSY_MS // 1000} s; try again.")
        if "malformed" in text or "corrupt" in text:
            return InputError(f"the feedback store {self.path.name} is damaged (SQLite: {text.rstrip('.')}).")
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            return InputError(f"the feedback store {self.path} cannot be written or opened ({text.rstrip('.')}).")
        return InputError(f"the feedback store {self.path.name} could not be used (SQLite: {text.rstrip('.')[:120]}).")

    def _check(self, con: sqlite3.Connection, *, create: bool) -> None:
        """Refuse a foreign or newer file; migrate an older store of ours; make an empty file one (``create``)."""
        state = self._state(con)
        if state == SCHEMA:
            return
        if state == "empty" and not create:
            raise InputError(f"{self.path.name} is an empty file, not a feedback store yet; "
                             "`counterpoint feedback add` makes it one.")
        con.execute("BEGIN IMMEDIATE")
        try:
            state = self._state(con)  # again, under the lock: another process may have done it meanwhile
            if state == "empty":
                self._create(con)
            elif state == 0:
                self._migrate_v0(con)
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        # Persistent, and set only once the file is ours (a failed migration leaves even the journal mode as it was).
        con.execute("PRAGMA journal_mode = WAL")

    def _state(self, con: sqlite3.Connection):
        """"empty", or the schema version of our store; InputError for anything else."""
        version = con.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables and version == 0:
            return "empty"
        marker = None
        if "meta" in tables:
            try:
                row = con.execute("SELECT value FROM meta WHERE key = 'application'").fetchone()
                marker = row[0] if row else None
            except sqlite3.Error:
                marker = None
        if marker != APPLICATION:
            raise InputError(f"{self.path.name} is an SQLite database but not a counterpoint feedback store; "
                             "it was left unchanged.")
        if version > SCHEMA:
            raise InputError(f"the feedback store {self.path.name} was written by a newer counterpoint (schema "
                             f"{version}; this version reads {SCHEMA} and older), so it was left unchanged.")
        if version == SCHEMA:
            for table, columns in COLUMNS.items():
                have = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
                if not columns <= have:
                    raise InputError(f"the feedback store {self.path.name} is damaged: its {table} table "
                                     "lacks columns it should have.")
        elif version == 0 and not {"judgements"} <= tables:
            raise InputError(f"the feedback store {self.path.name} is damaged: it has no judgements table.")
        return version

    @staticmethod
    def _create(con: sqlite3.Connection) -> None:
        for statement in SCHEMA_V1.split(";"):
            if statement.strip():
                con.execute(statement)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('application', ?)", (APPLICATION,))
        con.execute("INSERT OR REPLACE INTO meta VALUES ('created_at', ?)", (now(),))
        con.execute(f"PRAGMA user_version = {SCHEMA}")

    def _migrate_v0(self, con: sqlite3.Connection) -> None:
        """Schema 0 to 1, inside the caller's transaction: passages move to their own table."""
        con.execute("ALTER TABLE judgements RENAME TO judgements_v0")
        self._create(con)
        rows = con.execute("SELECT id, kind, passage, passage_format, other, other_format, rating, rulebook, created_at "
                           "FROM judgements_v0 ORDER BY id").fetchall()
        for id_, kind, text, fmt, other, other_fmt, rating, rulebook, created in rows:
            try:
                a = self._passage_id(con, Passage(text, fmt), created)
                b = self._passage_id(con, Passage(other, other_fmt), created) if kind == "prefer" else None
            except InputError as exc:
                raise InputError(f"the feedback store {self.path.name} has schema 0 and judgement {id_} cannot "
                                 f"be migrated: {str(exc).rstrip('.')}; it was left unchanged.") from None
            con.execute("INSERT INTO judgements (id, kind, passage_id, other_id, rating, rulebook, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)", (id_, kind, a, b, rating if kind == "rating" else None,
                                                         rulebook, created))
        con.execute("DROP TABLE judgements_v0")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('migrated_from', '0')")

    @staticmethod
    def _passage_id(con: sqlite3.Connection, passage: Passage, created: str) -> int:
        row = con.execute("SELECT id FROM passages WHERE sha256 = ?", (passage.sha256,)).fetchone()
        if row:
            return row[0]
        cur = con.execute("INSERT INTO passages (sha256, format, content, title, voices, created_at) "
                          "VALUES (?, ?, ?, ?, ?, ?)", (passage.sha256, passage.format, passage.content,
                                                        passage.title, passage.voices, created))
        return cur.lastrowid

    # -- adding -----------------------------------------------------------------------------------
    def add_rating(self, passage: Passage, rating: int, *, rulebook: str = "fux", model_version: str | None = None,
                   rater: str | None = None, note: str | None = None) -> int:
        """Record a rating from 1 (poor) to 5 (excellent) of ``passage`` (a Passage, an Exercise or a Solution);
        return the judgement's id."""
        require_int("a rating", rating, 1, 5)
        return self._add("rating", passage, None, rating, rulebook, model_version, rater, note)

    def add_preference(self, better: Passage, worse: Passage, *, rulebook: str = "fux",
                       model_version: str | None = None, rater: str | None = None, note: str | None = None) -> int:
        """Record that ``better`` is better than ``worse``; return the judgement's id."""
        return self._add("prefer", better, worse, None, rulebook, model_version, rater, note)

    def _add(self, kind, a, b, rating, rulebook, model_version, rater, note) -> int:
        a, b = as_passage(a, "the passage"), None if b is None else as_passage(b, "the other passage")
        if b is not None and a.sha256 == b.sha256:
            raise InputError("a preference needs two different passages; A and B are the same.")
        require_text("the rulebook", rulebook, limit=MAX_NAME)
        if not rulebook.strip():
            raise InputError("the rulebook name must not be empty.")
        require_text("the model version", model_version, optional=True, limit=MAX_NAME)
        require_text("the rater", rater, optional=True, limit=MAX_NAME)
        require_text("the note", note, optional=True, limit=MAX_NOTE)
        created = now()
        with self._connect(create=True) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                pa = self._passage_id(con, a, created)
                pb = self._passage_id(con, b, created) if b is not None else None
                cur = con.execute("INSERT INTO judgements (kind, passage_id, other_id, rating, rulebook, model_version, "
                                  "rater, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                  (kind, pa, pb, rating, rulebook, model_version, rater or None, note or None, created))
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            return cur.lastrowid

    def remove(self, judgement_id: int) -> Judgement:
        """Delete one judgement (a mistaken click, a withdrawn rating) and return it; passages no judgement names
        any more go with it. InputError if there is no such judgement."""
        require_int("a judgement id", judgement_id, 1, 2**62)
        with self._connect(create=False) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                found = [j for j in self._select(con, "WHERE j.id = ?", [judgement_id])]
                if not found:
                    raise InputError(f"the feedback store {self.path.name} has no judgement {judgement_id}.")
                con.execute("DELETE FROM judgements WHERE id = ?", (judgement_id,))
                con.execute("DELETE FROM passages WHERE id NOT IN (SELECT passage_id FROM judgements) "
                            "AND id NOT IN (SELECT other_id FROM judgements WHERE other_id IS NOT NULL)")
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
        return found[0]

    # -- reading ----------------------------------------------------------------------------------
    def judgements(self, *, kind: str | None = None, rater: str | None = None) -> list[Judgement]:
        """Every judgement, oldest first (optionally only one kind, or one rater's)."""
        if kind not in (None, "rating", "prefer"):
            raise InputError(f"kind must be 'rating' or 'prefer', not {str(kind)[:40]!r}.")
        require_text("the rater", rater, optional=True, limit=MAX_NAME)
        where, args = [], []
        if kind:
            where.append("j.kind = ?")
            args.append(kind)
        if rater:
            where.append("j.rater = ?")
            args.append(rater)
        with self._connect(create=False) as con:
            return self._select(con, "WHERE " + " AND ".join(where) if where else "", args)

    @staticmethod
    def _select(con: sqlite3.Connection, where: str, args) -> list[Judgement]:
        sql = ("SELECT j.id, j.kind, j.passage_id, a.sha256, a.title, j.other_id, b.sha256, b.title, j.rating, "
               "j.rulebook, j.model_version, j.rater, j.note, j.created_at FROM judgements j "
               "JOIN passages a ON a.id = j.passage_id LEFT JOIN passages b ON b.id = j.other_id")
        return [Judgement(*row) for row in con.execute(f"{sql} {where} ORDER BY j.id", args)]

    def passages(self, ids=None) -> dict[int, Passage]:
        """The stored passages by id (only ``ids``, if given)."""
        with self._connect(create=False) as con:
            rows = con.execute("SELECT id, content, format, title, voices FROM passages ORDER BY id").fetchall()
        wanted = None if ids is None else set(ids)
        return {r[0]: Passage(r[1], r[2], r[3] or "", r[4]) for r in rows if wanted is None or r[0] in wanted}

    def summary(self) -> dict:
        """Counts: judgements, ratings, preferences, passages."""
        with self._connect(create=False) as con:
            kinds = dict(con.execute("SELECT kind, COUNT(*) FROM judgements GROUP BY kind").fetchall())
            passages = con.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        return {"judgements": sum(kinds.values()), "ratings": kinds.get("rating", 0),
                "preferences": kinds.get("prefer", 0), "passages": passages}

    def integrity(self) -> str:
        """SQLite's own ``PRAGMA integrity_check``: "ok" for a sound file."""
        with self._connect(create=False) as con:
            return "; ".join(r[0] for r in con.execute("PRAGMA integrity_check"))

    def export(self, fmt: str, out=None) -> str | None:
        """Every judgement as CSV (columns :data:`EXPORT_COLUMNS`) or JSON lines (the same fields, plus the
        passages' format and content; ASCII, one judgement a line). Written to ``out`` (a text stream) if given,
        else returned."""
        if fmt not in ("csv", "jsonl"):
            raise InputError(f"the export format must be 'csv' or 'jsonl', not {str(fmt)[:40]!r}.")
        rows = self.judgements()
        buffer = out if out is not None else io.StringIO()
        if fmt == "csv":
            writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)  # RFC 4180: CRLF, and a CR in a value quoted
            writer.writeheader()
            for j in rows:
                writer.writerow({k: "" if v is None else v for k, v in j.to_dict().items()})
        else:
            passages = self.passages({j.passage_id for j in rows} | {j.other_id for j in rows if j.other_id})
            for j in rows:
                doc = j.to_dict()
                a = passages[j.passage_id]
                doc.update(passage_format=a.format, passage_content=a.content)
                b = passages.get(j.other_id) if j.other_id else None
                doc.update(other_format=b.format if b else None, other_content=b.content if b else None)
                buffer.write(json.dumps(doc, sort_keys=True) + "\n")  # ASCII: no line break hides in a value
        return None if out is not None else buffer.getvalue()


def as_passage(item, name: str = "the passage") -> Passage:
    """A Passage as it is, or one made from an Exercise or a generated Solution (note lists)."""
    if isinstance(item, Passage):
        return item
    if hasattr(getattr(item, "exercise", item), "cf"):
        return Passage.from_exercise(item)
    raise InputError(f"{name} must be a Passage, an Exercise or a Solution, not a {type(item).__name__}; "
                     "the command line reads files (`counterpoint feedback add`).")


def create_v0_store(path: str | Path, judgements=()) -> Path:
    """A store in schema 0 (for testing the migration): ``judgements`` as (kind, passage, other, rating, rulebook)
    with passages as :class:`Passage` (other None for a rating)."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.executescript(SCHEMA_V0)
        con.execute("INSERT INTO meta VALUES ('application', ?)", (APPLICATION,))
        for kind, a, b, rating, rulebook in judgements:
            con.execute("INSERT INTO judgements (kind, passage, passage_format, other, other_format, rating, rulebook, "
                        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (kind, a.content, a.format, b.content if b else None, b.format if b else None, rating,
                         rulebook, now()))
    finally:
        con.close()
    return Path(path)
