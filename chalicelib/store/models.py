"""The single DynamoDB table, as pynamodb models. See docs/data-model.md for the key design.

Every entity is one item type in one table, told apart by the ``type`` discriminator. ``pk``/``sk`` are
the primary key; ``gsi1``/``gsi2`` are overloaded lookups (master-data lists, records by candidate and by
certificate number, ...); ``teo_status`` and ``site_status`` list issuance records per tenant and status
in a stable order, projecting only what the filters need so a whole tab is read in few requests.
"""
from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    NumberAttribute,
    NumberSetAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from .. import config

# What the tab indexes carry besides keys: the filter fields, so a list page reads no item it won't show,
# and ``type``, which pynamodb filters a subclass's query on.
RECORD_FILTER_FIELDS = ["type", "exam_year", "plan_id", "certificate_id", "level", "site_id", "candidate_no",
                        "candidate_name", "status", "teo_id"]


class Gsi1(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()
    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()
    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class TeoStatusIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "teo_status"
        projection = IncludeProjection(RECORD_FILTER_FIELDS)
    teo_pk = UnicodeAttribute(hash_key=True)
    order_key = UnicodeAttribute(range_key=True)


class SiteStatusIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "site_status"
        projection = IncludeProjection(RECORD_FILTER_FIELDS)
    site_pk = UnicodeAttribute(hash_key=True)
    order_key = UnicodeAttribute(range_key=True)


class _TableSettings(type):
    """Table name and region come from the environment each time pynamodb asks (see config)."""

    @property
    def table_name(cls) -> str:
        return config.table_name()

    @property
    def region(cls) -> str:
        return config.region()


class Entity(Model):
    class Meta(metaclass=_TableSettings):
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    type = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    teo_pk = UnicodeAttribute(null=True)
    site_pk = UnicodeAttribute(null=True)
    order_key = UnicodeAttribute(null=True)

    gsi1 = Gsi1()
    gsi2 = Gsi2()
    teo_status = TeoStatusIndex()
    site_status = SiteStatusIndex()


# ---- master data -------------------------------------------------------------------------------------

class _Contact:
    contact_name = UnicodeAttribute(default="")
    contact_phone = UnicodeAttribute(default="")
    contact_email = UnicodeAttribute(default="")
    stamp_key = UnicodeAttribute(null=True)   # S3 key of the responsible person's signature stamp (PNG)
    stamp_agreed_by = UnicodeAttribute(null=True)   # who ticked the authorisation letter, and when
    stamp_agreed_at = UnicodeAttribute(null=True)


class Org(Entity, _Contact, discriminator="Org"):
    """A training evaluation organisation (TEO). pk ORG#id."""
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    seal_key = UnicodeAttribute(null=True)    # S3 key of the official e-seal image (PNG)
    seal_serial = UnicodeAttribute(null=True) # the e-seal certificate's serial; its key is in KMS
    seal_status = UnicodeAttribute(null=True) # active | revoked (absent: no e-seal yet)
    seal_revoked_reason = UnicodeAttribute(null=True)   # why the platform withdrew it, and when
    seal_revoked_at = UnicodeAttribute(null=True)
    seal_application = UnicodeAttribute(null=True)   # the latest application's id
    # Print calibration for paper stock (absent: print as laid out): millimetres right/down, and percent
    print_offset_x_mm = NumberAttribute(null=True)
    print_offset_y_mm = NumberAttribute(null=True)
    print_scale_pct = NumberAttribute(null=True)


class College(Entity, _Contact, discriminator="College"):
    """A pilot college, which is also an assessment site. pk COLLEGE#id."""
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    status = UnicodeAttribute(null=True)      # 院校状态: disabled, or absent (enabled); changes audited in the pk


class CertificateType(Entity, discriminator="CertificateType"):
    """pk CERT#id."""
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    org_id = UnicodeAttribute()
    levels = ListAttribute(of=UnicodeAttribute)
    requires_photo = BooleanAttribute(default=False)
    template = UnicodeAttribute(default="default")


class Plan(Entity, discriminator="Plan"):
    """An exam plan. pk PLAN#id."""
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    exam_year = NumberAttribute()
    certificate_id = UnicodeAttribute()
    levels = ListAttribute(of=UnicodeAttribute)
    site_ids = ListAttribute(of=UnicodeAttribute)


class Candidate(Entity, discriminator="Candidate"):
    """pk CAND#candidate_no. The ID number is stored in full and masked on the way out."""
    candidate_no = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    id_number = UnicodeAttribute(default="")
    student_type = UnicodeAttribute()
    college_id = UnicodeAttribute()
    has_photo = BooleanAttribute(default=False)


class Result(Entity, discriminator="Result"):
    """One candidate's outcome in one plan at one level. pk PLAN#plan_id, sk RESULT#level#candidate_no."""
    candidate_no = UnicodeAttribute()
    plan_id = UnicodeAttribute()
    level = UnicodeAttribute()
    site_id = UnicodeAttribute()
    passed = BooleanAttribute()
    score = NumberAttribute(null=True)


# ---- accounts ----------------------------------------------------------------------------------------

class User(Entity, discriminator="User"):
    """pk USER#username. ``password_hash`` is a salted scrypt hash; the password itself is never stored."""
    username = UnicodeAttribute()
    role = UnicodeAttribute()
    org_id = UnicodeAttribute(null=True)
    candidate_no = UnicodeAttribute(null=True)
    display_name = UnicodeAttribute(default="")
    password_hash = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    token_gen = NumberAttribute(default=0)    # in every token; moved on to withdraw all the older ones


# ---- the sign-off workflow ---------------------------------------------------------------------------

class Record(Entity, discriminator="Record"):
    """An issuance record (发证记录). pk REC#id, sk REC. ``version`` grows with every change; each status
    change is conditional on the expected status and version. The candidate's and the plan's facts are
    copied in at generation, so the record shows what was signed even if master data changes later."""
    id = UnicodeAttribute()
    status = UnicodeAttribute()
    version = NumberAttribute(default=1)
    # The id is derived from the natural key and version restarts at 1, so a record deleted and generated
    # again would look the same; the incarnation, new at every creation, tells them apart.
    incarnation = UnicodeAttribute(null=True)
    candidate_no = UnicodeAttribute()
    candidate_name = UnicodeAttribute(default="")
    id_number = UnicodeAttribute(default="")
    student_type = UnicodeAttribute(default="")
    college_id = UnicodeAttribute(default="")
    college_name = UnicodeAttribute(default="")
    site_id = UnicodeAttribute()
    site_name = UnicodeAttribute(default="")
    plan_id = UnicodeAttribute()
    plan_name = UnicodeAttribute(default="")
    exam_year = NumberAttribute()
    certificate_id = UnicodeAttribute()
    certificate_name = UnicodeAttribute(default="")
    level = UnicodeAttribute()
    teo_id = UnicodeAttribute()
    teo_name = UnicodeAttribute(default="")
    score = NumberAttribute(null=True)
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute(default="")
    updated_at = UnicodeAttribute(null=True)
    signed = BooleanAttribute(default=False)          # any sign-off happened: the record can no longer be deleted
    teo_signed_at = UnicodeAttribute(null=True)
    teo_signed_by = UnicodeAttribute(null=True)
    site_signed_at = UnicodeAttribute(null=True)
    site_signed_by = UnicodeAttribute(null=True)
    teo_signing_session = UnicodeAttribute(null=True)    # the session of each side's sign-off that counts
    site_signing_session = UnicodeAttribute(null=True)
    # ... and what that session signed (its record-set digest, its drawn signature's SHA-256), kept on the
    # record so stamping seals the evidence without reading the sessions
    teo_records_sha256 = UnicodeAttribute(null=True)
    site_records_sha256 = UnicodeAttribute(null=True)
    teo_signature_sha256 = UnicodeAttribute(null=True)
    site_signature_sha256 = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)              # the latest rejection or stamping failure reason
    method = UnicodeAttribute(null=True)              # electronic | paper, chosen at issue
    cert_no = UnicodeAttribute(null=True)             # assigned at the first issue, kept by every re-issue
    verification_code = UnicodeAttribute(null=True)   # the secret in the QR link, kept with the number
    award_date = UnicodeAttribute(null=True)          # YYYY-MM-DD of the first issue, kept by re-issues
    issued_at = UnicodeAttribute(null=True)           # when the current PDF was made
    pdf_version = NumberAttribute(default=0)          # the current PDF's version; 0: none yet
    pdf_key = UnicodeAttribute(null=True)
    pdf_sha256 = UnicodeAttribute(null=True)
    revoked = BooleanAttribute(default=False)         # a revoked certificate stays ISSUED and verifies as revoked
    revoked_reason = UnicodeAttribute(null=True)
    revoked_at = UnicodeAttribute(null=True)
    status_index = NumberAttribute(null=True)         # the credential's bit in the status lists, never reused
    credential_salt = UnicodeAttribute(null=True)     # salts the ID number's hash in the credential


class AuditEvent(Entity, discriminator="AuditEvent"):
    """One transition of one record. pk REC#id, sk EVT#time#n: read with the record in one query, in order.
    A college's 启用/停用 is kept the same way under pk COLLEGE#id (``record_id`` then names the college)."""
    record_id = UnicodeAttribute()
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    role = UnicodeAttribute()
    org_id = UnicodeAttribute(null=True)
    action = UnicodeAttribute()
    from_status = UnicodeAttribute(null=True)
    to_status = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    session_id = UnicodeAttribute(null=True)


class TabCounter(Entity, discriminator="TabCounter"):
    """How many records of one TEO × site × plan × level are in each status, kept twice — pk CNT#teo,
    sk site#plan#level for the TEO's tabs, pk CNTSITE#site, sk teo#plan#level for the site's — in the same
    transaction as every transition, so both sides' counts are exact and read with strong consistency."""
    teo_id = UnicodeAttribute()
    site_id = UnicodeAttribute()
    plan_id = UnicodeAttribute()
    level = UnicodeAttribute()
    exam_year = NumberAttribute()
    certificate_id = UnicodeAttribute()
    TEO_PENDING = NumberAttribute(default=0)
    TEO_REJECTED = NumberAttribute(default=0)
    SITE_PENDING = NumberAttribute(default=0)
    SITE_REJECTED = NumberAttribute(default=0)
    READY = NumberAttribute(default=0)
    GENERATING = NumberAttribute(default=0)
    STAMP_FAILED = NumberAttribute(default=0)
    ISSUED = NumberAttribute(default=0)


class SigningSession(Entity, discriminator="SigningSession"):
    """A QR signing session over a fixed set of records. pk SESSION#id. Completes at most once."""
    id = UnicodeAttribute()
    side = UnicodeAttribute()                 # teo | site
    org_id = UnicodeAttribute()
    action = UnicodeAttribute()               # sign | reject
    resign = BooleanAttribute(default=False)  # 重新签发: a sign session over refused records, confirm only
    again = BooleanAttribute(default=False)   # a sign session over refused records of either side (重新签发)
    record_ids = ListAttribute(of=UnicodeAttribute)
    record_marks = ListAttribute(of=UnicodeAttribute)     # "version:incarnation" as shown when opened
    digest = UnicodeAttribute()               # SHA-256 of the id:version:incarnation lines signed (signing.digest)
    reason = UnicodeAttribute(null=True)
    status = UnicodeAttribute()               # open | completing | completed | refused; expired is read from expires_at
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    expires_at = NumberAttribute()            # epoch seconds
    preview_names = ListAttribute(of=UnicodeAttribute, default=list)
    decision = UnicodeAttribute(null=True)
    signer = UnicodeAttribute(null=True)
    signed_at = UnicodeAttribute(null=True)
    client_ip = UnicodeAttribute(null=True)
    signature_key = UnicodeAttribute(null=True)
    signature_sha256 = UnicodeAttribute(null=True)
    applied = ListAttribute(of=UnicodeAttribute, default=list)
    skipped = UnicodeAttribute(null=True)     # JSON {reason: [record ids]}: grouped, so thousands of skips stay small


class PdfVersion(Entity, discriminator="PdfVersion"):
    """One generated certificate PDF. pk REC#id, sk PDF#0001: all versions with the record, in order."""
    record_id = UnicodeAttribute()
    version = NumberAttribute()
    key = UnicodeAttribute()
    sha256 = UnicodeAttribute()
    method = UnicodeAttribute()
    created_at = UnicodeAttribute()
    superseded = BooleanAttribute(default=False)


class CertNumber(Entity, discriminator="CertNumber"):
    """pk CERTNO#number: the number's owner. Put once, conditionally, so no number is ever given twice."""
    cert_no = UnicodeAttribute()
    record_id = UnicodeAttribute()


class Sequence(Entity, discriminator="Sequence"):
    """pk SEQ#name: an atomic counter (certificate numbers per year)."""
    value = NumberAttribute(default=0)


class Outbox(Entity, discriminator="Outbox"):
    """pk OUTBOX, sk <at>#<id>: stamping jobs written in the transaction that moved their records to
    GENERATING, deleted once SQS took them; what stays longer was never sent, and the sweep sends it."""
    jobs = UnicodeAttribute()                # JSON [{id, version}]
    created_at = UnicodeAttribute()


class Throttle(Entity, discriminator="Throttle"):
    """pk THROTTLE#key#window: attempts in one time window. ``expires`` is the table's TTL attribute."""
    hits = NumberAttribute(default=0)
    expires = NumberAttribute()


class DownloadJob(Entity, discriminator="DownloadJob"):
    """A batch download being zipped. pk DL#id. Read by its owner (the org that asked) for progress."""
    id = UnicodeAttribute()
    side = UnicodeAttribute()
    org_id = UnicodeAttribute()
    requested_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    record_ids = ListAttribute(of=UnicodeAttribute)
    status = UnicodeAttribute()              # queued | running | done | failed
    done = NumberAttribute(default=0)
    key = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    expires = NumberAttribute(null=True)     # TTL: the job record goes a day after the ZIP is made
    digest = UnicodeAttribute(null=True)     # of the record set (ids and versions) and options: reuse
    include_revoked = BooleanAttribute(default=False)
    electronic = NumberAttribute(default=0)  # how many of each method it holds
    paper = NumberAttribute(default=0)


class PdfHash(Entity, discriminator="PdfHash"):
    """pk PDFHASH#sha256: which record and version a certificate file is (verify by upload)."""
    record_id = UnicodeAttribute()
    version = NumberAttribute()


class SealApplication(Entity, discriminator="SealApplication"):
    """An e-seal application (申请电子公章). pk SEALAPP#id; gsi1 SEALAPPS / submitted_at#id for the admin."""
    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    org_name = UnicodeAttribute()
    legal_representative = UnicodeAttribute()
    contact_name = UnicodeAttribute()
    contact_phone = UnicodeAttribute()
    seal_text = UnicodeAttribute()
    status = UnicodeAttribute()               # submitted | approved | rejected
    submitted_by = UnicodeAttribute()
    submitted_at = UnicodeAttribute()
    decided_by = UnicodeAttribute(null=True)
    decided_at = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)


# ---- the PKI: certificates over KMS keys (the keys themselves never leave KMS) ---------------------------

class PkiCert(Entity, discriminator="PkiCert"):
    """A certificate the platform CA issued (pk PKI#SEAL#serial) or the CA's own (pk PKI#CA); sk PKI.
    Public data only: the certificate and the id of its KMS key. A revoked one gets gsi1 PKIREVOKED /
    revoked_at#serial, which the CRL lists."""
    serial = UnicodeAttribute()
    org_id = UnicodeAttribute(null=True)
    key_id = UnicodeAttribute()
    cert_pem = UnicodeAttribute()
    issued_at = UnicodeAttribute()
    revoked_at = UnicodeAttribute(null=True)
    revoked_reason = UnicodeAttribute(null=True)


class PkiCrl(Entity, discriminator="PkiCrl"):
    """pk PKI#CRL, sk PKI: the current certificate revocation list (DER, base64), signed by the CA."""
    number = NumberAttribute()
    der_b64 = UnicodeAttribute()
    next_update = UnicodeAttribute()


class StatusList(Entity, discriminator="StatusList"):
    """pk STATUSLIST#id, sk STATUSLIST: one Bitstring Status List of credential revocations. ``revoked``
    holds the set bits; ``revision`` grows with each, and the signed list credential is kept with the
    revision it shows, so it is signed again only after a change."""
    revoked = NumberSetAttribute(default=set)
    revision = NumberAttribute(default=0)
    jwt = UnicodeAttribute(null=True)
    jwt_revision = NumberAttribute(null=True)
    jwt_signed_at = UnicodeAttribute(null=True)
