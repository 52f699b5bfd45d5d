"""Real storage failures for tests: the database itself refuses a write (no mocks)."""

from __future__ import annotations

from sqlalchemy import text

from riskguard.db import Database


def refuse_audit_entries(db: Database, subject_id: str | None = None) -> None:
    """Make the database refuse new audit entries: all of them, or only those of ``subject_id``."""
    when = "" if subject_id is None else f"WHEN NEW.subject_id = '{subject_id}' "
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.execute(text(f"CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_entries {when}"
                              "BEGIN SELECT RAISE(ABORT, 'audit store refused'); END"))
            return
        condition = "TRUE" if subject_id is None else f"NEW.subject_id = '{subject_id}'"
        conn.execute(text("CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN "
                          f"IF {condition} THEN RAISE EXCEPTION 'audit store refused'; END IF; "
                          "RETURN NEW; END $$ LANGUAGE plpgsql"))
        conn.execute(text("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_entries "
                          "FOR EACH ROW EXECUTE FUNCTION refuse_audit()"))
