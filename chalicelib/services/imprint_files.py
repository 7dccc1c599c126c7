"""Where the seal and signature-stamp images live: content-addressed S3 keys recorded on the TEO or
college, so a stamped certificate always names exactly the image it used and workers may cache by key."""
import hashlib

from .. import ports
from ..domain.errors import NotFound

_FIELD = {"seal": "seal_key", "stamp": "stamp_key"}


def store_image(kind: str, org_id: str, slot: str, png: bytes, **fields) -> str:
    """Keep ``png`` as the ``seal`` (TEOs only) or ``stamp`` of an org (``orgs``) or college (``colleges``),
    with ``fields`` recorded beside it."""
    if not ports.master.get(kind, id=org_id):
        raise NotFound("机构不存在", code="org_not_found")
    key = f"{slot}s/{kind}/{org_id}/{hashlib.sha256(png).hexdigest()[:24]}.png"
    ports.files.put(key, png, "image/png")
    ports.master.set_fields(kind, {"id": org_id}, **fields, **{_FIELD[slot]: key})
    return key
