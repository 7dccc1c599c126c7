"""E-seal applications (the ``seal_applications`` port): pk SEALAPP#id; gsi1 SEALAPPS / submitted_at#id
lists them for the platform admin, newest first."""
from .items import HEX_ID, read
from .masterdata import to_dict
from .models import SealApplication
from .tx import conditional


def get(app_id: str) -> dict | None:
    return read(SealApplication, f"SEALAPP#{app_id}", "SEALAPP") if HEX_ID.match(app_id or "") else None


def put(app: dict) -> None:
    SealApplication(f"SEALAPP#{app['id']}", "SEALAPP", gsi1pk="SEALAPPS",
                    gsi1sk=f"{app['submitted_at']}#{app['id']}", **app).save()


def newest_first() -> list[dict]:
    return [to_dict(a) for a in SealApplication.gsi1.query("SEALAPPS", scan_index_forward=False)]


def move(app_id: str, expected: str, status: str, **fields) -> bool:
    """Set ``status`` (and ``fields``) only if the application is still ``expected``: each is decided once."""
    item = SealApplication(f"SEALAPP#{app_id}", "SEALAPP")
    actions = [SealApplication.status.set(status)] + [getattr(SealApplication, k).set(v) for k, v in fields.items()]
    return conditional(lambda: item.update(actions=actions, condition=SealApplication.status == expected,
                                           add_version_condition=False))
