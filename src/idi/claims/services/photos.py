"""Photos of a defect or of its repair, judged by their content."""

from django.db import transaction

from idi.claims import selectors
from idi.claims.codes import AuditAction
from idi.claims.models import Claim, ClaimPhoto
from idi.claims.services._common import _locked, _refuse, _timeline
from idi.core import audit, clock
from idi.core.errors import Forbidden
from idi.core.permissions import Actor
from idi.underwriting.uploads import detect

PHOTO_TYPES = ("image/png", "image/jpeg")
MAX_PHOTO_BYTES = 10 * 1024 * 1024


@transaction.atomic
@audit.deferred()
def add_photo(*, actor: Actor, claim: Claim, upload, kind: str = "report") -> ClaimPhoto:
    """A photo of the defect or of the repair, judged by its content (PNG or JPEG, 10 MB)."""
    claim = _locked(claim)
    if not (
        selectors.is_owner_of_unit(actor, claim.unit_id)
        or selectors.is_handler(actor, claim)
        or claim.filed_by_id == actor.user_id
    ):
        raise Forbidden(
            "仅业主或承办人员可上传照片 / only the owner or the handlers may add photos"
        )
    if kind not in ("report", "before", "after"):
        raise _refuse(None, "kind", f"照片类型 {kind!r} 无效", f"invalid photo kind {kind!r}")
    if getattr(upload, "size", 0) > MAX_PHOTO_BYTES:
        raise _refuse(None, "photo", "照片超过 10 MB", "the photo is larger than 10 MB")
    found = detect(upload)
    if found.content_type not in PHOTO_TYPES:
        raise _refuse(
            None, "photo", "照片应为 PNG 或 JPEG 图片", "a photo must be a PNG or JPEG image"
        )
    photo = ClaimPhoto(
        claim=claim,
        kind=kind,
        content_type=found.content_type,
        size=found.size,
        sha256=found.sha256,
        uploaded_by_id=actor.user_id,
        uploaded_at=clock.now(),
    )
    photo.file.save(f"{found.sha256[:16]}.{found.extension}", upload, save=False)
    photo.save()
    _timeline(claim, actor, "photo", kind)
    audit.record(
        actor=actor,
        action=AuditAction.ADD_PHOTO,
        obj=photo,
        after={"claim": claim.pk, "sha256": found.sha256},
    )
    return photo
