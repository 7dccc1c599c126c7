"""Hostile input: a signing session completes only with a visibly drawn signature (issue 14, item 7)."""
import base64
import io

from PIL import Image

from ..integration.conftest import assert_error
from ..integration.signoff import fresh_plan, generate, statuses
from ..unit.test_signature_ink import BLANKS, drawn


def b64(img: Image.Image) -> str:
    out = io.BytesIO()
    img.save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_blank_signatures_are_refused_and_a_drawn_one_signs(api, figures):
    plan = fresh_plan(api, per_site=1, sites=("bjtu",))
    (rid,) = generate(api, plan)
    opened = api.post("/signing-sessions", as_="teo", json={"action": "sign", "record_ids": [rid]})
    assert opened.status_code == 201, opened.text
    path = f"/signing-sessions/{opened.json()['id']}/complete"
    for name, blank in BLANKS.items():
        error = assert_error(api.post(path, as_="teo_signer", json={
            "decision": "confirm", "signature_png_base64": b64(blank)}), 400, "blank_signature")
        assert error["message"].startswith("请手写签名"), name
        figures["blank signatures refused"] += 1
    assert statuses(api, [rid]) == {rid: "TEO_PENDING"}                 # nothing signed, the session still open
    r = api.post(path, as_="teo_signer", json={"decision": "confirm", "signature_png_base64": b64(drawn())})
    assert r.status_code == 200, r.text
    assert statuses(api, [rid]) == {rid: "SITE_PENDING"}
