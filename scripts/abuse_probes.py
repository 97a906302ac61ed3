"""Abuse probes against `qldb serve` and `licence-service` (issue 14); run by scripts/abuse.sh.

Python 3 standard library only. Each probe prints `ok <probe>: <measured figure>` or
`FAIL <probe>: <what happened vs expected>` and the process exits 1 if any line was FAIL.

Usage: abuse_probes.py PROBE [--qldb URL] [--licence URL] [--pid PID] [--akid K --secret S]...
Probes: deep-nesting, runaway-query, oversized-body, slowloris, ledger-name, session-binding,
licence-email, health, alive, self-test.
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.parse

FAILED = False
PRINT_LOCK = threading.Lock()


def ok(probe, figure):
    with PRINT_LOCK:
        print(f"ok {probe}: {figure}", flush=True)


def fail(probe, what):
    global FAILED
    FAILED = True
    with PRINT_LOCK:
        print(f"FAIL {probe}: {what}", flush=True)


def short(text, limit=160):
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", errors="replace")
    # Control, format (bidi overrides) and unassigned characters are shown escaped.
    text = "".join(c if unicodedata.category(c)[0] != "C" else f"\\u{ord(c):04x}" for c in str(text))
    return text if len(text) <= limit else text[:limit] + "…"


# ---------------------------------------------------------------------------------------------
# Ion hash (SHA-256) of the few Ion types the probes send, and QLDB's commit digest.
# Checked against `qldb ion hash` and `qldb digest` by the self-test probe.

_B, _E, _ESC = 0x0B, 0x0E, 0x0C


def _escape(data):
    out = bytearray()
    for byte in data:
        if byte in (_B, _E, _ESC):
            out.append(_ESC)
        out.append(byte)
    return bytes(out)


def _scalar(tq, representation):
    return bytes([_B, tq]) + _escape(representation) + bytes([_E])


def _ion_serialize(value):
    if isinstance(value, bool):
        return _scalar(0x11 if value else 0x10, b"")
    if isinstance(value, int):
        if value == 0:
            return _scalar(0x20, b"")
        magnitude = abs(value)
        return _scalar(0x20 if value > 0 else 0x30, magnitude.to_bytes((magnitude.bit_length() + 7) // 8, "big"))
    if isinstance(value, str):
        return _scalar(0x80, value.encode("utf-8"))
    if isinstance(value, list):
        return bytes([_B, 0xB0]) + b"".join(_ion_serialize(item) for item in value) + bytes([_E])
    if isinstance(value, dict):
        fields = sorted(
            hashlib.sha256(_scalar(0x70, key.encode("utf-8")) + _ion_serialize(item)).digest()
            for key, item in value.items())
        return bytes([_B, 0xD0]) + _escape(b"".join(fields)) + bytes([_E])
    raise TypeError(f"cannot Ion-hash {type(value).__name__}")


def ion_hash(value):
    return hashlib.sha256(_ion_serialize(value)).digest()


def ion_text(value):
    """Ion text for the same subset (JSON's syntax is valid Ion for ints, strings, lists, structs)."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def _hash_compare(a, b):
    for x, y in zip(reversed(a), reversed(b)):
        sx = x - 256 if x > 127 else x
        sy = y - 256 if y > 127 else y
        if sx != sy:
            return sx - sy
    return len(a) - len(b)


def dot(a, b):
    if not a:
        return hashlib.sha256(b).digest()
    if not b:
        return hashlib.sha256(a).digest()
    first, second = (a, b) if _hash_compare(a, b) < 0 else (b, a)
    return hashlib.sha256(first + second).digest()


class CommitDigest:
    def __init__(self, transaction_id):
        self.digest = ion_hash(transaction_id)

    def add(self, statement, parameters):
        s = ion_hash(statement)
        for parameter in parameters:
            s = dot(s, ion_hash(parameter))
        self.digest = dot(self.digest, s)


# ---------------------------------------------------------------------------------------------
# A minimal SigV4-signing QLDB session client (one connection per request).

class QLDBError(Exception):
    def __init__(self, status, type_, message):
        super().__init__(f"{status} {type_}: {message}")
        self.status, self.type, self.message = status, type_, message


def sigv4_headers(host, body, akid, secret, region="us-east-1", service="qldb"):
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    headers = {
        "content-type": "application/x-amz-json-1.0",
        "host": host,
        "x-amz-date": amz_date,
        "x-amz-target": "QLDBSession.SendCommand",
    }
    names = sorted(headers)
    canonical = "\n".join([
        "POST", "/", "",
        "".join(f"{name}:{headers[name]}\n" for name in names),
        ";".join(names),
        hashlib.sha256(body).hexdigest(),
    ])
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={akid}/{scope}, SignedHeaders={';'.join(names)}, Signature={signature}")
    return headers


class QLDB:
    def __init__(self, url, ledger="ledger", akid="AKIDABUSE", secret="abuse-secret", timeout=10.0):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.ledger, self.akid, self.secret, self.timeout = ledger, akid, secret, timeout
        self.token = None
        self.digests = {}

    def send(self, command, timeout=None, sent=None):
        body = json.dumps(command).encode()
        headers = sigv4_headers(f"{self.host}:{self.port}", body, self.akid, self.secret)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout or self.timeout)
        try:
            conn.request("POST", "/", body=body, headers=headers)
            if sent is not None:
                sent.set()
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        try:
            parsed = json.loads(data) if data else {}
        except ValueError:
            parsed = {"__type": "unparseable", "Message": short(data)}
        if response.status >= 400:
            type_ = str(parsed.get("__type", "")).split("#")[-1]
            raise QLDBError(response.status, type_, parsed.get("Message") or parsed.get("message") or "")
        return parsed

    def start_session(self):
        self.token = self.send({"StartSession": {"LedgerName": self.ledger}})["StartSession"]["SessionToken"]
        return self.token

    def start_transaction(self, **kw):
        answer = self.send({"SessionToken": self.token, "StartTransaction": {}}, **kw)
        txid = answer["StartTransaction"]["TransactionId"]
        self.digests[txid] = CommitDigest(txid)
        return txid

    def execute(self, txid, statement, *parameters, **kw):
        command = {"TransactionId": txid, "Statement": statement}
        if parameters:
            command["Parameters"] = [{"IonText": ion_text(p)} for p in parameters]
        answer = self.send({"SessionToken": self.token, "ExecuteStatement": command}, **kw)
        if txid in self.digests:
            self.digests[txid].add(statement, list(parameters))
        return answer["ExecuteStatement"]

    def commit(self, txid, **kw):
        digest = base64.b64encode(self.digests.pop(txid).digest).decode()
        return self.send({"SessionToken": self.token,
                          "CommitTransaction": {"TransactionId": txid, "CommitDigest": digest}}, **kw)

    def transaction(self, *statements):
        """Runs (statement, parameters...) tuples in one committed transaction."""
        txid = self.start_transaction()
        for statement, *parameters in statements:
            self.execute(txid, statement, *parameters)
        self.commit(txid)

    def end_session(self):
        return self.send({"SessionToken": self.token, "EndSession": {}})


def qldb_alive(url, timeout=5.0):
    """(True, seconds) when a fresh session can be started, else (False, reason)."""
    started = time.monotonic()
    try:
        client = QLDB(url, timeout=timeout)
        client.start_session()
        txid = client.start_transaction()
        client.execute(txid, "SELECT VALUE t.name FROM information_schema.user_tables AS t")
        client.commit(txid)
        return True, time.monotonic() - started
    except Exception as error:  # noqa: BLE001 - any failure is the answer
        return False, f"{type(error).__name__}: {short(error)}"


def http_request(url, method, path, body=None, headers=None, timeout=5.0):
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), response.read()
    finally:
        conn.close()


def licence_alive(url, timeout=5.0):
    started = time.monotonic()
    try:
        status, _, _ = http_request(url, "GET", "/licences/AAAAAAAAAAAAAAAAAAAAAA", timeout=timeout)
        if status != 404:
            return False, f"GET /licences/<unknown id> answered {status}, expected 404"
        return True, time.monotonic() - started
    except Exception as error:  # noqa: BLE001
        return False, f"{type(error).__name__}: {short(error)}"


# ---------------------------------------------------------------------------------------------
# Probes

PREFIX = "SELECT * FROM information_schema.user_tables WHERE "


def probe_deep_nesting(args):
    client = QLDB(args.qldb, timeout=8)
    depth_statement = PREFIX + "(" * 5000 + "1" + ")" * 5000 + " = 1"
    # 100,000 characters exactly: the documented statement-size limit.
    depth = (100_000 - len(PREFIX) - len("1") - len(" = 1")) // 2
    big = PREFIX + "(" * depth + "1" + ")" * depth + " = 1"
    big = big + " " * (100_000 - len(big))
    for name, statement in ((f"deep-nesting/5000-deep ({len(depth_statement):,} chars)", depth_statement),
                            (f"deep-nesting/{depth}-deep ({len(big):,} chars)", big)):
        started = time.monotonic()
        try:
            client.start_session()
            txid = client.start_transaction()
            client.execute(txid, statement)
            fail(name, "the statement was accepted; expected BadRequestException naming a limit")
        except QLDBError as error:
            elapsed = time.monotonic() - started
            if error.type == "BadRequestException" and "limit" in error.message.lower():
                ok(name, f"BadRequestException in {elapsed:.2f} s: \"{short(error.message, 100)}\"")
            else:
                fail(name, f"got {error.status} {error.type} \"{short(error.message, 100)}\"; "
                           "expected BadRequestException whose message contains 'limit'")
        except Exception as error:  # noqa: BLE001 - a crash shows up as a reset or refused connection
            fail(name, f"{type(error).__name__}: {short(error)} (the server crashed or hung?); "
                       "expected BadRequestException naming a limit")
        alive, figure = qldb_alive(args.qldb)
        if alive:
            ok(name + " server still answers", f"fresh session + read in {figure:.3f} s")
        else:
            fail(name + " server still answers", f"server does not answer afterwards: {figure}")


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def probe_runaway_query(args):
    probe = "runaway-query"
    rss_limit_kb = 1024 * 1024            # 1 GiB: the promise
    rss_kill_kb = args.rss_kill_mb * 1024  # the guard protecting the machine running the suite
    client = QLDB(args.qldb, timeout=10)
    try:
        client.start_session()
        client.transaction(("CREATE TABLE T",))
        for start in range(0, 200, 40):
            client.transaction(("INSERT INTO T ?", [{"n": n, "s": "abuse"} for n in range(start, start + 40)]))
        client.transaction(("CREATE TABLE T2",))
    except Exception as error:  # noqa: BLE001
        fail(probe, f"could not set up table T with 200 documents and table T2: {type(error).__name__}: {short(error)}")
        return
    other = QLDB(args.qldb, timeout=10)
    other.start_session()

    # The second session's commit rate is measured in two phases with the same transaction shape
    # (StartTransaction, one INSERT of a tiny document into T2, commit), one after another on one
    # session: first for ~1 s with nothing else running, then for as long as the long query runs.
    written = [0]

    def tiny_transaction():
        written[0] += 1
        other.transaction(("INSERT INTO T2 ?", {"n": written[0], "s": "abuse"}))

    rate_without = {"commits": 0}
    started = time.monotonic()
    try:
        while time.monotonic() - started < 1.0:
            tiny_transaction()
            rate_without["commits"] += 1
    except Exception as error:  # noqa: BLE001
        rate_without["error"] = f"{type(error).__name__}: {short(error)}"
    rate_without["seconds"] = time.monotonic() - started

    baseline = rss_kb(args.pid)

    outcome = {}
    sent = threading.Event()

    def long_query():
        started = time.monotonic()
        try:
            txid = client.start_transaction()
            started = time.monotonic()
            answer = client.execute(txid, "SELECT COUNT(*) FROM T AS a, T AS b, T AS c",
                                    timeout=args.query_timeout, sent=sent)
            outcome["result"] = ("completed", answer)
        except QLDBError as error:
            outcome["result"] = ("error", error)
        except Exception as error:  # noqa: BLE001
            outcome["result"] = ("exception", error)
        finally:
            sent.set()
            outcome["elapsed"] = time.monotonic() - started
            outcome["ended"] = time.monotonic()

    worker = threading.Thread(target=long_query, daemon=True)
    worker.start()
    sent.wait(10)
    query_sent = time.monotonic()
    peak = baseline or 0
    killed = False

    def sample():
        nonlocal peak, killed
        value = rss_kb(args.pid)
        if value is not None:
            peak = max(peak, value)
            if value > rss_kill_kb and not killed:
                killed = True
                os.kill(args.pid, signal.SIGKILL)

    time.sleep(0.1)
    sample()
    # A second session's StartTransaction + commit while the query runs.
    commit_result = {}

    def short_transaction():
        started = time.monotonic()
        commit_result["started"] = started
        try:
            txid = other.start_transaction()
            other.commit(txid)
            commit_result["ended"] = time.monotonic()
            commit_result["ok"] = commit_result["ended"] - started
        except Exception as error:  # noqa: BLE001
            commit_result["error"] = f"{type(error).__name__}: {short(error)} after {time.monotonic() - started:.2f} s"

    committer = threading.Thread(target=short_transaction, daemon=True)
    committer.start()
    while committer.is_alive():
        sample()
        committer.join(0.05)

    # Then as many of the same tiny transactions as fit while the query still runs; only those
    # whose commit answered before the query's answer arrived count.
    rate_during = {"ends": []}

    def transactions_during_query():
        rate_during["started"] = time.monotonic()
        deadline = rate_during["started"] + args.query_timeout
        try:
            while "ended" not in outcome and time.monotonic() < deadline:
                tiny_transaction()
                rate_during["ends"].append(time.monotonic())
        except Exception as error:  # noqa: BLE001
            rate_during["error"] = (f"{type(error).__name__}: {short(error)} after "
                                    f"{len(rate_during['ends'])} commit(s)")

    rater = threading.Thread(target=transactions_during_query, daemon=True)
    rater.start()
    while worker.is_alive():
        sample()
        worker.join(0.1)
    sample()
    rater.join(10)  # at most one transaction in flight once the query has ended
    after = rss_kb(args.pid)

    kind, detail = outcome.get("result", ("exception", "no result"))
    elapsed = outcome.get("elapsed", 0.0)
    name = probe + "/budget"
    if kind == "error" and detail.type == "BadRequestException" and (
            "limit" in detail.message.lower() or "budget" in detail.message.lower()) and elapsed <= 5.0:
        ok(name, f"BadRequestException after {elapsed:.2f} s: \"{short(detail.message, 100)}\"")
    elif kind == "error":
        fail(name, f"{detail.status} {detail.type} \"{short(detail.message, 100)}\" after {elapsed:.2f} s; "
                   "expected BadRequestException naming a limit within 5 s")
    elif kind == "completed":
        fail(name, f"the 8,000,000-row join completed after {elapsed:.2f} s; "
                   "expected BadRequestException naming a limit within 5 s")
    else:
        fail(name, f"{type(detail).__name__}: {short(detail)} after {elapsed:.2f} s"
                   f"{' (server SIGKILLed by the RSS guard)' if killed else ''}; "
                   "expected BadRequestException naming a limit within 5 s")

    name = probe + "/rss"
    figure = (f"peak VmRSS {peak / 1024:.0f} MB (before {(baseline or 0) / 1024:.0f} MB, "
              f"after {(after or 0) / 1024:.0f} MB)")
    if killed:
        fail(name, f"{figure}: passed the {args.rss_kill_mb} MB guard, server SIGKILLed; expected < 1024 MB")
    elif peak < rss_limit_kb:
        ok(name, figure)
    else:
        fail(name, f"{figure}; expected < 1024 MB")

    name = probe + "/concurrent-commit"
    timeline = "timeline unknown"
    if "ended" in commit_result and "ended" in outcome:
        # Times relative to the query's request having been sent.
        timeline = (f"query ran until +{outcome['ended'] - query_sent:.2f} s, the commit from "
                    f"+{commit_result['started'] - query_sent:.2f} s to "
                    f"+{commit_result['ended'] - query_sent:.2f} s"
                    + (", i.e. after the query had already ended (not concurrent)" if outcome["ended"] <= commit_result["started"]
                       else ", i.e. it finished only as the query ended"
                       if outcome["ended"] <= commit_result["ended"] + 0.02 else ", i.e. while the query ran"))
    # A commit that finishes only as the query ends was waiting for it (the ledger-wide lock),
    # however fast the budget stopped the query.
    waited = ("ended" in commit_result and "ended" in outcome
              and commit_result["started"] < outcome["ended"] <= commit_result["ended"] + 0.02)
    if "ok" in commit_result and commit_result["ok"] < 1.0 and not waited:
        ok(name, f"second session's StartTransaction+commit in {commit_result['ok']:.3f} s ({timeline})")
    elif "ok" in commit_result and commit_result["ok"] < 1.0:
        fail(name, f"second session's StartTransaction+commit took {commit_result['ok']:.2f} s ({timeline}); "
                   "expected < 1 s without waiting for the query")
    elif "ok" in commit_result:
        fail(name, f"second session's StartTransaction+commit took {commit_result['ok']:.2f} s "
                   f"({timeline}); expected < 1 s")
    else:
        fail(name, f"second session's StartTransaction+commit failed: {commit_result.get('error')}; "
                   "expected to complete in < 1 s")

    name = probe + "/commits-per-second"
    shape = "StartTransaction + INSERT INTO T2 ? (one tiny document) + commit, one after another"
    if "error" in rate_without or rate_without["commits"] == 0:
        fail(name, f"without a query running, the second session's transactions failed: "
                   f"{rate_without.get('error', 'no commit in 1 s')}; expected {shape} to succeed")
    elif rater.is_alive():
        fail(name, "the second session's transaction in flight when the query ended had not finished "
                   "10 s later; expected it within 1 s")
    elif "ended" not in outcome or "started" not in rate_during:
        fail(name, "the query's or the commits' timeline is unknown")
    else:
        seconds = outcome["ended"] - rate_during["started"]
        during = sum(1 for end in rate_during["ends"] if end < outcome["ended"])
        per_second = during / seconds if seconds > 0 else 0.0
        per_second_without = rate_without["commits"] / rate_without["seconds"]
        ratio = per_second / per_second_without
        figure = (f"{per_second:.0f}/s while the query ran vs {per_second_without:.0f}/s without "
                  f"(ratio {ratio:.2f}); {during} commits in {max(seconds, 0.0):.2f} s (from "
                  f"+{rate_during['started'] - query_sent:.2f} s to the query's end) vs "
                  f"{rate_without['commits']} in {rate_without['seconds']:.2f} s, each {shape}")
        if "error" in rate_during:
            fail(name, f"{figure}; a transaction during the query failed: {rate_during['error']}")
        elif during < 3:
            fail(name, f"{figure}; expected at least 3 commits while the query ran")
        elif ratio < 0.3:
            fail(name, f"{figure}; expected a ratio of at least 0.3")
        else:
            ok(name, figure)

    if not killed:
        alive, figure = qldb_alive(args.qldb)
        if alive:
            ok(probe + " server still answers", f"fresh session + read in {figure:.3f} s")
        else:
            fail(probe + " server still answers", figure)


def oversized(name, url, path, headers, body, expected_type):
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=5)
    started = time.monotonic()
    raw = None
    note = ""
    try:
        try:
            conn.connect()
            raw = conn.sock.dup()
            conn.request("POST", path, body=body, headers=headers)  # sends all 7 MB before reading
        except (BrokenPipeError, ConnectionResetError) as error:
            note = f" (sending stopped after the server closed: {type(error).__name__})"
        response = conn.getresponse()
        data = response.read()
        elapsed = time.monotonic() - started
    except Exception as error:  # noqa: BLE001 - timeouts are the finding
        fail(name, f"{type(error).__name__}: {short(error)} after {time.monotonic() - started:.2f} s{note}; "
                   "expected 413 within 5 s")
        if raw:
            raw.close()
        conn.close()
        return
    conn.close()
    content_type = response.getheader("Content-Type", "")
    problems = []
    if response.status != 413:
        problems.append(f"status {response.status} (expected 413)")
    if elapsed > 5:
        problems.append(f"took {elapsed:.2f} s (expected ≤ 5 s)")
    if not data:
        problems.append("empty body")
    elif expected_type == "problem":
        try:
            problem = json.loads(data)
            if "application/problem+json" not in content_type or problem.get("status") != 413:
                problems.append(f"body is not problem+json 413 (Content-Type {content_type!r}: {short(data, 80)})")
        except ValueError:
            problems.append(f"body is not JSON: {short(data, 80)}")
    else:
        try:
            if "__type" not in json.loads(data):
                problems.append(f"body has no __type: {short(data, 80)}")
        except ValueError:
            problems.append(f"body is not JSON: {short(data, 80)}")
    # Closed afterwards? Read from a duplicate of the socket: EOF or reset means closed.
    closed = "unknown"
    if raw is not None:
        raw.settimeout(2)
        try:
            closed = "closed" if raw.recv(1) == b"" else "open (unexpected bytes)"
        except ConnectionResetError:
            closed = "closed (reset)"
        except socket.timeout:
            closed = "still open after 2 s"
        except OSError as error:
            closed = f"unknown ({error})"
        raw.close()
    if not closed.startswith("closed"):
        problems.append(f"connection {closed}")
    figure = (f"{response.status} in {elapsed:.2f} s, {len(data)}-byte body ({content_type or 'no Content-Type'}), "
              f"connection {closed}{note}")
    if problems:
        fail(name, f"{figure}: " + "; ".join(problems))
    else:
        ok(name, figure)


def probe_oversized_body(args):
    size = args.body_bytes
    if args.licence:
        filler = "a" * (size - 200)
        body = json.dumps({"firstName": filler, "lastName": "Abuse", "email": "big@example.com",
                           "telephone": "0123456789", "postcode": "CF10 1AA"}).encode()
        oversized(f"oversized-body/licence-service ({len(body) / 1e6:.1f} MB)", args.licence, "/licences",
                  {"Content-Type": "application/json"}, body, "problem")
    if args.qldb:
        # qldb serve accepts bodies up to 8 MB (a 4 MB transaction's parameters, base64 in JSON):
        # go over that.
        filler = "a" * (max(size, 9 * 1024 * 1024) - 300)
        body = json.dumps({"SessionToken": "x" * 20, "ExecuteStatement": {
            "TransactionId": "x" * 22, "Statement": "SELECT '" + filler + "' FROM T"}}).encode()
        parsed = urllib.parse.urlsplit(args.qldb)
        headers = sigv4_headers(f"{parsed.hostname}:{parsed.port}", body, "AKIDABUSE", "abuse-secret")
        oversized(f"oversized-body/qldb-serve ({len(body) / 1e6:.1f} MB)", args.qldb, "/", headers, body, "qldb")


def slowloris(label, url, count, wait, limit, normal):
    name = f"slowloris/{label}"
    parsed = urllib.parse.urlsplit(url)
    sockets = []
    partials = [
        b"POST /licences HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: applica",
        b"GET /licen",
    ]
    try:
        for i in range(count):
            s = socket.create_connection((parsed.hostname, parsed.port), timeout=2)
            s.sendall(partials[i % 2])
            s.setblocking(False)
            sockets.append((s, time.monotonic()))
    except OSError as error:
        fail(name, f"could only open {len(sockets)} of {count} connections: {error}")
    opened = len(sockets)
    answered, figure = normal(url, 2.0)
    if answered and figure <= 2.0:
        ok(name + " normal request", f"answered in {figure:.3f} s with {opened} half-open connections")
    elif answered:
        fail(name + " normal request", f"answered in {figure:.2f} s with {opened} half-open connections; "
                                       "expected ≤ 2 s")
    else:
        fail(name + " normal request", f"{figure} with {opened} half-open connections; expected an answer ≤ 2 s")
    open_sockets = {s.fileno(): (s, t) for s, t in sockets}
    closed_after = []
    deadline = time.monotonic() + wait
    while open_sockets and time.monotonic() < deadline:
        readable, _, _ = select.select(list(open_sockets), [], [], 0.2)
        for fd in readable:
            s, sent_at = open_sockets[fd]
            try:
                data = s.recv(4096)
            except (ConnectionResetError, BlockingIOError) as error:
                data = b"" if isinstance(error, ConnectionResetError) else None
            if data == b"":
                closed_after.append(time.monotonic() - sent_at)
                del open_sockets[fd]
                s.close()
    still = len(open_sockets)
    for s, _ in open_sockets.values():
        s.close()
    if opened == 0:
        return
    if still == 0 and max(closed_after) <= limit:
        ok(name + " header timeout", f"all {opened} half-open connections closed by the server after "
                                     f"{min(closed_after):.1f}–{max(closed_after):.1f} s")
    elif still == 0:
        fail(name + " header timeout", f"all {opened} closed, but the last after {max(closed_after):.1f} s; "
                                       f"expected ≤ {limit:.0f} s")
    else:
        closed_text = (f"; {len(closed_after)} closed after {min(closed_after):.1f}–{max(closed_after):.1f} s"
                       if closed_after else "")
        fail(name + " header timeout", f"{still} of {opened} half-open connections still open after {wait:.0f} s"
                                       f"{closed_text}; expected closed within {limit:.0f} s")


def probe_slowloris(args):
    threads = []
    if args.qldb:
        threads.append(threading.Thread(target=slowloris, args=(
            "qldb-serve", args.qldb, args.connections, args.wait, args.header_timeout, qldb_alive)))
    if args.licence:
        threads.append(threading.Thread(target=slowloris, args=(
            "licence-service", args.licence, args.connections, args.wait, args.header_timeout, licence_alive)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def probe_ledger_name(args):
    probe = "ledger-name"
    parent = args.scratch
    data = os.path.join(parent, "data")
    os.makedirs(data, exist_ok=True)
    before = sorted(os.listdir(parent))
    started = time.monotonic()
    process = subprocess.Popen(
        [args.qldb_bin, "serve", "--port", "0", "--ledger", "../escaped", "--data-dir", data],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=parent)
    output = []

    def reader():
        for line in process.stdout:
            output.append(line)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    listening = False
    while time.monotonic() - started < 10:
        if process.poll() is not None:
            break
        if any("listening on" in line for line in output):
            listening = True
            break
        time.sleep(0.05)
    if process.poll() is None:
        process.kill()
        process.wait()
    thread.join(2)
    text = "".join(output).strip()
    after = sorted(os.listdir(parent))
    outside = sorted(set(after) - set(before))
    escaped = [p for p in ("escaped", "escaped.journal", "escaped.sqlite") if os.path.exists(os.path.join(parent, p))]
    problems = []
    if listening:
        problems.append("the server started and listened")
    elif process.returncode == 0:
        problems.append("exited 0")
    if "escaped" not in text:
        problems.append(f"the message does not name the ledger: {short(text, 120)!r}")
    if outside or escaped:
        problems.append(f"wrote outside the data directory: {', '.join(outside or escaped)}")
    if problems:
        fail(probe, "; ".join(problems) + "; expected a refusal naming '../escaped' and nothing written outside")
    else:
        ok(probe, f"refused with exit {process.returncode} in {time.monotonic() - started:.2f} s: "
                  f"\"{short(text.splitlines()[-1] if text else '', 120)}\"; nothing written outside the data dir")


def probe_session_binding(args):
    probe = "session-binding"
    one = QLDB(args.qldb, akid="AKIDONE", secret="secret1")
    try:
        token = one.start_session()
    except Exception as error:  # noqa: BLE001
        fail(probe, f"AKIDONE could not start a session: {short(error)}")
        return
    two = QLDB(args.qldb, akid="AKIDTWO", secret="secret2")
    two.token = token
    for name, action in ((probe + "/use", lambda: two.start_transaction()),
                         (probe + "/end", lambda: two.end_session())):
        try:
            action()
            fail(name, "AKIDTWO used AKIDONE's session token successfully; expected InvalidSessionException "
                       "'No such session'")
        except QLDBError as error:
            if error.type == "InvalidSessionException" and "no such session" in error.message.lower():
                ok(name, f"{error.status} {error.type}: \"{short(error.message, 80)}\"")
            else:
                fail(name, f"{error.status} {error.type} \"{short(error.message, 80)}\"; "
                           "expected InvalidSessionException 'No such session'")
    try:
        txid = one.start_transaction()
        one.commit(txid)
        ok(probe + "/owner", "AKIDONE's session still works for AKIDONE")
    except Exception as error:  # noqa: BLE001
        fail(probe + "/owner", f"AKIDONE's own session no longer works: {short(error)} "
                               "(ended by AKIDTWO's EndSession?); expected it to survive")


def probe_licence_email(args):
    probe = "licence-email"

    def post(fields=None, raw=None):
        body = raw if raw is not None else json.dumps(fields).encode()
        return http_request(args.licence, "POST", "/licences", body=body,
                            headers={"Content-Type": "application/json"})

    def person(email, first="Dee", last="Upe"):
        return {"firstName": first, "lastName": last, "email": email, "telephone": "01234 567890",
                "postcode": "CF10 1AA"}

    status, _, body = post(person("dup@example.com"))
    if status != 201:
        fail(probe + "/first", f"first POST answered {status} {short(body, 100)}; expected 201")
        return
    ok(probe + "/first", "dup@example.com created (201)")
    for label, email in (("trailing-newline", "dup@example.com\n"), ("upper-case", "DUP@example.com"),
                         ("surrounding-space", " dup@example.com ")):
        status, _, body = post(person(email))
        if status in (400, 409):
            ok(f"{probe}/{label}", f"{json.dumps(email)} answered {status}")
        else:
            fail(f"{probe}/{label}", f"{json.dumps(email)} answered {status} {short(body, 100)}; expected 409 or 400")
    for label, first, email in (("nul-in-name", "An\u0000n", "nul@example.com"),
                                ("bidi-override-in-name", "An\u202en", "bidi@example.com"),
                                ("control-in-name", "An\u0007n", "bell@example.com")):
        status, _, body = post(person(email, first=first))
        if status == 400:
            ok(f"{probe}/{label}", f"firstName {json.dumps(first)} answered 400")
        else:
            fail(f"{probe}/{label}", f"firstName {json.dumps(first)} answered {status} {short(body, 100)}; "
                                     "expected 400")
    raw = (b'{"firstName": "Ann", "lastName": "Lee", "email": "twice@example.com", "telephone": "01234 567890", '
           b'"postcode": "CF10 1AA", "email": "other@example.com"}')
    status, _, body = post(raw=raw)
    if status == 400 and b"email" in body:
        ok(probe + "/duplicate-key", f"duplicate \"email\" key answered 400 naming it: {short(body.decode(), 100)}")
    else:
        fail(probe + "/duplicate-key", f"duplicate \"email\" key answered {status} {short(body, 100)}; "
                                       "expected 400 naming the key")


def probe_health(args):
    try:
        started = time.monotonic()
        status, _, body = http_request(args.qldb, "GET", "/health")
        elapsed = time.monotonic() - started
    except Exception as error:  # noqa: BLE001
        fail("health", f"{type(error).__name__}: {short(error)}; expected 200")
        return
    if status == 200:
        ok("health", f"GET /health 200 in {elapsed:.3f} s: {short(body.decode(errors='replace'), 80)}")
    else:
        fail("health", f"GET /health answered {status} {short(body, 80)}; expected 200")


def probe_alive(args):
    if args.qldb:
        alive, figure = qldb_alive(args.qldb)
        (ok if alive else fail)("alive/qldb-serve", f"session + read in {figure:.3f} s" if alive else figure)
    if args.licence:
        alive, figure = licence_alive(args.licence)
        (ok if alive else fail)("alive/licence-service", f"GET 404 in {figure:.3f} s" if alive else figure)


def probe_self_test(args):
    """Checks the Ion hash and commit digest against `qldb ion hash` and `qldb digest`."""
    values = ["abc", 5, 0, -3, {"n": 1, "s": "x"}, [1, "a", {"k": [2]}]]
    expected = subprocess.run([args.qldb_bin, "ion", "hash"], input=" ".join(ion_text(v) for v in values),
                              capture_output=True, text=True, timeout=10).stdout.split()
    mine = [ion_hash(v).hex() for v in values]
    if mine != expected:
        fail("self-test/ion-hash", f"Python {mine} vs qldb {expected}")
        return
    parameter = [{"n": 1, "s": "abuse"}, {"n": 2, "s": "abuse"}]
    expected = subprocess.run([args.qldb_bin, "digest", "--transaction-id", "tx1", "--statement", "INSERT INTO T ?",
                               "--parameter", ion_text(parameter)], capture_output=True, text=True,
                              timeout=10).stdout.strip()
    digest = CommitDigest("tx1")
    digest.add("INSERT INTO T ?", [parameter])
    mine = base64.b64encode(digest.digest).decode()
    if mine != expected:
        fail("self-test/commit-digest", f"Python {mine} vs qldb {expected}")
    else:
        ok("self-test", f"Ion hash and commit digest match the qldb binary ({len(values)} values, 1 digest)")


PROBES = {
    "deep-nesting": probe_deep_nesting,
    "runaway-query": probe_runaway_query,
    "oversized-body": probe_oversized_body,
    "slowloris": probe_slowloris,
    "ledger-name": probe_ledger_name,
    "session-binding": probe_session_binding,
    "licence-email": probe_licence_email,
    "health": probe_health,
    "alive": probe_alive,
    "self-test": probe_self_test,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("probe", choices=sorted(PROBES))
    parser.add_argument("--qldb", help="qldb serve's URL")
    parser.add_argument("--licence", help="licence-service's URL")
    parser.add_argument("--pid", type=int, help="qldb serve's pid (runaway-query reads its VmRSS)")
    parser.add_argument("--qldb-bin", default=os.environ.get("QLDB_BIN", ".build/debug/qldb"))
    parser.add_argument("--scratch", help="an empty directory (ledger-name)")
    parser.add_argument("--rss-kill-mb", type=int, default=4096, help="runaway-query SIGKILLs the server above this")
    parser.add_argument("--query-timeout", type=float, default=20.0, help="runaway-query: client timeout")
    parser.add_argument("--body-bytes", type=int, default=7 * 1024 * 1024)
    parser.add_argument("--connections", type=int, default=300)
    parser.add_argument("--wait", type=float, default=20.0, help="slowloris: how long to watch the connections")
    parser.add_argument("--header-timeout", type=float, default=15.0)
    args = parser.parse_args()
    try:
        PROBES[args.probe](args)
    except Exception as error:  # noqa: BLE001 - a probe that breaks is a failure, not a traceback
        fail(args.probe, f"probe error: {type(error).__name__}: {short(error, 300)}")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
