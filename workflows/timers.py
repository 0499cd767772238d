"""The background worker's job: fire due BPMN timers, each exactly once, across many workers."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from models import ProcessInstance, db, transaction

from . import rectification  # noqa: F401 - registers the ledger's escalation handler
from .engine import clock, runtime
from .issuance import issuance_warnings

log = logging.getLogger(__name__)
RETRY_AFTER = timedelta(minutes=5)  # an instance whose timer fails is not retried in a hot loop
CHECKS_EVERY = 600.0  # seconds between the calendar checks that no BPMN timer carries (R13)


def fire_next_due(now: datetime | None = None) -> int | None:
    """In the current transaction, lock one instance with a due timer and fire it; its id.

    SKIP LOCKED lets several workers share the queue on PostgreSQL: each takes a different row,
    and a row whose worker died is unlocked by PostgreSQL and taken by another.
    """
    now = now or clock.now()
    instance = db.scalar(
        select(ProcessInstance)
        .where(ProcessInstance.status == "running", ProcessInstance.next_timer_at < now)
        .order_by(ProcessInstance.next_timer_at, ProcessInstance.id).limit(1)
        .with_for_update(skip_locked=True))
    if instance is None:
        return None
    try:
        runtime.fire_timers(instance)
    except Exception as exc:
        exc.instance_id = instance.id  # so that the worker can postpone it and go on
        raise
    if instance.next_timer_at is not None and instance.next_timer_at < now:
        instance.next_timer_at = now + RETRY_AFTER  # the engine did not consider it due yet
    return instance.id


def _postpone(instance_id: int, now: datetime) -> None:
    with transaction():
        instance = db.get(ProcessInstance, instance_id)
        if instance is not None:
            instance.next_timer_at = now + RETRY_AFTER


def run_once(now: datetime | None = None, limit: int = 10_000) -> int:
    """Fire every timer due now, one instance per transaction; how many instances fired."""
    fired = 0
    while fired < limit:
        try:
            with transaction():
                ident = fire_next_due(now)
        except Exception as exc:  # noqa: BLE001 - one broken instance must not stop the worker
            failed = getattr(exc, "instance_id", None)
            if failed is None:
                raise
            log.exception("timers of instance %s failed; retrying in %s", failed, RETRY_AFTER)
            _postpone(failed, now or clock.now())
            continue
        if ident is None:
            break
        fired += 1
    return fired


def run_calendar_checks() -> int:
    """Deadlines kept by the calendar rather than a diagram (R13's D-5 issuance warning), in
    one transaction; how many notifications went out."""
    with transaction():
        return issuance_warnings()


def run_worker(stop: Callable[[], bool], interval: float = 5.0,
               after_round: Callable[[], int] | None = None) -> None:
    """Fire due timers until `stop()` is true, sleeping `interval` seconds when idle;
    `after_round` (e.g. sending reminder e-mails) runs after each round, the calendar checks
    every CHECKS_EVERY seconds."""
    checked = 0.0
    while not stop():
        if time.monotonic() - checked >= CHECKS_EVERY:
            checked = time.monotonic()
            warned = run_calendar_checks()
            if warned:
                log.info("sent %d issuance warning(s)", warned)
        fired = run_once()
        if fired:
            log.info("fired timers of %d instance(s)", fired)
        mailed = after_round() if after_round is not None else 0
        if mailed:
            log.info("sent %d reminder e-mail(s)", mailed)
        if not fired:
            time.sleep(interval)
