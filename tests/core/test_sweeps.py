"""The sweep runs by itself: Celery beat in production (a task that calls the sweeps and holds
no logic), a background thread of the embedded server otherwise; `idi sweep` for operators."""

import threading
import uuid

import pytest
import redis
from django.core.management import call_command

from idi.config.celery import app
from idi.core import sweeps, tasks
from idi.core.registry import Hook, providers

BROKER = "redis://127.0.0.1:6379/0"


def test_beat_schedules_the_sweep_task():
    entry = app.conf.beat_schedule["sweep"]
    assert entry["task"] == "idi.core.tasks.sweep" == tasks.sweep.name
    assert entry["schedule"] == 300.0
    assert tasks.sweep.name in app.tasks


def test_the_task_runs_every_registered_sweep(db):
    """apply(): the task answers each sweep's label with how many records it changed."""
    answer = tasks.sweep.apply().get()
    assert list(answer) == [label for label, _ in providers(Hook.SWEEPS)]
    assert "policy states / 保单状态" in answer
    assert all(isinstance(changed, int) for changed in answer.values())


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping())
    except redis.exceptions.ConnectionError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="Redis is not reachable at 127.0.0.1:6379")
def test_a_worker_takes_the_task_from_the_real_redis_broker(monkeypatch):
    """Sent through Redis on a queue of its own, the task reaches a worker started here, which
    calls the sweeps (stood in for: the worker's thread has no test database)."""
    from celery.contrib.testing.worker import start_worker

    ran = threading.Event()
    monkeypatch.setattr(tasks, "run_sweeps", lambda: ran.set() or [])
    queue = f"idi-test-{uuid.uuid4().hex}"
    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, BROKER
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
            tasks.sweep.apply_async(queue=queue)
            assert ran.wait(20), "the worker never ran the task"
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, broker


def test_the_thread_sweeps_now_and_every_interval_then_stops(monkeypatch):
    runs = []
    twice = threading.Event()

    def run_sweeps():
        runs.append(1)
        if len(runs) >= 2:
            twice.set()
        return [("test", 0)]

    monkeypatch.setattr(sweeps, "run_sweeps", run_sweeps)
    thread = sweeps.SweepThread(interval=0.05)
    thread.start()
    assert twice.wait(5)
    thread.stop(timeout=5)
    assert not thread.is_alive()
    count = len(runs)
    threading.Event().wait(0.2)
    assert len(runs) == count  # stopped means stopped


def test_a_failing_sweep_does_not_stop_the_thread(monkeypatch):
    calls = []
    again = threading.Event()

    def run_sweeps():
        calls.append(1)
        if len(calls) >= 2:
            again.set()
        raise RuntimeError("database away")

    monkeypatch.setattr(sweeps, "run_sweeps", run_sweeps)
    thread = sweeps.SweepThread(interval=0.05)
    thread.start()
    assert again.wait(5)
    thread.stop(timeout=5)
    assert not thread.is_alive()


def test_serve_runs_the_sweep_thread_while_it_serves(monkeypatch):
    """`idi serve` (and so `make demo`) starts the thread with the server and stops it when
    the server stops; --sweep-interval 0 serves without it."""
    from idi.core.management.commands import serve

    swept = threading.Event()
    monkeypatch.setattr(sweeps, "run_sweeps", lambda: swept.set() or [])
    seen = {}
    patience = {"seconds": 5.0}

    def runserver(name, addr, **options):
        assert name == "runserver"
        seen["sweeping"] = swept.wait(patience["seconds"])
        seen["threads"] = [t for t in threading.enumerate() if t.name == "idi-sweeps"]

    monkeypatch.setattr(serve, "call_command", runserver)
    call_command("serve", sweep_interval=60)
    assert seen["sweeping"]
    assert len(seen["threads"]) == 1
    assert not seen["threads"][0].is_alive()

    swept.clear()
    patience["seconds"] = 0.2
    call_command("serve", sweep_interval=0)
    assert not seen["sweeping"] and seen["threads"] == []


def test_tests_never_start_the_thread():
    assert [t for t in threading.enumerate() if t.name == "idi-sweeps"] == []
