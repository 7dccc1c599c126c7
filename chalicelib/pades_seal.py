"""PAdES signatures on electronic certificates (pyHanko, baseline B-B, SHA-256) made by the issuing TEO's
KMS key. Checking an uploaded PDF's signature is ``pades_check``'s.

The private key never leaves KMS: pyHanko prepares the signed attributes and ``kms:Sign`` signs them.
The signature space is reserved instead of sized with a dry run, so sealing costs one KMS call.
pyHanko is imported where it is used, so a request that seals nothing never loads it.
"""
import functools
import io

from . import kms, pki

SIGNATURE_BYTES = 8192


@functools.lru_cache(maxsize=64)
def _signer(serial: str):
    from asn1crypto import pem
    from asn1crypto import x509 as ax509
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key_id, cert_pem = pki.seal_signer(serial)

    class KmsSigner(signers.Signer):
        async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
            if digest_algorithm.lower() != "sha256":
                raise ValueError("the e-seal keys sign SHA-256 only")
            return bytes(72) if dry_run else kms.sign(key_id, data)

    signer = KmsSigner(signing_cert=ax509.Certificate.load(pem.unarmor(cert_pem.encode())[2]),
                       cert_registry=SimpleCertificateStore.from_certs([pki.ca_asn1()]))
    meta = signers.PdfSignatureMetadata(field_name="SkillCertSeal", md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES,
                                        reason="职业技能等级证书电子印章", location="SkillCert")
    return signers.PdfSigner(meta, signer=signer)


def sign(pdf: bytes, serial: str, attachment: tuple[str, str, bytes] | None = None) -> bytes:
    """Seal a finished PDF (every image placed already): one PAdES signature by the e-seal's KMS key.
    ``attachment`` (name, description, JSON) is embedded first, in the same update, so the seal covers it."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    if attachment:
        _embed(writer, *attachment)
    return _signer(serial).sign_pdf(writer, bytes_reserved=SIGNATURE_BYTES).getvalue()


def _embed(writer, name: str, description: str, data: bytes) -> None:
    """A PDF/A-3 style associated file of the document (AFRelationship Supplement)."""
    from pyhanko.pdf_utils import embed, generic
    stream = embed.EmbeddedFileObject.from_file_data(writer, data=data, mime_type="application/json")
    embed.embed_file(writer, embed.FileSpec(file_spec_string=name, file_name=name, embedded_data=stream,
                                            description=description,
                                            af_relationship=generic.NameObject("/Supplement")))
