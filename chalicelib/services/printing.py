"""Paper certificates on pre-printed stock: a TEO's print calibration (机构管理 → 打印校准), the calibration
page to check it with, and the print preview (套打预览) over the stock: of a sample certificate, and of an
issued paper certificate.

Rendering is imported inside the functions: the API process loads reportlab only when it draws a page."""
import functools
import io
import uuid

from .. import ports
from ..domain import photocheck, printed, printing
from ..domain.access import Principal, Role, requires
from ..domain.errors import Conflict
from ..domain.workflow import Status
from . import masterdata, scope

TEMPLATE = "default"


def _org(principal: Principal, org_id: str) -> dict:
    return masterdata.get_profile(principal, "orgs", org_id)       # another TEO's: 404


@requires(Role.ADMIN, Role.TEO)
def get(principal: Principal, org_id: str) -> dict:
    return printing.settings(_org(principal, org_id))


@requires(Role.ADMIN, Role.TEO)
def put(principal: Principal, org_id: str, values: dict) -> dict:
    """Every paper certificate stamped after this applies the new calibration."""
    _org(principal, org_id)
    ports.master.set_fields("orgs", {"id": org_id}, **printing.stored(values))
    return printing.settings(ports.master.get("orgs", id=org_id))


def _link(key_prefix: str, org_id: str, pdf: bytes, filename: str) -> dict:
    key = f"previews/{key_prefix}/{org_id}/{uuid.uuid4().hex}.pdf"
    ports.files.put(key, pdf, "application/pdf")
    return {"url": ports.files.link(key, filename=filename)}


@requires(Role.ADMIN, Role.TEO)
def calibration_page(principal: Principal, org_id: str, values: dict | None) -> dict:
    """打印校准页 with the given calibration (to try before saving it), else the saved one."""
    from ..render import calibration, certificate
    settings = {**printing.settings(_org(principal, org_id)), **(values or {})}
    pdf = calibration.page(TEMPLATE, certificate.Calibration(**settings))
    return _link("calibration", org_id, pdf, "打印校准页.pdf")


@requires(Role.ADMIN, Role.TEO)
def preview(principal: Principal, org_id: str) -> dict:
    """套打预览: a sample paper certificate, with the TEO's own stamp when it has one, drawn over the stock."""
    from ..render import certificate, imprints
    org = _org(principal, org_id)
    stamp = ports.files.read(org["stamp_key"]) if org.get("stamp_key") else imprints.name_stamp("样章", "rect")
    images = {"teo_stamp": stamp,
              "site_stamp": imprints.name_stamp("样章", "square"), "photo": sample_photo()}
    pdf = certificate.render(TEMPLATE, "paper", printed.sample(teo_name=org["name"]), images,
                             info={"title": "套打预览（样本）", "author": org["name"]}, stock=True)
    return _link("print-preview", org_id, pdf, "套打预览.pdf")


@requires(Role.TEO)
def record_preview(principal: Principal, rec_id: str) -> dict:
    """套打预览 of one issued paper certificate: its particulars at their places over the stock."""
    from . import certificate_making
    rec = scope.load(principal, rec_id)                       # another TEO's: 404
    if rec["status"] != Status.ISSUED.value or rec.get("method") != "paper":
        raise Conflict("只有已发放的纸质证书可以套打预览", code="not_a_paper_certificate")
    try:
        pdf = certificate_making.print_preview(rec)
    except certificate_making.Unstampable as exc:
        raise Conflict(f"无法生成套打预览：{exc}", code="preview_failed") from None
    return _link("print-preview", rec["teo_id"], pdf, f"套打预览-{rec['cert_no']}.pdf")


@functools.cache
def sample_photo() -> bytes:
    """A stand-in ID photo in the stored form (``photocheck.SIZE``): a drawn head-and-shoulders silhouette
    on the blue of Chinese ID photos, no real face. Previews, the bench and the demo print it."""
    from PIL import Image, ImageDraw
    width, height = photocheck.SIZE
    img = Image.new("RGB", (width, height), (67, 142, 219))
    draw = ImageDraw.Draw(img)
    grey = (72, 76, 88)
    draw.ellipse([width * 0.12, height * 0.68, width * 0.88, height * 1.25], fill=grey)    # shoulders
    draw.rectangle([width * 0.42, height * 0.52, width * 0.58, height * 0.72], fill=grey)   # neck
    draw.ellipse([width * 0.30, height * 0.16, width * 0.70, height * 0.60], fill=grey)    # head
    out = io.BytesIO()
    img.save(out, "JPEG", quality=photocheck.QUALITY)
    return out.getvalue()
