"""The cryptographic seal: the platform CA, each TEO's signing key and certificate, PAdES signatures on
electronic certificates (pyHanko, baseline B-B, SHA-256). Checking an uploaded PDF's signature is
``sealcheck``'s.

Keys never enter the table: the CA's and each TEO's live in Secrets Manager (moto locally). A signer is
loaded once per process and per certificate serial; signatures reserve their space instead of sizing
it with a dry run, so sealing costs about 10 ms.
"""
import datetime as dt
import functools
import io

from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import config, secrets

SIGNATURE_BYTES = 8192
CA_NAME = "SkillCert 证书签章平台根证书"


def _name(common: str, org: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _pem_key(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _pem_cert(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _usage(**on) -> x509.KeyUsage:
    flags = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{f: on.get(f, False) for f in flags})


def _new_ca() -> dict:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name(CA_NAME, "SkillCert")).issuer_name(_name(CA_NAME, "SkillCert"))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(key_cert_sign=True, crl_sign=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return {"key_pem": _pem_key(key), "cert_pem": _pem_cert(cert)}


@functools.lru_cache(maxsize=1)
def _ca() -> dict:
    """The platform CA, created on first use; if two processes race, the one that stored it first wins."""
    name = f"{config.secret_prefix()}/ca"
    ca = secrets.read(name)
    if ca is None:
        secrets.create(name, _new_ca())
        ca = secrets.read(name)
    return ca


def ca_pem() -> str:
    return _ca()["cert_pem"]


def _ca_asn1() -> ax509.Certificate:
    return ax509.Certificate.load(x509.load_pem_x509_certificate(ca_pem().encode()).public_bytes(
        serialization.Encoding.DER))


def issue_seal(org_id: str, org_name: str) -> dict:
    """A new signing key and certificate for a TEO, under the platform CA. Returns the certificate's
    serial and PEM; the key goes to Secrets Manager only."""
    ca = _ca()
    ca_key = serialization.load_pem_private_key(ca["key_pem"].encode(), None)
    ca_cert = x509.load_pem_x509_certificate(ca["cert_pem"].encode())
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name(f"{org_name} 电子公章", org_name))
            .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=825))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(digital_signature=True, content_commitment=True), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    serial = format(cert.serial_number, "x")
    secrets.create(_key_name(org_id, serial), {"key_pem": _pem_key(key), "cert_pem": _pem_cert(cert)})
    return {"serial": serial, "cert_pem": _pem_cert(cert)}


def _key_name(org_id: str, serial: str) -> str:
    return f"{config.secret_prefix()}/seal/{org_id}/{serial}"


@functools.lru_cache(maxsize=64)
def _signer(org_id: str, serial: str) -> signers.PdfSigner:
    stored = secrets.read(_key_name(org_id, serial))
    if stored is None:
        raise LookupError("电子公章的签名密钥不存在")
    cert = ax509.Certificate.load(x509.load_pem_x509_certificate(stored["cert_pem"].encode()).public_bytes(
        serialization.Encoding.DER))
    signer = signers.SimpleSigner(signing_cert=cert,
                                  signing_key=load_private_key_from_pemder_data(stored["key_pem"].encode(), None),
                                  cert_registry=SimpleCertificateStore.from_certs([_ca_asn1()]))
    meta = signers.PdfSignatureMetadata(field_name="SkillCertSeal", md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES,
                                        reason="职业技能等级证书电子印章", location="SkillCert")
    return signers.PdfSigner(meta, signer=signer)


def sign(pdf: bytes, org_id: str, serial: str) -> bytes:
    """Seal a finished PDF (every image placed already): one PAdES signature by the TEO's key."""
    out = _signer(org_id, serial).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)),
                                           bytes_reserved=SIGNATURE_BYTES)
    return out.getvalue()
