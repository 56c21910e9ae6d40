"""Program set-up: waves, battery, administrable instruments, participants."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from toolkit.instruments import load_instrument_text
from toolkit.instruments import Registry
from toolkit.store.errors import DuplicateError
from toolkit.store.errors import StoreError
from toolkit.store.models import Administration
from toolkit.store.models import AuditEvent
from toolkit.store.models import BatteryEntry
from toolkit.store.models import utcnow
from toolkit.store.models import Wave
from toolkit.store.programs import add_participant
from toolkit.store.programs import battery_with_choices
from toolkit.store.programs import create_program
from toolkit.store.programs import crisis_message
from toolkit.store.programs import DEFAULT_CRISIS
from toolkit.store.programs import update_program

LICENSED_YAML = """
id: lic
version: 2
title: Licensed scale
short_title: LIC
construct: empowerment
domain: recovery
area: empowerment
citation: Test.
licence: {status: definition-only, note: wording is licensed}
response_scales:
  agree:
    type: choice
    options: [{value: 1}, {value: 2}]
items:
  - {id: lic_1, scale: agree}
  - {id: lic_2, scale: agree}
scoring: {method: sum, higher_is: better}
scales:
  - {id: total, min_answered: 2, range: [2, 4]}
"""


def test_program_keeps_waves_and_battery_in_order(session, registry):
    prog = create_program(session, registry, "north", "North", ["baseline", "3-month", "exit"], ["mood", "phq9"])
    session.commit()
    assert [w.name for w in prog.waves] == ["baseline", "3-month", "exit"]
    assert [(b.instrument_id, b.instrument_version) for b in prog.battery] == [("mood", 1), ("phq9", 1)]
    assert prog.page_mode == "section"


def test_definition_only_instrument_cannot_be_in_a_battery(session, registry):
    reg = Registry([*registry, load_instrument_text(LICENSED_YAML, "lic.yaml")])
    with pytest.raises(StoreError, match="overlay"):
        create_program(session, reg, "north", "North", ["baseline"], ["phq9", "lic"])


@pytest.mark.parametrize(
    ("slug", "waves", "battery", "match"),
    [
        ("North", ["baseline"], ["phq9"], "slug"),
        ("north", [], ["phq9"], "waves"),
        ("north", ["a", "a"], ["phq9"], "twice"),
        ("north", ["a"], [], "battery"),
        ("north", ["a"], ["phq99"], "phq9"),  # unknown, with a did-you-mean hint
    ],
)
def test_bad_program_definitions_are_refused(session, registry, slug, waves, battery, match):
    with pytest.raises(StoreError, match=match):
        create_program(session, registry, slug, "North", waves, battery)


def test_duplicate_slug_is_refused(session, registry, program):
    with pytest.raises(DuplicateError):
        create_program(session, registry, "east", "Again", ["baseline"], ["phq9"])


def test_instrument_choice_replaces_phq9_with_phq8():
    assert battery_with_choices(["phq9", "gad7"], ["phq8"]) == ["phq8", "gad7"]
    with pytest.raises(StoreError, match="not in the battery"):
        battery_with_choices(["gad7"], ["phq8"])
    with pytest.raises(StoreError, match="alternative"):
        battery_with_choices(["phq9"], ["k10"])


def test_crisis_message_defaults_name_988(session, registry, program):
    assert "988" in crisis_message(program, "en") and "Lifeline" in crisis_message(program, "en")
    assert "988" in crisis_message(program, "es") and "Línea" in crisis_message(program, "es")
    program.crisis_message_en = "Call the warm line at 555-0100."
    assert crisis_message(program, "en") == "Call the warm line at 555-0100."
    assert crisis_message(program, "es") == DEFAULT_CRISIS["es"]


def test_participant_codes_are_unique_per_program(session, registry, program):
    other = create_program(session, registry, "west", "West", ["baseline"], ["phq9"])
    add_participant(session, other, "P001")  # same code, other program: fine
    with pytest.raises(DuplicateError):
        add_participant(session, program, "P001")
    with pytest.raises(StoreError, match="code"):
        add_participant(session, program, "Jane Doe")


# --- changing a program -------------------------------------------------------------------


def _administration(session, program, wave_name, instrument="phq9", code="P001"):
    from toolkit.store.models import Administration
    from toolkit.store.models import Participant

    participant = session.scalar(select(Participant).where(Participant.code == code))
    admin = Administration(
        participant=participant,
        wave=program.wave(wave_name),
        instrument_id=instrument,
        instrument_version=1,
        status="complete",
        submission_key=f"{code}-{wave_name}-{instrument}",
        completed_at=utcnow(),
    )
    session.add(admin)
    session.commit()
    return admin


def _kiosk_session(session, program, wave_name, code="P001"):
    from datetime import timedelta

    from toolkit.store.models import KioskSession
    from toolkit.store.models import Participant

    participant = session.scalar(select(Participant).where(Participant.code == code))
    ks = KioskSession(
        ref=f"ref-{wave_name}",
        participant=participant,
        wave=program.wave(wave_name),
        plan=[],
        expires_at=utcnow() + timedelta(minutes=5),
    )
    session.add(ks)
    session.commit()
    return ks


def _changes_audited(session):
    return [
        e.detail["changes"]
        for e in session.scalars(select(AuditEvent).where(AuditEvent.kind == "program_changed").order_by(AuditEvent.id))
    ]


def test_update_each_setting_and_audit_old_and_new(session, registry, program):
    changes = update_program(
        session,
        registry,
        program,
        name="Eastside Peer Respite",
        page_mode="item",
        idle_timeout_s=120,
        crisis_en="Call the warm line at 555-0100.",
        time_zone="America/Chicago",
        alert_emails=["Lead@Example.org", "lead@example.org", "oncall@example.org"],
        escalate_emails=["director@example.org"],
        escalate_after_s=6,
        risk_decline=True,
        read_aloud=False,
        followup_target_pct=75,
        staff_id=None,
    )
    session.commit()
    assert program.name == "Eastside Peer Respite" and program.page_mode == "item"
    assert program.followup_target_pct == 75 and changes["followup_target_pct"] == {"old": 80, "new": 75}
    assert program.idle_timeout_s == 120 and program.time_zone == "America/Chicago"
    assert crisis_message(program, "en") == "Call the warm line at 555-0100."
    assert program.alert_emails == ["lead@example.org", "oncall@example.org"]
    assert program.escalate_emails == ["director@example.org"] and program.escalate_after_s == 6
    assert program.risk_decline is True and program.read_aloud is False
    assert changes["name"] == {"old": "Eastside Respite", "new": "Eastside Peer Respite"}
    assert changes["escalate_after_s"] == {"old": 900, "new": 6}
    assert _changes_audited(session) == [changes]
    event = session.scalar(select(AuditEvent).where(AuditEvent.kind == "program_changed"))
    assert event.program_id == program.id and event.detail["slug"] == "east"


def test_none_leaves_settings_and_empty_values_clear_them(session, registry, program):
    update_program(session, registry, program, crisis_en="Custom.", crisis_es="Propio.", alert_emails=["a@example.org"])
    session.commit()
    assert update_program(session, registry, program) == {}
    assert program.crisis_message_en == "Custom." and program.alert_emails == ["a@example.org"]
    changes = update_program(session, registry, program, crisis_en="", alert_emails=[])
    session.commit()
    assert crisis_message(program, "en") == DEFAULT_CRISIS["en"]
    assert program.crisis_message_es == "Propio."
    assert program.alert_emails == []
    assert changes == {
        "crisis_en": {"old": "Custom.", "new": None},
        "alert_emails": {"old": ["a@example.org"], "new": []},
    }


def test_nothing_changed_records_nothing(session, registry, program):
    assert (
        update_program(
            session, registry, program, name="Eastside Respite", waves="baseline,exit", battery=["phq9", "mood"]
        )
        == {}
    )
    session.commit()
    assert _changes_audited(session) == []


def test_webhook_gets_a_secret_when_first_set_and_loses_it_when_removed(session, registry, program):
    changes = update_program(session, registry, program, alert_webhook_url="https://hooks.example.org/a")
    secret = program.alert_webhook_secret
    assert secret and len(secret) >= 40
    assert changes["alert_webhook_secret"] == {"old": None, "new": "(generated)"}  # never the secret itself
    update_program(session, registry, program, alert_webhook_url="https://hooks.example.org/b")
    assert program.alert_webhook_secret == secret
    changes = update_program(session, registry, program, alert_webhook_url="")
    session.commit()
    assert program.alert_webhook_url is None and program.alert_webhook_secret is None
    assert changes["alert_webhook_url"] == {"old": "https://hooks.example.org/b", "new": None}
    assert all(secret not in str(c) for c in _changes_audited(session))


@pytest.mark.parametrize(
    ("settings", "field", "message"),
    [
        ({"name": "  "}, "name", "name: the program needs a name; write the name staff and funders know it by"),
        ({"page_mode": "wizard"}, "page_mode", "page mode: 'wizard' is not a page mode; use one of section, item"),
        (
            {"idle_timeout_s": 10},
            "idle_timeout_s",
            "idle timeout: 10 seconds is out of range; use between 30 and 3600 seconds",
        ),
        (
            {"time_zone": "America/New York"},
            "time_zone",
            "time zone: 'America/New York' is not a time zone; did you mean 'America/New_York'?",
        ),
        (
            {"time_zone": "Mars/Olympus"},
            "time_zone",
            "time zone: 'Mars/Olympus' is not a time zone; use an IANA name such as America/New_York or Europe/Madrid",
        ),
        (
            {"alert_emails": ["ok@example.org", "not-an-address"]},
            "alert_emails",
            "alert emails: 'not-an-address' does not look like an email address; write it as name@example.org",
        ),
        (
            {"escalate_emails": ["a@b"]},
            "escalate_emails",
            "escalation emails: 'a@b' does not look like an email address; write it as name@example.org",
        ),
        (
            {"escalate_after_s": 2},
            "escalate_after_s",
            "escalate after: 2 seconds is out of range; use between 3 seconds (0.05 minutes) and 24 hours (1440 "
            "minutes)",
        ),
        (
            {"escalate_after_s": 86401},
            "escalate_after_s",
            "escalate after: 86401 seconds is out of range; use between 3 seconds (0.05 minutes) and 24 hours (1440 "
            "minutes)",
        ),
        (
            {"alert_webhook_url": "ftp://hooks.example.org"},
            "alert_webhook_url",
            "alert webhook URL: 'ftp://hooks.example.org' must start with https:// or http://; for example https://hooks.example.org/outcomes",
        ),
        (
            {"alert_webhook_url": "https://"},
            "alert_webhook_url",
            "alert webhook URL: 'https://' has no host name; for example https://hooks.example.org/outcomes",
        ),
        (
            {"followup_target_pct": 0},
            "followup_target_pct",
            "follow-up target: 0 is not a whole percent from 1 to 100; write a number such as 80 (SAMHSA's GPRA "
            "target)",
        ),
        (
            {"followup_target_pct": 101},
            "followup_target_pct",
            "follow-up target: 101 is not a whole percent from 1 to 100; write a number such as 80 (SAMHSA's GPRA "
            "target)",
        ),
        ({"followup_target_pct": 80.5}, "followup_target_pct", "follow-up target: 80.5 is not a whole percent"),
        ({"followup_target_pct": True}, "followup_target_pct", "follow-up target: True is not a whole percent"),
        ({"battery": []}, "battery", "battery: no instruments chosen; choose at least one, e.g. phq9,gse"),
        ({"battery": ["phq9", "phq9"]}, "battery", "battery: 'phq9' is named twice; name each instrument once"),
        (
            {"waves": "baseline,3month:90"},
            "waves",
            "waves: '3month:90' — write NAME:+DAYS, e.g. 3month:+90 or 6month:+182[-30,+60]",
        ),
    ],
)
def test_bad_settings_name_the_field_and_change_nothing(session, registry, program, settings, field, message):
    with pytest.raises(StoreError) as info:
        update_program(session, registry, program, **{"name": "Renamed", **settings})
    assert str(info.value).startswith(message) and info.value.field == field
    session.rollback()
    assert program.name == "Eastside Respite"
    assert _changes_audited(session) == []


def test_battery_must_be_administrable(session, registry, program):
    reg = Registry([*registry, load_instrument_text(LICENSED_YAML, "lic.yaml")])
    with pytest.raises(StoreError, match="overlay") as info:
        update_program(session, reg, program, battery=["phq9", "lic"])
    assert info.value.field == "battery"


def test_wave_edits_keep_ids_and_data(session, registry, program):
    baseline_id, exit_id = (w.id for w in program.waves)
    admin = _administration(session, program, "baseline")
    changes = update_program(session, registry, program, waves="baseline,3month:+90,6month:+182[-30,+60],exit:+365")
    session.commit()
    assert [(w.name, w.position, w.due_days, w.window_before_days, w.window_after_days) for w in program.waves] == [
        ("baseline", 0, 0, None, None),
        ("3month", 1, 90, None, None),
        ("6month", 2, 182, 30, 60),
        ("exit", 3, 365, None, None),
    ]
    assert program.waves[0].id == baseline_id and program.waves[3].id == exit_id
    session.expire_all()
    assert session.get(type(admin), admin.id).wave_id == baseline_id
    assert changes["waves"] == {"old": "baseline,exit", "new": "baseline,3month:+90,6month:+182[-30,+60],exit:+365"}


def test_waves_can_be_reordered_despite_unique_positions(session, registry, program):
    update_program(session, registry, program, waves="baseline,a,b,exit")
    session.commit()
    ids = {w.name: w.id for w in program.waves}
    update_program(session, registry, program, waves="baseline,exit,b,a")
    session.commit()
    session.expire_all()
    waves = session.scalars(select(Wave).where(Wave.program_id == program.id).order_by(Wave.position)).all()
    assert [(w.name, w.id) for w in waves] == [(n, ids[n]) for n in ("baseline", "exit", "b", "a")]


def test_unused_wave_can_be_removed(session, registry, program):
    _administration(session, program, "baseline")
    update_program(session, registry, program, waves="baseline,3month:+90,exit")
    session.commit()
    update_program(session, registry, program, waves="baseline,3month:+90")
    session.commit()
    assert [w.name for w in program.waves] == ["baseline", "3month"]
    assert session.scalar(select(func.count()).select_from(Wave).where(Wave.program_id == program.id)) == 2


def test_removing_a_wave_with_data_is_refused(session, registry, program):
    _administration(session, program, "exit", "phq9")
    _administration(session, program, "exit", "mood")
    _kiosk_session(session, program, "exit")
    with pytest.raises(StoreError) as info:
        update_program(session, registry, program, waves="baseline,discharge")
    assert str(info.value) == (
        "waves: 'exit' cannot be removed — 2 administrations and 1 kiosk session use it;"
        " keep exit in the list (a wave may stay unused; one with data cannot be renamed)"
    )
    assert info.value.field == "waves"
    session.rollback()
    assert [w.name for w in program.waves] == ["baseline", "exit"]


def test_battery_reorder_add_and_remove(session, registry, program):
    ids = {b.instrument_id: b.id for b in program.battery}
    _administration(session, program, "baseline", "mood")
    changes = update_program(session, registry, program, battery=["mood", "phq9"])
    session.commit()
    assert [(b.instrument_id, b.position, b.id) for b in program.battery] == [
        ("mood", 0, ids["mood"]),
        ("phq9", 1, ids["phq9"]),
    ]
    assert changes == {"battery": {"old": ["phq9", "mood"], "new": ["mood", "phq9"]}}
    update_program(session, registry, program, battery=battery_with_choices(["gad7", "phq9"], ["phq8"]))
    session.commit()
    session.expire_all()
    rows = session.scalars(
        select(BatteryEntry).where(BatteryEntry.program_id == program.id).order_by(BatteryEntry.position)
    ).all()
    assert [(b.instrument_id, b.position) for b in rows] == [("gad7", 0), ("phq8", 1)]
    # the answers given to the removed instrument stay
    assert (
        session.scalar(select(func.count()).select_from(Administration).where(Administration.instrument_id == "mood"))
        == 1
    )


def test_kept_instruments_keep_their_version(session, registry, program):
    newer = Registry([*registry, registry.get("mood").model_copy(update={"version": 2})])
    update_program(session, newer, program, battery=["mood", "phq9"])
    assert {b.instrument_id: b.instrument_version for b in program.battery} == {"mood": 1, "phq9": 1}
    update_program(session, newer, program, battery=["phq9"])
    update_program(session, newer, program, battery=["phq9", "mood"])  # added again: the latest version
    assert {b.instrument_id: b.instrument_version for b in program.battery} == {"phq9": 1, "mood": 2}


def test_create_program_with_settings_and_a_schedule(session, registry):
    prog = create_program(
        session,
        registry,
        "north",
        "North",
        "baseline,3month:+90[-14,+30],exit",
        ["phq9"],
        time_zone="Europe/Madrid",
        alert_emails=["a@example.org"],
        escalate_after_s=300,
        alert_webhook_url="https://hooks.example.org/n",
        risk_decline=True,
        read_aloud=False,
        followup_target_pct=90,
    )
    session.commit()
    assert prog.followup_target_pct == 90
    assert [(w.name, w.due_days, w.window_before_days, w.window_after_days) for w in prog.waves] == [
        ("baseline", 0, None, None),
        ("3month", 90, 14, 30),
        ("exit", None, None, None),
    ]
    assert prog.time_zone == "Europe/Madrid" and prog.alert_emails == ["a@example.org"]
    assert prog.escalate_after_s == 300 and prog.alert_webhook_secret
    assert prog.risk_decline is True and prog.read_aloud is False
    with pytest.raises(StoreError) as info:
        create_program(session, registry, "south", "South", ["baseline"], ["phq9"], time_zone="Nowhere")
    assert info.value.field == "time_zone"
