"""保障查询: the public coverage check page (RULES.md R-C1..R-C5)."""

import pytest

from idi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/coverage/"


def ask(client, **params):
    base = {"category": "waterproofing", "event": "other", "fully_decorated": "yes"}
    return client.get(URL, {**base, **params})


def test_empty_form_shows_no_errors(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert b"errorlist" not in response.content
    assert "保障查询" in response.content.decode()


def test_R_C3_insured_status_and_window(client):
    """R-C2/R-C3: completion 2024-06-30 → waterproofing 2026-06-30 .. 2032-06-29."""
    response = ask(client, completion="2024-06-30", on="2027-01-05")
    answer = response.context["answer"]
    assert answer["status"] == "insured"
    assert answer["window"] == {"start": "2026-06-30", "end": "2032-06-29"}
    page = response.content.decode()
    assert "在保险期间内" in page
    assert "2026-06-30 至 2032-06-29" in page
    assert "10 日内核定" in page


def test_R_C5_developer_warranty_tells_the_insurer_channel(client):
    """R-C5/R-F2: after delivery + 3 months the owner may also go to the lead insurer."""
    response = ask(client, completion="2024-06-30", delivery="2024-08-15", on="2025-12-01")
    assert response.context["answer"]["status"] == "developer_warranty"
    assert "交付已满 3 个月" in response.content.decode()


def test_R_C4_concealed_works_not_fully_decorated_not_covered(client):
    """R-C4: concealed works are covered only in fully-decorated buildings."""
    response = client.get(
        URL,
        {
            "category": "concealed_works",
            "completion": "2024-06-30",
            "on": "2027-01-05",
            "event": "other",
            "fully_decorated": "no",
        },
    )
    assert response.context["answer"] == {
        "status": "not_covered",
        "window": None,
        "fund_fallback": False,
        "insurer_channel": False,
    }
    assert "不属于保险范围" in response.content.decode()


def test_R_C4_decoration_is_never_assumed(client):
    """Whether the home is fully decorated starts unchosen; concealed works without it is an
    error naming the field, not a guess."""
    blank = client.get(URL).content.decode()
    assert '<option value="" selected>' in blank
    assert 'value="yes" selected' not in blank
    response = client.get(
        URL, {"category": "concealed_works", "completion": "2024-06-30", "on": "2027-01-05"}
    )
    assert response.context["answer"] is None
    html = response.content.decode()
    assert 'id="fully_decorated-errors"' in html and "请选择房屋是否全装修交付" in html


def test_the_answer_is_brought_into_view(client):
    """On a phone the answer is below the form: the static script scrolls to it."""
    html = ask(client, completion="2024-06-30", on="2027-01-05").content.decode()
    assert '<article id="result" aria-live="polite" data-scroll-into-view>' in html


def test_bad_date_shows_the_error_on_its_field(client):
    response = ask(client, completion="2024-02-30", on="2027-01-05")
    form = response.context["form"]
    assert "completion" in form.errors
    assert response.context["answer"] is None
    assert 'id="completion-errors"' in response.content.decode()


def test_R_C1_additional_years_error_on_its_field(client):
    """R-C1: additional cover below 2 years is refused on the form field, naming the rule."""
    response = ask(
        client,
        category="additional",
        completion="2024-06-30",
        on="2027-01-05",
        additional_years="1",
    )
    errors = response.context["form"].errors
    assert "additional_years" in errors
    assert response.context["answer"] is None
    assert AuditEvent.objects.count() == 0


def test_english_switch(client):
    client.post("/i18n/setlang/", {"language": "en", "next": URL})
    response = ask(client, completion="2024-06-30", on="2027-01-05")
    page = response.content.decode()
    assert "Coverage check" in page
    assert "Within the insurance period" in page


def test_output_is_escaped(client):
    response = client.get(URL, {"category": "<script>alert(1)</script>", "completion": "x"})
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page


def test_chinese_first_whatever_the_browser_asks(client):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "保障查询" in response.content.decode()
