"""What a certificate prints, declared once: stamping, the stamp preview, the print preview and the bench
all take a certificate's printed fields from ``fields`` (a template lists which of them it uses)."""
import datetime as dt

# Every field a template may use; a template naming another one fails its test, not a stamping job.
FIELDS = ("candidate_name", "id_number", "exam_year", "certificate_name", "level", "cert_no", "award_date",
          "site_name", "teo_name", "verify_url", "signoff_line")


def award_date_text(iso_date: str) -> str:
    day = dt.date.fromisoformat(iso_date)
    return f"{day.year}年{day.month}月{day.day}日"


def fields(rec: dict, cert_no: str, award_date: str, verify_url: str, signoff_line: str = "") -> dict:
    """The printed fields of an issuance record, given its number, award date (ISO), verification link and
    the one line summing up its two sign-offs (electronic certificates; empty on paper)."""
    return {
        "candidate_name": rec["candidate_name"], "id_number": rec["id_number"], "exam_year": rec["exam_year"],
        "certificate_name": rec["certificate_name"], "level": rec["level"], "cert_no": cert_no,
        "award_date": award_date_text(award_date), "site_name": rec["site_name"], "teo_name": rec["teo_name"],
        "verify_url": verify_url, "signoff_line": signoff_line,
    }


def title(rec: dict) -> str:
    """The document title: the certificate and its holder."""
    return f"{rec['certificate_name']}（{rec['level']}）{rec['candidate_name']}"


SAMPLE_RECORD = {"candidate_name": "张三", "id_number": "11010519491231002X", "exam_year": 2021,
                 "certificate_name": "信息化应用职业技能等级证书", "level": "中级", "site_name": "考核站点（样例）",
                 "teo_name": "培训评价组织（样例）"}


def sample(**overrides) -> dict:
    """A sample certificate's fields (previews and the bench), any record field overridden."""
    return fields({**SAMPLE_RECORD, **overrides}, "SC20260000000000样本", "2026-01-01",
                  "https://skillcert.example.cn/verify/sample",
                  "本证书经培训评价组织负责人 张明（2026-01-01）与考核站点负责人 王芳（2026-01-01）在线签发确认")
