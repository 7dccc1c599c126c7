"""Issuance figures: rendering speed beside a minimal reportlab page with the same content, zipping
1,000 PDFs, and 1,000 certificates issued end to end on the embedded stack with the requests they make."""
import io
import time
import zipfile

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from bench.signoff import _records, _split
from chalicelib.domain import printed
from devstack import aws

FIELDS = {**printed.sample(candidate_name="王堃", teo_name="中物联物流", site_name="北京交通大学"),
          "cert_no": "SC20260000000001X",
          "verify_url": "https://skillcert.example.cn/verify/SC20260000000001X?code=ABCDEFGHIJ"}


def _per_second(fn, n: int) -> float:
    fn()                                   # warm: fonts and images load once per process
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - started)


def sealed_per_second(images: dict, n: int) -> float:
    """Sealed electronic certificates per second on one core: the page, its signoff.json (about its real
    size) and one PAdES signature through kms:Sign on the embedded AWS."""
    from chalicelib import pades_seal, pki
    from chalicelib.render import certificate
    serial = pki.issue_seal("bench-seal", "基准机构")["serial"]
    evidence = ("signoff.json", "两方在线签发确认的证据", b'{"signoffs": []}' * 40)
    return _per_second(lambda: pades_seal.sign(certificate.render("default", "electronic", FIELDS, images),
                                            serial, attachment=evidence), n)


def ready_batch(images: dict, n: int) -> list[dict]:
    """A TEO with its e-seal and stamps, a site with its stamp, and ``n`` READY records of theirs."""
    from chalicelib import pki
    from chalicelib.services import imprint_files
    from chalicelib.store import masterdata
    from chalicelib.store import records as record_store
    masterdata.put("orgs", {"id": "bench-teo", "name": "基准机构"})
    masterdata.put("colleges", {"id": "s1", "name": "基准院校"})
    serial = pki.issue_seal("bench-teo", "基准机构")["serial"]
    imprint_files.store_image("orgs", "bench-teo", "seal", images["seal"], seal_serial=serial, seal_status="active")
    imprint_files.store_image("orgs", "bench-teo", "stamp", images["teo_stamp"])
    imprint_files.store_image("colleges", "s1", "stamp", images["site_stamp"])
    batch = [{**r, "status": "READY", "signed": True} for r in _records(n, "bench-teo", ["s1"])]
    record_store.bulk_load(batch)
    return batch


def _minimal(images: dict) -> bytes:
    """The same strings, fonts, images and QR drawn with plain reportlab calls: the speed to compare to."""
    from chalicelib.render import certificate, text
    out = io.BytesIO()
    c = Canvas(out, pagesize=(841.89, 595.28), pageCompression=1)
    for e in certificate.layout("default")["elements"]:
        if e["type"] == "text":
            c.setFont(text.PRIMARY, e["size"])
            c.drawString(e["x"], e["y"], e["text"].format(**FIELDS))
        elif e["type"] == "fields":
            c.setFont(text.PRIMARY, e["size"])
            for i, (label, value) in enumerate(e["rows"]):
                c.drawString(e["x"], e["y"] - i * e["leading"], f"{label}：{value.format(**FIELDS)}")
        elif e["type"] == "image":
            c.saveState()
            if e["slot"] in certificate.INK_SLOTS:
                c.setBlendMode("Multiply")
            c.drawImage(ImageReader(io.BytesIO(images[e["slot"]])), e["x"], e["y"], e["w"], e["h"], mask="auto")
            c.restoreState()
        elif e["type"] == "qr":
            certificate._qr_path(c, FIELDS["verify_url"], e["x"], e["y"], e["size"])
    c.showPage()
    c.save()
    return out.getvalue()


def run() -> tuple[list[str], dict]:
    aws.start_moto(aws.free_port())
    aws.create_resources()
    from chalicelib.render import certificate, imprints, text
    from chalicelib.services import printing
    text.font(text.PRIMARY)
    images = {"seal": imprints.official_seal("中物联物流"), "teo_stamp": imprints.name_stamp("张明", "rect"),
              "site_stamp": imprints.name_stamp("王芳", "square"), "photo": printing.sample_photo()}
    lines, figures = [], {}
    baseline = _per_second(lambda: _minimal(images), 200)
    for method in ("electronic", "paper"):
        rate = _per_second(lambda m=method: certificate.render("default", m, FIELDS, images), 200)
        lines.append(f"render {method} (photo; seal and stamps blended as ink): {rate:.0f} certificates/s on "
                     f"one core; minimal reportlab page "
                     f"{baseline:.0f}/s; ratio {rate / baseline:.2f}   (aim ≥ 0.8)")
        figures[f"render_{method}_per_second"] = round(rate)
        figures[f"render_{method}_ratio"] = round(rate / baseline, 2)
    unsigned = _per_second(lambda: certificate.render("default", "electronic", FIELDS, images), 200)
    sealed = sealed_per_second(images, 200)
    lines.append(f"sealed electronic (render + PAdES signature, kms:Sign on the embedded AWS): "
                 f"{sealed:.0f} certificates/s on one core, "
                 f"beside {unsigned:.0f}/s unsigned   (aim ≥ 20 sealed/s)")
    figures["sealed_per_second"] = round(sealed)
    pdf = certificate.render("default", "electronic", FIELDS, images)
    started = time.perf_counter()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as z:
        for i in range(1000):
            z.writestr(f"{i:04d}.pdf", pdf)
    figures["zip_1000_ms"] = round((time.perf_counter() - started) * 1000)
    lines.append(f"ZIP of 1,000 PDFs ({len(buf.getvalue()) / 1e6:.0f} MB, stored): {figures['zip_1000_ms']} ms")
    more, end_to_end = _end_to_end(images)
    return lines + more, {**figures, **end_to_end}


def _end_to_end(images: dict) -> tuple[list[str], dict]:
    """1,000 READY records issued through the service and stamped by the worker via the local poller."""
    from app import app
    from chalicelib import jobqueue
    from chalicelib.domain.access import Principal, Role
    from chalicelib.services import issuance
    from chalicelib.store import records as record_store
    from devstack.poller import SqsPoller

    batch = ready_batch(images, 1000)
    staff = Principal("bench", Role.TEO, org_id="bench-teo")
    poller = SqsPoller(app, wait_seconds=0)
    source = next(s for s in poller.sources() if s.queue == jobqueue.queue_name())
    url = poller._sqs.get_queue_url(QueueName=source.queue)["QueueUrl"]
    before = aws.AWS_CALLS.copy()
    started = time.perf_counter()
    issued = issuance.issue(staff, [r["id"] for r in batch], None, "electronic")
    queued = time.perf_counter() - started
    checks = 0       # the bench's own progress reads (one Query each), not issuance's: left out of the count
    while sum(b.get("ISSUED", 0) for b in record_store.counters("teo", "bench-teo")) < len(issued["applied"]):
        checks += 1
        poller.poll_once(source, url)
    elapsed = time.perf_counter() - started
    calls = aws.AWS_CALLS - before
    reads, writes, sqs = _split(calls)
    reads -= checks + 1
    return ([f"issue 1,000 electronic certificates end to end on the local stack: {elapsed:.1f} s "
             f"(queued in {queued:.1f} s)",
             f"  requests per 1,000 issued: {writes} DynamoDB writes (aim ≤ 110), {reads} reads (aim ≤ 220), "
             f"{sqs} SQS requests (aim ≤ 110)",
             "  by operation: " + ", ".join(f"{op} {n}" for op, n in sorted(calls.items()))],
            {"issue_1000_seconds": round(elapsed, 1), "issue_queued_seconds": round(queued, 1),
             "issue_writes_per_1000": writes, "issue_reads_per_1000": reads, "issue_sqs_per_1000": sqs})
