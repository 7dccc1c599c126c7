"""``GET /api/openapi.json``: the OpenAPI 3 description, generated from the registered endpoints."""
import re

from chalice import Blueprint

from .endpoint import ENDPOINTS, endpoint

bp = Blueprint(__name__)

_ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message"],
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "details": {"type": "object"}}}}}


def openapi() -> dict:
    paths: dict = {}
    for ep in ENDPOINTS:
        op: dict = {"summary": ep.summary, "tags": [ep.tag], "operationId": f"{ep.method.lower()}{ep.path}",
                    "responses": {str(ep.status): {"description": "OK", "content": {
                        ep.media: {"schema": {}}}}}}
        params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                  for n in re.findall(r"{(\w+)}", ep.path)]
        params += [{"name": n, "in": "query", "required": False, "schema": s} for n, s in ep.query.items()]
        if params:
            op["parameters"] = params
        if ep.body is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": ep.body}}}
        errors = ["400", "413"] if ep.body is not None else []
        if not ep.public:
            op["security"] = [{"bearer": []}]
            errors += ["401", "403", "404"]
        if ep.method != "GET":
            errors.append("409")
        # Any other status (a wrong password's 401, a public lookup's 404, 429, 503, 500) has the same body.
        for code in errors + ["default"]:
            op["responses"][code] = {"description": "error", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        paths.setdefault("/api" + ep.path, {})[ep.method.lower()] = op
    return {
        "openapi": "3.0.3",
        "info": {"title": "SkillCert API", "version": "1.0.0",
                 "description": "Sign-off and issuance of vocational skill level certificates."},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "schemas": {"Error": _ERROR},
        },
    }


@endpoint(bp, "/openapi.json", summary="This API description (OpenAPI 3)", tag="meta", public=True)
def openapi_json():
    return openapi()


@endpoint(bp, "/health", summary="Liveness check", tag="meta", public=True)
def health():
    return {"status": "ok"}
