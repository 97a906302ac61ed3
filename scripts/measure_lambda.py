"""Measures the cold start of a licence-service Lambda bootstrap (see scripts/measure-lambda.sh).

    python3 measure_lambda.py --binary BOOTSTRAP --ledger-endpoint URL --work DIR
                              [--runs N] [--run-timeout SECONDS]

Each run starts a fresh fake Lambda Runtime API on 127.0.0.1 with one API Gateway (REST, v1)
proxy event queued, `GET /licences/<22-char id>` of a licence that does not exist, then starts
BOOTSTRAP against it and times, with time.monotonic_ns, from just before the process is spawned
to the arrival of the first invocation's response (POST .../invocation/<id>/response), which
must be a 404. It also notes when the function first asked for an event (invocation/next), which
is the end of its init phase.

A warm-up run comes first and is not counted: it sets LICENCE_PREPARE_TABLES=1 so the Licence
table and its indexes exist on the ledger, and loads the executable into the page cache. The
measured runs do not prepare tables, so their GET is a real query of an existing, empty table
(session start, transaction, SELECT, commit: every ledger round trip signed with SigV4 using the
keys in the environment). Prints one line per run and the median, min and max, and the sizes of
the executable and of a deflate zip of it named `bootstrap` (as scripts/package-lambda.sh makes)
in MB (10^6 bytes). Exits 1 on the first run that fails or takes longer than --run-timeout.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import zipfile
from http.server import ThreadingHTTPServer

from lambda_runtime_http import RuntimeRequestHandler

REGION, LEDGER = "eu-west-2", "licences"
ACCESS_KEY, SECRET_KEY = "AKID", "SECRET"
MISSING_ID = "AAAAAAAAAAAAAAAAAAAAAA"  # 22 letters: a valid licenceId that no licence has


def api_gateway_event():
    path = "/licences/" + MISSING_ID
    return {"resource": "/licences/{licenceId}", "path": path, "httpMethod": "GET",
            "headers": {"Accept": "application/json"}, "multiValueHeaders": {"Accept": ["application/json"]},
            "queryStringParameters": None, "multiValueQueryStringParameters": None,
            "pathParameters": {"licenceId": MISSING_ID}, "stageVariables": None,
            "requestContext": {"requestId": "measure-request", "stage": "Prod", "path": "/Prod" + path,
                               "httpMethod": "GET", "resourcePath": "/licences/{licenceId}"},
            "body": None, "isBase64Encoded": False}


class QuietServer(ThreadingHTTPServer):
    """Says nothing of a connection the function drops when it is stopped at the end of a run."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class FakeRuntime:
    """A Runtime API (2018-06-01) with one event queued; records when things arrive."""

    def __init__(self, request_id, event):
        self.cond = threading.Condition()
        self.closing = False
        self.first_next_ns = None  # first GET invocation/next
        self.response_ns = None  # arrival of the first invocation's response
        self.response = None
        self.failure = None  # an init/error or invocation error body
        self.event = json.dumps(event).encode()
        self.served = False
        runtime = self

        class Handler(RuntimeRequestHandler):
            def do_GET(self):
                now = time.monotonic_ns()
                if self.path != "/2018-06-01/runtime/invocation/next":
                    return self.reply(404, b'{"message":"unknown path"}')
                with runtime.cond:
                    if runtime.first_next_ns is None:
                        runtime.first_next_ns = now
                    if runtime.served:
                        # Later polls wait, as Lambda's do, until the run is over.
                        runtime.cond.wait_for(lambda: runtime.closing, timeout=60)
                        self.close_connection = True
                        return
                    runtime.served = True
                deadline = int((time.time() + 30) * 1000)
                self.reply(200, runtime.event, {
                    "Lambda-Runtime-Aws-Request-Id": request_id,
                    "Lambda-Runtime-Deadline-Ms": str(deadline),
                    "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000",
                    "Lambda-Runtime-Invoked-Function-Arn":
                        f"arn:aws:lambda:{REGION}:123456789012:function:licences"})

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                now = time.monotonic_ns()
                self.reply(202, b'{"status":"OK"}')
                with runtime.cond:
                    if self.path == f"/2018-06-01/runtime/invocation/{request_id}/response":
                        if runtime.response_ns is None:
                            runtime.response_ns = now
                            runtime.response = body
                    elif runtime.failure is None:
                        runtime.failure = f"{self.path}: {body.decode(errors='replace')[:400]}"
                    runtime.cond.notify_all()

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.port = self.server.server_address[1]

    def wait(self, deadline_ns, alive):
        """Waits for the response, a reported error, the function's exit or the deadline."""
        with self.cond:
            while self.response_ns is None and self.failure is None:
                left = (deadline_ns - time.monotonic_ns()) / 1e9
                if left <= 0 or not alive():
                    return
                self.cond.wait(min(left, 0.05))

    def close(self):
        with self.cond:
            self.closing = True
            self.cond.notify_all()
        self.server.shutdown()
        self.server.server_close()


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def tail(path, lines=15):
    with open(path, "rb") as f:
        return f.read().decode(errors="replace").splitlines()[-lines:]


def run_once(opts, index, prepare):
    """One cold start; returns (total ms, init ms, the answer's body) or raises RuntimeError."""
    request_id = f"measure-{index}"
    runtime = FakeRuntime(request_id, api_gateway_event())
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": opts.work,
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{runtime.port}", "AWS_LAMBDA_FUNCTION_NAME": "licences",
        "AWS_REGION": REGION, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "LEDGER_NAME": LEDGER, "QLDB_ENDPOINT": opts.ledger_endpoint,
    }
    if prepare:
        env["LICENCE_PREPARE_TABLES"] = "1"
    log_path = os.path.join(opts.work, f"function-{index}.log")
    proc = None
    try:
        with open(log_path, "wb") as log:
            start = time.monotonic_ns()
            proc = subprocess.Popen([opts.binary], env=env, stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT)
            runtime.wait(start + int(opts.run_timeout * 1e9), lambda: proc.poll() is None)
            exited = proc.poll()
            stop(proc)
        problem = None
        if runtime.failure is not None:
            problem = "the function reported an error at " + runtime.failure
        elif runtime.response_ns is None:
            problem = (f"the function exited with status {exited} before answering" if exited is not None
                       else f"no response within {opts.run_timeout:g} s")
        else:
            try:
                answer = json.loads(runtime.response)
            except ValueError:
                answer = None
            if not isinstance(answer, dict) or answer.get("statusCode") != 404:
                problem = f"expected a 404 proxy response, got {runtime.response[:300]!r}"
        if problem:
            raise RuntimeError("\n".join([problem, "  function log:"] + ["    " + l for l in tail(log_path)]))
        init_ms = None if runtime.first_next_ns is None else (runtime.first_next_ns - start) / 1e6
        return (runtime.response_ns - start) / 1e6, init_ms, answer.get("body")
    finally:
        if proc is not None:
            stop(proc)
        runtime.close()


def sizes(binary, work):
    zip_path = os.path.join(work, "bootstrap.zip")
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(binary, arcname="bootstrap")
    return os.path.getsize(binary), os.path.getsize(zip_path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--ledger-endpoint", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--run-timeout", type=float, default=15)
    opts = parser.parse_args()
    print(f"measure-lambda: {opts.binary}, {opts.runs} runs, event GET /licences/{MISSING_ID} (expects 404)",
          flush=True)
    try:
        total, init, body = run_once(opts, 0, prepare=True)
        print(f"warm-up (LICENCE_PREPARE_TABLES=1, not counted): {total:8.1f} ms, answered 404 {body}"[:300],
              flush=True)
        totals, inits = [], []
        for index in range(1, opts.runs + 1):
            total, init, _ = run_once(opts, index, prepare=False)
            totals.append(total)
            if init is not None:
                inits.append(init)
            init_text = "-" if init is None else f"{init:.1f}"
            print(f"run {index:3d}: {total:8.1f} ms to the first response (init done, first next: {init_text} ms)",
                  flush=True)
    except RuntimeError as error:
        print(f"measure-lambda: FAILED: {error}", flush=True)
        return 1
    exe, zipped = sizes(opts.binary, opts.work)
    print(f"cold start to first response: median {statistics.median(totals):.1f} ms, "
          f"min {min(totals):.1f} ms, max {max(totals):.1f} ms ({len(totals)} runs)")
    if inits:
        print(f"init (start to first invocation/next): median {statistics.median(inits):.1f} ms, "
              f"min {min(inits):.1f} ms, max {max(inits):.1f} ms")
    print(f"executable: {exe / 1e6:.1f} MB ({exe} bytes); deflate zip as bootstrap: {zipped / 1e6:.1f} MB "
          f"({zipped} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
