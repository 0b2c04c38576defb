"""A TCP proxy that can hold requests: a vendor endpoint that goes silent at the worst moment.

While `stalled` is set, bytes from clients are held (the connection stays open, nothing reaches
the server), so a test can kill the process that is mid-request. `first_lines` records each
request line seen (e.g. "PUT /bucket/key HTTP/1.1")."""

from __future__ import annotations

import socket
import threading
import time

_METHODS = (b"GET", b"PUT", b"POST", b"HEAD", b"DELETE")


class StallProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = int(self._listener.getsockname()[1])
        self.stalled = threading.Event()
        self.first_lines: list[str] = []
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def seen(self) -> list[str]:
        with self._lock:
            return list(self.first_lines)

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self._target)
        except OSError:
            client.close()
            return
        threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()
        self._pipe(client, upstream, True)

    def _pipe(self, src: socket.socket, dst: socket.socket, from_client: bool) -> None:
        try:
            while data := src.recv(65536):
                if from_client:
                    head = data.split(b"\r\n", 1)[0]
                    if head.split(b" ", 1)[0] in _METHODS:
                        with self._lock:
                            self.first_lines.append(head.decode("latin-1"))
                    while self.stalled.is_set() and not self._closed:
                        time.sleep(0.05)  # held: the request never reaches the server
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass

    def close(self) -> None:
        self._closed = True
        self._listener.close()
