"""Write web/src/lifecycle.json: the record statuses, row buttons and issue methods with their labels, from
chalicelib/domain/workflow.py, so the UI keeps no copy of its own. `make web` runs it when the domain
changes; tests/unit/test_workflow.py fails when the committed file has drifted.

    .venv/bin/python scripts/lifecycle_json.py
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chalicelib.domain.workflow import vocabulary  # noqa: E402

TARGET = Path(__file__).resolve().parents[1] / "web" / "src" / "lifecycle.json"


def render() -> str:
    return json.dumps(vocabulary(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
