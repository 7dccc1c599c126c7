"""The two-party sign-off over HTTP: generate, sign, reject and re-sign, delete, counts, audit trail."""
import base64
import io
import threading

import boto3
import requests
from openpyxl import load_workbook
from PIL import Image

from chalicelib import config
from chalicelib.store import records as record_store

from .conftest import assert_error
from .signoff import counts, fresh_plan, generate, sign, signature_png, statuses


def test_full_happy_path_for_a_batch(api):
    plan = fresh_plan(api, per_site=4)
    ids = generate(api, plan)
    assert len(ids) == 8
    assert counts(api, plan) == {"TEO_PENDING": 8, "ALL": 8}
    # The TEO signs everything matching the filter.
    out = sign(api, "teo", "teo_signer", flt={"plan_id": plan["plan_id"]})
    assert out["status"] == "completed" and sorted(out["applied"]) == sorted(ids) and out["skipped"] == []
    assert counts(api, plan) == {"SITE_PENDING": 8, "ALL": 8}
    # Each college signs the records assessed at its own site.
    assert counts(api, plan, as_="college") == {"SITE_PENDING": 4, "ALL": 4}
    bjtu = sign(api, "college", "college_signer", flt={"plan_id": plan["plan_id"]})
    assert len(bjtu["applied"]) == 4
    assert counts(api, plan) == {"SITE_PENDING": 4, "READY": 4, "ALL": 8}
    sign(api, "college2", "college2_signer", flt={"plan_id": plan["plan_id"]})
    assert counts(api, plan) == {"READY": 8, "ALL": 8}
    record = api.get(f"/records/{ids[0]}", as_="teo").json()
    assert [(e["action"], e["from_status"], e["to_status"]) for e in record["events"]] == [
        ("generate", None, "TEO_PENDING"), ("teo_sign", "TEO_PENDING", "SITE_PENDING"),
        ("site_sign", "SITE_PENDING", "READY")]
    assert record["events"][1]["actor"] == "teo_signer" and record["events"][1]["session_id"] == out["id"]
    assert record["signoff"]["teo_signed_by"] == "teo_signer"
    assert record["actions"] == ["view", "issue"]


def test_reject_and_re_sign_on_both_sides(api):
    plan = fresh_plan(api, per_site=2, sites=("bjtu",))
    a, b = generate(api, plan)
    # The TEO's responsible person refuses: a reason is required, and the session stays usable meanwhile.
    opened = api.post("/signing-sessions", as_="teo", json={"action": "sign", "record_ids": [a]}).json()
    err = assert_error(api.post(f"/signing-sessions/{opened['id']}/complete", as_="teo_signer", json={
        "decision": "refuse", "signature_png_base64": signature_png()}), 400, "reason_required")
    assert "理由" in err["message"]
    done = api.post(f"/signing-sessions/{opened['id']}/complete", as_="teo_signer", json={
        "decision": "refuse", "signature_png_base64": signature_png(), "reason": "成绩有误，请核对"}).json()
    assert done["status"] == "refused" and done["applied"] == [a]
    assert done["signer_name"] == "中物联物流 发证机构负责人" and done["created_by_name"] == "中物联物流 业务员"
    rec = api.get(f"/records/{a}", as_="teo").json()
    assert rec["status"] == "TEO_REJECTED" and rec["reason"] == "成绩有误，请核对"
    assert [e["actor_name"] for e in rec["events"]][-1] == "中物联物流 发证机构负责人"    # people, not logins
    assert rec["actions"] == ["view", "resign"]
    # Re-signing after a TEO rejection can only confirm.
    assert_error(api.post("/signing-sessions", as_="teo", json={"action": "reject", "record_ids": [a]}),
                 400, "reason_required")
    assert_error(api.post("/signing-sessions", as_="teo", json={"action": "reject", "record_ids": [a],
                                                                "reason": "仍需核实"}), 409, "nothing_to_do")
    again = api.post("/signing-sessions", as_="teo", json={"action": "sign", "record_ids": [a]}).json()
    assert api.get(f"/signing-sessions/{again['id']}", as_="teo_signer").json()["resign"] is True
    refused = api.post(f"/signing-sessions/{again['id']}/complete", as_="teo_signer", json={
        "decision": "refuse", "signature_png_base64": signature_png(), "reason": "再拒一次"})
    assert_error(refused, 409, "refuse_not_allowed")
    assert api.get(f"/signing-sessions/{again['id']}", as_="teo").json()["status"] == "open"
    sign(api, "teo", "teo_signer", ids=[a, b])
    assert statuses(api, [a, b]) == {a: "SITE_PENDING", b: "SITE_PENDING"}
    # The site rejects (a reject session), rejects again with a new reason, then re-signs.
    out = sign(api, "college", "college_signer", ids=[a], action="reject", reason="考生信息与现场不符")
    assert out["status"] == "completed" and statuses(api, [a]) == {a: "SITE_REJECTED"}
    sign(api, "college", "college_signer", ids=[a], action="reject", reason="仍需核实")
    assert api.get(f"/records/{a}", as_="college").json()["reason"] == "仍需核实"
    declined = sign(api, "college", "college_signer", ids=[b], action="reject", decision="refuse",
                    reason="不拒绝")
    assert declined["status"] == "refused" and declined["applied"] == []
    assert statuses(api, [b]) == {b: "SITE_PENDING"}
    sign(api, "college", "college_signer", ids=[a, b])
    assert statuses(api, [a, b]) == {a: "READY", b: "READY"}
    assert counts(api, plan) == {"READY": 2, "ALL": 2}
    trail = [(e["action"], e["to_status"], e["reason"]) for e in api.get(f"/records/{a}", as_="teo").json()["events"]]
    assert trail == [("generate", "TEO_PENDING", None), ("teo_reject", "TEO_REJECTED", "成绩有误，请核对"),
                     ("teo_sign", "SITE_PENDING", None), ("site_reject", "SITE_REJECTED", "考生信息与现场不符"),
                     ("site_reject", "SITE_REJECTED", "仍需核实"), ("site_sign", "READY", None)]


def test_generate_twice_and_concurrently_creates_no_duplicates(api):
    plan = fresh_plan(api, per_site=6, failed=2)
    preview = api.post("/records/generate/preview", as_="teo", json=plan["body"]).json()
    assert (preview["total"], preview["issuable"], preview["not_issuable"]) == (14, 12, 2)
    results, errors = [], []

    def run():
        r = requests.post(api.base + "/records/generate", json=plan["body"], timeout=60,
                             headers={"Authorization": "Bearer " + api.token("teo")})
        (results if r.status_code == 200 else errors).append(r.json())

    threads = [threading.Thread(target=run) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 5
    assert sum(r["created"] for r in results) == 12
    assert all(r["created"] + r["existing"] == 12 for r in results)
    assert counts(api, plan) == {"TEO_PENDING": 12, "ALL": 12}
    # Generating again changes no existing record, even a signed one.
    first = results[0]["created_ids"] or results[1]["created_ids"]
    sign(api, "teo", "teo_signer", ids=first[:1])
    again = api.post("/records/generate", as_="teo", json=plan["body"]).json()
    assert (again["created"], again["existing"]) == (0, 12)
    assert counts(api, plan) == {"TEO_PENDING": 11, "SITE_PENDING": 1, "ALL": 12}
    assert api.post("/records/generate/preview", as_="teo", json=plan["body"]).json()["existing"] == 12


def test_issuable_and_not_issuable_lists_are_real_xlsx(api):
    plan = fresh_plan(api, per_site=3, failed=1)
    for kind, expected_rows in (("issuable", 6), ("not_issuable", 1)):
        r = api.post("/records/generate/lists", as_="teo", json={**plan["body"], "kind": kind})
        assert r.status_code == 200, r.text
        download = requests.get(r.json()["url"], timeout=10)
        assert download.status_code == 200
        sheet = load_workbook(io.BytesIO(download.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:8] == ("考生编号", "考生姓名", "身份证号", "学生类型", "所属院校", "证书名称",
                               "证书等级", "考证结果")
        assert len(rows) - 1 == expected_rows
        if kind == "not_issuable":
            assert rows[0][8] == "不可发证原因" and rows[1][8] == "考试未通过"
        else:
            assert {row[7] for row in rows[1:]} == {"已通过"}
            assert all(len(row[2]) == 18 for row in rows[1:])


def test_not_issuable_reasons_cover_incomplete_information(api):
    reasons = ""
    for plan_id, cert in (("p0907", "xxhyy"), ("p2109", "xxhyy"), ("psl", "xxhyy"), ("p0908", "jkgl")):
        body = {"exam_year": 2021, "plan_id": plan_id, "certificate_id": cert, "kind": "not_issuable"}
        r = api.post("/records/generate/lists", as_="teo", json=body).json()
        sheet = load_workbook(io.BytesIO(requests.get(r["url"], timeout=10).content)).active
        reasons += " ".join(row[8] for row in list(sheet.iter_rows(values_only=True))[1:])
    for why in ("考生姓名缺失", "身份证号缺失", "校验位错误", "考试未通过", "缺少考生照片"):
        assert why in reasons


def test_candidates_who_failed_are_counted_apart_from_incomplete_information(api):
    plan = fresh_plan(api, per_site=3, failed=2)
    preview = api.post("/records/generate/preview", as_="teo", json=plan["body"]).json()
    assert (preview["failed"], preview["incomplete"]) == (2, 0)
    assert preview["summary"] == "共8人，可发证6人，2人未通过考核"
    assert api.post("/records/generate/preview", as_="teo",
                    json={**plan["body"], "levels": ["中级"]}).json()["summary"] == preview["summary"]
    assert_error(api.post("/records/generate/preview", as_="teo", json={**plan["body"], "levels": ["初级", "中级"]}),
                 400, "plan_level_mismatch")
    # Each count matches the reasons of the 不可发证名单 (failed: 考证结果 未通过).
    for plan_id in ("p0907", "p2109", "psl"):
        body = {"exam_year": 2021, "plan_id": plan_id, "certificate_id": "xxhyy"}
        preview = api.post("/records/generate/preview", as_="teo", json=body).json()
        r = api.post("/records/generate/lists", as_="teo", json={**body, "kind": "not_issuable"}).json()
        rows = list(load_workbook(io.BytesIO(requests.get(r["url"], timeout=10).content)).active.iter_rows(
            values_only=True))[1:]
        assert preview["failed"] == sum(row[7] == "未通过" for row in rows)
        assert preview["incomplete"] == sum(row[7] == "已通过" for row in rows)
        assert preview["total"] == preview["issuable"] + preview["failed"] + preview["incomplete"]
        assert f"{preview['incomplete']}人信息不完善" in preview["summary"] or not preview["incomplete"]
    generated = api.post("/records/generate", as_="teo", json=plan["body"]).json()
    assert generated["failed"] == 2 and generated["summary"] == "已生成6条待发证记录，2人未通过考核"


def test_signing_refused_records_again_is_called_resigning_on_either_side(api):
    plan = fresh_plan(api, per_site=1, sites=("bjtu",))
    ids = generate(api, plan)
    sign(api, "teo", "teo_signer", ids=ids)
    sign(api, "college", "college_signer", ids=ids, decision="refuse", reason="核对照片")
    opened = api.post("/signing-sessions", as_="college", json={"action": "sign", "record_ids": ids}).json()
    session = api.get(f"/signing-sessions/{opened['id']}", as_="college_signer").json()
    assert session["again"] and not session["resign"]          # 重新签发, and the site may still refuse
    fresh = api.post("/signing-sessions", as_="teo", json={"action": "sign", "record_ids": generate(
        api, fresh_plan(api, per_site=1, sites=("bjtu",)))}).json()
    assert not api.get(f"/signing-sessions/{fresh['id']}", as_="teo").json()["again"]


def test_the_signer_can_list_every_record_of_the_session_a_page_at_a_time(api):
    plan = fresh_plan(api, per_site=6, sites=("bjtu", "ncut"))
    ids = generate(api, plan)
    opened = api.post("/signing-sessions", as_="teo", json={"action": "sign", "record_ids": ids}).json()
    first = api.get(f"/signing-sessions/{opened['id']}/records?page=1&page_size=10", as_="teo_signer").json()
    second = api.get(f"/signing-sessions/{opened['id']}/records?page=2&page_size=10", as_="teo_signer").json()
    assert first["total"] == 12 and len(first["items"]) == 10 and len(second["items"]) == 2
    assert sorted(r["id"] for r in first["items"] + second["items"]) == sorted(ids)
    assert {(r["certificate_name"], r["level"]) for r in first["items"]} == {("信息化应用职业技能等级证书", "中级")}
    assert first["items"][0]["plan_name"] == f"测试计划{plan['plan_id']}"
    assert_error(api.get(f"/signing-sessions/{opened['id']}/records", as_="college_signer"), 404)


def test_delete_rules(api):
    plan = fresh_plan(api, per_site=3, sites=("bjtu",))
    a, b, c = generate(api, plan)
    assert_error(api.call("DELETE", f"/records/{a}", as_="college"), 403)
    assert_error(api.call("DELETE", f"/records/{a}", as_="teo2"), 404, "record_not_found")
    assert api.call("DELETE", f"/records/{a}", as_="teo").status_code == 200
    assert_error(api.get(f"/records/{a}", as_="teo"), 404)
    assert counts(api, plan) == {"TEO_PENDING": 2, "ALL": 2}
    sign(api, "teo", "teo_signer", ids=[b], decision="refuse", reason="退回")     # any sign-off is final
    assert_error(api.call("DELETE", f"/records/{b}", as_="teo"), 409, "not_deletable")
    sign(api, "teo", "teo_signer", ids=[c])
    err = assert_error(api.call("DELETE", f"/records/{c}", as_="teo"), 409, "not_deletable")
    assert "考核站点待签发" in err["message"]
    assert counts(api, plan) == {"TEO_REJECTED": 1, "SITE_PENDING": 1, "ALL": 2}
    # A deleted record can be generated again.
    again = api.post("/records/generate", as_="teo", json=plan["body"]).json()
    assert (again["created"], again["existing"]) == (1, 2)


def test_a_session_never_signs_a_record_deleted_and_generated_again(api):
    plan = fresh_plan(api, per_site=1, sites=("bjtu",))
    (rid,) = generate(api, plan)
    stale = api.post("/signing-sessions", as_="teo", json={"action": "sign", "record_ids": [rid]}).json()
    assert api.call("DELETE", f"/records/{rid}", as_="teo").status_code == 200
    assert generate(api, plan) == [rid]             # same natural key, same id, version 1 again
    done = api.post(f"/signing-sessions/{stale['id']}/complete", as_="teo_signer", json={
        "decision": "confirm", "signature_png_base64": signature_png()}).json()
    assert done["applied"] == [] and done["skipped"][0]["id"] == rid
    assert statuses(api, [rid]) == {rid: "TEO_PENDING"}


def test_two_sessions_racing_over_the_same_records_move_each_exactly_once(api):
    plan = fresh_plan(api, per_site=5)
    ids = generate(api, plan)
    sessions = [api.post("/signing-sessions", as_="teo", json={"action": "sign", "record_ids": ids}).json()["id"]
                for _ in range(20)]
    outcomes = []
    barrier = threading.Barrier(len(sessions))

    def complete(sid, decision):
        barrier.wait()
        r = requests.post(f"{api.base}/signing-sessions/{sid}/complete", timeout=60, json={
            "decision": decision, "signature_png_base64": signature_png(), "reason": "竞争测试"},
            headers={"Authorization": "Bearer " + api.token("teo_signer")})
        outcomes.append(r.json())

    threads = [threading.Thread(target=complete, args=(sid, "confirm" if i % 2 else "refuse"))
               for i, sid in enumerate(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == len(sessions)
    applied = [rid for o in outcomes for rid in o["applied"]]
    assert sorted(applied) == sorted(ids)                  # each record moved exactly once
    for o in outcomes:
        assert sorted(o["applied"] + [s["id"] for s in o["skipped"]]) == sorted(ids)
    final = statuses(api, ids)
    assert set(final.values()) <= {"SITE_PENDING", "TEO_REJECTED"}
    expected = {}
    for s in final.values():
        expected[s] = expected.get(s, 0) + 1
    assert counts(api, plan) == {**expected, "ALL": len(ids)}
    for rid in ids:
        assert len(api.get(f"/records/{rid}", as_="teo").json()["events"]) == 2


def test_expired_reused_and_foreign_sessions(api, running):
    plan = fresh_plan(api, per_site=1, sites=("bjtu",))
    (rid,) = generate(api, plan)
    opened = api.post("/signing-sessions", as_="teo", json={"action": "sign", "record_ids": [rid]}).json()
    assert opened["sign_url"].endswith("/sign/" + opened["id"]) and opened["qr_svg"].startswith("<svg")
    body = {"decision": "confirm", "signature_png_base64": signature_png()}
    path = f"/signing-sessions/{opened['id']}/complete"
    assert_error(api.post(path, as_="teo2_signer", json=body), 404, "session_not_found")
    assert_error(api.post(path, as_="college_signer", json=body), 404, "session_not_found")
    assert_error(api.post(path, as_="teo", json=body), 403)
    assert_error(api.get(f"/signing-sessions/{opened['id']}", as_="teo2"), 404)
    assert_error(api.post(path, as_="teo_signer", json={**body, "signature_png_base64": "aGVsbG8="}),
                 400, "invalid_signature")
    blank = io.BytesIO()
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(blank, "PNG")
    blank_b64 = base64.b64encode(blank.getvalue()).decode()
    assert_error(api.post(path, as_="teo_signer", json={**body, "signature_png_base64": blank_b64}),
                 400, "blank_signature")
    # Expire it in the store, as ten minutes passing would.
    boto3.client("dynamodb").update_item(
        TableName=config.table_name(), Key={"pk": {"S": f"SESSION#{opened['id']}"}, "sk": {"S": "SESSION"}},
        UpdateExpression="SET expires_at = :t", ExpressionAttributeValues={":t": {"N": "1000"}})
    assert api.get(f"/signing-sessions/{opened['id']}", as_="teo").json()["status"] == "expired"
    assert_error(api.post(path, as_="teo_signer", json=body), 409, "session_expired")
    assert statuses(api, [rid]) == {rid: "TEO_PENDING"}
    # A fresh session completes once; the second attempt is refused.
    done = sign(api, "teo", "teo_signer", ids=[rid])
    again = api.post(f"/signing-sessions/{done['id']}/complete", as_="teo_signer", json=body)
    assert_error(again, 409, "session_used")


def test_signature_is_kept_as_evidence(api):
    plan = fresh_plan(api, per_site=2, sites=("ncut",))
    ids = generate(api, plan)
    done = sign(api, "teo", "teo_signer", ids=ids)
    head = boto3.client("s3").head_object(Bucket=config.bucket_name(), Key=f"signatures/zwl/{done['id']}.png")
    meta = head["Metadata"]
    assert meta["signer"] == "teo_signer" and meta["decision"] == "confirm"
    assert meta["records-sha256"] == done["digest"] and len(done["digest"]) == 64
    assert meta["client-ip"] and meta["signed-at"]


def test_scope_staff_of_other_tenants_see_nothing(api):
    plan = fresh_plan(api, per_site=2, sites=("bjtu",))
    ids = generate(api, plan)
    assert counts(api, plan, as_="teo2") == {}
    assert counts(api, plan, as_="college2") == {}
    assert_error(api.get(f"/records/{ids[0]}", as_="college2"), 404)
    assert_error(api.get(f"/records/{ids[0]}", as_="teo2"), 404)
    assert api.get(f"/records/{ids[0]}", as_="college").status_code == 200
    # Another TEO's or college's session over these records finds nothing to sign.
    r = api.post("/signing-sessions", as_="teo2", json={"action": "sign", "record_ids": ids})
    assert_error(r, 409, "nothing_to_do")
    assert all(s["reason"] == "发证记录不存在" for s in r.json()["error"]["details"]["skipped"])
    # The college cannot sign before the TEO has.
    assert_error(api.post("/signing-sessions", as_="college", json={"action": "sign", "record_ids": ids}), 409)
    # Generating for another TEO's certificate is refused.
    assert_error(api.post("/records/generate", as_="teo2", json=plan["body"]), 404, "certificate_not_found")
    assert_error(api.get("/records", as_="admin"), 403)


def test_pages_are_stable_with_no_duplicates_or_gaps(api):
    plan = fresh_plan(api, per_site=12)
    ids = generate(api, plan)
    seen = []
    for page in (1, 2, 3):
        r = api.get(f"/records?plan_id={plan['plan_id']}&page={page}&page_size=10", as_="teo").json()
        assert r["total"] == 24 and r["page"] == page
        seen += [i["id"] for i in r["items"]]
    assert len(seen) == 24 and sorted(seen) == sorted(ids)
    first = [i["id"] for i in api.get(f"/records?plan_id={plan['plan_id']}&page_size=20", as_="teo").json()["items"]]
    assert first == seen[:20]
    assert_error(api.get("/records?page_size=15", as_="teo"), 400, "invalid_page")
    assert_error(api.get("/records?status=NOPE", as_="teo"), 400, "invalid_filter")
    assert_error(api.get("/records?exam_year=abc", as_="teo"), 400, "invalid_filter")
    assert assert_error(api.get("/records?candidate_no=1101", as_="teo"), 400)["message"] == "考生编号应为26位数字"


def test_filters_narrow_rows_and_counts(api):
    plan = fresh_plan(api, per_site=3)
    generate(api, plan)
    person = plan["candidates"]["ncut"][0]
    by_no = api.get(f"/records?plan_id={plan['plan_id']}&candidate_no={person['candidate_no']}", as_="teo").json()
    assert by_no["total"] == 1 and by_no["counts"]["ALL"] == 1
    row = by_no["items"][0]
    full = person["id_number"]   # the admin sees it in full; staff rows are masked
    assert row["candidate"]["name"] == person["name"]
    assert row["candidate"]["id_number"] == full[:3] + "*" * 9 + full[-4:]
    assert row["exam"]["site_name"] == "北方工业大学"
    assert row["certificate"]["title"] == "信息化应用职业技能等级证书（中级）"
    by_name = api.get(f"/records?plan_id={plan['plan_id']}&candidate_name={person['name']}", as_="teo").json()
    assert person["candidate_no"] in {i["candidate"]["candidate_no"] for i in by_name["items"]}
    part = person["name"][1:]            # staff type part of a name
    by_part = api.get(f"/records?plan_id={plan['plan_id']}&candidate_name={part}", as_="teo").json()
    assert person["candidate_no"] in {i["candidate"]["candidate_no"] for i in by_part["items"]}
    assert all(part in i["candidate"]["name"] for i in by_part["items"])
    assert by_part["total"] == by_part["counts"]["ALL"] == by_part["counts"]["TEO_PENDING"]
    by_site = api.get(f"/records?plan_id={plan['plan_id']}&college_id=bjtu&status=TEO_PENDING", as_="teo").json()
    assert by_site["total"] == 3 and by_site["counts"]["ALL"] == 3
    other_year = api.get(f"/records?plan_id={plan['plan_id']}&exam_year=2022", as_="teo").json()
    assert other_year["total"] == 0 and other_year["counts"]["ALL"] == 0


def test_a_candidates_rows_and_counts_agree_while_the_record_moves(api, monkeypatch):
    """A record that moves between two reads (the stamping worker finishing) must not be counted in a tab
    whose list does not show it: under a candidate filter the rows and the counts are one read."""
    plan = fresh_plan(api, per_site=1)
    generate(api, plan)
    person = plan["candidates"]["bjtu"][0]
    real, reads = record_store.by_candidate, []

    def moving(candidate_no):       # every read after the first sees the record in another status
        reads.append(candidate_no)
        return [r if len(reads) == 1 else {**r, "status": "ISSUED"} for r in real(candidate_no)]

    monkeypatch.setattr(record_store, "by_candidate", moving)
    r = api.get(f"/records?plan_id={plan['plan_id']}&candidate_no={person['candidate_no']}&status=TEO_PENDING",
                as_="teo").json()
    assert r["total"] == len(r["items"]) == r["counts"]["TEO_PENDING"] == 1
    assert r["counts"]["ISSUED"] == 0


def test_a_failed_evidence_upload_leaves_the_session_open_and_nothing_moved(api, monkeypatch):
    from chalicelib import files
    plan = fresh_plan(api, per_site=2, sites=("bjtu",))
    ids = generate(api, plan)
    opened = api.post("/signing-sessions", as_="teo", json={"action": "sign", "record_ids": ids}).json()

    def broken_put(*args, **kwargs):
        raise ConnectionError("S3 is unreachable")

    monkeypatch.setattr(files, "put", broken_put)
    body = {"decision": "confirm", "signature_png_base64": signature_png()}
    r = api.post(f"/signing-sessions/{opened['id']}/complete", as_="teo_signer", json=body)
    err = assert_error(r, 500, "internal_error")
    assert "请求编号" in err["message"]
    assert statuses(api, ids) == {i: "TEO_PENDING" for i in ids}
    assert api.get(f"/signing-sessions/{opened['id']}", as_="teo").json()["status"] == "open"
    monkeypatch.undo()
    r = api.post(f"/signing-sessions/{opened['id']}/complete", as_="teo_signer", json=body)
    assert r.status_code == 200 and sorted(r.json()["applied"]) == sorted(ids)
