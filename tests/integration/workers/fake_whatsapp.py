"""A local fake of the WhatsApp Cloud API `/messages` endpoint (the vendor boundary).

Records every request; `mode` decides the answer: "ok" (200 + wamid),
"stall" (hold the request until `release` or 30 s, then answer ok),
"429", "429-once" (then ok), "500", "400". Used by the tests and benchmarks/bench_reminders.py.

`POST /{phone-number-id}/media` (multipart/form-data: messaging_product, type,
file) stores the file and answers `{"id": "<media id>"}` as Meta's Cloud API
media upload does; `media[id]` holds what was uploaded (filename, type, bytes).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from email.parser import BytesParser
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeWhatsApp:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.times: list[float] = []
        self.mode = "ok"
        self.release = threading.Event()
        self.received = threading.Event()
        self.lock = threading.Lock()
        self.request_count = 0
        self.media: dict[str, dict[str, Any]] = {}
        self.downloads: dict[str, bytes] = {}  # media the "customer" sent us, by media id
        self._tag = secrets.token_hex(4)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.endswith("/media"):
                    self._media(raw)
                    return
                body = json.loads(raw or b"{}")
                with fake.lock:
                    fake.requests.append(
                        {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
                    )
                    fake.times.append(time.time())
                    fake.request_count += 1
                    n = fake.request_count
                fake.received.set()
                mode = fake.mode
                if mode == "429-once":  # throttle the first request, accept the rest
                    fake.mode = "ok"
                    mode = "429"
                if mode == "stall":
                    fake.release.wait(30)
                    mode = "ok"
                if mode == "ok":
                    self._answer(200, {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.fake{fake._tag}{n}"}]})
                elif mode == "429":
                    self._answer(429, {"error": {"code": 130429, "message": "Rate limit hit"}})
                elif mode == "500":
                    self._answer(500, {"error": {"code": 1, "message": "internal"}})
                else:
                    self._answer(400, {"error": {"code": 132001, "message": "Template name does not exist"}})

            def do_GET(self) -> None:
                """Media download as the Cloud API does it: `GET /{version}/{media-id}` -> {url, ...},
                then `GET url` (bearer token required) -> the bytes. `downloads[id]` holds what exists."""
                if self.headers.get("Authorization") != "Bearer test-token":
                    self._answer(401, {"error": {"code": 190, "message": "Invalid OAuth access token"}})
                    return
                tail = self.path.rstrip("/").rsplit("/", 1)[-1]
                data = fake.downloads.get(tail)
                if data is None:
                    self._answer(404, {"error": {"code": 100, "message": "Unsupported get request"}})
                    return
                if self.path.startswith("/download/"):
                    self.send_response(200)
                    self.send_header("Content-Type", "audio/ogg")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                self._answer(200, {"messaging_product": "whatsapp", "url": f"{fake.base_url}/download/{tail}",
                                   "mime_type": "audio/ogg; codecs=opus", "file_size": len(data), "id": tail})

            def _media(self, raw: bytes) -> None:
                head = f"Content-Type: {self.headers.get('Content-Type')}\r\n\r\n".encode()
                form = BytesParser(policy=default_policy).parsebytes(head + raw)
                fields: dict[str, Any] = {}
                for part in form.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    fields[str(name)] = {"filename": part.get_filename(), "type": part.get_content_type(),
                                         "data": part.get_payload(decode=True)}
                if fields.get("messaging_product", {}).get("data") != b"whatsapp" or "file" not in fields:
                    self._answer(400, {"error": {"code": 100, "message": "Invalid parameter"}})
                    return
                with fake.lock:
                    fake.request_count += 1
                    media_id = f"media{fake._tag}{fake.request_count}"
                    fake.media[media_id] = {
                        "auth": self.headers.get("Authorization"), "path": self.path,
                        "type": fields.get("type", {}).get("data", b"").decode(),
                        "filename": fields["file"]["filename"], "data": fields["file"]["data"],
                    }
                self._answer(200, {"id": media_id})

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeWhatsApp:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def tagged(self, tag: str) -> list[dict[str, Any]]:
        """Message requests whose biz_opaque_callback_data is `tag`."""
        with self.lock:
            return [r for r in self.requests if r["body"].get("biz_opaque_callback_data") == tag]

    def for_reminder(self, reminder_id: int) -> list[dict[str, Any]]:
        tag = f"reminder:{reminder_id}"
        with self.lock:
            return [r for r in self.requests if r["body"].get("biz_opaque_callback_data") == tag]
