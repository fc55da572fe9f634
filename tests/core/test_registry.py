"""Periodic duties and demo data are registered by each app (idi.core.registry), not listed by
name in core."""

import pytest
from django.conf import settings
from django.core.management import call_command

from idi.core import registry
from idi.core.registry import Hook, providers


def test_each_app_registers_its_demo_data_in_the_order_of_its_dependencies():
    apps = [load.__module__.removesuffix(".demo") for load in providers(Hook.DEMO_LOADERS)]
    assert apps[:4] == ["idi.core", "idi.parties", "idi.projects", "idi.underwriting"]
    assert apps == sorted(apps, key=settings.INSTALLED_APPS.index)


def test_underwriting_registers_the_policy_state_sweep():
    from idi.underwriting import services

    assert ("policy states / 保单状态", services.sweep_policy_states) in providers(Hook.SWEEPS)


@pytest.mark.django_db
def test_idi_sweep_runs_every_registered_sweep(monkeypatch, capsys):
    monkeypatch.setitem(
        registry._providers,
        Hook.SWEEPS,
        [("one / 一", lambda *, actor: 0), ("two / 二", lambda *, actor: 3)],
    )
    call_command("sweep")
    assert capsys.readouterr().out.splitlines() == ["one / 一: 0", "two / 二: 3"]


def test_a_provider_registered_twice_counts_once(monkeypatch):
    monkeypatch.setitem(registry._providers, Hook.TASKS, [])
    registry.provide(Hook.TASKS, print)
    registry.provide(Hook.TASKS, print)
    assert providers(Hook.TASKS) == [print]
