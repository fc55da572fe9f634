"""The API's one error shape: a stable code beside rule and field, every problem listed, the
message in the caller's language (Accept-Language, zh-Hans unless English), and JSON even for a
path or a method the API does not have (docs/api.md)."""

from django.test import Client
from projects_helpers import api, page

from idi.core.models import AuditEvent
from idi.projects.models import Project

PROBLEM_KEYS = {"code", "rule", "field", "message"}


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {*PROBLEM_KEYS, "problems"}
    assert {k: error[k] for k in PROBLEM_KEYS} == error["problems"][0]
    return error


def _post_project(client, body: dict, **headers):
    return client.post("/api/v1/projects", body, content_type="application/json", **headers)


def test_unknown_api_path_is_json_404_in_the_callers_language(world):
    client = api(world.dev_a.user)
    zh = _error(client.get("/api/v1/no-such-thing"), 404)
    assert (zh["code"], zh["message"]) == ("not_found", "接口地址不存在")
    en = _error(client.get("/api/v1/no/such/thing", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"), 404)
    assert (en["code"], en["message"]) == ("not_found", "no such API path")
    assert _error(Client().get("/api/v1/nothing-here"), 404)["code"] == "not_found"


def test_wrong_method_is_json_405_naming_the_allowed_ones(world):
    client = api(world.dev_a.user)
    response = client.delete("/api/v1/projects")
    error = _error(response, 405)
    assert error["code"] == "method_not_allowed"
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    english = _error(client.put("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en"), 405)
    assert english["message"] == "this method is not allowed here"


def test_pages_outside_the_api_keep_their_html_404(world):
    response = page(world.dev_a.user).get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_refusal_carries_a_code_and_speaks_the_callers_language(world):
    """A service's refusal: Chinese by default, English on request, never both in one string;
    the code and field do not depend on the language. Nothing is written."""
    client = api(world.dev_a.user)
    body = {"name": "西溪云庐", "district": "xihu", "housing_type": "commercial"}
    projects, events = Project.objects.count(), AuditEvent.objects.count()
    zh = _error(_post_project(client, body), 400)
    en = _error(_post_project(client, body, HTTP_ACCEPT_LANGUAGE="en"), 400)
    assert (zh["code"], zh["field"]) == (en["code"], en["field"]) == ("already_exists", "name")
    assert zh["message"] == "本单位已有名为“西溪云庐”的项目"
    assert en["message"] == "project 西溪云庐 already exists"
    assert (Project.objects.count(), AuditEvent.objects.count()) == (projects, events)


def test_unknown_language_falls_back_to_chinese(world):
    body = {"name": "西溪云庐", "district": "xihu", "housing_type": "commercial"}
    response = _post_project(api(world.dev_a.user), body, HTTP_ACCEPT_LANGUAGE="fr-FR, de;q=0.5")
    assert _error(response, 400)["message"] == "本单位已有名为“西溪云庐”的项目"


def test_validation_errors_name_each_field_with_a_code_in_the_callers_language(world):
    """Schema errors (pydantic's) come back in the error shape: one problem per field, each with
    a code (required, too_long, wrong_type, ...) and a message naming the field."""
    client = api(world.dev_a.user)
    body = {"name": "x" * 201, "housing_type": "commercial", "developer": "many"}
    zh = _error(_post_project(client, body), 400)
    problems = {p["field"]: p for p in zh["problems"]}
    assert set(problems) == {"name", "district", "developer"}
    assert problems["name"]["code"] == "too_long"
    assert problems["name"]["message"] == "name：不能超过 200 个字符"
    assert problems["district"]["code"] == "required"
    assert problems["district"]["message"] == "district：必填"
    assert problems["developer"]["code"] == "wrong_type"
    en = _error(_post_project(client, body, HTTP_ACCEPT_LANGUAGE="en"), 400)
    english = {p["field"]: p["message"] for p in en["problems"]}
    assert english["name"] == "name: at most 200 characters"
    assert english["district"] == "district: required"
    assert english["developer"] == "developer: must be an integer"
    assert not Project.objects.filter(name="x" * 201).exists()


def test_bad_dates_and_out_of_range_query_values_are_named(world):
    client = api(world.dev_a.user)
    pid = world.a.project.pk
    planning = world.a.planning.pk
    bad_date = client.post(
        f"/api/v1/projects/{pid}/permits",
        {"planning_permit": planning, "number": "CP-X", "applied_on": "2025-02-30"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    error = _error(bad_date, 400)
    assert (error["code"], error["field"]) == ("bad_date", "applied_on")
    assert error["message"] == "applied_on: a date must be YYYY-MM-DD"
    too_many = _error(client.get("/api/v1/projects", {"limit": 500}), 400)
    assert (too_many["code"], too_many["field"]) == ("out_of_range", "limit")


def test_not_found_and_forbidden_speak_the_callers_language(world):
    client = api(world.dev_a.user)
    hidden = f"/api/v1/projects/{world.b.project.pk}"
    assert _error(client.get(hidden), 404)["message"] == "未找到项目"
    assert _error(client.get(hidden, HTTP_ACCEPT_LANGUAGE="en"), 404)["message"] == (
        "project not found"
    )
    regulator = api(world.reg_xihu.user)
    body = {"name": "新项目", "district": "xihu", "housing_type": "commercial"}
    zh = _error(_post_project(regulator, body), 403)
    en = _error(_post_project(regulator, body, HTTP_ACCEPT_LANGUAGE="en"), 403)
    assert zh["code"] == en["code"] == "forbidden"
    assert zh["message"] == "仅建设单位可登记项目"
    assert en["message"] == "only a developer may register a project"


def test_pages_show_a_refusal_in_the_pages_language(world):
    """A form page shows the service's message in the page's language (the language switch),
    not the API's Accept-Language."""
    client = page(world.dev_a.user)
    form = {"name": "西溪云庐", "district": "xihu", "housing_type": "commercial"}
    chinese = client.post("/projects/new/", form, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "本单位已有名为“西溪云庐”的项目" in chinese
    client.cookies["django_language"] = "en"
    english = client.post("/projects/new/", form).content.decode()
    assert "project 西溪云庐 already exists" in english
    assert "本单位已有名为" not in english
