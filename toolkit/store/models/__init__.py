"""The tables of the response store."""

from toolkit.store.models.base import Base
from toolkit.store.models.base import utcnow
from toolkit.store.models.capture import Administration
from toolkit.store.models.capture import Alert
from toolkit.store.models.capture import AlertChange
from toolkit.store.models.capture import AuditEvent
from toolkit.store.models.capture import ItemResponse
from toolkit.store.models.capture import KioskSession
from toolkit.store.models.capture import PageDraft
from toolkit.store.models.capture import PageSave
from toolkit.store.models.imports import ImportRecord
from toolkit.store.models.imports import ReplacedAnswer
from toolkit.store.models.limits import LIMIT_SCOPES
from toolkit.store.models.limits import SignInLimit
from toolkit.store.models.outbox import CHANNELS
from toolkit.store.models.outbox import Notification
from toolkit.store.models.outbox import NOTIFICATION_KINDS
from toolkit.store.models.outbox import SenderLease
from toolkit.store.models.paper import PAPER_STATUSES
from toolkit.store.models.paper import PaperEntry
from toolkit.store.models.people import Participant
from toolkit.store.models.people import ROLES
from toolkit.store.models.people import staff_programs
from toolkit.store.models.people import StaffUser
from toolkit.store.models.program import BatteryEntry
from toolkit.store.models.program import PAGE_MODES
from toolkit.store.models.program import Program
from toolkit.store.models.program import Site
from toolkit.store.models.program import Wave
from toolkit.store.models.sessions import WebSession

__all__ = [
    "CHANNELS",
    "LIMIT_SCOPES",
    "NOTIFICATION_KINDS",
    "PAGE_MODES",
    "PAPER_STATUSES",
    "ROLES",
    "Administration",
    "Alert",
    "AlertChange",
    "AuditEvent",
    "Base",
    "ImportRecord",
    "ReplacedAnswer",
    "BatteryEntry",
    "ItemResponse",
    "KioskSession",
    "Notification",
    "PageDraft",
    "PageSave",
    "PaperEntry",
    "Participant",
    "Program",
    "SenderLease",
    "SignInLimit",
    "Site",
    "StaffUser",
    "Wave",
    "WebSession",
    "staff_programs",
    "utcnow",
]
