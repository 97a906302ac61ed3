"""Serializability through the official Python driver: 10 threads (the driver's pool limit) move money between 8 accounts
(read a balance, then update two accounts, in one transaction); OCC retries must keep the total
at 8000 and every balance non-negative. Run against two `qldb serve` processes sharing one
PostgreSQL database behind a proxy that alternates requests, it checks OCC across processes.

Usage: transfers_pyqldb.py ENDPOINT LEDGER ACCESS_KEY SECRET
"""
import random
import sys
import threading

from pyqldb.config.retry_config import RetryConfig
from pyqldb.driver.qldb_driver import QldbDriver

endpoint, ledger, access_key, secret = sys.argv[1:5]
ACCOUNTS, THREADS, TRANSFERS = 8, 10, 32

qldb = QldbDriver(
    ledger_name=ledger, region_name="us-east-1", endpoint_url=endpoint,
    aws_access_key_id=access_key, aws_secret_access_key=secret,
    retry_config=RetryConfig(retry_limit=200, base=5), max_concurrent_transactions=10)
qldb.execute_lambda(lambda t: t.execute_statement("CREATE TABLE Account"))
qldb.execute_lambda(lambda t: t.execute_statement("CREATE INDEX ON Account (id)"))
qldb.execute_lambda(lambda t: t.execute_statement(
    "INSERT INTO Account ?", [{"id": i, "balance": 1000} for i in range(ACCOUNTS)]))

attempts = [0]
failures = []
lock = threading.Lock()


def transfer(t, source, target, amount):
    with lock:
        attempts[0] += 1
    balance = next(iter(t.execute_statement("SELECT VALUE balance FROM Account WHERE id = ?", source)))
    if balance < amount:
        return
    t.execute_statement("UPDATE Account SET balance = balance - ? WHERE id = ?", amount, source)
    t.execute_statement("UPDATE Account SET balance = balance + ? WHERE id = ?", amount, target)


def worker(seed):
    generator = random.Random(seed)
    for _ in range(TRANSFERS):
        source = generator.randrange(ACCOUNTS)
        target = (source + generator.randrange(1, ACCOUNTS)) % ACCOUNTS
        amount = generator.randint(1, 50)
        try:
            qldb.execute_lambda(lambda t: transfer(t, source, target, amount))
        except Exception as error:  # noqa: BLE001 - reported below
            with lock:
                failures.append(repr(error))


threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(THREADS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
balances = qldb.execute_lambda(lambda t: [b for b in t.execute_statement("SELECT VALUE balance FROM Account")])
qldb.close()
total = sum(balances)
negative = [b for b in balances if b < 0]
transfers = THREADS * TRANSFERS
print(f"transfers: {transfers} by {THREADS} threads, {attempts[0] - transfers} OCC retries, "
      f"total {total} (expected {ACCOUNTS * 1000}), {len(negative)} negative balances, {len(failures)} failed")
if failures or total != ACCOUNTS * 1000 or negative or len(balances) != ACCOUNTS:
    print(f"FAIL: serializability violated or transfers failed: {failures[:3]}")
    sys.exit(1)
print("transfers: serializable, 0 violations")
