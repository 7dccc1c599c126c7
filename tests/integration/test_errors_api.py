"""Bad requests get a clear 4xx in the one error shape, never a 500."""
from .conftest import assert_error


def test_malformed_json(api):
    r = api.post("/auth/login", data=b'{"username": "teo"', headers={"Content-Type": "application/json"})
    assert_error(r, 400, "invalid_json")
    r = api.post("/auth/login", data=b"\xff\xfe", headers={"Content-Type": "application/json"})
    assert_error(r, 400, "invalid_encoding")


def test_wrong_types_and_missing_fields_name_the_field(api):
    err = assert_error(api.post("/auth/login", json={"username": 42, "password": "x"}), 400, "invalid_input")
    assert err["message"].startswith("username：") and "字符串" in err["message"]
    err = assert_error(api.post("/auth/login", json={"username": "teo"}), 400)
    assert "password" in err["message"]
    err = assert_error(api.post("/auth/login", json=["teo"]), 400)
    assert "对象" in err["message"]
    err = assert_error(api.put("/orgs/zwl", as_="teo", json={"contact_phone": "123", "color": "red"}), 400)
    assert "color" in err["message"]


def test_oversized_body_is_413(api):
    big = {"username": "teo", "password": "x" * (1024 * 1024 + 10)}
    assert_error(api.post("/auth/login", json=big), 413, "body_too_large")


def test_unknown_route_and_method(api):
    assert_error(api.get("/no-such-thing", as_="admin"), 404, "not_found")
    r = api.call("DELETE", "/me", as_="admin")
    assert_error(r, 405, "method_not_allowed")


def test_openapi_describes_every_route(api, running):
    from app import app
    doc = api.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    described = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    routed = {("/api" + path, method) for path, methods in app.routes.items() for method in methods}
    assert described == routed
    assert doc["paths"]["/api/auth/login"]["post"]["requestBody"]["content"]["application/json"]["schema"][
        "required"] == ["username", "password"]
    assert "security" not in doc["paths"]["/api/auth/login"]["post"]
    assert doc["paths"]["/api/orgs"]["get"]["security"] == [{"bearer": []}]


def test_deeply_nested_json_is_a_400_not_a_crash(api):
    deep = b'{"username": ' + b"[" * 100000 + b"]" * 100000 + b', "password": "x"}'
    assert_error(api.post("/auth/login", data=deep, headers={"Content-Type": "application/json"}),
                 400, "invalid_json")


def test_ids_that_could_not_exist_are_simply_not_found(api):
    assert_error(api.get("/records/" + "a" * 3000, as_="teo"), 404)
    assert_error(api.get("/signing-sessions/" + "b" * 3000, as_="teo"), 404)
    assert_error(api.get("/records/..%2F..%2Fetc", as_="teo"), 404)
