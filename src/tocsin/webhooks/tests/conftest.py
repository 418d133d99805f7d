"""A real HTTP receiver on loopback that answers as each test tells it to."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.organizations.models import Role


class Receiver:
    def __init__(self):
        self.requests: list[dict] = []  # every request that came in, answered or not
        self.answers: list[int] = []  # the status of each next request; 200 once empty
        self.delays: list[float] = []  # seconds to wait before answering each next request
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/tocsin"

    def handler(receiver):
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body}
                    )
                    status = receiver.answers.pop(0) if receiver.answers else 200
                    delay = receiver.delays.pop(0) if receiver.delays else 0
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the sender gave up waiting

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def receiver(settings):
    """A receiver on 127.0.0.1, with private addresses allowed for this test."""
    settings.TOCSIN_WEBHOOKS_ALLOW_PRIVATE = True
    settings.TOCSIN_WEBHOOKS_TIMEOUT_SECONDS = 2
    found = Receiver()
    found.server = ThreadingHTTPServer(("127.0.0.1", 0), found.handler())
    found.server.daemon_threads = True
    thread = threading.Thread(target=found.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        found.server.shutdown()
        found.server.server_close()


@pytest.fixture
def ours():
    return OrganizationFactory(name="Our Group")


@pytest.fixture
def owner(ours):
    return OrganizerFactory(organizations=[ours], organizations__role=Role.OWNER)
