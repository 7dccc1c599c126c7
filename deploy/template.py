"""The CloudFormation resources merged into ``chalice package``'s SAM template, per stage:

    python -m deploy.template dev > .chalice/resources-dev.json
    chalice package --stage dev --merge-template .chalice/resources-dev.json out/

(``make package STAGE=dev`` does both.) The table's keys and indexes come from the pynamodb model, so
the deployed table cannot drift from the code; names come from the stage's environment in
``.chalice/config.json``. Also: the stamping and the downloads queues, each with its dead-letter queue
and partial batch responses, a private encrypted bucket, the token secret, and API Gateway's own refusals in the API's
error shape.
"""
import json
import sys
from pathlib import Path

from chalicelib import files
from chalicelib.store.models import Entity

ROOT = Path(__file__).resolve().parent.parent
VISIBILITY_SECONDS = 360            # six times the worker's 60 s timeout, as AWS advises for SQS sources
MAX_RECEIVES = 3                    # chalicelib.services.certificate_making.MAX_RECEIVES


def stage_env(stage: str) -> dict:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return {**config.get("environment_variables", {}), **config["stages"][stage]["environment_variables"]}


def table() -> dict:
    schema = Entity._get_schema()
    indexes = []
    for index in schema["global_secondary_indexes"]:
        projection = {"ProjectionType": index["projection"]["ProjectionType"]}
        if "NonKeyAttributes" in index["projection"]:
            projection["NonKeyAttributes"] = sorted(index["projection"]["NonKeyAttributes"])
        indexes.append({"IndexName": index["index_name"], "KeySchema": index["key_schema"],
                        "Projection": projection})
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": schema["attribute_definitions"],
            "KeySchema": schema["key_schema"],
            "GlobalSecondaryIndexes": indexes,
            "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": True},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},
        },
    }


def _error(code: str, message: str, status: int) -> dict:
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
    return {"statusCode": status, "responseTemplates": {"application/json": body}}


def _queue(name: str, queue: str) -> dict:
    """``<name>Queue`` and its ``<name>DeadLetters``, where a message goes after the worker's last try."""
    return {
        f"{name}DeadLetters": {"Type": "AWS::SQS::Queue", "Properties": {
            "QueueName": f"{queue}-dlq", "MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True}},
        f"{name}Queue": {"Type": "AWS::SQS::Queue", "Properties": {
            "QueueName": queue, "VisibilityTimeout": VISIBILITY_SECONDS, "SqsManagedSseEnabled": True,
            "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [f"{name}DeadLetters", "Arn"]},
                              "maxReceiveCount": MAX_RECEIVES}}},
    }


def resources(stage: str) -> dict:
    env = stage_env(stage)
    table_name, bucket = env["SKILLCERT_TABLE"], env["SKILLCERT_BUCKET"]
    names = {"SKILLCERT_TABLE": {"Ref": "SkillCertTable"}, "SKILLCERT_BUCKET": {"Ref": "FilesBucket"},
             "SKILLCERT_QUEUE": {"Fn::GetAtt": ["StampingQueue", "QueueName"]},
             "SKILLCERT_DOWNLOADS_QUEUE": {"Fn::GetAtt": ["DownloadsQueue", "QueueName"]},
             "SKILLCERT_TOKEN_SECRET_ARN": {"Ref": "TokenSecret"}}
    functions = {name: {"Properties": {"Environment": {"Variables": names}}}
                 for name in ("APIHandler", "RunJobs", "FailDeadLetters", "RunDownloads", "FailDownloadDeadLetters",
                              "SweepStuckCertificates", "ResendUnsentJobs", "TokenAuthorizer")}
    # The workers depend on their queues through the queue name variables; the DLQ handlers need it said.
    for name, dead_letters in (("RunJobs", None), ("FailDeadLetters", "StampingDeadLetters"),
                               ("RunDownloads", None), ("FailDownloadDeadLetters", "DownloadsDeadLetters")):
        functions[name]["Properties"]["Events"] = {f"{name}SqsEventSource": {"Properties": {
            "FunctionResponseTypes": ["ReportBatchItemFailures"]}}}
        if dead_letters:
            functions[name]["DependsOn"] = [dead_letters]
    return {"Resources": {
        "SkillCertTable": {**table(), "Properties": {**table()["Properties"], "TableName": table_name}},
        **_queue("Stamping", env["SKILLCERT_QUEUE"]),
        **_queue("Downloads", env["SKILLCERT_DOWNLOADS_QUEUE"]),
        "FilesBucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                        "Properties": {
            "BucketName": bucket,
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                               "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "LifecycleConfiguration": {"Rules": [
                {"Id": f"expire-{prefix.rstrip('/')}", "Prefix": prefix, "Status": "Enabled", "ExpirationInDays": days}
                for prefix, days in files.expiring_prefixes().items()]},
        }},
        "FilesBucketTlsOnly": {"Type": "AWS::S3::BucketPolicy", "Properties": {
            "Bucket": {"Ref": "FilesBucket"},
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [{"Fn::Sub": "arn:${AWS::Partition}:s3:::${FilesBucket}"},
                             {"Fn::Sub": "arn:${AWS::Partition}:s3:::${FilesBucket}/*"}],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}},
        "TokenSecret": {"Type": "AWS::SecretsManager::Secret", "Properties": {
            "Name": env["SKILLCERT_TOKEN_SECRET_ARN"],
            "Description": "Signs SkillCert login tokens",
            "GenerateSecretString": {"PasswordLength": 64, "ExcludePunctuation": True}}},
        "RestAPI": {"Properties": {"DefinitionBody": {"x-amazon-apigateway-gateway-responses": {
            "UNAUTHORIZED": _error("unauthenticated", "未登录或登录已过期，请重新登录", 401),
            "MISSING_AUTHENTICATION_TOKEN": _error("not_found", "接口不存在", 404),
            "ACCESS_DENIED": _error("forbidden", "无权访问", 403),
            "REQUEST_TOO_LARGE": _error("body_too_large", "请求内容过大", 413),
            "THROTTLED": _error("too_many_requests", "请求过于频繁，请稍后再试", 429),
            "DEFAULT_5XX": _error("internal_error", "服务器内部错误，请稍后重试", 502),
        }}}},
        **functions,
    }}


if __name__ == "__main__":
    print(json.dumps(resources(sys.argv[1] if len(sys.argv) > 1 else "dev"), ensure_ascii=False, indent=2))
