"""Verification by upload is public, so every file it gets may be an attack: a signature carrying a lattice
of certificates (a chain builder would try width**depth paths) and a PDF whose object streams decode to
hundreds of megabytes are answered `unknown`, from bounded work and memory."""
import base64
import datetime as dt
import io
import json
import os
import random
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

import requests
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import CertificateRegistry, SimpleCertificateStore
from reportlab.pdfgen import canvas

MB = 1024 * 1024


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# ---- a lattice of certificates -----------------------------------------------------------------------

def _cert(subject: str, issuer: str, key, signed_by, ca: bool) -> x509.Certificate:
    now = dt.datetime.now(dt.timezone.utc)
    return (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(signed_by, hashes.SHA256()))


def _asn1(cert: x509.Certificate) -> ax509.Certificate:
    return ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def path_bomb(width: int, depth: int) -> tuple[bytes, set[str]]:
    """A PDF signed by a key whose certificate names its issuer L1, carrying `width` certificates named
    L1 issued by L2, as many L2 issued by L3, and so on to L`depth`: width**depth chains, none reaching
    the platform CA. Returns the PDF and the lattice's subject names."""
    def key():
        return ec.generate_private_key(ec.SECP256R1())
    levels = [[key() for _ in range(width)] for _ in range(depth)]
    lattice = [_cert(f"L{i + 1}", f"L{i + 2}", k, levels[i + 1][0] if i + 1 < depth else key(), ca=True)
               for i, level in enumerate(levels) for k in level]
    signer_key = key()
    signer_cert = _cert("验证攻击", "L1", signer_key, levels[0][0], ca=False)
    page = io.BytesIO()
    sheet = canvas.Canvas(page)
    sheet.drawString(72, 720, "not a certificate")
    sheet.save()
    pem = signer_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())
    signer = signers.SimpleSigner(signing_cert=_asn1(signer_cert),
                                  signing_key=load_private_key_from_pemder_data(pem, None),
                                  cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in lattice]))
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(page.getvalue())),
                           signers.PdfSignatureMetadata(field_name="Sig"), signer=signer)
    return out.getvalue(), {f"L{i + 1}" for i in range(depth)}


def test_a_path_bomb_is_answered_unknown_without_building_its_chains(api, figures, monkeypatch):
    pdf, lattice = path_bomb(7, 7)
    assert len(pdf) < 200 * 1024
    lookups = []       # the chain builder asks the registry for a certificate's potential issuers
    real = CertificateRegistry.find_potential_issuers
    monkeypatch.setattr(CertificateRegistry, "find_potential_issuers",
                        lambda self, cert, *a, **kw: lookups.append(cert) or real(self, cert, *a, **kw))
    started = time.monotonic()
    out = api.post("/verify/pdf", json={"pdf_base64": b64(pdf)}).json()
    figures["7x7 path bomb answered, ms"] += round((time.monotonic() - started) * 1000)
    assert out["result"] == "unknown" and out["certificate"] is None
    assert not out["signature"]["trusted"] and "证书过多" in out["signature"]["reason"]
    assert out["result_label"] == out["signature"]["reason"]
    assert not {c.subject.native.get("common_name") for c in lookups} & lattice, "the file's certificates were used"
    assert len(lookups) <= 1
    # A smaller lattice, under the bound, is examined: the signer is not the platform's, and still no
    # certificate the file brought is looked at.
    small, lattice = path_bomb(2, 3)
    out = api.post("/verify/pdf", json={"pdf_base64": b64(small)}).json()
    assert out["result"] == "unknown" and out["signature"]["intact"] and not out["signature"]["trusted"]
    assert "平台根证书" in out["signature"]["reason"]
    assert not {c.subject.native.get("common_name") for c in lookups} & lattice
    figures["hostile inputs tried"] += 2


# ---- object streams that decode to much more than they weigh -----------------------------------------

def objstm_bomb(streams: int = 6, decoded: int = 56 * MB) -> bytes:
    """A PDF whose form fields each sit in their own compressed object stream, padded to decode to
    `decoded` bytes at a ratio under 100 (under pyHanko's default per-stream ratio limit), so reading
    the fields decodes every stream."""
    rng = random.Random(14)
    stride = 350     # one random byte in 350: a ratio of about 90
    block = b"".join(b" " * (stride - 1) + bytes([rng.randrange(256)]) for _ in range(MB // stride))
    out = io.BytesIO()
    offsets = {}

    def obj(num: int, body: bytes) -> None:
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n" % num + body + b"\nendobj\n")

    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    fields = b" ".join(b"%d 0 R" % (100 + i) for i in range(streams))
    obj(1, b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [" + fields + b"] >> >>")
    obj(2, b"<< /Type /Pages /Kids [] /Count 0 >>")
    for i in range(streams):
        head = b"%d 0 " % (100 + i)
        body = b"<< /FT /Sig /T (f%d) >>" % i
        data = zlib.compress(head + body + block * (decoded // MB), 6)
        assert decoded / len(data) < 100
        obj(3 + i, b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (len(head), len(data)) + data + b"\nendstream")
    xref = 3 + streams
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
    for num in range(1, xref):
        rows.append(b"\x01" + offsets[num].to_bytes(4, "big") + b"\x00\x00")
    rows.append(b"\x01" + out.tell().to_bytes(4, "big") + b"\x00\x00")
    rows += [b"\x02" + (3 + i).to_bytes(4, "big") + b"\x00\x00" for i in range(streams)]
    table = b"".join(rows)
    start = out.tell()
    obj(xref, b"<< /Type /XRef /Size %d /Root 1 0 R /W [1 4 2] /Index [0 %d 100 %d] /Length %d >>\nstream\n"
        % (100 + streams, xref + 1, streams, len(table)) + table + b"\nendstream")
    out.write(b"startxref\n%d\n%%%%EOF\n" % start)
    return out.getvalue()


def _resident() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_object_stream_bombs_are_answered_within_bounded_memory(api, figures):
    pdf = objstm_bomb()
    assert len(pdf) < 4 * MB
    out = api.post("/verify/pdf", json={"pdf_base64": b64(pdf)}).json()
    assert out["result"] == "unknown" and not out["signature"]["signed"]
    # Ten at once (the API serves them on threads of this very process): watch its resident memory. The
    # clients share one request body, so what grows is the server's.
    body = json.dumps({"pdf_base64": b64(pdf)}).encode()
    peak, stop = [_resident()], threading.Event()
    before = peak[0]

    def watch():
        while not stop.wait(0.005):
            peak.append(_resident())
    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(lambda _: requests.post(api.base + "/verify/pdf", data=body, timeout=120,
                                                            headers={"Content-Type": "application/json"}),
                                    range(10)))
    finally:
        stop.set()
        watcher.join()
    assert [a.json()["result"] for a in answers] == ["unknown"] * 10
    figures["10 objstm bombs: peak RSS, MB"] += round(max(peak) / MB)
    figures["10 objstm bombs: RSS growth, MB"] += round((max(peak) - before) / MB)
    figures["hostile inputs tried"] += 11
    assert max(peak) - before < 640 * MB       # each decoding them all: 10 × 352 MB
