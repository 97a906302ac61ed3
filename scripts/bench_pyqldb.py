"""pyqldb's rate of licence-create transactions against a ledger endpoint, for comparison with
Benchmarks' LedgerLoad (same transaction: uniqueness SELECT, INSERT, UPDATE of licenceId).

Usage: bench_pyqldb.py ENDPOINT [THREADS] [SECONDS]
"""
import random
import sys
import threading
import time

from pyqldb.driver.qldb_driver import QldbDriver

endpoint = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 8
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 5
driver = QldbDriver(ledger_name="licences", region_name="us-east-1", endpoint_url=endpoint,
                    aws_access_key_id="AKIDLOAD", aws_secret_access_key="secret",
                    max_concurrent_transactions=threads)
count = [0]
lock = threading.Lock()
deadline = time.monotonic() + seconds


def create(txn, email):
    existing = list(txn.execute_statement("SELECT VALUE l.licenceId FROM Licence AS l WHERE l.email = ?", email))
    assert not existing
    document = {"firstName": "Ann", "lastName": "Lee", "email": email, "telephone": "01234 567890",
                "postcode": "CF10 1AA", "penaltyPoints": 0, "events": [{"eventName": "LicenceCreated"}]}
    inserted = list(txn.execute_statement("INSERT INTO Licence ?", document))
    doc_id = inserted[0]["documentId"]
    txn.execute_statement("UPDATE Licence AS l BY docId SET l.licenceId = ? WHERE docId = ?", doc_id, doc_id)


def worker(index):
    n = 0
    while time.monotonic() < deadline:
        n += 1
        email = f"py{index}-{n}-{random.getrandbits(32)}@example.com"
        driver.execute_lambda(lambda t: create(t, email))
        with lock:
            count[0] += 1


started = time.monotonic()
pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
for t in pool:
    t.start()
for t in pool:
    t.join()
elapsed = time.monotonic() - started
print(f"pyqldb: {count[0]} transactions in {elapsed:.2f} s = {count[0] / elapsed:.0f} txn/s ({threads} threads)")
driver.close()
