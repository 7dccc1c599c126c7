"""Roles and the authenticated caller. Pure: no AWS, no HTTP."""
import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .errors import Forbidden


class Role(str, Enum):
    ADMIN = "admin"
    TEO = "teo"
    TEO_SIGNER = "teo_signer"
    COLLEGE = "college"
    COLLEGE_SIGNER = "college_signer"
    CANDIDATE = "candidate"


TEO_ROLES = frozenset({Role.TEO, Role.TEO_SIGNER})
COLLEGE_ROLES = frozenset({Role.COLLEGE, Role.COLLEGE_SIGNER})
# Roles bound to an organisation: their ``org_id`` is a TEO id or a college id.
ORG_ROLES = TEO_ROLES | COLLEGE_ROLES


@dataclass(frozen=True)
class Principal:
    """Who is calling. ``org_id`` is the TEO or college of staff and signers; ``candidate_no`` of a candidate."""
    username: str
    role: Role
    org_id: str | None = None
    candidate_no: str | None = None
    token_gen: int = 0              # the account's token generation when the token was issued

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def teo_id(self) -> str | None:
        return self.org_id if self.role in TEO_ROLES else None

    @property
    def college_id(self) -> str | None:
        return self.org_id if self.role in COLLEGE_ROLES else None

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Forbidden("当前账号的角色无权执行此操作", code="role_forbidden")


def requires(*roles: Role) -> Callable:
    """Declare, once, the roles a use case serves. The use case refuses every other caller (the worker, the
    demo and the bench call use cases directly), and its route reads the same roles with ``roles_of`` to
    refuse early and to document them."""
    def decorate(use_case: Callable) -> Callable:
        @functools.wraps(use_case)
        def guarded(principal: Principal, *args: Any, **kwargs: Any) -> Any:
            principal.require(*roles)
            return use_case(principal, *args, **kwargs)
        guarded.roles = roles       # type: ignore[attr-defined]
        return guarded
    return decorate


def roles_of(use_case: Callable) -> tuple[Role, ...]:
    """The roles a use case declared with ``requires``."""
    return use_case.roles       # type: ignore[attr-defined]
