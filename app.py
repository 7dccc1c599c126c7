"""SkillCert: wiring only. Routes live in chalicelib/api (one blueprint per area)."""
from chalice import Chalice

from chalicelib.api import accounts, http, masterdata, meta, records, signing

app = Chalice(app_name="skillcert")

app.register_middleware(http.normalize_errors, "http")
app.register_blueprint(http.security)
app.register_blueprint(accounts.bp)
app.register_blueprint(masterdata.bp)
app.register_blueprint(records.bp)
app.register_blueprint(signing.bp)
app.register_blueprint(meta.bp)
