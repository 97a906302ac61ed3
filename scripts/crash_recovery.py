"""Crash recovery of `qldb serve`: SIGKILL the server in the middle of a write load, restart it,
and check that every transaction a client saw acknowledged is there, that no transaction is
there in part, and finally that `qldb verify` accepts the whole hash chain.

With --postgres, the ledger is in that PostgreSQL database, and every other round restarts the
database itself under the load (an immediate stop, as a crash leaves it: scripts/postgres.sh
restart PG_DIR) instead of killing the server, which stays up and must recover its connections.

Usage: crash_recovery.py QLDB_BINARY DATA_DIR ROUNDS [--postgres URL PG_DIR]
"""
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

from pyqldb.config.retry_config import RetryConfig
from pyqldb.driver.qldb_driver import QldbDriver

binary, data_dir, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
postgres, pg_dir = (sys.argv[5], sys.argv[6]) if len(sys.argv) > 4 and sys.argv[4] == "--postgres" else (None, None)
# A database outlives the run: each run has a ledger of its own there.
LEDGER = "crash" if postgres is None else "crash-" + "".join(random.choice("abcdefghij") for _ in range(8))
storage = ["--data-dir", data_dir] if postgres is None else ["--postgres", postgres]


def start():
    log = open(os.path.join(data_dir, "serve.log"), "a")
    process = subprocess.Popen(
        [binary, "serve", "--port", "0", *storage, "--ledger", LEDGER],
        stdout=subprocess.PIPE, stderr=log, text=True)
    for line in process.stdout:
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
        if match:
            return process, int(match.group(1))
    raise SystemExit("qldb serve did not start")


def driver(port, retries=0):
    return QldbDriver(
        ledger_name=LEDGER, region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id="AKIDCRASH", aws_secret_access_key="secret",
        retry_config=RetryConfig(retry_limit=retries), max_concurrent_transactions=8)


os.makedirs(data_dir, exist_ok=True)
acknowledged = set()
lock = threading.Lock()
process, port = start()
setup = driver(port, retries=4)
setup.execute_lambda(lambda t: t.execute_statement("CREATE TABLE Item"))
setup.execute_lambda(lambda t: t.execute_statement("CREATE INDEX ON Item (txn)"))
setup.close()

for round_number in range(rounds):
    client = driver(port)
    stop = threading.Event()

    def writer(worker):
        n = 0
        while not stop.is_set():
            key = f"{round_number}-{worker}-{n}"
            n += 1
            try:
                # Two documents per transaction: after a crash both or neither may exist.
                client.execute_lambda(lambda t: t.execute_statement(
                    "INSERT INTO Item ?", [{"txn": key, "part": 1}, {"txn": key, "part": 2}]))
            except Exception:
                return
            with lock:
                acknowledged.add(key)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(random.uniform(0.3, 1.0))
    restart_database = postgres is not None and round_number % 2 == 1
    if restart_database:
        subprocess.run(["scripts/postgres.sh", "restart", pg_dir], check=True, stderr=subprocess.DEVNULL)
    else:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    stop.set()
    for thread in threads:
        thread.join()
    try:
        client.close()
    except Exception:
        pass
    if not restart_database:
        process, port = start()
    reader = driver(port, retries=4)
    rows = reader.execute_lambda(lambda t: [(r["txn"], r["part"]) for r in t.execute_statement("SELECT txn, part FROM Item")])
    reader.close()
    parts = {}
    for key, part in rows:
        parts.setdefault(key, []).append(part)
    missing = [key for key in acknowledged if key not in parts]
    partial = [key for key, found in parts.items() if sorted(found) != [1, 2]]
    what = "database restarted" if restart_database else "server killed"
    print(f"round {round_number + 1} ({what}): {len(acknowledged)} acknowledged so far, {len(parts)} present, "
          f"missing {len(missing)}, partial {len(partial)}")
    if missing or partial:
        print(f"FAIL: missing {missing[:5]} partial {partial[:5]}")
        process.kill()
        sys.exit(1)

process.kill()
process.wait()
verify = subprocess.run([binary, "verify", *storage, "--ledger", LEDGER], capture_output=True, text=True)
print(verify.stdout.strip())
if verify.returncode != 0:
    print(f"FAIL: qldb verify rejected the ledger: {verify.stderr.strip()}")
    sys.exit(1)
restarts = rounds // 2 if postgres is not None else 0
print(f"crash recovery ({'PostgreSQL' if postgres else 'SQLite'}): {rounds - restarts} SIGKILLs of the server, "
      f"{restarts} database restarts, {len(acknowledged)} acknowledged transactions all present, 0 partial, "
      f"chain verified")
