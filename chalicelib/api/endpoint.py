"""How a route is declared: one decorator registers it, documents it and wraps it.

``endpoint`` gives every view the same treatment: the token authorizer unless public, the caller as a
``Principal``, the JSON body parsed, size-checked and validated against the declared JSON Schema (which is
also what ``/api/openapi.json`` publishes), domain errors mapped to their status, and unexpected errors
logged with the request id and answered with a 500 that names it. The request id is the correlation id
of every log line the request writes.
"""
import functools
import json
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from chalice import AuthResponse, Blueprint, Response

from .. import auth, lazy
from ..domain.access import Principal, Role
from ..domain.errors import DomainError, InvalidInput, TooLarge, Unauthenticated
from ..logs import log
from ..services import accounts
from . import errors

jsonschema = lazy.module("jsonschema")      # loaded by the first request with a body, not at cold start

MAX_JSON_BYTES = 1024 * 1024
# The body is always parsed as JSON, whatever the client labels it (curl -d says form-urlencoded).
_CONTENT_TYPES = ["application/json", "text/plain", "application/x-www-form-urlencoded"]


T = TypeVar("T")
# What a route declares from its service (its roles, its media type) it may give as a function, e.g.
# ``roles=lambda: roles_of(service.use_case)``: an api module then imports its service lazily (chalicelib/lazy.py)
# and the service loads with the route's first request, not at cold start.
Declared = T | Callable[[], T]


def _resolved(declared: Declared[T]) -> T:
    return declared() if callable(declared) else declared


@dataclass
class EndpointDoc:
    method: str
    path: str
    summary: str
    tag: str
    public: bool
    declared_roles: Declared[tuple[Role, ...] | None]
    body: dict | None
    query: dict[str, dict] = field(default_factory=dict)
    status: int = 200
    declared_media: Declared[str] = "application/json"

    # Resolved once, at the first request or document that asks, not on every request.
    @functools.cached_property
    def roles(self) -> tuple[Role, ...] | None:
        """None: any signed-in role (the view narrows it further)."""
        return _resolved(self.declared_roles)

    @functools.cached_property
    def media(self) -> str:
        """What a successful answer is."""
        return _resolved(self.declared_media)


ENDPOINTS: list[EndpointDoc] = []


class TokenRejected(Exception):
    """Raised by the authorizer. API Gateway turns an authorizer error named 'Unauthorized' into a 401."""

    def __init__(self) -> None:
        super().__init__("Unauthorized")


security = Blueprint(__name__)


# No result cache (API Gateway would otherwise keep accepting a withdrawn token for the TTL): every
# request re-reads the account, so a logout, password change or deactivation takes effect on the next one.
@security.authorizer(ttl_seconds=0)
def token_authorizer(auth_request):
    try:
        principal = auth.verify_token(auth_request.token or "")
    except Unauthenticated:
        raise TokenRejected() from None
    if not accounts.still_valid(principal):       # deactivated, or moved to another role or org since login
        raise TokenRejected()
    return AuthResponse(routes=["*"], principal_id=principal.username, context={
        "role": principal.role.value,
        "org_id": principal.org_id or "",
        "candidate_no": principal.candidate_no or "",
    })


def normalize_errors(event, get_response):
    """Chalice middleware: the framework's own refusals (405, 415, ...) get the API's error shape too."""
    response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
        code = _FRAMEWORK_CODES.get(response.status_code, "invalid_request")
        message = _FRAMEWORK_MESSAGES.get(response.status_code, "请求无效")
        return json_response(errors.error_body(code, message), response.status_code,
                             {k: v for k, v in response.headers.items() if k.lower() == "allow"})
    return response


_FRAMEWORK_CODES = {405: "method_not_allowed", 415: "unsupported_media_type", 500: "internal_error"}
_FRAMEWORK_MESSAGES = {405: "该接口不支持此请求方法", 415: "请求内容类型不受支持，请使用 application/json",
                       500: "服务器内部错误，请稍后重试"}


def principal_of(request) -> Principal:
    ctx = (request.context or {}).get("authorizer") or {}
    try:
        return Principal(username=ctx["principalId"], role=Role(ctx["role"]),
                         org_id=ctx.get("org_id") or None, candidate_no=ctx.get("candidate_no") or None)
    except (KeyError, ValueError):
        raise Unauthenticated("未登录或登录已过期，请重新登录") from None


def client_ip(request, default: str = "unknown") -> str:
    """The caller's address (evidence of a signature, the key of a rate limit). Behind CloudFront, API
    Gateway's ``sourceIp`` is a CloudFront edge shared by many callers, so the viewer's address comes from
    ``CloudFront-Viewer-Address`` ("ip:port"), which CloudFront sets and overwrites; never from
    ``X-Forwarded-For``, whose first entries the caller writes. The local front removes that header."""
    viewer = (request.headers or {}).get("cloudfront-viewer-address", "")
    if viewer.rpartition(":")[0]:
        return viewer.rpartition(":")[0].strip("[]")
    return ((request.context or {}).get("identity") or {}).get("sourceIp") or default


def json_response(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(body=json.dumps(body, ensure_ascii=False, default=str),
                    status_code=status,
                    headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})


def parse_json(raw: bytes | None, schema: dict | None, max_bytes: int) -> Any:
    raw = raw or b""
    if len(raw) > max_bytes:
        raise TooLarge(f"请求内容过大：上限为{max_bytes // 1024}KB", code="body_too_large")
    if not raw.strip():
        body: Any = {}
    else:
        try:
            body = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise InvalidInput("请求内容不是有效的UTF-8编码", code="invalid_encoding") from None
        except (ValueError, RecursionError):    # RecursionError: nesting deeper than the parser allows
            raise InvalidInput("请求内容不是有效的JSON", code="invalid_json") from None
    if schema is not None:
        validate(body, schema)
    return body


_MESSAGES = {
    "required": lambda e: "缺少必填字段：" + "、".join(k for k in e.validator_value if k not in e.instance),
    "type": lambda e: f"类型错误，应为{_TYPE_NAMES.get(str(e.validator_value), e.validator_value)}",
    "enum": lambda e: f"取值无效，应为：{'、'.join(map(str, e.validator_value))}",
    "maxLength": lambda e: f"长度不能超过{e.validator_value}个字符",
    "minLength": lambda e: f"长度不能少于{e.validator_value}个字符" if e.validator_value > 1 else "不能为空",
    "maxItems": lambda e: f"最多{e.validator_value}项",
    "minItems": lambda e: f"至少{e.validator_value}项",
    "minimum": lambda e: f"不能小于{e.validator_value}",
    "maximum": lambda e: f"不能大于{e.validator_value}",
    "pattern": lambda e: "格式错误",
    "additionalProperties": lambda e: "包含不支持的字段：" + "、".join(
        sorted(k for k in e.instance if k not in e.schema.get("properties", {}))),
    "oneOf": lambda e: "须且只能提供其中一种形式",
    "anyOf": lambda e: "格式不符合要求",
}
_TYPE_NAMES = {"object": "对象", "string": "字符串", "integer": "整数", "number": "数字", "boolean": "布尔值",
               "array": "数组", "['string', 'null']": "字符串"}


def validate(value: Any, schema: dict) -> None:
    validator = jsonschema.Draft202012Validator(schema)
    problems = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    if problems:
        first = problems[0]
        where = ".".join(str(p) for p in first.absolute_path) or "请求内容"
        message = _MESSAGES.get(first.validator, lambda e: "取值无效")(first)
        raise InvalidInput(f"{where}：{message}", code="invalid_input",
                           details={"field": where} if first.absolute_path else None)


def endpoint(bp: Blueprint, path: str, method: str = "GET", *, summary: str, tag: str,
             public: bool = False, roles: Declared[tuple[Role, ...] | None] = None, body: dict | None = None,
             query: dict[str, dict] | None = None, status: int = 200,
             max_body: int = MAX_JSON_BYTES, name: str | None = None,
             media: Declared[str] = "application/json") -> Callable:
    """Register ``fn`` as ``method path``. ``fn`` receives path parameters, then ``principal`` (unless public),
    ``body`` (for methods with a body) and ``query`` (a dict of strings) as keyword arguments. ``name``
    names the view where one function body serves several routes. ``roles`` and ``media`` may be
    ``Declared`` as functions, read when first needed."""
    has_body = method in ("POST", "PUT", "PATCH")
    doc = EndpointDoc(method, path, summary, tag, public, roles, body if has_body else None, query or {}, status,
                      media)
    ENDPOINTS.append(doc)

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def view(**params: str) -> Response:
            request = bp.current_request
            request_id = (request.context or {}).get("requestId") or getattr(
                bp.lambda_context, "aws_request_id", "-")
            log.set_correlation_id(request_id)
            try:
                kwargs: dict[str, Any] = {}
                if not public:
                    kwargs["principal"] = principal_of(request)
                    if roles is not None:
                        kwargs["principal"].require(*doc.roles)
                if has_body:
                    kwargs["body"] = parse_json(request.raw_body, body, max_body)
                if query is not None:
                    kwargs["query"] = dict(request.query_params or {})
                result = fn(**params, **kwargs)
                if isinstance(result, Response):
                    return result
                return json_response(result, status)
            except DomainError as exc:
                return errors.to_response(exc, json_response)
            except Exception:
                log.exception("unhandled error", extra={"path": request.path})
                return json_response(errors.error_body(
                    "internal_error", f"服务器内部错误，请稍后重试（请求编号：{request_id}）"), 500)

        if name:
            view.__name__ = name
        bp.route(path, methods=[method], authorizer=None if public else token_authorizer,
                 content_types=_CONTENT_TYPES)(view)
        return fn
    return decorate
