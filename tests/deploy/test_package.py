"""The AWS deployment: the merge templates are current, and `chalice package` + cfn-lint accept them."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.store.models import Entity
from deploy import template

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_committed_merge_templates_match_the_generator(stage):
    committed = json.loads((ROOT / ".chalice" / f"resources-{stage}.json").read_text())
    assert committed == json.loads(json.dumps(template.resources(stage))), \
        f"regenerate: python -m deploy.template {stage} > .chalice/resources-{stage}.json"


def test_the_table_matches_the_model():
    table = template.table()["Properties"]
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == {"gsi1", "gsi2", "teo_status", "site_status"}
    assert table["KeySchema"] == Entity._get_schema()["key_schema"]


@pytest.fixture(scope="module")
def packaged(tmp_path_factory):
    out = tmp_path_factory.mktemp("package")
    env = {**os.environ, "AWS_DEFAULT_REGION": "cn-north-1", "SKILLCERT_TOKEN_SECRET": "x" * 40}
    env.pop("AWS_ENDPOINT_URL", None)
    subprocess.run([str(BIN / "chalice"), "package", "--stage", "prod", "--merge-template",
                    ".chalice/resources-prod.json", str(out)], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=600)
    return out


def test_chalice_package_yields_a_complete_template(packaged):
    sam = json.loads((packaged / "sam.json").read_text())
    res = sam["Resources"]
    assert res["SkillCertTable"]["Properties"]["TableName"] == "skillcert-prod"
    queue = res["StampingQueue"]["Properties"]
    assert queue["RedrivePolicy"]["maxReceiveCount"] == 3
    source = res["RunJobs"]["Properties"]["Events"]["RunJobsSqsEventSource"]["Properties"]
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert "skillcert-prod-stamping" in json.dumps(source["Queue"])
    # Batch downloads have their own queue, dead-letter queue and worker: ZIPs never delay stamping.
    assert res["DownloadsQueue"]["Properties"]["RedrivePolicy"]["maxReceiveCount"] == 3
    zips = res["RunDownloads"]["Properties"]["Events"]["RunDownloadsSqsEventSource"]["Properties"]
    assert "skillcert-prod-downloads" in json.dumps(zips["Queue"]) and zips["BatchSize"] == 1
    assert zips["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    bucket = res["FilesBucket"]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    assert bucket["BucketEncryption"]
    functions = [name for name, r in res.items() if r["Type"] == "AWS::Serverless::Function"]
    assert {"SweepStuckCertificates", "ResendUnsentJobs", "FailDownloadDeadLetters"} <= set(functions)
    for name in functions:      # every function reaches the stack's own table, bucket and queue
        assert res[name]["Properties"]["Environment"]["Variables"]["SKILLCERT_TABLE"] == {"Ref": "SkillCertTable"}
    assert "UNAUTHORIZED" in res["RestAPI"]["Properties"]["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    import zipfile
    names = set(zipfile.ZipFile(packaged / "deployment.zip").namelist())
    # What the worker reads at run time must be inside the function's package.
    assert {"chalicelib/templates/default/layout.json", "chalicelib/render/fonts/wqy-zenhei-subset.ttf",
            "chalicelib/render/fonts/HanaMinB-extb.ttf"} <= names


def test_cfn_lint_passes(packaged):
    lint = shutil.which("cfn-lint", path=str(BIN)) or str(BIN / "cfn-lint")
    result = subprocess.run([lint, str(packaged / "sam.json")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
