"""Time from process start to a ready line, and the resident memory then: how long a ledger
takes to open and what it holds afterwards (docs/performance.md, Storage).

Usage: measure_open.py COMMAND [ARG ...]
Waits for a line containing "listening" (a server) or starting with "open:" (LedgerLoad open
--hold), waits one second more, prints the time, VmRSS and VmHWM from /proc, then kills it.
"""
import re
import subprocess
import sys
import time

started = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
for line in process.stdout:
    if "listening" in line or line.startswith("open:"):
        ready = time.perf_counter() - started
        time.sleep(1.0)
        status = open(f"/proc/{process.pid}/status").read()
        rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) // 1024
        peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) // 1024
        print(f"ready in {ready:.2f} s, RSS {rss} MB (peak {peak} MB): {line.strip()}")
        break
else:
    print("the command ended without a ready line")
    sys.exit(1)
process.kill()
process.wait()
