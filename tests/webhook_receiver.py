"""A real HTTP receiver on 127.0.0.1 for webhook tests: records every request and answers
the statuses it is told to, in order (then 200)."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    """One request the receiver got."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """The receiver's state: its URL, what it got, and the statuses still to answer."""

    url: str
    statuses: list[int]
    received: list[Received] = field(default_factory=list)
    delay_seconds: float = 0.0


@contextmanager
def webhook_receiver(
    statuses: list[int] | None = None, delay_seconds: float = 0.0
) -> Iterator[Receiver]:
    """Serve on a free port of 127.0.0.1 in a thread until the block ends."""
    state = Receiver(url="", statuses=list(statuses or []), delay_seconds=delay_seconds)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            with lock:
                state.received.append(
                    Received(
                        self.command,
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                    )
                )
                status = state.statuses.pop(0) if state.statuses else 200
            if state.delay_seconds:
                threading.Event().wait(state.delay_seconds)
            answer = b'{"received": true}' if status < 300 else b'{"error": "try again"}'
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender gave up waiting (its timeout)

        do_POST = _answer
        do_PUT = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
