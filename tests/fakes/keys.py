"""Fakes of the ``keys``, ``tokens`` and ``pdf_seal`` ports: a platform CA and e-seal certificates made
like chalicelib/pki.py makes them (same names, extensions and serial format), but over P-256 keys held
here instead of in KMS. Tokens are real ES256 compact JWS checked by chalicelib.jws's own ``check``
against this CA, and PDFs get a real PAdES seal by pyHanko (with the attachment embedded by
chalicelib.pades_seal's own code), so ``pades_check`` trusts what the fake sealed as it trusts the real thing.

Not modelled: the CRL itself (no port serves it), KMS's 4 KB raw-message limit. A revoked seal's key is disabled
as in KMS: signing with it raises ``KeyDisabled``.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import threading
from types import SimpleNamespace

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

from chalicelib import jws, pki
from chalicelib.domain.encoding import b64url

from .clock import FakeClock


class KeyDisabled(Exception):
    """The key of a revoked seal signs no more (KMS answers DisabledException)."""


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


class FakeKeys:
    CA_NAME = pki.CA_NAME

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.private: dict[str, ec.EllipticCurvePrivateKey] = {}   # key id -> key
        self.disabled: set[str] = set()
        self._certs: dict[str, dict] = {}                           # serial ("ca" for the CA) -> item
        self._lock = threading.RLock()

    def _new_key(self, name: str) -> str:
        key_id = f"fake-kms-{len(self.private) + 1}-{name}"
        self.private[key_id] = ec.generate_private_key(ec.SECP256R1())
        return key_id

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock.now(), dt.timezone.utc).replace(microsecond=0)

    @staticmethod
    def _validity(days: int) -> tuple[dt.datetime, dt.datetime]:
        """From the real time, not the fake clock's: the seal check holds a certificate to the real time."""
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        return now - dt.timedelta(hours=1), now + dt.timedelta(days=days)

    def signer(self, key_id: str) -> ec.EllipticCurvePrivateKey:
        if key_id in self.disabled:
            raise KeyDisabled(key_id)
        return self.private[key_id]

    def ca(self) -> dict:
        with self._lock:
            if "ca" not in self._certs:
                key_id = self._new_key("ca")
                key = self.private[key_id]
                start, end = self._validity(3650)
                name = pki._name(pki.CA_NAME, "SkillCert")
                cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                        .public_key(key.public_key()).serial_number(x509.random_serial_number())
                        .not_valid_before(start).not_valid_after(end)
                        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                        .add_extension(pki._usage(key_cert_sign=True, crl_sign=True), critical=True)
                        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                        .sign(key, hashes.SHA256()))
                self._certs["ca"] = self._item("ca", None, key_id, _pem(cert))
            return dict(self._certs["ca"])

    def ca_pem(self) -> str:
        return self.ca()["cert_pem"]

    def _item(self, serial: str, org_id: str | None, key_id: str, cert_pem: str) -> dict:
        return {"serial": serial, "org_id": org_id, "key_id": key_id, "cert_pem": cert_pem,
                "issued_at": self._now().isoformat(), "revoked_at": None, "revoked_reason": None}

    def issue_seal(self, org_id: str, org_name: str) -> dict:
        authority = self.ca()
        ca_cert = x509.load_pem_x509_certificate(authority["cert_pem"].encode())
        with self._lock:
            key_id = self._new_key(f"seal/{org_id}")
            public = self.private[key_id].public_key()
            start, end = self._validity(825)
            cert = (x509.CertificateBuilder().subject_name(pki._name(f"{org_name} 电子公章", org_name))
                    .issuer_name(ca_cert.subject).public_key(public).serial_number(x509.random_serial_number())
                    .not_valid_before(start).not_valid_after(end)
                    .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                    .add_extension(pki._usage(digital_signature=True, content_commitment=True), critical=True)
                    .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),
                                   critical=False)
                    .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(pki.crl_url())], relative_name=None,
                        reasons=None, crl_issuer=None)]), critical=False)
                    .sign(self.private[authority["key_id"]], hashes.SHA256()))
            serial = format(cert.serial_number, "x")
            self._certs[serial] = self._item(serial, org_id, key_id, _pem(cert))
            return {"serial": serial, "cert_pem": _pem(cert)}

    def seal(self, serial: str) -> dict | None:
        found = self._certs.get(serial) if serial != "ca" else None
        return dict(found) if found else None

    def seal_signer(self, serial: str) -> tuple[str, str]:
        found = self.seal(serial)
        if not found:
            raise LookupError("电子公章的签名证书不存在")
        return found["key_id"], found["cert_pem"]

    def revoke_seal(self, serial: str, reason: str) -> str:
        at = self._now().isoformat()
        with self._lock:
            found = self._certs.get(serial) if serial != "ca" else None
            if found:
                if not found["revoked_at"]:
                    found.update(revoked_at=at, revoked_reason=reason)
                self.disabled.add(found["key_id"])
        return at


_CHECKING = threading.Lock()


class FakeTokens:
    def __init__(self, keys: FakeKeys) -> None:
        self.keys = keys

    def sign(self, claims: dict, key_id: str, chain_pems: list[str], typ: str = "vc+jwt") -> str:
        header = {"alg": "ES256", "typ": typ, "cty": "vc", "x5c": [jws._x5c(p) for p in chain_pems]}
        signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                         b64url(json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()))
        r, s = utils.decode_dss_signature(self.keys.signer(key_id).sign(signing_input.encode(),
                                                                        ec.ECDSA(hashes.SHA256())))
        return signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))

    def check(self, token: str) -> dict:
        """chalicelib.jws.check itself, its CA lookup pointed at the fake CA for the call (the adapter
        reads the CA from chalicelib.pki directly; the lock keeps concurrent checks from crossing)."""
        ca_pem = self.keys.ca_pem()
        with _CHECKING:
            real, jws.pki = jws.pki, SimpleNamespace(ca_pem=lambda: ca_pem)
            try:
                return jws.check(token)
            finally:
                jws.pki = real


class FakePdfSeal:
    def __init__(self, keys: FakeKeys) -> None:
        self.keys = keys
        self.sealed: list[str] = []       # the serials that sealed, in order

    def sign(self, pdf: bytes, serial: str, attachment: tuple[str, str, bytes] | None = None) -> bytes:
        from asn1crypto import keys as akeys
        from asn1crypto import pem
        from asn1crypto import x509 as ax509
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        from chalicelib import pades_seal

        key_id, cert_pem = self.keys.seal_signer(serial)
        key = self.keys.signer(key_id)
        der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        signer = signers.SimpleSigner(
            signing_cert=ax509.Certificate.load(pem.unarmor(cert_pem.encode())[2]),
            signing_key=akeys.PrivateKeyInfo.load(der_key),
            cert_registry=SimpleCertificateStore.from_certs(
                [ax509.Certificate.load(pem.unarmor(self.keys.ca_pem().encode())[2])]))
        meta = signers.PdfSignatureMetadata(field_name="SkillCertSeal", md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES,
                                            reason="职业技能等级证书电子印章", location="SkillCert")
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        if attachment:
            pades_seal._embed(writer, *attachment)
        self.sealed.append(serial)
        return signers.PdfSigner(meta, signer=signer).sign_pdf(
            writer, bytes_reserved=pades_seal.SIGNATURE_BYTES).getvalue()
