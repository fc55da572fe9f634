"""Large imports as a background job (issue 7 item 2, docs/import.md): the request answers at
once with a job; a worker imports through the same service; the job keeps its state, progress
and outcome, shown to the uploader's organisation only."""

from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from projects_helpers import api, page
from test_import import counts, csv_bytes, good_rows

from idi.config.celery import app
from idi.core.errors import Forbidden, RuleViolation
from idi.core.models import AuditEvent
from idi.projects import selectors, services
from idi.projects.models import ImportJob, ImportJobState, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    """Every file of these tests is "large": the threshold, not the file, decides."""
    settings.IDI_IMPORT_BACKGROUND_BYTES = 16


@contextmanager
def nothing_written():
    """The block leaves the jobs, the registry's rows and the audit log as they were."""
    before = (list(ImportJob.objects.order_by("pk").values()), counts(), AuditEvent.objects.count())
    yield
    after = (list(ImportJob.objects.order_by("pk").values()), counts(), AuditEvent.objects.count())
    assert after == before


def _queue(world, content, name="units.csv") -> ImportJob:
    return services.queue_import(
        actor=world.dev_a.actor, project=world.a.project, filename=name, content=content
    )


def test_the_request_answers_at_once_and_the_worker_imports(
    world, django_capture_on_commit_callbacks
):
    """The API answers 202 with the queued job before anything is imported; once the request's
    transaction commits the task runs (in-process in the embedded default, on a worker through
    Redis in production) and the job ends done with the counts of the synchronous import."""
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    assert "idi.projects.tasks.run_import" in app.tasks
    url = f"/api/v1/projects/{world.a.project.pk}/units/import"
    content = csv_bytes(good_rows(world))
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        answer = api(world.dev_a.user).post(
            url, {"file": SimpleUploadedFile("units.csv", content), "dry_run": "false"}
        )
        assert answer.status_code == 202, answer.content
        body = answer.json()
        assert (body["state"], body["counts"], body["rows_done"]) == ("queued", None, 0)
        assert Unit.objects.count() == before[1]
    job = ImportJob.objects.get(pk=body["id"])
    assert job.state == ImportJobState.DONE
    assert job.result == {"rows": 4, "buildings": 1, "units": 4, "owners": 2, "sales": 2}
    assert (job.rows_done, job.rows_total) == (4, 4)
    assert job.started_at is not None and job.finished_at is not None
    assert bytes(job.content) == b""  # owners' identity numbers are not kept in the job
    assert Unit.objects.count() == before[1] + 4
    shown = api(world.dev_a.user).get(f"/api/v1/import-jobs/{job.pk}").json()
    assert (shown["state"], shown["counts"]["units"], shown["error"]) == ("done", 4, None)
    events = list(
        AuditEvent.objects.filter(action__startswith="projects.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert events[-4:] == [
        "projects.queue_import",
        "projects.start_import",
        "projects.import_units",  # the same summary event as a synchronous import
        "projects.finish_import",
    ]


def test_job_state_moves_queued_running_done_and_runs_once(world):
    job = _queue(world, csv_bytes(good_rows(world)))
    assert (job.state, job.started_at, job.finished_at) == ("queued", None, None)
    assert AuditEvent.objects.latest("id").action == "projects.queue_import"
    done = services.run_import_job(job_id=job.pk)
    assert done.state == "done"
    units, events = Unit.objects.count(), AuditEvent.objects.count()
    again = services.run_import_job(job_id=job.pk)  # a task delivered twice
    assert again.state == "done"
    assert (Unit.objects.count(), AuditEvent.objects.count()) == (units, events)


def test_a_failing_file_ends_failed_with_the_error_and_nothing_imported(world):
    permit = world.a.permit.number
    rows = [
        ["2幢", permit, "101", "1", "89.50", "", "", "", "", ""],
        ["2幢", permit, "102", "1", "-5", "", "", "", "", ""],  # row 3: area
    ]
    before = counts()
    job = services.run_import_job(job_id=_queue(world, csv_bytes(rows)).pk)
    assert job.state == ImportJobState.FAILED and job.result is None
    assert [(r["row"], r["column"]) for r in job.error["rows"]] == [(3, "建筑面积")]
    assert "nothing was imported" in job.error["message_en"]
    assert counts()[:4] == before[:4]
    assert bytes(job.content) == b""
    assert AuditEvent.objects.latest("id").after["state"] == "failed"


def test_a_file_that_is_not_a_table_fails_naming_the_file(world):
    before = counts()
    job = services.run_import_job(job_id=_queue(world, b"\x00\x01 not a table", "x.xlsx").pk)
    assert job.state == ImportJobState.FAILED
    assert job.error["field"] == "file"
    assert counts()[:4] == before[:4]


def test_progress_is_shown_while_the_worker_runs(world):
    """The import writes in one transaction; its progress reaches the page and the API through
    the shared cache meanwhile: rows done of the total, with the phase."""
    job = _queue(world, csv_bytes(good_rows(world)))
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJobState.RUNNING)
    bar = services.JobProgress(job)(desc="校验 / checking", total=4000)
    bar.update(1500)
    shown = api(world.dev_a.user).get(f"/api/v1/import-jobs/{job.pk}").json()
    assert (shown["state"], shown["phase"], shown["rows_done"], shown["rows_total"]) == (
        "running",
        "校验 / checking",
        1500,
        4000,
    )
    html = page(world.dev_a.user).get(f"/projects/import-jobs/{job.pk}/").content.decode()
    assert 'data-state="running"' in html and "1500 / 4000" in html
    assert 'hx-trigger="every 5s"' in html


@pytest.mark.parametrize(
    "who", ["dev_b", "insurer", "claims", "reg_xihu", "reg_city", "contractor", "owner"]
)
def test_only_the_uploaders_organisation_sees_the_job(world, who):
    job = _queue(world, csv_bytes(good_rows(world)))
    user = getattr(world, who).user
    assert api(user).get(f"/api/v1/import-jobs/{job.pk}").status_code == 404
    assert page(user).get(f"/projects/import-jobs/{job.pk}/").status_code == 404
    assert not selectors.import_jobs_visible_to(getattr(world, who).actor).exists()
    assert api(world.dev_a.user).get(f"/api/v1/import-jobs/{job.pk}").status_code == 200
    assert page(world.dev_a.user).get(f"/projects/import-jobs/{job.pk}/").status_code == 200


def test_the_page_checks_a_large_file_in_the_background_then_imports_it_once_confirmed(
    world, django_capture_on_commit_callbacks
):
    """Reading a large workbook takes tens of seconds: neither the check nor the import holds
    the request. The check writes nothing and keeps the file until the uploader confirms it."""
    client = page(world.dev_a.user)
    before = counts()
    content = csv_bytes(good_rows(world))
    with django_capture_on_commit_callbacks(execute=True):
        checked = client.post(
            f"/projects/{world.a.project.pk}/import/",
            {"file": SimpleUploadedFile("ok.csv", content)},
        )
    check = ImportJob.objects.get()
    assert (
        checked.status_code == 302 and checked["Location"] == f"/projects/import-jobs/{check.pk}/"
    )
    assert (check.dry_run, check.state, check.result["units"]) == (True, "done", 4)
    assert bytes(check.content) == content and counts()[:4] == before[:4]  # nothing imported
    shown = client.get(checked["Location"]).content.decode()
    assert "后台检查" in shown and 'data-testid="confirm-import"' in shown
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/projects/import-jobs/{check.pk}/confirm/")
    imported = ImportJob.objects.exclude(pk=check.pk).get()
    assert done["Location"] == f"/projects/import-jobs/{imported.pk}/"
    assert (imported.dry_run, imported.state, imported.result["units"]) == (False, "done", 4)
    assert counts()[1] == before[1] + 4
    check.refresh_from_db()
    assert bytes(check.content) == b""  # confirmed once: the check lets go of the file
    assert 'data-testid="confirm-import"' not in client.get(checked["Location"]).content.decode()
    with nothing_written():
        again = client.post(f"/projects/import-jobs/{check.pk}/confirm/", follow=True)
    assert "只有检查通过且尚未确认的文件才能确认导入" in again.content.decode()


def test_the_api_checks_a_large_file_as_a_job_and_confirms_it(
    world, django_capture_on_commit_callbacks
):
    url = f"/api/v1/projects/{world.a.project.pk}/units/import"
    developer, stranger = api(world.dev_a.user), api(world.dev_b.user)
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        answer = developer.post(
            url, {"file": SimpleUploadedFile("u.csv", csv_bytes(good_rows(world)))}
        )
    assert answer.status_code == 202 and answer.json()["dry_run"] is True
    confirm = f"/api/v1/import-jobs/{answer.json()['id']}/confirm"
    shown = developer.get(f"/api/v1/import-jobs/{answer.json()['id']}").json()
    assert (shown["state"], shown["counts"]["units"]) == ("done", 4)
    assert counts()[:4] == before[:4]  # a check imports nothing
    with nothing_written():
        assert stranger.post(confirm).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = developer.post(confirm)
    assert confirmed.status_code == 202
    assert (confirmed.json()["dry_run"], confirmed.json()["state"]) == (False, "queued")
    assert counts()[1] == before[1] + 4
    with nothing_written():
        twice = developer.post(confirm)
    assert twice.status_code == 400
    error = twice.json()["error"]
    assert (error["field"], error["code"]) == ("job", "invalid_state")


def test_a_failed_check_keeps_no_file_and_cannot_be_confirmed(world):
    rows = good_rows(world)
    rows[0][2] = ""  # no room number
    check = services.queue_import(
        actor=world.dev_a.actor,
        project=world.a.project,
        filename="bad.csv",
        content=csv_bytes(rows),
        dry_run=True,
    )
    services.run_import_job(job_id=check.pk)
    check.refresh_from_db()
    assert check.state == "failed" and bytes(check.content) == b""
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.confirm_import_job(actor=world.dev_a.actor, job=check)
    assert refused.value.field == "job"


def test_only_the_projects_developer_queues_an_import(world):
    before = ImportJob.objects.count()
    with pytest.raises(Forbidden):
        services.queue_import(
            actor=world.dev_b.actor, project=world.a.project, filename="u.csv", content=b"x" * 20
        )
    assert ImportJob.objects.count() == before


def test_a_large_file_refused_before_queueing_is_refused_once_and_not_checked_in_the_request(
    world, monkeypatch
):
    from idi.projects import imports

    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 32)
    content = csv_bytes(good_rows(world))
    with nothing_written():
        answer = page(world.dev_a.user).post(
            f"/projects/{world.a.project.pk}/import/",
            {"file": SimpleUploadedFile("big.csv", content)},
        )
    assert answer.status_code == 200
    assert answer.context["report"] is None  # no check ran in the request
    assert len(answer.context["form"].errors["file"]) == 1
