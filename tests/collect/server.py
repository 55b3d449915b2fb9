"""A local HTTP server on 127.0.0.1 that replays recorded API answers, for collector tests.

Routes map a path (and optionally query parameters that must match) to an answer: a body
(bytes, or a file), a status and headers, or a function of the request. Every request is
logged (path, query, headers) so tests can check what was asked, how often, and with which
User-Agent. Usable as a context manager or from a subprocess (``python -m
tests.collect.server ROUTES.json``), printing its port.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[dict[str, list[str]], dict[str, str]], Reply]


@dataclass
class Route:
    path: str
    reply: Reply | Handler
    query: dict[str, str] = field(default_factory=dict)
    times: int | None = None  # answer only this many times, then fall through


class Replay:
    """The server: ``add`` routes, ``url`` its base, ``log`` what was asked."""

    def __init__(self, latency: float = 0.0):
        self.routes: list[Route] = []
        self.log: list[tuple[str, dict[str, list[str]], dict[str, str]]] = []
        self.latency = latency
        self._lock = threading.Lock()
        replay = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # one send per answer, no delayed-ACK stalls
            wbufsize = 1 << 16

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query, keep_blank_values=True)
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = replay.answer(parts.path, query, headers)
                if replay.latency:
                    time.sleep(replay.latency)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if "content-type" not in {k.lower() for k in reply.headers}:
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                # the client may have gone away (a job killed mid-request)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(reply.body)

            def log_message(self, *args: Any) -> None:
                pass

        class _Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client gone mid-answer (a job killed on purpose) is no error here

        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(
        self,
        path: str,
        reply: Reply | Handler | bytes | Path,
        *,
        query: dict[str, str] | None = None,
        times: int | None = None,
        headers: dict[str, str] | None = None,
        status: int = 200,
    ) -> None:
        if isinstance(reply, Path):
            reply = reply.read_bytes()
        if isinstance(reply, bytes):
            reply = Reply(reply, status, headers or {})
        with self._lock:
            self.routes.insert(0, Route(path, reply, query or {}, times))

    def answer(self, path: str, query: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        with self._lock:
            self.log.append((path, query, headers))
            for route in self.routes:
                if route.path != path or route.times == 0:
                    continue
                if any(query.get(k, [None])[0] != v for k, v in route.query.items()):
                    continue
                if route.times is not None:
                    route.times -= 1
                reply = route.reply
                break
            else:
                body = json.dumps({"error": "NotFound", "message": f"no route {path}"})
                return Reply(body.encode(), 404)
        return reply(query, headers) if callable(reply) else reply

    def asked(self, path: str) -> int:
        return sum(1 for p, _, _ in self.log if p == path)

    def __enter__(self) -> Replay:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def main() -> None:
    """Serve routes from a JSON file ``[{"path", "file", "query", "status", "headers"}]``,
    print the base URL, and run until killed."""
    spec = json.loads(Path(sys.argv[1]).read_text())
    latency = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    replay = Replay(latency)
    for route in spec:
        replay.add(
            route["path"],
            Path(route["file"]),
            query=route.get("query"),
            headers=route.get("headers"),
            status=route.get("status", 200),
        )
    print(replay.url, flush=True)
    replay.server.serve_forever()


if __name__ == "__main__":
    main()
