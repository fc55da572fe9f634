"""A background import's page follows the job in place, in a real browser: the status is
fetched again every 5 seconds and swapped in, without reloading the page (a page that refreshes
itself takes the reader's place away; axe: meta-refresh)."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from idi.core import clock
from idi.core.management.commands.demo import DEMO_PASSWORD, Command
from idi.projects import demo as projects_demo
from idi.projects.models import ImportJob, ImportJobState, Project

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_running_import_shows_its_end_without_a_reload(page, live_server):
    Command().load()
    developer = get_user_model().objects.get(username="dev_xihu")
    # The worker's side is the import service's own tests; here the job is simply running.
    job = ImportJob.objects.create(
        project=Project.objects.get(name=projects_demo.PROJECT_XIXI),
        organisation=developer.profile.organisation,
        created_by=developer,
        filename="西溪云庐-补录.csv",
        sha256="0" * 64,
        size=1,
        state=ImportJobState.RUNNING,
        created_at=clock.now(),
        started_at=clock.now(),
    )
    page.goto("/accounts/login/")
    page.fill("#id_username", "dev_xihu")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"/projects/import-jobs/{job.pk}/")
    expect(page.locator("#import-job")).to_have_attribute("data-state", "running")
    page.evaluate("() => { window.sameDocument = true; }")

    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJobState.DONE,
        result={"rows": 2, "buildings": 0, "units": 2, "owners": 2, "sales": 2},
        finished_at=clock.now(),
    )
    expect(page.locator("#import-job")).to_have_attribute("data-state", "done", timeout=12_000)
    expect(page.locator("#import-job-status")).to_contain_text("共 2 行")
    assert page.evaluate("() => window.sameDocument") is True
    # Done: nothing asks for the page again.
    assert page.locator("#import-job-status[hx-trigger]").count() == 0
