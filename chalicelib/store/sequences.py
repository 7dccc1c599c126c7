"""Named sequences (the ``sequences`` port): certificate numbers and status-list bits are taken from them."""
from .models import Sequence


def allocate(sequence: str, count: int) -> range:
    """``count`` fresh numbers of a named sequence, atomically (one UpdateItem)."""
    item = Sequence(f"SEQ#{sequence}", "SEQ")
    item.update(actions=[Sequence.value.add(count), Sequence.type.set(Sequence)], add_version_condition=False)
    return range(int(item.value) - count + 1, int(item.value) + 1)
