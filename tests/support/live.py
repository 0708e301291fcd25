"""The app served over HTTP on 127.0.0.1 in a background thread."""

from __future__ import annotations

import threading

from flask import Flask
from werkzeug.serving import make_server

from tests.support.env import free_port


class LiveServer:
    """The app served over HTTP on 127.0.0.1 in a background thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = make_server("127.0.0.1", self.port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)
