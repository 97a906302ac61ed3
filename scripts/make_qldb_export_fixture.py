"""Writes a small journal export in Amazon QLDB's documented format, with amazon-ion and ionhash
(the Python libraries AWS publishes), not with this package's code: the fixture of
JournalImportTests (Tests/QLDBLedgerTests/Fixtures/qldb-export/).

Usage: make_qldb_export_fixture.py OUT_DIR   (needs: pip install amazon.ion==0.9.3 ionhash==1.2.1)

Three blocks of strand KmA3ZZca7vAIiJAK9S5Iwl, as QLDB exports them: CREATE TABLE (whose
revision is a system revision: only a hash), an INSERT and an UPDATE of one document. As in the
AWS CLI's get-block example, entriesHashList holds QLDB's opaque system hashes around the
revisions' root and the transaction info's hash. Objects: the started and completed manifests and
one data object, under the prefix "exports/".
"""
import hashlib
import os
import sys
from datetime import datetime, timezone

from amazon.ion.simple_types import IonPyDict
from amazon.ion.simpleion import dumps, loads
from ionhash.hasher import hashlib_hash_function_provider

out = sys.argv[1]
provider = hashlib_hash_function_provider("SHA256")
STRAND = "KmA3ZZca7vAIiJAK9S5Iwl"
EXPORT = "8UyXulxccYLAsbN1aon7e4"
TABLE_ID = "BFJKdXgzt9oF4wjMbuxy4G"
DOC = "JUJgkIcNbhS2goq8RqLuZ4"


def ion_hash(value):
    return bytes(loads(dumps(value)).ion_hash(hash_function_provider=provider))


def signed(b):
    return b - 256 if b > 127 else b


def dot(a, b):
    if not a:
        return b
    if not b:
        return a
    for i in range(31, -1, -1):
        if signed(a[i]) != signed(b[i]):
            first = a if signed(a[i]) < signed(b[i]) else b
            second = b if first is a else a
            return hashlib.sha256(first + second).digest()
    return hashlib.sha256(a + b).digest()


def merkle_root(hashes):
    level = list(hashes)
    if not level:
        return b""
    while len(level) > 1:
        level = [dot(level[i], level[i + 1]) if i + 1 < len(level) else level[i] for i in range(0, len(level), 2)]
    return level[0]


def opaque(label):
    return hashlib.sha256(label.encode()).digest()


def timestamp(text):
    return loads(text)


previous = b""
blocks = []
statements = [
    ("CREATE TABLE VehicleRegistration", "2019-09-16T19:37:01.100Z", None),
    ("INSERT INTO VehicleRegistration ?", "2019-09-16T19:37:03.200Z",
     {"VIN": "1N4AL11D75C109151", "State": "WA", "City": "Seattle"}),
    ("UPDATE VehicleRegistration AS r SET r.City = 'Everett' WHERE r.VIN = '1N4AL11D75C109151'",
     "2019-09-16T19:37:05.300Z", {"VIN": "1N4AL11D75C109151", "State": "WA", "City": "Everett"}),
]
for number, (statement, started, data) in enumerate(statements, start=1):
    committed = started[:-4] + "900Z"
    tx_id = f"Tx{number:020d}"
    info = {"statements": [{"statement": statement, "startTime": timestamp(started),
                            "statementDigest": ion_hash(statement)}]}
    address = {"strandId": STRAND, "sequenceNo": number}
    if data is None:
        info["documents"] = {}
        revisions = [{"hash": opaque(f"system revision of block {number}")}]
    else:
        metadata = {"id": DOC, "version": number - 2, "txTime": timestamp(committed), "txId": tx_id}
        info["documents"] = {DOC: {"tableName": "VehicleRegistration", "tableId": TABLE_ID, "statements": [0]}}
        revisions = [{"blockAddress": address, "hash": dot(ion_hash(metadata), ion_hash(data)), "data": data,
                      "metadata": metadata}]
    entries = [opaque(f"system entry A of block {number}"), merkle_root([r["hash"] for r in revisions]),
               opaque(f"system entry B of block {number}"), ion_hash(info)]
    entries_hash = merkle_root(entries)
    block_hash = dot(entries_hash, previous)
    blocks.append({"blockAddress": address, "transactionId": tx_id, "blockTimestamp": timestamp(committed),
                   "blockHash": block_hash, "entriesHash": entries_hash, "previousBlockHash": previous,
                   "entriesHashList": entries, "transactionInfo": info, "revisions": revisions})
    previous = block_hash

prefix = "exports/"
data_key = f"{prefix}2019/09/16/19/{STRAND}.1-3.ion"
files = {
    f"{EXPORT}.started.manifest": dumps({
        "ledgerName": "vehicle-registration", "exportId": EXPORT,
        "inclusiveStartTime": timestamp("2019-09-16T00:00:00.000Z"),
        "exclusiveEndTime": timestamp("2019-09-16T22:00:00.000Z"), "bucket": "qldb-exports", "prefix": prefix,
        "objectEncryptionType": "NO_ENCRYPTION"}, binary=False),
    data_key[len(prefix):]: "\n".join(dumps(block, binary=False) for block in blocks),
    f"{EXPORT}.{STRAND}.completed.manifest": dumps({"keys": [data_key]}, binary=False),
}
for name, text in files.items():
    path = os.path.join(out, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text.replace("$ion_1_0 ", "") + "\n")
print(f"wrote {len(files)} objects, {len(blocks)} blocks; last blockHash {previous.hex()}")
