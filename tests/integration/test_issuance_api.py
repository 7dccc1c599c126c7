"""Issuance on the local stack: the worker is driven by the SQS poller exactly as Lambda would drive it."""
import hashlib
import io
import zipfile

import requests
from openpyxl import load_workbook
from pypdf import PdfReader

from chalicelib.domain import certno
from chalicelib.services import certificate_making
from chalicelib.store import masterdata

from .conftest import assert_error
from .signoff import fresh_plan, ready, wait_for

RARE = ("王堃", "林𠇔")        # 堃 is in the primary font; 𠇔 (Extension B) only in the fallback


def issue(api, ids, method="electronic"):
    r = api.post("/records/issue", as_="teo", json={"record_ids": ids, "method": method})
    assert r.status_code == 202, r.text
    return r.json()


def fetch_pdf(api, rid, as_="teo") -> tuple[dict, bytes]:
    link = api.get(f"/records/{rid}/certificate", as_=as_)
    assert link.status_code == 200, link.text
    pdf = requests.get(link.json()["url"], timeout=10)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    return link.json(), pdf.content


def fonts_embedded(reader: PdfReader) -> set[str]:
    names = set()
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        for desc in font.get("/DescendantFonts", [font]):
            descriptor = desc.get_object().get("/FontDescriptor")
            if descriptor and "/FontFile2" in descriptor.get_object():
                names.add(str(desc.get_object()["/BaseFont"]))
    return names


def test_electronic_and_paper_certificates_are_stamped_stored_and_readable(api):
    plan = fresh_plan(api, per_site=3, sites=("ncut",), prefer=RARE)
    ids = ready(api, plan)
    names = {c["candidate_no"]: c["name"] for c in plan["candidates"]["ncut"]}
    out = issue(api, ids[:2], "electronic")
    assert sorted(out["applied"]) == sorted(ids[:2]) and out["skipped"] == []
    issue(api, ids[2:], "paper")
    assert wait_for(api, ids, {"ISSUED", "STAMP_FAILED"}) == {i: "ISSUED" for i in ids}
    numbers = set()
    for rid in ids:
        record = api.get(f"/records/{rid}", as_="teo").json()
        meta, pdf = fetch_pdf(api, rid)
        assert meta["sha256"] == hashlib.sha256(pdf).hexdigest() and meta["version"] == 1
        assert certno.is_valid(meta["cert_no"]) and meta["cert_no"] == record["certificate"]["cert_no"]
        numbers.add(meta["cert_no"])
        reader = PdfReader(io.BytesIO(pdf))
        text = reader.pages[0].extract_text()
        name = names[record["candidate"]["candidate_no"]]
        assert name in text and meta["cert_no"] in text and "信息化应用职业技能等级证书" in text
        assert fonts_embedded(reader), "the CJK font must be embedded"
        images = len(reader.pages[0].images)
        photo = api.get(f"/candidates/{record['candidate']['candidate_no']}/photo", as_="admin").status_code == 200
        assert images == (3 if meta["method"] == "electronic" else 2) + photo  # seal, 2 stamps (paper: stamps), photo
        assert [e["action"] for e in record["events"]][-2:] == ["issue", "stamped"]
    assert len(numbers) == 3
    # Both rare names were printed, the Extension B one with the fallback font.
    texts = "".join(PdfReader(io.BytesIO(fetch_pdf(api, rid)[1])).pages[0].extract_text() for rid in ids)
    assert all(n in texts for n in RARE)


def test_a_message_delivered_twice_makes_one_certificate(api):
    plan = fresh_plan(api, per_site=2, sites=("bjtu",))
    ids = ready(api, plan)
    issue(api, ids)
    jobs = [{"id": rid, "version": api.get(f"/records/{rid}", as_="teo").json()["version"]} for rid in ids]
    certificate_making.stamp(jobs, 1)          # the same jobs the poller is delivering right now
    certificate_making.stamp(jobs, 1)          # and once more, after they are done
    assert wait_for(api, ids, {"ISSUED"}) == {i: "ISSUED" for i in ids}
    for rid in ids:
        record = api.get(f"/records/{rid}", as_="teo").json()
        assert len(record["versions"]) == 1 and record["certificate"]["pdf_version"] == 1
        assert [e["action"] for e in record["events"]].count("stamped") == 1


def test_issuing_without_the_seal_or_a_stamp_is_refused_up_front_naming_what_is_missing(api):
    from chalicelib.store import records as record_store
    plan = fresh_plan(api, per_site=1, sites=("bjtu", "ncut"))
    ids = ready(api, plan)
    org, college = masterdata.get("orgs", id="zwl"), masterdata.get("colleges", id="ncut")
    masterdata.put("orgs", {**org, "seal_status": None})
    masterdata.put("colleges", {**college, "stamp_key": None})
    try:
        body = {"record_ids": ids, "method": "electronic"}
        err = assert_error(api.post("/records/issue", as_="teo", json=body), 409, "issue_prerequisites_missing")
        assert "电子公章" in err["message"] and "北方工业大学" in err["message"]
        assert "北京交通大学" not in err["message"]
        assert len(err["details"]["missing"]) == 2
        assert api.post("/records/issue/check", as_="teo", json=body).json()["missing"] == err["details"]["missing"]
        # Paper needs no e-seal, only the stamps it prints: still refused for the missing site stamp alone.
        err = assert_error(api.post("/records/issue", as_="teo", json={**body, "method": "paper"}), 409,
                           "issue_prerequisites_missing")
        assert err["details"]["missing"] == ["考核站点“北方工业大学”尚未上传考核站点负责人电子签章"]
        assert {record_store.get(i)["status"] for i in ids} == {"READY"}        # nothing queued, nothing moved
        masterdata.put("colleges", college)
        assert api.post("/records/issue/check", as_="teo", json={**body, "method": "paper"}).json() == {"missing": []}
        assert issue(api, ids, "paper")["applied"]
    finally:
        masterdata.put("orgs", org)
        masterdata.put("colleges", college)
    assert wait_for(api, ids, {"ISSUED", "STAMP_FAILED"}) == {i: "ISSUED" for i in ids}


def test_a_stamp_lost_after_issue_fails_with_a_reason_then_reissue_makes_version_two_with_the_same_number(api):
    plan = fresh_plan(api, per_site=1, sites=("ncut",))
    (rid,) = ready(api, plan)
    college = masterdata.get("colleges", id="ncut")
    masterdata.put("colleges", {**college, "stamp_key": "stamps/ncut/gone.png"})      # its file is missing
    try:
        issue(api, [rid])
        assert wait_for(api, [rid], {"STAMP_FAILED", "ISSUED"}) == {rid: "STAMP_FAILED"}
    finally:
        masterdata.put("colleges", college)
    failed = api.get(f"/records/{rid}", as_="teo").json()
    assert "签章" in failed["reason"] and "重新上传" in failed["reason"]
    assert failed["actions"] == ["view", "reissue"]
    assert_error(api.get(f"/records/{rid}/certificate", as_="teo"), 404, "certificate_not_ready")
    # 重新发放: back to 证书待发放, then issue again.
    assert api.post("/records/reissue", as_="teo", json={"record_ids": [rid]}).json()["applied"] == [rid]
    issue(api, [rid])
    assert wait_for(api, [rid], {"ISSUED", "STAMP_FAILED"}) == {rid: "ISSUED"}
    first = api.get(f"/records/{rid}", as_="teo").json()["certificate"]
    # Re-issue an issued certificate: a new PDF version, the same number and award date.
    api.post("/records/reissue", as_="teo", json={"record_ids": [rid]})
    issue(api, [rid], "paper")
    assert wait_for(api, [rid], {"ISSUED", "STAMP_FAILED"}) == {rid: "ISSUED"}
    record = api.get(f"/records/{rid}", as_="teo").json()
    second = record["certificate"]
    assert second["pdf_version"] == 2 and second["cert_no"] == first["cert_no"]
    assert second["award_date"] == first["award_date"] and second["method"] == "paper"
    assert [(v["version"], v["superseded"]) for v in record["versions"]] == [(1, True), (2, False)]
    meta, pdf = fetch_pdf(api, rid)
    assert meta["version"] == 2 and meta["sha256"] == second["sha256"] == hashlib.sha256(pdf).hexdigest()


def test_only_ready_records_are_issued_and_others_are_reported(api):
    plan = fresh_plan(api, per_site=2, sites=("bjtu",))
    ids = ready(api, plan)
    out = issue(api, ids[:1] + ["0" * 24])
    assert out["applied"] == ids[:1] and out["skipped"] == [{"id": "0" * 24, "reason": "发证记录不存在"}]
    wait_for(api, ids[:1], {"ISSUED"})
    err = assert_error(api.post("/records/issue", as_="teo", json={"record_ids": ids[:1], "method": "electronic"}),
                       409, "nothing_to_do")
    assert "完成发放" in err["details"]["skipped"][0]["reason"]
    assert_error(api.post("/records/issue", as_="college", json={"record_ids": ids, "method": "paper"}), 403)
    assert_error(api.post("/records/issue", as_="teo", json={"record_ids": ids, "method": "fax"}), 400)


def test_batch_download_is_one_zip_with_a_manifest(api):
    plan = fresh_plan(api, per_site=3, sites=("bjtu",))
    ids = ready(api, plan)
    issue(api, ids)
    wait_for(api, ids, {"ISSUED"})
    started = api.post("/downloads", as_="college", json={"filter": {"plan_id": plan["plan_id"]}})
    assert started.status_code == 202, started.text
    job = started.json()
    for _ in range(100):
        job = api.get(f"/downloads/{job['id']}", as_="college").json()
        if job["status"] in ("done", "failed"):
            break
        import time
        time.sleep(0.2)
    assert job["status"] == "done" and job["total"] == job["done"] == 3
    assert_error(api.get(f"/downloads/{job['id']}", as_="college2"), 404)
    archive = zipfile.ZipFile(io.BytesIO(requests.get(job["url"], timeout=10).content))
    pdfs = [i for i in archive.infolist() if i.filename.endswith(".pdf")]
    assert len(pdfs) == 3 and all(i.compress_type == zipfile.ZIP_STORED for i in pdfs)
    sheet = load_workbook(io.BytesIO(archive.read("证书清单.xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "证书编号" and len(rows) == 4
    for row in (dict(zip(rows[0], r, strict=True)) for r in rows[1:]):
        assert hashlib.sha256(archive.read(row["文件名"])).hexdigest() == row["SHA-256"]
        assert "*********" in row["身份证号"]


def test_export_has_every_column_and_neutralises_formulas(api):
    rogue = {"candidate_no": "3" * 26, "name": "=HYPERLINK(\"http://x\",\"点我\")", "id_number": "11010519491231002X",
             "student_type": "社会考生", "college_id": "bjtu"}
    assert api.post("/admin/master/candidates", as_="admin", json=rogue).status_code == 200
    plan = fresh_plan(api, per_site=1, sites=("bjtu",))
    api.post("/admin/master/results", as_="admin", json={
        "candidate_no": "3" * 26, "plan_id": plan["plan_id"], "level": "中级", "site_id": "bjtu", "passed": "已通过"})
    ids = ready(api, plan)
    assert len(ids) == 2
    r = api.post("/exports", as_="teo", json={"filter": {"plan_id": plan["plan_id"]}})
    assert r.status_code == 200 and r.json()["count"] == 2
    sheet = load_workbook(io.BytesIO(requests.get(r.json()["url"], timeout=10).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "考生编号", "考生姓名", "身份证号") and "颁证状态" in rows[0]
    names = [row[2] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://x\",\"点我\")" in names
    assert all(not str(cell).startswith("=") for row in rows for cell in row if cell is not None)
    assert all("*********" in row[3] for row in rows[1:])
    assert {row[15] for row in rows[1:]} == {"证书待发放"}


def test_public_verification_by_number_and_id_and_by_qr_code(api):
    plan = fresh_plan(api, per_site=1, sites=("bjtu",))
    (rid,) = ready(api, plan)
    issue(api, [rid])
    wait_for(api, [rid], {"ISSUED"})
    record = masterdata_record(rid)
    no, id_no, code = record["cert_no"], record["id_number"], record["verification_code"]
    hit = api.get(f"/verify?cert_no={no}&id_no={id_no.lower()}")
    assert hit.status_code == 200, hit.text
    facts = hit.json()
    assert facts["status"] == "valid" and facts["cert_no"] == no and facts["issuing_org"] == "中物联物流"
    assert facts["name"].endswith("*") and facts["name"] != record["candidate_name"]
    assert facts["sha256"] == record["pdf_sha256"] and "id_number" not in facts
    wrong_id = assert_error(api.get(f"/verify?cert_no={no}&id_no=11010519491231002X"), 404)
    other_no = certno.make(2026, 9_999_999_999)
    wrong_no = assert_error(api.get(f"/verify?cert_no={other_no}&id_no={id_no}"), 404)
    assert wrong_id == wrong_no                         # never says which half was wrong
    typo = no[:-1] + ("0" if no[-1] != "0" else "1")
    assert_error(api.get(f"/verify?cert_no={typo}&id_no={id_no}"), 400, "invalid_cert_no")
    assert api.get(f"/verify/{no}?code={code}").json()["cert_no"] == no
    assert "二维码" in assert_error(api.get(f"/verify/{no}?code=WRONGCODE0"), 404, "certificate_not_found")["message"]
    # The QR code's link is printed on the certificate itself.
    assert certificate_making.verify_url(no, code, 1).endswith(f"/verify/{no}?code={code}&v=1")


def test_verification_is_throttled(api, monkeypatch):
    import uuid

    from chalicelib.store import throttle
    key, now = f"test#{uuid.uuid4().hex}", 1_800_000_000.0
    assert all(throttle.allow(key, 30, 60, now=now + i) for i in range(30))     # 30 in one minute pass
    assert not throttle.allow(key, 30, 60, now=now + 31)                         # the 31st does not
    assert throttle.allow(key, 30, 60, now=now + 60)                             # the next minute does
    monkeypatch.setenv("SKILLCERT_VERIFY_LIMIT", "0")
    err = assert_error(api.get(f"/verify?cert_no={certno.make(2026, 1)}&id_no=11010519491231002X"), 429)
    assert "频繁" in err["message"]


def test_the_candidate_sees_and_downloads_only_their_own_certificates(api):
    mine = api.get("/my/certificates", as_="student")
    assert mine.status_code == 200
    items = mine.json()["items"]
    assert items and all(i["status"] == "valid" for i in items)
    meta, pdf = fetch_pdf(api, items[0]["record_id"], as_="student")
    assert meta["cert_no"] == items[0]["cert_no"]
    # 查验 from the candidate's space opens the public page as scanning the certificate's QR code would.
    mine_verified = api.get(f"/verify/{items[0]['cert_no']}?code={items[0]['verification_code']}")
    assert mine_verified.status_code == 200 and mine_verified.json()["status"] == "valid"
    others = api.get("/records?status=ISSUED&college_id=bjtu", as_="teo").json()["items"]
    if others:
        assert_error(api.get(f"/records/{others[0]['id']}/certificate", as_="student"), 404)
    assert_error(api.get("/my/certificates", as_="teo"), 403)


def masterdata_record(rid: str) -> dict:
    from chalicelib.store import records
    return records.get(rid)


def test_the_printed_qr_code_scans_to_the_verification_link(api, running, tmp_path):
    """Checked from outside: poppler rasterises the certificate, zbar reads its QR code."""
    import subprocess
    plan = fresh_plan(api, per_site=1, sites=("bjtu",))
    (rid,) = ready(api, plan)
    issue(api, [rid])
    assert wait_for(api, [rid], {"ISSUED", "STAMP_FAILED"}) == {rid: "ISSUED"}, \
        api.get(f"/records/{rid}", as_="teo").json()["reason"]
    _, pdf = fetch_pdf(api, rid)
    (tmp_path / "cert.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "200", str(tmp_path / "cert.pdf"), str(tmp_path / "page")], check=True)
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page-1.png")], capture_output=True,
                             text=True, check=True).stdout.strip()
    record = masterdata_record(rid)
    assert scanned == f"{running.url}/verify/{record['cert_no']}?code={record['verification_code']}&v=1"
    path = scanned[len(running.url):]
    facts = requests.get(running.api + path, timeout=10).json()
    assert facts["cert_no"] == record["cert_no"] and facts["status"] == "valid"
    page = requests.get(scanned, timeout=10)          # the UI's shell; its verify screen is tested in tests/e2e
    assert page.status_code == 200 and '<div id="app">' in page.text


def test_a_failure_that_lasts_ends_stamp_failed_on_the_last_delivery(api, monkeypatch):
    from chalicelib import files
    real_put = files.put

    def s3_down_for_certificates(key, *args, **kwargs):
        if key.startswith("certificates/"):
            raise ConnectionError("S3 unreachable")
        return real_put(key, *args, **kwargs)

    plan = fresh_plan(api, per_site=2, sites=("bjtu",))
    ids = ready(api, plan)
    monkeypatch.setattr(files, "put", s3_down_for_certificates)
    issue(api, ids)
    assert wait_for(api, ids, {"STAMP_FAILED", "ISSUED"}, timeout=60) == {i: "STAMP_FAILED" for i in ids}
    record = api.get(f"/records/{ids[0]}", as_="teo").json()
    assert record["reason"].startswith("多次重试仍失败") and "S3 unreachable" in record["reason"]
    assert record["events"][-1]["actor"] == "system" and record["events"][-1]["action"] == "stamp_fail"


def test_a_worker_that_keeps_crashing_sends_the_job_to_the_dead_letter_queue_which_fails_it(api, monkeypatch):
    plan = fresh_plan(api, per_site=1, sites=("bjtu",))
    ids = ready(api, plan)

    def crash(jobs, attempt):
        raise RuntimeError("worker crashed")

    monkeypatch.setattr(certificate_making, "stamp", crash)
    issue(api, ids)
    assert wait_for(api, ids, {"STAMP_FAILED", "ISSUED"}, timeout=60) == {i: "STAMP_FAILED" for i in ids}
    assert api.get(f"/records/{ids[0]}", as_="teo").json()["reason"] == "多次重试仍未完成盖章，请重新发放"


def test_odd_input_to_verification_is_a_clean_404_or_400(api):
    from chalicelib.store import records
    issued = api.get("/records?status=ISSUED", as_="teo").json()["items"][0]
    no = records.get(issued["id"])["cert_no"]
    unknown = certno.make(2026, 9_999_999_998)
    for cert, id_no in ((no, "张"), (unknown, "张"), (no, "é" * 500), (no, "")):
        assert_error(api.get("/verify", params={"cert_no": cert, "id_no": id_no}), 404, "certificate_not_found")
    assert_error(api.get(f"/verify/{no}", params={"code": "é"}), 404)
    assert_error(api.get("/verify", params={"cert_no": "SC٢٠٢٦00000000017", "id_no": "1"}), 400, "invalid_cert_no")


def test_a_record_whose_job_was_lost_is_swept_to_stamp_failed(api, monkeypatch):
    from chalicelib import jobqueue
    plan = fresh_plan(api, per_site=1, sites=("bjtu",))
    (rid,) = ready(api, plan)
    monkeypatch.setattr(jobqueue, "send", lambda bodies: [])     # "sent", but nothing reached SQS
    issue(api, [rid])
    monkeypatch.undo()
    assert api.get(f"/records/{rid}", as_="teo").json()["status"] == "GENERATING"
    assert certificate_making.sweep(older_than_minutes=30) == 0           # too young to be given up on
    assert certificate_making.sweep(older_than_minutes=0) >= 1
    record = api.get(f"/records/{rid}", as_="teo").json()
    assert record["status"] == "STAMP_FAILED" and record["reason"] == "证书生成超时，请重新发放"


def test_the_same_message_handled_twice_and_a_stale_one_change_nothing_more(api, monkeypatch):
    import json as _json

    from chalicelib import jobqueue
    from chalicelib.services import jobs
    plan = fresh_plan(api, per_site=2, sites=("bjtu",))
    ids = ready(api, plan)
    captured = []
    monkeypatch.setattr(jobqueue, "send", lambda bodies: captured.extend(bodies) or [])
    issue(api, ids)
    monkeypatch.undo()
    (body,) = captured
    event = {"Records": [{"messageId": "m1", "receiptHandle": "r1", "body": _json.dumps(body),
                          "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {},
                          "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:cn-north-1:0:q"}]}
    assert jobs.handle(event, None) == {"batchItemFailures": []}
    first = {rid: api.get(f"/records/{rid}", as_="teo").json() for rid in ids}
    assert all(r["status"] == "ISSUED" for r in first.values())
    assert jobs.handle(event, None) == {"batchItemFailures": []}          # delivered again
    stale = {**body, "jobs": [{**j, "version": j["version"] - 1} for j in body["jobs"]]}
    event["Records"][0]["body"] = _json.dumps(stale)
    assert jobs.handle(event, None) == {"batchItemFailures": []}          # an older issue's job
    for rid in ids:
        now = api.get(f"/records/{rid}", as_="teo").json()
        assert now["version"] == first[rid]["version"] and len(now["versions"]) == 1
        assert now["certificate"]["cert_no"] == first[rid]["certificate"]["cert_no"]
