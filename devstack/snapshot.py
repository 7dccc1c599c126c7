"""``make run DATA=<dir>``: the embedded AWS's state kept on disk, so a restart loses nothing.

moto holds everything in memory. With a data directory, the state of the services SkillCert uses (DynamoDB,
S3, SQS, Secrets Manager, KMS) is pickled to ``<dir>/aws.pickle`` every ``SNAPSHOT_SECONDS`` and on stop,
and loaded back on start: records, files, queued jobs, signing keys and the token secret survive Ctrl-C
and a kill -9 (losing at most the last interval). A snapshot is taken with every AWS request held off (so
it is consistent) and written to a temporary file, then renamed over the last one (so a kill mid-write
leaves the previous snapshot whole).
"""
import copyreg
import logging
import os
import pickle
import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from moto.backends import get_backend

SERVICES = ("dynamodb", "s3", "sqs", "secretsmanager", "kms")
SNAPSHOT_SECONDS = int(os.environ.get("SKILLCERT_SNAPSHOT_SECONDS", "60"))    # tests shorten it
FILE = "aws.pickle"
log = logging.getLogger("skillcert.snapshot")


def _private_key(der: bytes):
    return serialization.load_der_private_key(der, password=None)


def _public_key(der: bytes):
    return serialization.load_der_public_key(der)


def _reduce_private(key):
    return _private_key, (key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()),)


def _reduce_public(key):
    return _public_key, (key.public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo),)


def _register_reducers() -> None:
    """What moto's state holds that pickle cannot take as it is: SQS queues' locks (a fresh one is as good:
    nobody holds it at a snapshot) and KMS's key objects (kept as their DER bytes)."""
    copyreg.pickle(type(threading.Lock()), lambda _: (threading.Lock, ()))
    copyreg.pickle(type(threading.RLock()), lambda _: (threading.RLock, ()))
    for private in (rsa.generate_private_key(65537, 1024), ec.generate_private_key(ec.SECP256R1()),
                    ed25519.Ed25519PrivateKey.generate()):
        copyreg.pickle(type(private), _reduce_private)
        copyreg.pickle(type(private.public_key()), _reduce_public)


def restore(directory: Path) -> bool:
    """Load the last snapshot into moto's backends, if there is one. Returns whether there was."""
    path = directory / FILE
    if not path.is_file():
        return False
    _register_reducers()
    with path.open("rb") as f:
        state = pickle.load(f)
    for service, backends in state.items():
        live = get_backend(service)     # the object moto's code refers to: filled in place
        dict.clear(live)
        dict.update(live, backends)
        vars(live).update(vars(backends))   # S3's map of bucket names to accounts, say
    return True


def save(directory: Path) -> None:
    """Write the current state (call with AWS requests held off)."""
    _register_reducers()
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".{FILE}.{os.getpid()}.tmp"
    with temporary.open("wb") as f:
        pickle.dump({service: get_backend(service) for service in SERVICES}, f, protocol=pickle.HIGHEST_PROTOCOL)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, directory / FILE)


class Snapshots(threading.Thread):
    """Saves every ``interval`` seconds while the stack runs, and once more on ``stop()``."""

    def __init__(self, directory: Path, hold_requests, interval: float = SNAPSHOT_SECONDS) -> None:
        super().__init__(name="snapshots", daemon=True)
        self._directory, self._hold, self._interval = directory, hold_requests, interval
        self._halt = threading.Event()

    def save(self) -> None:
        with self._hold():
            save(self._directory)

    def run(self) -> None:
        while not self._halt.wait(self._interval):
            try:
                self.save()
            except Exception:   # keep the stack running; the previous snapshot stays whole
                log.exception("snapshot of the embedded AWS failed")

    def stop(self) -> None:
        self._halt.set()
        self.join(30)
        self.save()
