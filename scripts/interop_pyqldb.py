"""The official Python driver (pyqldb 3.2.4) against `qldb serve`: every step asserts its result.

Usage: interop_pyqldb.py ENDPOINT LEDGER ACCESS_KEY SECRET
"""
import random
import sys
import threading

from amazon.ion.simpleion import loads
from botocore.exceptions import ClientError
from pyqldb.config.retry_config import RetryConfig
from pyqldb.driver.qldb_driver import QldbDriver

endpoint, ledger, access_key, secret = sys.argv[1:5]
steps = 0


def check(condition, what):
    global steps
    if not condition:
        print(f"FAIL: {what}")
        sys.exit(1)
    steps += 1
    print(f"ok {steps}: {what}")


def driver(secret_key=secret, retry_config=None, pool=10):
    return QldbDriver(
        ledger_name=ledger, region_name="us-east-1", endpoint_url=endpoint,
        aws_access_key_id=access_key, aws_secret_access_key=secret_key,
        retry_config=retry_config, max_concurrent_transactions=pool)


qldb = driver()
qldb.execute_lambda(lambda t: t.execute_statement("CREATE TABLE Licence"))
qldb.execute_lambda(lambda t: t.execute_statement("CREATE INDEX ON Licence (email)"))
qldb.execute_lambda(lambda t: t.execute_statement("CREATE INDEX ON Licence (licenceId)"))
check(sorted(qldb.list_tables()) == ["Licence"], "list_tables() returns the created table")

ann = {"licenceId": "L1", "email": "ann@example.com", "penaltyPoints": 3, "events": ["LicenceCreated"]}
ids = qldb.execute_lambda(lambda t: [r["documentId"] for r in t.execute_statement("INSERT INTO Licence ?", ann)])
check(len(ids) == 1 and len(ids[0]) == 22, "INSERT with a struct parameter returns one 22-character documentId")
pair = [{"licenceId": "L2", "email": "bob@example.com", "penaltyPoints": 0},
        {"licenceId": "L3", "email": "cy@example.com", "penaltyPoints": 6}]
more = qldb.execute_lambda(lambda t: [r["documentId"] for r in t.execute_statement("INSERT INTO Licence ?", pair)])
check(len(more) == 2, "INSERT with a list parameter returns two documentIds")

rows = qldb.execute_lambda(lambda t: list(t.execute_statement("SELECT * FROM Licence WHERE email = ?", "ann@example.com")))
check(len(rows) == 1 and rows[0]["penaltyPoints"] == 3 and rows[0]["licenceId"] == "L1", "SELECT by an indexed field")
rows = qldb.execute_lambda(lambda t: sorted(r for r in t.execute_statement(
    "SELECT VALUE l.licenceId FROM Licence AS l WHERE l.penaltyPoints > ?", 1)))
check(rows == ["L1", "L3"], "SELECT VALUE with a range predicate (scan)")

updated = qldb.execute_lambda(lambda t: list(t.execute_statement(
    "UPDATE Licence AS l SET l.penaltyPoints = l.penaltyPoints + ? WHERE l.licenceId = ?", 2, "L1")))
check(len(updated) == 1 and updated[0]["documentId"] == ids[0], "UPDATE returns the documentId")
qldb.execute_lambda(lambda t: t.execute_statement(
    "FROM Licence AS l WHERE l.licenceId = 'L1' INSERT INTO l.events VALUE 'PointsAdded'"))
rows = qldb.execute_lambda(lambda t: list(t.execute_statement("SELECT l.penaltyPoints, l.events FROM Licence AS l WHERE l.licenceId = 'L1'")))
check(rows[0]["penaltyPoints"] == 5 and list(rows[0]["events"]) == ["LicenceCreated", "PointsAdded"], "FROM … INSERT INTO a nested list")

deleted = qldb.execute_lambda(lambda t: list(t.execute_statement("DELETE FROM Licence AS l WHERE l.licenceId = ?", "L2")))
check(len(deleted) == 1, "DELETE returns the documentId")
remaining = qldb.execute_lambda(lambda t: sorted(r for r in t.execute_statement("SELECT VALUE licenceId FROM Licence")))
check(remaining == ["L1", "L3"], "the deleted document is gone")

history = qldb.execute_lambda(lambda t: list(t.execute_statement(
    "SELECT * FROM history(Licence) AS h WHERE h.metadata.id = ?", ids[0])))
check([h["metadata"]["version"] for h in history] == [0, 1, 2], "history() returns every revision in order")
check(all(len(h["hash"]) == 32 and "strandId" in h["blockAddress"] for h in history), "revisions carry hash and blockAddress")

# Many values: pyqldb follows NextPageToken.
qldb.execute_lambda(lambda t: t.execute_statement("CREATE TABLE Bulk"))
for start in range(0, 400, 40):
    qldb.execute_lambda(lambda t: t.execute_statement("INSERT INTO Bulk ?", [{"n": n} for n in range(start, start + 40)]))
count = qldb.execute_lambda(lambda t: sum(1 for _ in t.execute_statement("SELECT n FROM Bulk")))
check(count == 400, "400 results read across pages")

# Conflicting transactions: every thread increments one counter; OCC makes pyqldb retry.
qldb.execute_lambda(lambda t: t.execute_statement("CREATE TABLE Counter"))
qldb.execute_lambda(lambda t: t.execute_statement("INSERT INTO Counter VALUE {'name': 'c', 'value': 0}"))
retries = []
lock = threading.Lock()


def backoff(attempt, error, transaction_id):
    with lock:
        retries.append(getattr(error, "response", {}).get("Error", {}).get("Code", type(error).__name__))
    # pyqldb's own default: exponential with full jitter (base 10 ms), so that contenders that
    # lost together do not retry in lockstep; capped at 200 ms to keep the check short.
    return random.uniform(0, min(200, 10 * 2 ** attempt))


contended = driver(retry_config=RetryConfig(retry_limit=50, custom_backoff=backoff), pool=8)


def increment(txn):
    value = next(iter(txn.execute_statement("SELECT VALUE value FROM Counter WHERE name = 'c'")))
    txn.execute_statement("UPDATE Counter SET value = ? WHERE name = 'c'", value + 1)


def worker():
    for _ in range(10):
        contended.execute_lambda(increment)


threads = [threading.Thread(target=worker) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
final = qldb.execute_lambda(lambda t: next(iter(t.execute_statement("SELECT VALUE value FROM Counter WHERE name = 'c'"))))
check(final == 80, f"80 concurrent increments all applied (value {final})")
check(len(retries) > 0 and all(code == "OccConflictException" for code in retries),
      f"pyqldb retried {len(retries)} OCC conflicts")

# A transaction the caller abandons is aborted and leaves nothing behind.
class Abandon(Exception):
    pass


def abandon(txn):
    txn.execute_statement("INSERT INTO Counter VALUE {'name': 'ghost'}")
    raise Abandon()


try:
    qldb.execute_lambda(abandon)
except Abandon:
    pass
ghosts = qldb.execute_lambda(lambda t: list(t.execute_statement("SELECT * FROM Counter WHERE name = 'ghost'")))
check(ghosts == [], "an aborted transaction commits nothing")

if access_key != "ANY":
    try:
        driver(secret_key="wrong-secret").execute_lambda(lambda t: t.execute_statement("SELECT * FROM Counter"))
        check(False, "a wrong secret is refused")
    except ClientError as error:
        check(error.response["Error"]["Code"] in ("InvalidSignatureException", "403"), f"a wrong secret is refused ({error.response['Error']['Code']})")

qldb.close()
contended.close()
print(f"pyqldb interop: {steps} checks passed")
