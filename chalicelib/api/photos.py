"""Candidate photos: one candidate's upload and link, and the admin's ZIP import (照片导入)."""
from chalice import Blueprint

from .. import lazy
from ..domain.access import Role
from . import schemas
from .endpoint import endpoint

photos = lazy.module("chalicelib.services.photos")
bp = Blueprint(__name__)

_NO = "{candidate_no}"


@endpoint(bp, f"/candidates/{_NO}/photo", "PUT", summary="Upload one candidate's photo (JPEG or PNG, portrait "
          "about 3:4, at least 295×413 px, ≤ 2 MB); stored as a 390×520 JPEG", tag="photos",
          body=schemas.obj({"image_base64": {"type": "string", "minLength": 1}}, ["image_base64"]),
          max_body=3 * 1024 * 1024)
def upload_photo(candidate_no, principal, body):
    return photos.upload(principal, candidate_no, body["image_base64"])


@endpoint(bp, f"/candidates/{_NO}/photo", summary="A short-lived link to the candidate's photo", tag="photos")
def get_photo(candidate_no, principal):
    return photos.get_link(principal, candidate_no)


@endpoint(bp, "/admin/import/photos", "POST", summary="照片导入: a ZIP of photos named by ID number or candidate "
          "number (≤ 4 MB, ≤ 300 files, ≤ 64 MB uncompressed)", tag="admin", roles=(Role.ADMIN,),
          body=schemas.obj({"file_base64": {"type": "string", "minLength": 1}}, ["file_base64"]),
          max_body=6 * 1024 * 1024)
def import_photos(principal, body):
    return photos.import_zip(body["file_base64"])
