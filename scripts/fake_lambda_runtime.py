"""A fake AWS Lambda Runtime API and container credentials endpoint, on 127.0.0.1.

Serves four API Gateway (REST, v1) proxy events to a licence-service running in Lambda mode and
checks its answers: create (201), the same email again (409), a missing field (400), then reading
the created licence back (200). Credentials come from /creds, as the container endpoint hands
them to a function under SnapStart, and must be asked for with the authorization token.

    python3 fake_lambda_runtime.py PORT_FILE TOKEN

The credentials and the licence's email can be changed with FAKE_ACCESS_KEY_ID,
FAKE_SECRET_ACCESS_KEY, FAKE_SESSION_TOKEN and FAKE_EMAIL (scripts/vpc-topology.sh gives the
function the role's temporary key of its IAM file).

Writes the port it listens on to PORT_FILE, exits 0 once every answer is as expected, 1 on the
first wrong one (or a reported error), and 2 if nothing arrives for 60 s.
"""

import json
import os
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT_FILE, TOKEN = sys.argv[1], sys.argv[2]
LICENCE = {"firstName": "Ann", "lastName": "Lee", "email": os.environ.get("FAKE_EMAIL", "ann@example.com"),
           "telephone": "01234 567890", "postcode": "CF10 1AA"}

state = {"answers": [], "credential_fetches": 0, "result": None}
lock = threading.Condition()


def event(method, path, body=None):
    return {"resource": "/{proxy+}", "path": path, "httpMethod": method,
            "headers": {"Content-Type": "application/json"}, "queryStringParameters": None,
            "pathParameters": None, "requestContext": {"requestId": "api-request"},
            "body": None if body is None else json.dumps(body), "isBase64Encoded": False}


def next_event(index):
    if index == 0:
        return event("POST", "/licences", LICENCE), 201
    if index == 1:
        return event("POST", "/licences", LICENCE), 409
    if index == 2:
        return event("POST", "/licences", {"firstName": "Bo"}), 400
    created = json.loads(state["answers"][0]["body"])
    return event("GET", "/licences/" + created["licenceId"]), 200


EXPECTED = 4


def finish(code, message):
    with lock:
        if state["result"] is None:
            state["result"] = (code, message)
        lock.notify_all()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/creds":
            if self.headers.get("Authorization") != TOKEN:
                return self.reply(401, {"message": "wrong token"})
            with lock:
                state["credential_fetches"] += 1
            expiry = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            return self.reply(200, {"AccessKeyId": os.environ.get("FAKE_ACCESS_KEY_ID", "AKIDLAMBDA"),
                                    "SecretAccessKey": os.environ.get("FAKE_SECRET_ACCESS_KEY", "lambda-secret"),
                                    "Token": os.environ.get("FAKE_SESSION_TOKEN", "session-token"),
                                    "Expiration": expiry})
        if self.path == "/2018-06-01/runtime/invocation/next":
            with lock:
                # One invocation at a time, as Lambda does: wait for the previous answer.
                while len(state["answers"]) < min(self.server.served, EXPECTED) and state["result"] is None:
                    lock.wait(1)
                index = self.server.served
                if index >= EXPECTED or state["result"] is not None:
                    lock.wait(60)
                    return self.reply(500, {"message": "no more events"})
                self.server.served += 1
                payload, expected = next_event(index)
                state.setdefault("expected", []).append(expected)
            deadline = int((time.time() + 30) * 1000)
            return self.reply(200, payload, {
                "Lambda-Runtime-Aws-Request-Id": f"req-{index}", "Lambda-Runtime-Deadline-Ms": str(deadline),
                "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000",
                "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:eu-west-2:000000000000:function:licences"})
        self.reply(404, {"message": "unknown path " + self.path})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        parts = self.path.split("/")
        if self.path.endswith("/response") and len(parts) == 6:
            answer = json.loads(body)
            self.reply(202, {"status": "OK"})
            with lock:
                state["answers"].append(answer)
                index = len(state["answers"]) - 1
                expected = state["expected"][index]
                print(f"invocation {parts[4]}: {answer['statusCode']} {answer['body'][:100]}", flush=True)
                if answer["statusCode"] != expected:
                    finish(1, f"{parts[4]} answered {answer['statusCode']}, expected {expected}")
                elif len(state["answers"]) == EXPECTED:
                    if state["credential_fetches"] < 1:
                        finish(1, "the container credentials endpoint was never asked")
                    else:
                        finish(0, f"{EXPECTED} invocations answered as expected; credentials fetched "
                                  f"{state['credential_fetches']} time(s) from the container endpoint")
                lock.notify_all()
            return
        self.reply(202, {"status": "OK"})
        finish(1, f"the function reported an error at {self.path}: {body.decode(errors='replace')}")


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.served = 0
server.daemon_threads = True
with open(PORT_FILE, "w") as f:
    f.write(str(server.server_address[1]))
threading.Thread(target=server.serve_forever, daemon=True).start()
with lock:
    lock.wait_for(lambda: state["result"] is not None, timeout=60)
    code, message = state["result"] or (2, "no answer within 60 s")
print(("fake-lambda: " if code == 0 else "fake-lambda: FAILED: ") + message, flush=True)
sys.exit(code)
