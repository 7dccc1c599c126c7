"""Candidate photos (考生照片): one upload per candidate, a ZIP import for many, and a short-lived link.

Every photo is stored normalised (``photocheck``) at ``photos/<candidate_no>.jpg``, which the certificate
renderer reads; the candidate's ``has_photo`` is set once the object is there, so it follows the stored
photo.
"""
from .. import ports
from ..domain import masterdata as md
from ..domain import photocheck, photozip, uploads
from ..domain.access import COLLEGE_ROLES, Principal, Role
from ..domain.errors import DomainError, NotFound
from ..logs import log

CONTENT_TYPE = "image/jpeg"


def key(candidate_no: str) -> str:
    return f"photos/{candidate_no}.jpg"


def link(candidate_no: str) -> str:
    return ports.files.link(key(candidate_no))


def attach(candidate_no: str, jpeg: bytes) -> None:
    """Store an already normalised photo and mark the candidate as having one."""
    ports.files.put(key(candidate_no), jpeg, CONTENT_TYPE)
    ports.master.set_fields("candidates", {"candidate_no": candidate_no}, has_photo=True)


def attach_many(jpegs: dict[str, bytes]) -> set[str]:
    """Store many normalised photos (candidate number → JPEG) and mark their candidates; returns the
    numbers whose photo could not be stored. The objects go up in parallel and ``has_photo`` is set a
    hundred candidates per transaction, so a ZIP of 300 photos costs 3 table writes."""
    def put(item: tuple[str, bytes]) -> str | None:
        if ports.files.try_put(key(item[0]), item[1], CONTENT_TYPE):
            return None
        log.error("photo not stored", extra={"candidate_no": item[0]})
        return item[0]
    failed = {n for n in ports.thread_map(put, jpegs.items(), 8) if n}
    ports.master.set_many("candidates", [{"candidate_no": n} for n in jpegs if n not in failed], has_photo=True)
    return failed


def _candidate(principal: Principal, candidate_no: str, roles: tuple[Role, ...]) -> dict:
    """The candidate, if the caller may act on it: the admin, or ``roles`` of the candidate's own college.
    Anyone else finds nothing, as with another tenant's object."""
    row = ports.master.get("candidates", candidate_no=candidate_no) if md.CANDIDATE_NO.match(candidate_no) else None
    if row and (principal.is_admin or (principal.role in roles and principal.org_id == row["college_id"])):
        return row
    raise NotFound("考生不存在", code="candidate_not_found")


def upload(principal: Principal, candidate_no: str, image_base64: str) -> dict:
    _candidate(principal, candidate_no, (Role.COLLEGE,))
    # Decoded up to twice the limit, so the photo check says "too large" in its own words.
    jpeg = photocheck.normalise(uploads.decode(image_base64, "照片", photocheck.MAX_BYTES * 2))
    attach(candidate_no, jpeg)
    return {"candidate_no": candidate_no, "has_photo": True, "width": photocheck.SIZE[0],
            "height": photocheck.SIZE[1], "url": link(candidate_no)}


def get_link(principal: Principal, candidate_no: str) -> dict:
    row = _candidate(principal, candidate_no, tuple(COLLEGE_ROLES))
    if not row.get("has_photo"):
        raise NotFound("该考生尚未上传照片", code="photo_not_found")
    return {"url": link(candidate_no), "expires_in": ports.files.LINK_SECONDS}


# ---- the ZIP import -----------------------------------------------------------------------------------

def _owners(found: list[photozip.Entry]) -> dict[tuple[str, str], list[dict]]:
    """The candidates each file name points at. An ID number names every candidate number of that person."""
    keys = {e.key for e in found if e.key}
    numbers = [v for k, v in keys if k == "candidate_no"]
    owners: dict[tuple[str, str], list[dict]] = {}
    for row in ports.master.get_many("candidates", [{"candidate_no": n} for n in numbers]):
        owners[("candidate_no", row["candidate_no"])] = [row]
    if any(k == "id_number" for k, _ in keys):
        for college in ports.master.list_all("colleges"):
            for row in ports.master.candidates_of_college(college["id"]):
                if ("id_number", row.get("id_number")) in keys:
                    owners.setdefault(("id_number", row["id_number"]), []).append(row)
    return owners


def _refuse(entry: photozip.Entry, code: str, message: str) -> None:
    entry.error = photozip.EntryError(code, message)


def import_zip(file_base64: str) -> dict:
    """照片导入: each file of the ZIP is checked, matched and stored on its own; the answer lists every
    imported file with its candidates and every refused one with the reason and what to fix."""
    data = uploads.decode(file_base64, "压缩包", photozip.MAX_ZIP_BYTES * 2)
    archive, found = photozip.entries(data)
    owners = _owners(found)
    claimed: dict[str, list[photozip.Entry]] = {}
    for entry in found:
        if entry.error:
            continue
        matches = owners.get(entry.key)
        if not matches:
            what = "考生编号" if entry.key[0] == "candidate_no" else "身份证号"
            _refuse(entry, "candidate_not_found", f"未找到{what}为{entry.key[1]}的考生，请核对文件名")
            continue
        for row in matches:
            claimed.setdefault(row["candidate_no"], []).append(entry)
    for number, entries in claimed.items():
        if len(entries) > 1:              # which one is right cannot be told: none is used
            names = "、".join(e.name for e in entries)
            for entry in entries:
                _refuse(entry, "duplicate", f"多个文件对应同一考生（{number}）：{names}；请只保留一张后重新导入")
    jpegs: dict[str, bytes] = {}
    pixels_left = photozip.MAX_PIXELS
    for entry in found:
        if entry.error:
            continue
        try:
            data = photozip.read(archive, entry)
            pixels = photocheck.declared_pixels(data)
            if pixels > pixels_left:
                raise photozip.EntryError("zip_too_many_pixels", "压缩包内照片的像素总量超过1.5亿像素的上限，"
                                          "本文件未处理；请将大尺寸照片缩小后分批导入")
            pixels_left -= pixels
            jpeg = photocheck.normalise(data)
        except photozip.EntryError as exc:
            entry.error = exc
            continue
        except DomainError as exc:
            _refuse(entry, exc.code, exc.message)
            continue
        jpegs.update((row["candidate_no"], jpeg) for row in owners[entry.key])
    failed = attach_many(jpegs)
    imported = []
    for entry in found:
        if entry.error:
            continue
        rows = owners[entry.key]
        if any(row["candidate_no"] in failed for row in rows):
            _refuse(entry, "store_failed", "照片保存失败（存储服务暂时不可用），请稍后单独重新导入该文件")
        imported += [{"file": entry.name, "candidate_no": row["candidate_no"], "candidate_name": row.get("name", "")}
                     for row in rows if row["candidate_no"] not in failed]
    errors = [{"file": e.name, "code": e.error.code, "message": e.error.message} for e in found if e.error]
    return {"imported": len(found) - len(errors), "errors": errors, "total": len(found), "photos": imported}
