"""Uploads are judged by their whole structure, not their first bytes (underwriting/uploads.py,
used by every app that accepts documents or photos)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from uw_helpers import JPEG_BYTES, PDF_BYTES, PNG_BYTES, docx_bytes, quoted

from idi.core.errors import RuleViolation
from idi.underwriting.models import PolicyAttachment
from idi.underwriting.uploads import detect


def _docx(document: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b"<w:document>&lol2;</w:document>"
)

HOSTILE = [
    ("html.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n", "PDF"),
    ("html-late.pdf", b"%PDF-1.7\n%\xe2\xe3\n<!DOCTYPE html><body>x</body>\n%%EOF", "PDF"),
    ("no-trailer.pdf", b"%PDF-1.7\n1 0 obj << >> endobj\n", "PDF"),
    ("no-version.pdf", b"%PDF-<html>\ntrailer\n%%EOF", "PDF"),
    ("cut.png", PNG_BYTES[:-6], "PNG"),
    ("bad-crc.png", PNG_BYTES[:18] + b"\x07" + PNG_BYTES[19:], "PNG"),
    ("trailing.png", PNG_BYTES + b"<html><script>alert(1)</script>", "PNG"),
    ("magic-only.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "PNG"),
    ("magic-only.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "JPEG"),
    ("no-eoi.jpg", JPEG_BYTES[:-2], "JPEG"),
    ("not-a-zip.docx", b"PK\x03\x04" + b"\x00" * 40, "DOCX"),
    ("laughs.docx", _docx(BILLION_LAUGHS), "DOCX"),
    ("broken-xml.docx", _docx(b"<w:document><w:body>"), "DOCX"),
]


@pytest.mark.parametrize(("name", "content", "kind"), HOSTILE)
def test_a_file_is_refused_when_its_structure_is_not_what_its_head_claims(name, content, kind):
    with pytest.raises(RuleViolation) as refused:
        detect(SimpleUploadedFile(name, content))
    assert refused.value.field == "file"
    assert kind in refused.value.message


@pytest.mark.parametrize(
    "content", [PDF_BYTES, PNG_BYTES, JPEG_BYTES, docx_bytes(), _docx(b"<w:document/>")]
)
def test_real_files_are_accepted(content):
    assert detect(SimpleUploadedFile("f", content)).size == len(content)


def test_docx_bomb_is_refused_by_the_zip_checks():
    """A .docx whose document unpacks 1000-fold (48 MB from about 48 KB)."""
    content = _docx(b"<w:document>" + b" " * (48 * 1024 * 1024) + b"</w:document>")
    assert len(content) < 100_000
    with pytest.raises(RuleViolation) as refused:
        detect(SimpleUploadedFile("bomb.docx", content))
    assert refused.value.code == "file_too_large"


@pytest.mark.django_db
def test_api_refuses_a_pdf_that_holds_html_and_stores_nothing(world):
    policy = quoted(world)
    before = PolicyAttachment.objects.count()
    response = world.lead.client().post(
        f"/api/v1/policies/{policy.pk}/attachments",
        {"kind": "claims_plan", "file": SimpleUploadedFile("x.pdf", HOSTILE[0][1])},
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "file"
    assert PolicyAttachment.objects.count() == before
