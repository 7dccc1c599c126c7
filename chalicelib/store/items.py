"""Reading one item by its key, strongly, as the fresh dict every store module answers with."""
import re

from .masterdata import to_dict
from .models import Entity

HEX_ID = re.compile(r"^[0-9a-f]{32}$")       # the ids of sessions, download jobs and e-seal applications


def read(model: type[Entity], pk: str, sk: str) -> dict | None:
    """The item, or None when there is none. Callers check an id's form first, so an id we could never have
    made costs no lookup (and no over-long key reaches DynamoDB)."""
    try:
        return to_dict(model.get(pk, sk, consistent_read=True))
    except model.DoesNotExist:
        return None
