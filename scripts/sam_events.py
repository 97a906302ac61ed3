"""Feeds API Gateway REST (v1) proxy events made by aws-sam-cli to licence-service in Lambda mode.

    python3 sam_events.py --sam SAM --licence-bin BIN --ledger-endpoint URL --work DIR
                          [--case-timeout SECONDS] [--save-events DIR]

Every event is rendered by `sam local generate-event apigateway aws-proxy` (AWS's own template),
then only the fields a real API Gateway would set differently for that route are adjusted (each
adjustment is printed under its case). The script serves the events through a small Runtime API
of its own on 127.0.0.1 (one invocation at a time, as Lambda does), starts the function against
it with keys in the environment and the ledger at URL, and checks each proxy response: statusCode,
key headers and body fields. It prints one `ok`/`FAIL` line per case and a closing
`sam-events: N passed, M failed`, and exits 1 if any case failed. A function that dies is
reported on the case that killed it and restarted for the next one.
"""

import argparse
import copy
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import ThreadingHTTPServer

from lambda_runtime_http import RuntimeRequestHandler

LICENCE = {"firstName": "Ann", "lastName": "Lee", "email": "ann@example.com",
           "telephone": "01234 567890", "postcode": "CF10 1AA"}
ACCESS_KEY, SECRET_KEY = "AKIDSAMEVENTS", "sam-events-secret"
REGION, LEDGER = "eu-west-2", "licences"


class Runtime:
    """A minimal Lambda Runtime API (2018-06-01): one queued event at a time."""

    def __init__(self):
        self.cond = threading.Condition()
        self.pending = None  # (request id, event bytes) waiting for invocation/next
        self.answers = {}  # request id -> ("response" | "error", parsed body or text)
        self.init_error = None
        runtime = self

        class Handler(RuntimeRequestHandler):
            def do_GET(self):
                if self.path != "/2018-06-01/runtime/invocation/next":
                    return self.reply(404, b'{"message":"unknown path"}')
                with runtime.cond:
                    runtime.cond.wait_for(lambda: runtime.pending is not None)
                    request_id, data = runtime.pending
                    runtime.pending = None
                deadline = int((time.time() + 30) * 1000)
                self.reply(200, data, {
                    "Lambda-Runtime-Aws-Request-Id": request_id,
                    "Lambda-Runtime-Deadline-Ms": str(deadline),
                    "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000",
                    "Lambda-Runtime-Invoked-Function-Arn":
                        f"arn:aws:lambda:{REGION}:123456789012:function:licences"})

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                parts = self.path.split("/")
                self.reply(202, b'{"status":"OK"}')
                with runtime.cond:
                    if self.path == "/2018-06-01/runtime/init/error":
                        runtime.init_error = body.decode(errors="replace")
                    elif len(parts) == 6 and parts[5] in ("response", "error"):
                        runtime.answers[parts[4]] = (parts[5], body)
                    runtime.cond.notify_all()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_address[1]

    def invoke(self, request_id, event, timeout, alive):
        """Queues `event`, waits for its answer; returns (kind, body) or (None, reason)."""
        with self.cond:
            self.pending = (request_id, json.dumps(event).encode())
            self.cond.notify_all()
            deadline = time.monotonic() + timeout
            while request_id not in self.answers:
                if self.init_error is not None:
                    return None, "init error: " + self.init_error
                if not alive():
                    self.pending = None
                    return None, "the function exited"
                left = deadline - time.monotonic()
                if left <= 0:
                    self.pending = None
                    return None, f"no answer within {timeout:.0f} s"
                self.cond.wait(min(left, 0.2))
            return self.answers.pop(request_id)


class Function:
    """The licence-service process in Lambda mode."""

    def __init__(self, binary, runtime_port, ledger_endpoint, work):
        self.binary, self.work = binary, work
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": work,
            "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{runtime_port}", "AWS_LAMBDA_FUNCTION_NAME": "licences",
            "AWS_REGION": REGION, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "LEDGER_NAME": LEDGER, "QLDB_ENDPOINT": ledger_endpoint, "LICENCE_PREPARE_TABLES": "1",
        }
        self.starts = 0
        self.proc = None
        self.log = None

    def start(self):
        self.starts += 1
        self.log = open(os.path.join(self.work, f"function-{self.starts}.log"), "wb")
        self.proc = subprocess.Popen([self.binary], env=self.env, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def tail(self, lines=15):
        self.log.flush()
        with open(self.log.name, "rb") as f:
            text = f.read().decode(errors="replace").splitlines()
        return text[-lines:]


def generate(sam, args):
    """Runs `sam local generate-event apigateway aws-proxy ARGS` and returns the event."""
    out = subprocess.run([sam, "local", "generate-event", "apigateway", "aws-proxy", *args],
                         capture_output=True, text=True, timeout=60, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"sam generate-event {' '.join(args)} failed: {out.stderr.strip()[-400:]}")
    return json.loads(out.stdout)


def sam_args(method, path, resource, body="", query=None):
    """Options for sam: PATH without its leading slash (the template adds one)."""
    args = ["--method", method, "--path", path.lstrip("/"), "--resource", resource, "--body", body]
    if query is not None:
        args += ["--querystringparameters", json.dumps(query)]
    return args


def route_fields(event, path_parameters, multi_query=True, context_path=None):
    """Sets what API Gateway derives from the matched route, returning the adjustments made.

    sam's template always writes `pathParameters: {"proxy": "/<path>"}` (right only for a
    `/{proxy+}` resource) and a fixed `multiValueQueryStringParameters: {"foo": ["bar"]}`.
    """
    changes = []

    def put(name, value, holder=event, label=None):
        if holder.get(name) != value:
            changes.append(f"{label or name}: {json.dumps(holder.get(name))} -> {json.dumps(value)}")
            holder[name] = value

    put("pathParameters", path_parameters)
    if multi_query:
        query = event.get("queryStringParameters")
        put("multiValueQueryStringParameters",
            None if query is None else {name: [value] for name, value in query.items()})
    if context_path is not None:
        put("path", context_path, event["requestContext"], "requestContext.path")
    return changes


class Checks:
    def __init__(self):
        self.problems = []

    def expect(self, condition, message):
        if not condition:
            self.problems.append(message)
        return condition


def check_common(c, answer, status, content_type):
    c.expect(isinstance(answer, dict), f"the answer is not a JSON object: {answer!r}"[:200])
    if not isinstance(answer, dict):
        return None
    c.expect(answer.get("statusCode") == status, f"statusCode {answer.get('statusCode')}, expected {status}")
    headers = answer.get("headers")
    c.expect(isinstance(headers, dict), "no headers map")
    headers = headers if isinstance(headers, dict) else {}
    c.expect(answer.get("isBase64Encoded") in (False, None), "isBase64Encoded is not false")
    if content_type is not None:
        c.expect(headers.get("Content-Type") == content_type,
                 f"Content-Type {headers.get('Content-Type')!r}, expected {content_type!r}")
    body = answer.get("body")
    if content_type is None:
        c.expect(body in ("", None), f"body {body!r}, expected none")
        return None
    try:
        return json.loads(body)
    except (TypeError, ValueError):
        c.expect(False, f"body is not JSON: {body!r}"[:200])
        return None


def check_problem(c, answer, status, problem_type):
    body = check_common(c, answer, status, "application/problem+json")
    if isinstance(body, dict):
        c.expect(body.get("status") == status, f"problem status {body.get('status')}")
        c.expect(body.get("type") == problem_type, f"problem type {body.get('type')!r}, expected {problem_type!r}")
        c.expect(isinstance(body.get("title"), str) and isinstance(body.get("detail"), str),
                 "problem without title/detail")
    elif body is not None:
        c.expect(False, "problem body is not an object")
    return body


def check_licence(c, body, licence_id=None, points=0):
    if not c.expect(isinstance(body, dict) and "licenceId" in body, f"body is not a licence: {body!r}"[:200]):
        return
    for name, value in LICENCE.items():
        c.expect(body.get(name) == value, f"{name} {body.get(name)!r}, expected {value!r}")
    got = body.get("licenceId")
    if licence_id is None:
        c.expect(isinstance(got, str) and len(got) == 22 and got.isalnum(), f"licenceId {got!r}")
    else:
        c.expect(got == licence_id, f"licenceId {got!r}, expected {licence_id!r}")
    c.expect(body.get("penaltyPoints") == points, f"penaltyPoints {body.get('penaltyPoints')!r}, expected {points}")
    events = body.get("events")
    c.expect(isinstance(events, list) and events and isinstance(events[0], dict)
             and events[0].get("eventName") == "LicenceCreated", f"events {events!r}"[:200])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sam", required=True)
    parser.add_argument("--licence-bin", required=True)
    parser.add_argument("--ledger-endpoint", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--case-timeout", type=float, default=20)
    parser.add_argument("--save-events")
    opts = parser.parse_args()
    # `timeout` ends a run with SIGTERM: exit through the `finally` below so the function is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(124))

    runtime = Runtime()
    function = Function(opts.licence_bin, runtime.port, opts.ledger_endpoint, opts.work)
    function.start()
    state = {"id": None}
    results = []
    need_id = "no licenceId: the create case did not give one"

    # Each case: name, a function returning (event, adjustments) or raising, and a check of the answer.
    def create_event():
        event = generate(opts.sam, sam_args("POST", "/licences", "/licences", json.dumps(LICENCE)))
        return event, route_fields(event, None)

    def create_check(c, answer):
        body = check_common(c, answer, 201, "application/json")
        check_licence(c, body)
        if isinstance(body, dict) and isinstance(body.get("licenceId"), str) and len(body["licenceId"]) == 22:
            state["id"] = body["licenceId"]

    def by_id(method, suffix, resource_suffix="", body="", path_prefix="", context_path=False):
        def make():
            if state["id"] is None:
                raise RuntimeError(need_id)
            path = f"{path_prefix}/licences/{state['id']}{suffix}"
            event = generate(opts.sam, sam_args(method, path, "/licences/{licenceId}" + resource_suffix, body))
            return event, route_fields(event, {"licenceId": state["id"]},
                                       context_path=path if context_path else None)
        return make

    def get_check(c, answer):
        check_licence(c, check_common(c, answer, 200, "application/json"), state["id"])

    def find_event():
        event = generate(opts.sam, sam_args("GET", "/licences", "/licences", query={"email": LICENCE["email"]}))
        return event, route_fields(event, None)

    def points_check(c, answer):
        body = check_common(c, answer, 200, "application/json")
        c.expect(body == {"licenceId": state["id"], "penaltyPoints": 3},
                 f"body {body!r}, expected licenceId and penaltyPoints 3"[:200])

    def history_check(c, answer):
        body = check_common(c, answer, 200, "application/json")
        if not c.expect(isinstance(body, list) and len(body) >= 2, f"history {body!r}"[:200]):
            return
        for revision in body:
            c.expect(isinstance(revision, dict) and {"blockAddress", "hash", "data", "metadata"} <= revision.keys(),
                     f"revision {revision!r}"[:200])
        if all(isinstance(r, dict) and isinstance(r.get("data"), dict) and isinstance(r.get("metadata"), dict)
               for r in body):
            c.expect(all(r["metadata"].get("id") == state["id"] for r in body), "metadata.id is not the licenceId")
            ordered = sorted(body, key=lambda r: r["metadata"].get("version", 0))
            points = [r["data"].get("penaltyPoints") for r in ordered]
            c.expect(points[-2:] == [0, 3], f"penaltyPoints by revision {points}, expected ... 0, 3")

    def patch_event():
        event = generate(opts.sam, sam_args("PATCH", "/licences", "/licences", json.dumps({"postcode": "CF10 2BB"})))
        return event, route_fields(event, None)

    def patch_check(c, answer):
        check_problem(c, answer, 405, "/problems/method-not-allowed")
        headers = answer.get("headers") if isinstance(answer, dict) else None
        allow = (headers or {}).get("Allow") if isinstance(headers, dict) else None
        methods = {m.strip() for m in (allow or "").split(",")}
        c.expect(allow is not None and {"GET", "POST"} <= methods and "PATCH" not in methods,
                 f"Allow {allow!r}, expected GET, POST (and OPTIONS)")

    def options_check(c, answer):
        check_common(c, answer, 204, None)
        headers = answer.get("headers") if isinstance(answer, dict) else None
        headers = headers if isinstance(headers, dict) else {}
        allowed = headers.get("Access-Control-Allow-Methods")
        methods = {m.strip() for m in (allowed or "").split(",")}
        c.expect(allowed is not None and {"GET", "DELETE", "OPTIONS"} <= methods and "PUT" not in methods,
                 f"Access-Control-Allow-Methods {allowed!r}, expected GET, DELETE, OPTIONS")
        c.expect(headers.get("Access-Control-Allow-Origin") == "*",
                 f"Access-Control-Allow-Origin {headers.get('Access-Control-Allow-Origin')!r}")

    def default_event():
        return generate(opts.sam, []), []

    def default_check(c, answer):
        check_problem(c, answer, 404, "/problems/not-found")

    cases = [
        ("create", "POST /licences", create_event, create_check),
        ("get-by-id", "GET /licences/{licenceId}", by_id("GET", ""), get_check),
        ("find-by-email", "GET /licences?email=", find_event,
         lambda c, a: check_licence(c, check_common(c, a, 200, "application/json"), state["id"])),
        ("add-points", "PUT /licences/{licenceId}/points",
         by_id("PUT", "/points", "/points", json.dumps({"points": 3, "description": "Speeding"})), points_check),
        ("history", "GET /licences/{licenceId}/history", by_id("GET", "/history", "/history"), history_check),
        ("method-not-allowed", "PATCH /licences", patch_event, patch_check),
        ("preflight", "OPTIONS /licences/{licenceId}", by_id("OPTIONS", ""), options_check),
        ("base-path-mapping", "GET /Prod/licences/<id>, resource /licences/{licenceId}",
         by_id("GET", "", path_prefix="/Prod", context_path=True),
         lambda c, a: check_licence(c, check_common(c, a, 200, "application/json"), state["id"], points=3)),
        ("sam-default-event", "sam's aws-proxy event, no options", default_event, default_check),
    ]

    try:
        for index, (name, label, make, check) in enumerate(cases):
            c = Checks()
            adjustments = []
            answer_text, kind, answer = "", None, None
            try:
                event, adjustments = make()
            except Exception as error:  # noqa: BLE001 - any failure to build an event fails the case
                c.expect(False, str(error))
                event = None
            if event is not None:
                if opts.save_events:
                    with open(os.path.join(opts.save_events, f"{index + 1:02d}-{name}.json"), "w") as f:
                        json.dump(event, f, indent=2)
                if not function.alive():
                    runtime.init_error = None
                    function.start()
                kind, body = runtime.invoke(f"sam-{index + 1}-{name}", copy.deepcopy(event),
                                            opts.case_timeout, function.alive)
                if kind is None:
                    c.expect(False, body)
                    if not function.alive():
                        c.problems += ["  function log: " + line for line in function.tail()]
                elif kind == "error":
                    c.expect(False, "the function reported an invocation error: " + body.decode(errors="replace"))
                else:
                    answer_text = body.decode(errors="replace")
                    try:
                        answer = json.loads(body)
                    except ValueError:
                        answer = answer_text
                    check(c, answer)
            ok = not c.problems
            results.append(ok)
            status = answer.get("statusCode") if isinstance(answer, dict) else "-"
            print(f"{'ok  ' if ok else 'FAIL'} {name}: {label} -> {status}", flush=True)
            for change in adjustments:
                print(f"       adjusted {change}", flush=True)
            for problem in c.problems:
                print(f"       {problem}", flush=True)
            if not ok and answer_text:
                print(f"       answer: {answer_text[:400]}", flush=True)
    finally:
        function.stop()
    failed = results.count(False)
    print(f"sam-events: {len(results) - failed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
