"""The demo data set: two TEOs, three colleges, the certificates and plans seen in the manual, 70 candidates
(some failed, some with incomplete or invalid information, some with rare characters in their names), and
the demo accounts of SPEC.md, all with the password ``demo1234``.

Then the sign-off runs as people would run it, through the same services the API calls: records are
generated for every plan and signed, rejected and re-signed, so each sign-off tab has rows.

Everything goes through the same import service an admin uses, except a few candidates whose ID numbers
are invalid: they stand for legacy registration data that predates validation, which F3 must still catch.
"""
import base64
import io

from PIL import Image, ImageDraw

from chalicelib import ports
from chalicelib.domain import idcard
from chalicelib.domain import masterdata as md
from chalicelib.domain.access import Principal, Role
from chalicelib.domain.filters import RecordFilter
from chalicelib.render import imprints
from chalicelib.services import (
    accounts,
    generation,
    imprint_files,
    issuance,
    photos,
    printing,
    records,
    scope,
    seal_applications,
    signing,
)
from chalicelib.services import masterdata as service

PASSWORD = "demo1234"
TEO, TEO2 = "zwl", "zkxp"
BJTU, NCUT, WIPE = "bjtu", "ncut", "wipe"

ORGS = [
    {"id": TEO, "name": "中物联物流", "contact_name": "张明", "contact_phone": "13260262431",
     "contact_email": "contact@zwl.example.cn"},
    {"id": TEO2, "name": "中科信培教育科技", "contact_name": "李华", "contact_phone": "13911112222",
     "contact_email": "office@zkxp.example.cn"},
]
COLLEGES = [
    {"id": BJTU, "name": "北京交通大学", "contact_name": "王芳", "contact_phone": "13800138000",
     "contact_email": "cert@bjtu.example.cn"},
    {"id": NCUT, "name": "北方工业大学", "contact_name": "赵强", "contact_phone": "13700137000",
     "contact_email": "cert@ncut.example.cn"},
    {"id": WIPE, "name": "武汉体育学院", "contact_name": "孙丽", "contact_phone": "13600136000",
     "contact_email": "cert@wipe.example.cn"},
]
CERTIFICATES = [
    {"id": "xxhyy", "name": "信息化应用职业技能等级证书", "org_id": TEO, "levels": ["初级", "中级", "高级"]},
    {"id": "jkgl", "name": "健康管理职业技能等级证书", "org_id": TEO, "levels": ["初级"], "requires_photo": True},
    {"id": "webqd", "name": "Web前端开发职业技能等级证书", "org_id": TEO2, "levels": ["初级", "中级", "高级"]},
]
PLANS = [
    {"id": "p0907", "name": "0907测试勿动", "exam_year": 2021, "certificate_id": "xxhyy",
     "levels": ["初级", "中级", "高级"], "site_ids": [BJTU]},
    {"id": "p2109", "name": "2021九月中级信息化考试（多考场多时间）", "exam_year": 2021, "certificate_id": "xxhyy",
     "levels": ["中级"], "site_ids": [NCUT, BJTU]},
    {"id": "p0908", "name": "科目成绩0908未开始", "exam_year": 2021, "certificate_id": "jkgl",
     "levels": ["初级"], "site_ids": [NCUT]},
    {"id": "psl", "name": "测试证书发放上链", "exam_year": 2021, "certificate_id": "xxhyy",
     "levels": ["中级"], "site_ids": [WIPE]},
    {"id": "pweb22", "name": "2022年Web前端开发考试", "exam_year": 2022, "certificate_id": "webqd",
     "levels": ["初级", "中级"], "site_ids": [BJTU, NCUT]},
]

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳",
          "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平"]
# Rare characters a certificate must still print: CJK Extension A (䶮) and B (𠇔), and GBK-only ones.
RARE_NAMES = ["王堃", "李喆", "刘䶮", "朱镕", "张赟", "陈昇", "林𠇔"]
_REGIONS = {BJTU: "110108", NCUT: "110107", WIPE: "420111"}


def _id_number(region: str, n: int, valid: bool = True) -> str:
    first17 = f"{region}{1998 + n % 6}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    check = idcard.check_digit(first17)
    if not valid:
        check = "0" if check != "0" else "1"
    return first17 + check


def _candidate_no(region: str, n: int) -> str:
    return f"{region}2021{1630978000 + n * 137:010d}{n:06d}"


def candidates() -> tuple[list[dict], list[dict]]:
    """(valid or merely incomplete candidates, candidates with invalid ID numbers)."""
    good, invalid = [], []
    colleges = [BJTU, NCUT, WIPE]
    for n in range(1, 71):
        college = colleges[n % 3]
        region = _REGIONS[college]
        name = RARE_NAMES[n // 10] if n % 10 == 7 and n // 10 < len(RARE_NAMES) else \
            _SURNAMES[n % len(_SURNAMES)] + _GIVEN[(n * 7) % len(_GIVEN)]
        row = {"candidate_no": _candidate_no(region, n), "name": name, "id_number": _id_number(region, n),
               "student_type": "院校考生" if n % 4 else "社会考生", "college_id": college}
        if n in (11, 42):
            row["name"] = ""            # incomplete: no name
        if n in (23,):
            row["id_number"] = ""       # incomplete: no ID number
        if n in (5, 31, 56):
            row["id_number"] = _id_number(region, n, valid=False)
            invalid.append(row)
        else:
            good.append(row)
    return good, invalid


def results(all_candidates: list[dict]) -> list[dict]:
    rows = []
    for i, cand in enumerate(sorted(all_candidates, key=lambda c: c["candidate_no"])):
        college = cand["college_id"]
        failed = i % 8 == 3
        plan = {BJTU: ("p0907", ["初级", "中级", "高级"][i % 3]), NCUT: ("p2109", "中级"),
                WIPE: ("psl", "中级")}[college]
        rows.append({"candidate_no": cand["candidate_no"], "plan_id": plan[0], "level": plan[1],
                     "site_id": college, "passed": not failed, "score": 52.0 if failed else 60.0 + i % 40})
        if college == NCUT and i % 2 == 0:
            rows.append({"candidate_no": cand["candidate_no"], "plan_id": "p0908", "level": "初级",
                         "site_id": NCUT, "passed": i % 10 != 4, "score": None})
        if college == BJTU and i % 4 == 1:
            rows.append({"candidate_no": cand["candidate_no"], "plan_id": "p2109", "level": "中级",
                         "site_id": BJTU, "passed": True, "score": 70.0 + i % 30})
        if college in (BJTU, NCUT) and i % 3 == 0:
            rows.append({"candidate_no": cand["candidate_no"], "plan_id": "pweb22", "level": "初级",
                         "site_id": college, "passed": True, "score": 75.0})
    return rows


USERS = [
    ("admin", "admin", None, "平台管理员"),
    ("teo", "teo", TEO, "中物联物流 业务员"), ("teo_signer", "teo_signer", TEO, "中物联物流 发证机构负责人"),
    ("teo2", "teo", TEO2, "中科信培 业务员"), ("teo2_signer", "teo_signer", TEO2, "中科信培 发证机构负责人"),
    ("college", "college", BJTU, "北京交通大学 业务员"),
    ("college_signer", "college_signer", BJTU, "北京交通大学 考核站点负责人"),
    ("college2", "college", NCUT, "北方工业大学 业务员"),
    ("college2_signer", "college_signer", NCUT, "北方工业大学 考核站点负责人"),
]


def _numbered(rows: list[dict]) -> list[tuple[int, dict]]:
    return list(enumerate(rows, start=2))


def load() -> dict:
    """Load the demo data set into an empty table. Returns what was loaded, by kind (nothing when the
    demo accounts exist already, so a restart against a kept table changes nothing)."""
    if ports.master.get("users", username="admin"):
        return {}
    good, invalid = candidates()
    counts = {}
    for kind, rows, mode in (("orgs", ORGS, "all_or_nothing"), ("colleges", COLLEGES, "all_or_nothing"),
                             ("certificates", CERTIFICATES, "all_or_nothing"),
                             ("plans", PLANS, "all_or_nothing"), ("candidates", good, "all_or_nothing")):
        report = service.import_rows(kind, _numbered(rows), mode)
        if report["errors"]:
            raise RuntimeError(f"demo {kind} rejected: {report['errors']}")
        counts[kind] = report["imported"]
    ports.master.put_many("candidates", invalid)   # legacy data: see the module docstring
    counts["candidates"] += len(invalid)
    # Every candidate whose information is complete has a photo; the others (one of them in the
    # photo-requiring 健康管理 plan) have none, so 缺少考生照片 shows among the reasons not to issue.
    complete = [row["candidate_no"] for row in good if not md.personal_info_problems(row, requires_photo=False)]
    photos.attach_many(dict.fromkeys(complete, printing.sample_photo()))
    counts["photos"] = len(complete)
    report = service.import_rows("results", _numbered(results(good + invalid)))
    if report["errors"]:
        raise RuntimeError(f"demo results rejected: {report['errors']}")
    counts["results"] = report["imported"]
    for username, role, org, display in USERS:
        accounts.create_user(username, PASSWORD, role, org_id=org, display_name=display)
    student = sorted(good, key=lambda c: c["candidate_no"])[0]
    accounts.create_user("student", PASSWORD, "candidate", candidate_no=student["candidate_no"],
                         display_name=student["name"])
    counts["users"] = len(USERS) + 1
    counts["records"] = _sign_off()
    counts["queued_for_stamping"] = _seals_and_issue()
    return counts


def signature_b64() -> str:
    """A drawn stroke standing in for a handwritten signature (demo data and benchmarks)."""
    img = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(img).line([(20, 70), (80, 30), (140, 75), (200, 25), (280, 60)], fill=(0, 0, 0, 255), width=4)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def _sign(staff: Principal, signer: Principal, ids: list[str], decision: str = "confirm",
          action: str = "sign", reason: str | None = None) -> None:
    session = signing.open_session(staff, action, ids, None)
    signing.complete(signer, session["id"], decision, signature_b64(), reason, "127.0.0.1")


def _sign_off() -> int:
    """Records in every sign-off status: 待签发, 拒绝签发 and re-signed on both sides, 证书待发放."""
    teo, teo_signer = Principal("teo", Role.TEO, TEO), Principal("teo_signer", Role.TEO_SIGNER, TEO)
    teo2 = Principal("teo2", Role.TEO, TEO2)
    bjtu = Principal("college", Role.COLLEGE, BJTU), Principal("college_signer", Role.COLLEGE_SIGNER, BJTU)
    ncut = Principal("college2", Role.COLLEGE, NCUT), Principal("college2_signer", Role.COLLEGE_SIGNER, NCUT)
    made = {}
    # 测试证书发放上链 (psl) is left for a newcomer to generate (README: a sign-off through the API alone).
    for who, plan, cert in ((teo, "p0907", "xxhyy"), (teo, "p2109", "xxhyy"), (teo, "p0908", "jkgl"),
                            (teo2, "pweb22", "webqd")):
        made[plan] = generation.generate(who, {"exam_year": 2021 if plan != "pweb22" else 2022,
                                            "plan_id": plan, "certificate_id": cert})["created_ids"]
    # 2021九月中级: the TEO signs all; 北方工业大学 signs its own, 北京交通大学 refuses two and signs the rest.
    _sign(teo, teo_signer, made["p2109"])
    at_site = {s: [r for r in made["p2109"] if scope.load(teo, r)["site_id"] == s] for s in (BJTU, NCUT)}
    _sign(ncut[0], ncut[1], at_site[NCUT])
    _sign(bjtu[0], bjtu[1], at_site[BJTU][:2], decision="refuse", reason="考生现场签到信息与报名信息不一致")
    _sign(bjtu[0], bjtu[1], at_site[BJTU][2:])
    # 2022年Web前端开发: both sides sign everything (中科信培 will lack its e-seal at issue).
    teo2_signer = Principal("teo2_signer", Role.TEO_SIGNER, TEO2)
    _sign(teo2, teo2_signer, made["pweb22"])
    for staff, signer in (bjtu, ncut):
        mine = [r for r in made["pweb22"] if scope.load(teo2, r)["site_id"] == staff.org_id]
        if mine:
            _sign(staff, signer, mine)
    # 0907测试勿动: the TEO refuses two, re-signs one of them, and signs a few more.
    p0907 = made["p0907"]
    _sign(teo, teo_signer, p0907[:2], decision="refuse", reason="成绩待复核")
    _sign(teo, teo_signer, p0907[:1] + p0907[2:6])
    return sum(len(ids) for ids in made.values())


ACCOUNTS = [(u, r, d) for u, r, _, d in USERS] + [("student", "candidate", "考生（学生个人空间）")]


def _seals_and_issue() -> int:
    """中物联物流 applied for its e-seal and the admin approved it, and it has its stamp; 北京交通大学 and
    北方工业大学 have their stamps. 中科信培 has not applied for an e-seal yet and 武汉体育学院 has no
    stamp, so issuing for them is refused with a reason to act on.
    The ready records of 北方工业大学 are issued (electronic, a few paper); the poller stamps them
    right after start, so the first screen shows 证书生成中 turning into 完成发放."""
    application = seal_applications.apply(Principal("teo", Role.TEO, TEO), TEO, {
        "legal_representative": "张明", "contact_name": "张明", "contact_phone": "13260262431"})
    seal_applications.decide(Principal("admin", Role.ADMIN), application["id"], "approve", None, None)
    imprint_files.store_image("orgs", TEO, "stamp", imprints.name_stamp("张明", "rect"))
    imprint_files.store_image("orgs", TEO2, "stamp", imprints.name_stamp("李华", "rect"))
    imprint_files.store_image("colleges", BJTU, "stamp", imprints.name_stamp("王芳", "square"))
    imprint_files.store_image("colleges", NCUT, "stamp", imprints.name_stamp("赵强", "square"))
    teo = Principal("teo", Role.TEO, TEO)
    ready = records.matching(teo, RecordFilter(status="READY", college_id=NCUT))
    ids = [r["id"] for r in ready]
    queued = issuance.issue(teo, ids[:-3], None, "electronic")["applied"]
    queued += issuance.issue(teo, ids[-3:-1], None, "paper")["applied"]
    # 中科信培 has no e-seal yet: issuing its ready records electronically is refused, naming that.
    return len(queued)
