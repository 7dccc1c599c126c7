"""The platform's PKI: a CA whose key is a KMS key, a certificate per TEO e-seal over that TEO's KMS key,
and the certificate revocation list. Nothing here ever holds a private key.

``cryptography`` builds certificates and CRLs only with a private key in hand, so each is built with a
throwaway key (never stored, never trusted) and its to-be-signed part is then signed again through
``kms:Sign`` with the real key: the published object carries only the KMS signature.
"""
import base64
import datetime as dt
import functools
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from . import config, kms, lazy
from .store.models import PkiCert, PkiCrl
from .store.tx import conditional

# asn1crypto re-signs what cryptography built: only issuing, the CRL and sealing need it, not a cold start.
acrl = lazy.module("asn1crypto.crl")
ax509 = lazy.module("asn1crypto.x509")

CA_NAME = "SkillCert 证书签章平台根证书"
CRL_DAYS = 7              # a CRL's validity; it is published again on every revocation and when it runs low


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _name(common: str, org: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _usage(**on) -> x509.KeyUsage:
    flags = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{f: on.get(f, False) for f in flags})


def _public_key(key_id: str):
    return serialization.load_der_public_key(kms.public_key_der(key_id))


def _signed_by_kms(built, key_id: str) -> bytes:
    """Re-sign what ``cryptography`` built with a throwaway key: same to-be-signed bytes, KMS signature."""
    der = built.public_bytes(serialization.Encoding.DER)
    if isinstance(built, x509.Certificate):
        asn1_type, tbs_field, signature_field = ax509.Certificate, "tbs_certificate", "signature_value"
    else:
        asn1_type, tbs_field, signature_field = acrl.CertificateList, "tbs_cert_list", "signature"
    parsed = asn1_type.load(der)
    tbs = parsed[tbs_field]
    return asn1_type({tbs_field: tbs, "signature_algorithm": parsed["signature_algorithm"],
                      signature_field: kms.sign(key_id, tbs.dump())}).dump()


def _throwaway():
    return ec.generate_private_key(ec.SECP256R1())


def _cert_pem(der: bytes) -> str:
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM).decode()


# ---- the CA ----------------------------------------------------------------------------------------------

def _new_ca_cert(key_id: str) -> str:
    public = _public_key(key_id)
    now = _now()
    name = _name(CA_NAME, "SkillCert")
    built = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
             .public_key(public).serial_number(x509.random_serial_number())
             .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=3650))
             .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
             .add_extension(_usage(key_cert_sign=True, crl_sign=True), critical=True)
             .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
             .sign(_throwaway(), hashes.SHA256()))
    return _cert_pem(_signed_by_kms(built, key_id))


@functools.lru_cache(maxsize=1)
def ca() -> dict:
    """The platform CA ``{key_id, cert_pem}``, created on first use. Of two processes racing, the first to
    name its key and the first to store a certificate win; the other uses theirs."""
    try:
        return _item_dict(PkiCert.get("PKI#CA", "PKI", consistent_read=True))
    except PkiCert.DoesNotExist:
        pass
    key_id = kms.find("ca") or kms.create_key("ca", "SkillCert platform CA")
    item = PkiCert("PKI#CA", "PKI", serial="ca", key_id=key_id, cert_pem=_new_ca_cert(key_id),
                   issued_at=_now().isoformat())
    if not conditional(lambda: item.save(condition=PkiCert.pk.does_not_exist())):
        item = PkiCert.get("PKI#CA", "PKI", consistent_read=True)
    return _item_dict(item)


def ca_pem() -> str:
    return ca()["cert_pem"]


@functools.lru_cache(maxsize=1)
def ca_asn1() -> "ax509.Certificate":
    from asn1crypto import pem
    return ax509.Certificate.load(pem.unarmor(ca_pem().encode())[2])


def crl_url() -> str:
    return f"{config.public_base_url()}/api/ca.crl"


# ---- e-seal certificates -------------------------------------------------------------------------------

def issue_seal(org_id: str, org_name: str) -> dict:
    """A new KMS key and a certificate over it for a TEO's e-seal. Returns ``{serial, cert_pem}``."""
    authority = ca()
    ca_cert = x509.load_pem_x509_certificate(authority["cert_pem"].encode())
    key_id = kms.create_key(f"seal/{org_id}/{uuid.uuid4().hex[:12]}", f"SkillCert e-seal of {org_id}")
    now = _now()
    built = (x509.CertificateBuilder().subject_name(_name(f"{org_name} 电子公章", org_name))
             .issuer_name(ca_cert.subject).public_key(_public_key(key_id)).serial_number(x509.random_serial_number())
             .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=825))
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
             .add_extension(_usage(digital_signature=True, content_commitment=True), critical=True)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False)
             .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                 full_name=[x509.UniformResourceIdentifier(crl_url())], relative_name=None, reasons=None,
                 crl_issuer=None)]), critical=False)
             .sign(_throwaway(), hashes.SHA256()))
    pem = _cert_pem(_signed_by_kms(built, authority["key_id"]))
    serial = format(built.serial_number, "x")
    PkiCert(f"PKI#SEAL#{serial}", "PKI", serial=serial, org_id=org_id, key_id=key_id, cert_pem=pem,
            issued_at=now.isoformat()).save()
    return {"serial": serial, "cert_pem": pem}


def _item_dict(item: PkiCert) -> dict:
    return {k: getattr(item, k) for k in ("serial", "org_id", "key_id", "cert_pem", "issued_at", "revoked_at",
                                          "revoked_reason")}


def seal(serial: str) -> dict | None:
    try:
        return _item_dict(PkiCert.get(f"PKI#SEAL#{serial}", "PKI", consistent_read=True))
    except PkiCert.DoesNotExist:
        return None


@functools.lru_cache(maxsize=64)
def seal_signer(serial: str) -> tuple[str, str]:
    """(KMS key id, certificate PEM) of an e-seal, for signing; an e-seal's certificate never changes."""
    found = seal(serial)
    if not found:
        raise LookupError("电子公章的签名证书不存在")
    return found["key_id"], found["cert_pem"]


def revoke_seal(serial: str, reason: str) -> str:
    """Revoke an e-seal's certificate: its key is disabled in KMS, the CRL lists it from now on."""
    at = _now().isoformat()
    item = PkiCert(f"PKI#SEAL#{serial}", "PKI")
    revoked = conditional(lambda: item.update(
        actions=[PkiCert.revoked_at.set(at), PkiCert.revoked_reason.set(reason), PkiCert.gsi1pk.set("PKIREVOKED"),
                 PkiCert.gsi1sk.set(f"{at}#{serial}")],
        condition=PkiCert.pk.exists() & PkiCert.revoked_at.does_not_exist(), add_version_condition=False))
    found = seal(serial)
    if found:
        kms.retire(found["key_id"])
    if revoked:
        publish_crl()
    return at


# ---- the CRL -------------------------------------------------------------------------------------------

def _build_crl(number: int) -> tuple[bytes, dt.datetime]:
    authority = ca()
    ca_cert = x509.load_pem_x509_certificate(authority["cert_pem"].encode())
    now = _now()
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca_cert.subject).last_update(now)
               .next_update(now + dt.timedelta(days=CRL_DAYS))
               .add_extension(x509.CRLNumber(number), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False))
    for item in PkiCert.gsi1.query("PKIREVOKED"):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(int(item.serial, 16))
            .revocation_date(dt.datetime.fromisoformat(item.revoked_at)).build())
    built = builder.sign(_throwaway(), hashes.SHA256())
    return _signed_by_kms(built, authority["key_id"]), \
        now + dt.timedelta(days=CRL_DAYS)


def publish_crl() -> bytes:
    """Sign and store a CRL listing every revoked e-seal; of two at once, the higher number stays."""
    for _ in range(5):
        current = _stored_crl()
        number = (current.number if current else 0) + 1
        der, next_update = _build_crl(number)
        item = PkiCrl("PKI#CRL", "PKI", number=number, der_b64=base64.b64encode(der).decode(),
                      next_update=next_update.isoformat())
        condition = PkiCrl.pk.does_not_exist() if current is None else PkiCrl.number == current.number
        if conditional(functools.partial(item.save, condition=condition)):
            return der
        # another revocation published meanwhile: build again over the newer list
    raise RuntimeError("the CRL stayed busy")


def _stored_crl() -> PkiCrl | None:
    try:
        return PkiCrl.get("PKI#CRL", "PKI", consistent_read=True)
    except PkiCrl.DoesNotExist:
        return None


def crl_der() -> bytes:
    """The current CRL, published afresh when there is none yet or it has less than a day to run."""
    current = _stored_crl()
    if current and dt.datetime.fromisoformat(current.next_update) > _now() + dt.timedelta(days=1):
        return base64.b64decode(current.der_b64)
    return publish_crl()
