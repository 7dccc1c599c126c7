"""SkillCert: wiring only. Routes live in chalicelib/api (one blueprint per area)."""
from chalice import Chalice, Rate

from chalicelib import jobqueue, lazy, logs
from chalicelib.api import (
    accounts,
    credentials,
    endpoint,
    issuance,
    masterdata,
    meta,
    photos,
    printing,
    records,
    seal_applications,
    signature_stamps,
    signing,
)

# The workers' use cases load with their first event: the API's cold start never pays for them.
issuing = lazy.module("chalicelib.services.issuance")
jobs = lazy.module("chalicelib.services.jobs")
certificate_making = lazy.module("chalicelib.services.certificate_making")

# Logging is chalicelib.logs' (Powertools, the same "skillcert" logger): Chalice must not add its handler or
# turn the level to ERROR, which it does whenever the logger's handler is not on the sys.stdout of the moment.
app = Chalice(app_name="skillcert", configure_logs=False)
app.api.binary_types.append("application/pkix-crl")       # GET /api/ca.crl answers DER

app.register_middleware(endpoint.normalize_errors, "http")
app.register_blueprint(endpoint.security)
app.register_blueprint(accounts.bp)
app.register_blueprint(masterdata.bp)
app.register_blueprint(records.bp)
app.register_blueprint(signing.bp)
app.register_blueprint(issuance.bp)
app.register_blueprint(signature_stamps.bp)
app.register_blueprint(seal_applications.bp)
app.register_blueprint(printing.bp)
app.register_blueprint(credentials.bp)
app.register_blueprint(photos.bp)
app.register_blueprint(meta.bp)


@app.on_sqs_message(queue=jobqueue.queue_name(), batch_size=10)
@logs.lambda_entry
def run_jobs(event):
    return jobs.handle(event.to_dict(), event.context)


@app.on_sqs_message(queue=jobqueue.dead_letter_queue_name(), batch_size=10)
@logs.lambda_entry
def fail_dead_letters(event):
    return jobs.handle_dead_letters(event.to_dict(), event.context)


# Batch downloads on their own queue and function: a flood of ZIPs never delays stamping.
@app.on_sqs_message(queue=jobqueue.downloads_queue_name(), batch_size=1)
@logs.lambda_entry
def run_downloads(event):
    return jobs.handle(event.to_dict(), event.context)


@app.on_sqs_message(queue=jobqueue.downloads_dead_letter_queue_name(), batch_size=10)
@logs.lambda_entry
def fail_download_dead_letters(event):
    return jobs.handle_dead_letters(event.to_dict(), event.context)


@app.schedule(Rate(15, unit=Rate.MINUTES))
@logs.lambda_entry
def sweep_stuck_certificates(event):
    certificate_making.sweep()


@app.schedule(Rate(1, unit=Rate.MINUTES))
@logs.lambda_entry
def resend_unsent_jobs(event):
    issuing.resend_unsent()
