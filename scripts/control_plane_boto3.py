"""QLDB's control plane with boto3 against `qldb serve`, as AWS's QLDB tutorial drives it.

Usage: control_plane_boto3.py QLDB_URL S3_URL REGION ACCESS_KEY SECRET [SUFFIX]

SUFFIX is put after the ledgers' names (a shared database may hold others' ledgers).

`client('qldb')` and pyqldb reach `qldb serve` through AWS_ENDPOINT_URL_QLDB and
AWS_ENDPOINT_URL_QLDB_SESSION; S3, IAM and STS are a moto server (AWS_ENDPOINT_URL_S3, _IAM,
_STS), as an export flow creates a role and asks STS who it is. Every proof is folded and every
exported block chained here, with this script's own SHA-256 join, not the ledger's code. One line
`ok <step>` per step; the first mismatch raises.
"""
import datetime
import hashlib
import json
import os
import sys
import time

import boto3
from amazon.ion.simpleion import loads
from pyqldb.driver.qldb_driver import QldbDriver

qldb_url, s3_url, region, access_key, secret = sys.argv[1:6]
suffix = sys.argv[6] if len(sys.argv) > 6 else ""
for service in ("QLDB", "QLDB_SESSION"):
    os.environ[f"AWS_ENDPOINT_URL_{service}"] = qldb_url
for service in ("S3", "IAM", "STS"):
    os.environ[f"AWS_ENDPOINT_URL_{service}"] = s3_url
keys = dict(region_name=region, aws_access_key_id=access_key, aws_secret_access_key=secret)
qldb = boto3.client("qldb", **keys)
s3 = boto3.client("s3", **keys)
iam = boto3.client("iam", **keys)
sts = boto3.client("sts", **keys)
LEDGER = "vehicle-registration" + suffix
SECOND = "second-ledger" + suffix


def ok(step):
    print(f"ok {step}", flush=True)


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def expect_error(code, call, **kwargs):
    try:
        call(**kwargs)
    except qldb.exceptions.ClientError as error:
        got = error.response["Error"]["Code"]
        expect(got == code, f"{call.__name__}: expected {code}, got {got}: {error}")
        return error
    raise AssertionError(f"{call.__name__} succeeded; expected {code}")


def signed_bytes_compare(a, b):
    """QLDB's hash order: bytes as signed values, from the last byte to the first."""
    for i in range(31, -1, -1):
        x, y = a[i] - 256 if a[i] > 127 else a[i], b[i] - 256 if b[i] > 127 else b[i]
        if x != y:
            return x - y
    return 0


def dot(a, b):
    if not a:
        return b
    if not b:
        return a
    return hashlib.sha256(a + b if signed_bytes_compare(a, b) < 0 else b + a).digest()


def fold(start, proof_text):
    proof = loads(proof_text)
    expect(all(len(h) == 32 for h in proof), "every proof hash has 32 bytes")
    acc = start
    for h in proof:
        acc = dot(acc, h)
    return acc


# Ledger lifecycle (the tutorial's create_ledger / describe_ledger / list_ledgers).
created = qldb.create_ledger(Name=LEDGER, PermissionsMode="ALLOW_ALL")
expect(created["State"] == "CREATING", created)
expect(created["Arn"] == f"arn:aws:qldb:{region}:123456789012:ledger/{LEDGER}", created["Arn"])
expect(created["DeletionProtection"] is True, "DeletionProtection defaults to true")
state = qldb.describe_ledger(Name=LEDGER)["State"]
expect(state == "ACTIVE", f"ACTIVE by the next DescribeLedger, got {state}")
expect_error("ResourceAlreadyExistsException", qldb.create_ledger, Name=LEDGER, PermissionsMode="ALLOW_ALL")
expect_error("InvalidParameterException", qldb.create_ledger, Name="bad--name", PermissionsMode="ALLOW_ALL")
expect_error("ResourceNotFoundException", qldb.describe_ledger, Name="no-such-ledger")
qldb.create_ledger(Name=SECOND, PermissionsMode="STANDARD", DeletionProtection=False)
names, token = [], None
while True:
    page = qldb.list_ledgers(MaxResults=1, **({"NextToken": token} if token else {}))
    names += [ledger["Name"] for ledger in page["Ledgers"]]
    token = page.get("NextToken")
    if not token:
        break
expect({LEDGER, SECOND} <= set(names) and len(names) == len(set(names)), f"pages of one: {names}")
ok("create, describe and list ledgers")

arn = created["Arn"]
qldb.tag_resource(ResourceArn=arn, Tags={"IsTest": "true", "Domain": "Test"})
qldb.untag_resource(ResourceArn=arn, TagKeys=["Domain"])
expect(qldb.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"IsTest": "true"}, "tags")
ok("tag_resource, untag_resource, list_tags_for_resource")

# Documents through the session API (pyqldb), then digests and proofs.
driver = QldbDriver(LEDGER, **keys)
driver.execute_lambda(lambda t: t.execute_statement("CREATE TABLE VehicleRegistration"))
for vin in ["1N4AL11D75C109151", "KM8SRDHF6EU074761", "3HGGK5G53FM761765"]:
    driver.execute_lambda(
        lambda t: t.execute_statement("INSERT INTO VehicleRegistration ?", {"VIN": vin, "State": "WA"}))
row = list(driver.execute_lambda(lambda t: t.execute_statement(
    "SELECT * FROM _ql_committed_VehicleRegistration AS r WHERE r.data.VIN = '1N4AL11D75C109151'")))[0]
address = '{strandId:"%s",sequenceNo:%d}' % (row["blockAddress"]["strandId"], row["blockAddress"]["sequenceNo"])
earlier = qldb.get_digest(Name=LEDGER)
driver.execute_lambda(lambda t: t.execute_statement(
    "UPDATE VehicleRegistration AS r SET r.State = 'OR' WHERE r.VIN = '1N4AL11D75C109151'"))
digest = qldb.get_digest(Name=LEDGER)
expect(len(digest["Digest"]) == 32, "a 32-byte digest")
tip = loads(digest["DigestTipAddress"]["IonText"])
expect(tip["strandId"] == row["blockAddress"]["strandId"], tip)
ok("get_digest")

revision = qldb.get_revision(Name=LEDGER, BlockAddress={"IonText": address}, DocumentId=row["metadata"]["id"],
                             DigestTipAddress=digest["DigestTipAddress"])
revision_ion = loads(revision["Revision"]["IonText"])
expect(revision_ion["hash"] == row["hash"], "GetRevision's hash is the committed view's")
expect(revision_ion["data"]["VIN"] == "1N4AL11D75C109151", revision_ion)
expect(fold(revision_ion["hash"], revision["Proof"]["IonText"]) == digest["Digest"], "the revision proof folds")
flipped = bytearray(revision_ion["hash"])
flipped[3] ^= 0x01
expect(fold(bytes(flipped), revision["Proof"]["IonText"]) != digest["Digest"], "a flipped bit fails")
flipped_digest = bytearray(digest["Digest"])
flipped_digest[30] ^= 0x80
expect(fold(revision_ion["hash"], revision["Proof"]["IonText"]) != bytes(flipped_digest), "a flipped digest fails")
old = qldb.get_revision(Name=LEDGER, BlockAddress={"IonText": address}, DocumentId=row["metadata"]["id"],
                        DigestTipAddress=earlier["DigestTipAddress"])
expect(fold(revision_ion["hash"], old["Proof"]["IonText"]) == earlier["Digest"], "a proof at an earlier tip folds")
ok("get_revision and its proof, verified by an independent fold")

block = qldb.get_block(Name=LEDGER, BlockAddress={"IonText": address}, DigestTipAddress=digest["DigestTipAddress"])
block_ion = loads(block["Block"]["IonText"])
expect(dot(block_ion["entriesHash"], block_ion["previousBlockHash"]) == block_ion["blockHash"], "blockHash = dot")
expect(fold(block_ion["blockHash"], block["Proof"]["IonText"]) == digest["Digest"], "the block proof folds")
ok("get_block and its proof")

# Journal export (the tutorial's export_journal, describe_journal_export, journal_s3_export_reader,
# validate_qldb_hash_chain).
bucket = "qldb-export-" + str(int(time.time()))
s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
role = iam.create_role(RoleName="QLDBJournalExportRole" + suffix, AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "qldb.amazonaws.com"},
                                            "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
account = sts.get_caller_identity()["Account"]
time.sleep(1.1)  # botocore sends whole seconds: the end bound must pass the last commit.
end = datetime.datetime.now(datetime.timezone.utc)
start = end - datetime.timedelta(minutes=10)
expect_error("InvalidParameterException", qldb.export_journal_to_s3, Name=LEDGER, InclusiveStartTime=end,
             ExclusiveEndTime=start, RoleArn=role, S3ExportConfiguration={
                 "Bucket": bucket, "Prefix": "x/", "EncryptionConfiguration": {"ObjectEncryptionType": "SSE_S3"}})
prefix = f"{LEDGER}-{account}/"
export_id = qldb.export_journal_to_s3(
    Name=LEDGER, InclusiveStartTime=start, ExclusiveEndTime=end, RoleArn=role,
    S3ExportConfiguration={"Bucket": bucket, "Prefix": prefix,
                           "EncryptionConfiguration": {"ObjectEncryptionType": "SSE_S3"}})["ExportId"]
description = qldb.describe_journal_s3_export(Name=LEDGER, ExportId=export_id)["ExportDescription"]
expect(description["Status"] == "COMPLETED", f"COMPLETED by the first DescribeJournalS3Export: {description}")
expect(description["RoleArn"] == role, description)
listed, token = [], None
while True:
    page = qldb.list_journal_s3_exports_for_ledger(Name=LEDGER, MaxResults=2, **({"NextToken": token} if token else {}))
    listed += [e["ExportId"] for e in page["JournalS3Exports"]]
    token = page.get("NextToken")
    if not token:
        break
expect(export_id in listed, listed)
expect(export_id in [e["ExportId"] for e in qldb.list_journal_s3_exports()["JournalS3Exports"]], "listed")
ok("export_journal_to_s3, describe and list exports")

objects = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]]
expect(f"{prefix}{export_id}.started.manifest" in objects, objects)
manifest_key = [k for k in objects if k.endswith(".completed.manifest")][0]
data_keys = loads(s3.get_object(Bucket=bucket, Key=manifest_key)["Body"].read())["keys"]
blocks = []
for key in data_keys:
    first, last = key.split("/")[-1].split(".")[1].split("-")
    part = loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read(), single_value=False)
    expect([b["blockAddress"]["sequenceNo"] for b in part] == list(range(int(first), int(last) + 1)), key)
    expect(s3.head_object(Bucket=bucket, Key=key).get("ServerSideEncryption") == "AES256", "SSE_S3 is AES256")
    blocks += part
expect(len(blocks) == tip["sequenceNo"], f"{len(blocks)} blocks exported, the journal has {tip['sequenceNo']}")
for previous, current in zip(blocks, blocks[1:]):
    expect(current["previousBlockHash"] == previous["blockHash"], f"block {current['blockAddress']} links back")
    expect(dot(current["entriesHash"], previous["blockHash"]) == current["blockHash"],
           f"block {current['blockAddress']}: blockHash = dot(entriesHash, previousBlockHash)")
ok(f"exported journal of {len(blocks)} blocks chains, checked block by block")
print(f"export-location s3://{bucket}/{prefix} {len(blocks)} blocks", flush=True)

# Deletion (the tutorial's deletion_protection and delete_ledger).
expect_error("ResourcePreconditionNotMetException", qldb.delete_ledger, Name=LEDGER)
expect(qldb.update_ledger(Name=LEDGER, DeletionProtection=False)["DeletionProtection"] is False, "updated")
expect(qldb.update_ledger_permissions_mode(Name=LEDGER, PermissionsMode="STANDARD")["PermissionsMode"] == "STANDARD",
       "permissions mode")
qldb.delete_ledger(Name=LEDGER)
qldb.delete_ledger(Name=SECOND)
expect_error("ResourceNotFoundException", qldb.describe_ledger, Name=LEDGER)
ok("deletion protection, update_ledger, delete_ledger")
