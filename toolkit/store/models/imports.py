"""Imports of response files: what was imported, by whom, and the answers an import replaced."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from toolkit.store.models.base import Base
from toolkit.store.models.base import utcnow


class ImportRecord(Base):
    """One response file imported into a program, identified by the SHA-256 of its bytes.

    The same file imported again is found by ``(program_id, sha256)`` and
    changes nothing. ``actor`` says who imported it when no staff account
    did (``command line``).
    """

    __tablename__ = "imports"
    __table_args__ = (UniqueConstraint("program_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    described: Mapped[str] = mapped_column(String(120))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(60))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    participants_added: Mapped[int] = mapped_column(default=0)
    administrations: Mapped[int] = mapped_column(default=0)
    answers: Mapped[int] = mapped_column(default=0)
    replaced: Mapped[int] = mapped_column(default=0)
    alerts: Mapped[int] = mapped_column(default=0)


class ReplacedAnswer(Base):
    """A stored answer that an import replaced (``--replace``): the old and the new value.

    Kept here, beside the answers, rather than in the audit log, which never
    holds answers; the audit event of the import names its id.
    """

    __tablename__ = "replaced_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), index=True)
    administration_id: Mapped[int] = mapped_column(ForeignKey("administrations.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[float | None]
    old_declined: Mapped[bool | None]
    new_value: Mapped[float | None]
    new_declined: Mapped[bool | None]
