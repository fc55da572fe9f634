"""What the insurer attaches and commits to, and the developer's notices (R-U11, R-U12,
R-U13), with the checks on uploaded files."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from uw_helpers import (
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    assert_api_refused,
    assert_ui_refused,
    attach_all,
    build_other_project,
    coinsured,
    docx_bytes,
    nothing_written,
    pay,
    pdf,
    quoted,
)

from idi.core.api_auth import create_token
from idi.underwriting import selectors, services
from idi.underwriting.models import (
    AttachmentKind,
    ClaimsServiceStandard,
    ParticipantNotice,
    PolicyAttachment,
    PolicyState,
)
from idi.underwriting.uploads import MAX_UPLOAD_BYTES

pytestmark = pytest.mark.django_db


def _issue_api(world, policy, **headers):
    return world.developer.client().post(
        f"/api/v1/policies/{policy.pk}/issue", {}, content_type="application/json", **headers
    )


# --- uploads ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("plan.pdf", PDF_BYTES, "application/pdf"),
        (
            "plan.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("plan.png", PNG_BYTES, "image/png"),
        ("plan.jpg", JPEG_BYTES, "image/jpeg"),
    ],
)
def test_upload_accepts_pdf_docx_png_jpeg_by_content(world, name, content, content_type):
    """R-U11: the insurer uploads over the API; the type is read from the bytes."""
    policy = quoted(world)
    response = world.lead.client().post(
        f"/api/v1/policies/{policy.pk}/attachments",
        {"kind": "claims_plan", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == content_type
    stored = PolicyAttachment.objects.get(pk=body["id"])
    assert Path(stored.file.path).read_bytes() == content
    assert stored.file.name.startswith(f"underwriting/policy-{policy.pk}/claims_plan-")


def test_upload_refuses_a_renamed_executable(world):
    """A file named .pdf whose bytes are not a PDF is refused, naming the file field."""
    policy = quoted(world)
    with nothing_written():
        response = world.lead.client().post(
            f"/api/v1/policies/{policy.pk}/attachments",
            {"kind": "claims_plan", "file": SimpleUploadedFile("plan.pdf", b"MZ\x90\x00evil")},
        )
    assert_api_refused(response, rule=None, field="file")


def test_upload_refuses_a_zip_that_is_not_a_docx(world):
    """A zip without word/document.xml is not a DOCX."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    policy = quoted(world)
    with nothing_written():
        response = world.lead.client().post(
            reverse("underwriting:attachment_upload", args=[policy.pk]),
            {"kind": "claims_plan", "file": SimpleUploadedFile("x.docx", buffer.getvalue())},
        )
    assert response.status_code == 400
    assert 'id="file-errors"' in response.content.decode()


def test_upload_refuses_more_than_20_megabytes(world):
    """The size limit is 20 MB."""
    policy = quoted(world)
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * MAX_UPLOAD_BYTES)
    with nothing_written():
        response = world.lead.client().post(
            f"/api/v1/policies/{policy.pk}/attachments", {"kind": "claims_plan", "file": big}
        )
    error = assert_api_refused(response, rule=None, field="file")
    assert "20 MB" in error["message"]


def test_only_an_insurer_of_the_policy_uploads(world):
    """The developer sees the policy but the insurer attaches its own plans: 403."""
    policy = quoted(world)
    with nothing_written():
        response = world.developer.client().post(
            f"/api/v1/policies/{policy.pk}/attachments", {"kind": "claims_plan", "file": pdf()}
        )
    assert response.status_code == 403


def test_download_is_for_those_who_see_the_policy(world):
    """The file is served to the policy's parties and is a 404 to everyone else."""
    policy = quoted(world)
    attachment = services.upload_attachment(
        actor=world.lead.actor, policy=policy, kind="claims_plan", upload=pdf()
    )
    url = reverse("underwriting:attachment_download", args=[policy.pk, attachment.pk])
    response = world.developer.client().get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert world.other_developer.client().get(url).status_code == 404
    assert world.outsider.client().get(url).status_code == 404


# --- R-U11 ------------------------------------------------------------------------------------


def test_R_U11_issue_refused_while_an_attachment_is_missing_in_api(world):
    """R-U11: the emergency plan (Art. 17) is missing: issue refused naming it."""
    policy = quoted(world)
    attach_all(world, policy, skip=("emergency_plan",))
    services.notify_participants(actor=world.developer.actor, policy=policy)
    pay(world, policy)
    with nothing_written():
        response = _issue_api(world, policy)
    error = assert_api_refused(response, rule="R-U11", field="attachments")
    assert error["code"] == "prerequisite_missing"
    assert "理赔应急预案" in error["message"]
    english = assert_api_refused(
        _issue_api(world, policy, HTTP_ACCEPT_LANGUAGE="en"), rule="R-U11", field="attachments"
    )
    assert "emergency_plan" in english["message"]


def test_R_U11_issue_refused_while_an_attachment_is_unconfirmed_in_ui(world):
    """R-U11: uploaded but not confirmed by the developer is not enough."""
    policy = quoted(world)
    attach_all(world, policy, confirm=False)
    services.notify_participants(actor=world.developer.actor, policy=policy)
    pay(world, policy)
    with nothing_written():
        response = world.developer.client().post(reverse("underwriting:issue", args=[policy.pk]))
    html = assert_ui_refused(response, rule="R-U11")
    assert str(AttachmentKind.RISK_ASSESSMENT_PLAN.label) in html


def test_R_U11_a_new_version_needs_a_new_confirmation(world):
    """R-U11: re-uploading a kind replaces the current version, which must be confirmed."""
    policy = quoted(world)
    attach_all(world, policy)
    assert selectors.missing_attachments(policy) == []
    services.upload_attachment(
        actor=world.lead.actor,
        policy=policy,
        kind="notice_template",
        upload=pdf("v2.pdf"),
    )
    assert selectors.missing_attachments(policy) == ["notice_template"]


def test_R_U11_confirming_an_old_version_is_refused(world):
    """R-U11: the developer confirms what is current, not a replaced version."""
    policy = quoted(world)
    old = services.upload_attachment(
        actor=world.lead.actor, policy=policy, kind="claims_plan", upload=pdf()
    )
    services.upload_attachment(
        actor=world.lead.actor, policy=policy, kind="claims_plan", upload=pdf("v2.pdf")
    )
    with nothing_written():
        response = world.developer.client().post(
            f"/api/v1/policies/{policy.pk}/attachments/{old.pk}/confirm"
        )
    assert_api_refused(response, rule=None, field="attachment")


def test_R_U11_developer_confirms_in_the_ui(world):
    """R-U11: the confirm button records the developer's confirmation."""
    policy = quoted(world)
    attachment = services.upload_attachment(
        actor=world.lead.actor, policy=policy, kind="claims_plan", upload=pdf()
    )
    url = reverse("underwriting:attachment_confirm", args=[policy.pk, attachment.pk])
    assert world.developer.client().post(url).status_code == 302
    attachment.refresh_from_db()
    assert attachment.confirmed_by == world.developer.user


# --- R-U12 ------------------------------------------------------------------------------------


def test_R_U12_issue_refused_until_every_participant_is_notified_in_api(world):
    """R-U12: a participant registered after the notices were sent must be notified too."""
    from uw_helpers import make_org

    from idi.projects.models import Participant

    policy = quoted(world)
    attach_all(world, policy)
    services.notify_participants(actor=world.developer.actor, policy=policy)
    designer = make_org("西溪设计院", "designer")
    Participant.objects.create(project=world.project, organisation=designer, role="designer")
    pay(world, policy)
    with nothing_written():
        response = _issue_api(world, policy)
    assert_api_refused(response, rule="R-U12", field="participants")
    services.notify_participants(actor=world.developer.actor, policy=policy)
    assert services.issue_policy(actor=world.developer.actor, policy=policy).state == "issued"


def test_R_U12_issue_refused_until_notified_in_ui(world):
    """R-U12: the refusal names the participants not yet notified."""
    policy = quoted(world)
    attach_all(world, policy)
    pay(world, policy)
    with nothing_written():
        response = world.developer.client().post(reverse("underwriting:issue", args=[policy.pk]))
    html = assert_ui_refused(response, rule="R-U12")
    assert world.contractor.org.name in html


def test_R_U12_acknowledgement_recorded_by_the_participant(world):
    """R-U12: each acknowledgement is recorded by a user of the notified organisation; issue
    does not wait for it (the notice is the developer's duty)."""
    policy = quoted(world)
    attach_all(world, policy)
    notices = services.notify_participants(actor=world.developer.actor, policy=policy)
    pay(world, policy)
    assert services.issue_policy(actor=world.developer.actor, policy=policy).state == "issued"

    contractor_notice = next(
        n for n in notices if n.participant.organisation_id == world.contractor.org.pk
    )
    # Another participant cannot acknowledge it: not even visible to them.
    response = world.supervisor.client().post(
        f"/api/v1/participant-notices/{contractor_notice.pk}/acknowledge"
    )
    assert response.status_code == 404
    response = world.contractor.client().post(
        reverse("underwriting:notice_acknowledge", args=[contractor_notice.pk])
    )
    assert response.status_code == 302
    contractor_notice.refresh_from_db()
    assert contractor_notice.acknowledged_by == world.contractor.user
    assert contractor_notice.acknowledged_at is not None
    with nothing_written():
        response = world.contractor.client().post(
            f"/api/v1/participant-notices/{contractor_notice.pk}/acknowledge"
        )
    assert_api_refused(response, rule=None, field="notice")
    listed = world.contractor.client().get("/api/v1/participant-notices").json()["items"]
    assert [n["id"] for n in listed] == [contractor_notice.pk]


def test_R_U12_notifying_twice_sends_nothing_new(world):
    """R-U12: one notice per participant; a second round has nobody left to notify."""
    policy = quoted(world)
    services.notify_participants(actor=world.developer.actor, policy=policy)
    with nothing_written():
        response = world.developer.client().post(
            f"/api/v1/policies/{policy.pk}/participant-notices"
        )
    assert_api_refused(response, rule=None, field="participants")
    assert ParticipantNotice.objects.filter(policy=policy).count() == 2


# --- R-U13 ------------------------------------------------------------------------------------

STANDARD = {"days_to_accept": 1, "days_to_survey": 2, "days_to_determine": 7, "days_to_repair": 5}


def test_R_U13_stricter_standards_stored_and_applied(world):
    """R-U13: commitments stricter than the legal times are kept; the claims process gets the
    stricter of commitment and law."""
    policy = quoted(world)
    response = world.lead.client().put(
        f"/api/v1/policies/{policy.pk}/claims-standards", STANDARD, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert selectors.effective_claim_days(policy, "determine") == 7
    assert selectors.effective_claim_days(policy, "repair") == 5
    assert selectors.effective_claim_days(policy, "accept") == 1
    assert selectors.effective_claim_days(policy, "survey") == 2


def test_R_U13_without_commitment_the_legal_times_apply(world):
    """R-U13: no commitment: 10 days to determine (R-K2), 7 to repair (R-K3), none for the rest."""
    policy = quoted(world)
    assert selectors.effective_claim_days(policy, "determine") == 10
    assert selectors.effective_claim_days(policy, "repair") == 7
    assert selectors.effective_claim_days(policy, "accept") is None


def test_R_U13_looser_determination_refused_in_api(world):
    """R-U13: 11 days to determine is looser than the legal 10."""
    policy = quoted(world)
    with nothing_written():
        response = world.lead.client().put(
            f"/api/v1/policies/{policy.pk}/claims-standards",
            {**STANDARD, "days_to_determine": 11},
            content_type="application/json",
        )
    error = assert_api_refused(response, rule="R-U13", field="days_to_determine")
    assert "10" in error["message"]


def test_R_U13_looser_repair_refused_in_ui(world):
    """R-U13: 8 days to repair is looser than the legal 7; shown on the field."""
    policy = quoted(world)
    with nothing_written():
        response = world.lead.client().post(
            reverse("underwriting:claims_standards", args=[policy.pk]),
            {**STANDARD, "days_to_repair": 8},
        )
    assert_ui_refused(response, rule="R-U13", field="days_to_repair")


def test_R_U13_accept_and_survey_must_be_positive(world):
    """R-U13: no legal time to accept or survey, but a commitment of 0 days is meaningless."""
    policy = quoted(world)
    with nothing_written():
        response = world.lead.client().put(
            f"/api/v1/policies/{policy.pk}/claims-standards",
            {**STANDARD, "days_to_survey": 0},
            content_type="application/json",
        )
    assert_api_refused(response, rule="R-U13", field="days_to_survey")
    assert ClaimsServiceStandard.objects.count() == 0


def test_R_U13_only_the_lead_sets_standards(world):
    """A follower of the policy may not set the lead's commitments."""
    from uw_helpers import coinsured

    policy = quoted(world, shares=coinsured(world))
    with nothing_written():
        response = world.f1.client().put(
            f"/api/v1/policies/{policy.pk}/claims-standards",
            STANDARD,
            content_type="application/json",
        )
    assert response.status_code == 403
    assert policy.state == PolicyState.QUOTED


def test_form_pages_show_the_pack_figures(world):
    """The help texts state the pack's figures: 15% fee, 10 and 7 legal days, 2-year minimum."""
    policy = quoted(world)
    terms_page = world.developer.client().get(reverse("underwriting:terms", args=[policy.pk]))
    assert "不低于保费的 15%" in terms_page.content.decode()
    assert "不少于 2 年" in terms_page.content.decode()
    standards = world.lead.client().get(reverse("underwriting:claims_standards", args=[policy.pk]))
    html = standards.content.decode()
    assert "不得长于法定的 10 日" in html and "不得长于法定的 7 日" in html
    shares = world.developer.client().get(reverse("underwriting:shares", args=[policy.pk]))
    assert "不少于 2 家从保" in shares.content.decode()
    upload = world.lead.client().get(reverse("underwriting:attachment_upload", args=[policy.pk]))
    assert "20 MB" in upload.content.decode()
    change = world.developer.client().get(reverse("underwriting:change_create", args=[policy.pk]))
    assert change.status_code == 200


def _bearer(party) -> Client:
    token = create_token(actor=party.actor, user=party.user, name="script")
    return Client(headers={"authorization": f"Bearer {token}"})


def test_download_through_the_api_with_a_bearer_token(world):
    """GET /api/v1/policies/{pk}/attachments/{id}/file streams the file with its content type to
    those who may see the policy (the attachment body's download_url points there); 404 to the
    others, 401 without a token."""
    policy = quoted(world, shares=coinsured(world))
    attachment = services.upload_attachment(
        actor=world.lead.actor, policy=policy, kind="claims_plan", upload=pdf("方案.pdf")
    )
    listed = (
        _bearer(world.developer).get(f"/api/v1/policies/{policy.pk}/attachments").json()["items"]
    )
    url = f"/api/v1/policies/{policy.pk}/attachments/{attachment.pk}/file"
    assert listed[0]["download_url"] == url
    for party in (world.developer, world.lead, world.f2, world.reg_binjiang, world.reg_city):
        response = _bearer(party).get(url)
        assert response.status_code == 200, party.user
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert f"claims_plan-{attachment.pk}.pdf" in response["Content-Disposition"]
    for party in (world.other_developer, world.outsider, world.reg_xihu, world.contractor):
        assert _bearer(party).get(url).status_code == 404, party.user
    other = services.create_draft(
        actor=world.other_developer.actor, permit=build_other_project(world)
    )
    assert (
        _bearer(world.developer)
        .get(f"/api/v1/policies/{other.pk}/attachments/{attachment.pk}/file")
        .status_code
        == 404
    )
    assert (
        _bearer(world.developer)
        .get(f"/api/v1/policies/{policy.pk}/attachments/{attachment.pk + 99}/file")
        .status_code
        == 404
    )
    assert Client().get(url).status_code == 401
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/policies/{pk}/attachments/{attachment_pk}/file" in paths
