"""The hand-written IAM policies: the functions sign only with their own stage's KMS keys, create keys
only of that kind and tag, and can read no private key anywhere else."""
import json

import pytest

from deploy.template import ROOT, stage_env


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_kms_is_granted_on_the_stages_tagged_keys_only(stage):
    statements = json.loads((ROOT / ".chalice" / f"policy-{stage}.json").read_text())["Statement"]
    prefix = stage_env(stage)["SKILLCERT_KEY_PREFIX"]
    kms = [s for s in statements if any(a.startswith("kms:") for a in s["Action"])]
    granted = {a for s in kms for a in s["Action"]}
    assert {"kms:Sign", "kms:GetPublicKey", "kms:CreateKey", "kms:CreateAlias"} <= granted
    assert not any("*" in a for a in granted)
    for s in kms:
        if s["Resource"] == "*":       # creating a key: only a P-256 signing key carrying the stage's tag
            assert s["Condition"]["StringEquals"] == {"aws:RequestTag/skillcert-keys": prefix,
                                                      "kms:KeySpec": "ECC_NIST_P256", "kms:KeyUsage": "SIGN_VERIFY"}
        elif "alias/" in json.dumps(s["Resource"]):
            assert s["Resource"] == [f"arn:*:kms:*:*:alias/{prefix}/*"]
        else:
            assert s["Condition"] == {"StringEquals": {"aws:ResourceTag/skillcert-keys": prefix}}
    secrets = {a for s in statements for a in s["Action"] if a.startswith("secretsmanager:")}
    assert secrets == {"secretsmanager:GetSecretValue"}       # the token secret; no key is kept there
