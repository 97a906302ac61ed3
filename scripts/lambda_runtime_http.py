"""The HTTP side shared by the scripts' fake Lambda Runtime APIs (sam_events.py, measure_lambda.py):
a quiet HTTP/1.1 request handler whose `reply` sends JSON bytes with their length."""
from http.server import BaseHTTPRequestHandler


class RuntimeRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, data, headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
