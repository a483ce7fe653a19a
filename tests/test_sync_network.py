"""The sync client on real office networks: HTTPS with an insurer's private CA, proxies, silent servers."""

from __future__ import annotations

import http.server
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from steward.hub.store import HubStore
from steward.sync.client import HubClient, SyncError
from tests import processes
from tests.hub_process import ROOT, Hub

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command makes the test CA")


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_private_ca(folder: Path) -> dict[str, Path]:
    """An insurer's own CA and a certificate it signed for the hub at 127.0.0.1. P-256 keys, as many CAs issue them:
    what is tested is trusting a private CA, and an RSA key costs openssl a third of a second of CPU to make."""
    folder.mkdir(parents=True, exist_ok=True)
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Insurer Test CA",
        cwd=folder,
    )
    _openssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "hub.key",
        "-out",
        "hub.csr",
        "-subj",
        "/CN=127.0.0.1",
        cwd=folder,
    )
    (folder / "ext.cnf").write_text(
        "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\nkeyUsage=digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n"
    )
    _openssl(
        "x509",
        "-req",
        "-in",
        "hub.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "hub.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        cwd=folder,
    )
    return {"ca": folder / "ca.pem", "key": folder / "hub.key", "cert": folder / "hub.pem"}


class TlsHub(Hub):
    """The hub served over HTTPS by uvicorn itself (--ssl-keyfile/--ssl-certfile)."""

    def __init__(self, data_dir: Path, pki: dict[str, Path]) -> None:
        super().__init__(data_dir)
        self.pki = pki
        self.url = f"https://127.0.0.1:{self.port}"

    def start(self) -> TlsHub:
        self.process = processes.spawn(
            [
                sys.executable,
                "-m",
                "steward.cli.main",
                "hub",
                "serve",
                "--data-dir",
                str(self.data_dir),
                "--port",
                str(self.port),
                "--ssl-keyfile",
                str(self.pki["key"]),
                "--ssl-certfile",
                str(self.pki["cert"]),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        context = ssl.create_default_context(cafile=str(self.pki["ca"]))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/openapi.json", timeout=1, context=context).read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    message = self.process.stderr.read().decode() if self.process.stderr else "hub died"
                    raise RuntimeError(message) from None
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("hub did not start")


@pytest.fixture
def tls_hub(tmp_path: Path) -> Iterator[tuple[TlsHub, str]]:
    data = tmp_path / "hub"
    data.mkdir()
    token = HubStore(data).add_steward("李明")
    server = TlsHub(data, make_private_ca(tmp_path / "pki"))
    try:
        yield server.start(), token
    finally:
        server.stop()


@needs_openssl
def test_https_with_a_private_ca(tls_hub: tuple[TlsHub, str], monkeypatch, tmp_path: Path, capsys) -> None:
    server, token = tls_hub
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SyncError) as err:  # certificates are verified: an unknown CA is refused, clearly
        HubClient(server.url, token, "p-tls").hello()
    assert err.value.code == "tls" and "无法验证同步服务器" in err.value.zh and "--ca-bundle" in err.value.en
    with HubClient(server.url, token, "p-tls", ca_bundle=server.pki["ca"]) as client:
        assert client.hello()["steward"] == "李明"
    with pytest.raises(SyncError) as err:
        HubClient(server.url, token, "p-tls", ca_bundle=tmp_path / "no-such.pem")
    assert err.value.code == "ca_bundle" and "证书文件" in err.value.zh

    from steward.cli.main import main

    data_dir = str(tmp_path / "laptop")
    assert (
        main(
            [
                "--data-dir",
                data_dir,
                "--profile",
                "li",
                "sync",
                "--hub",
                server.url,
                "--token",
                token,
                "--ca-bundle",
                str(server.pki["ca"]),
                "--remember",
            ]
        )
        == 0
    )
    assert main(["--data-dir", data_dir, "--profile", "li", "sync"]) == 0  # the CA file is remembered
    assert "同步完成" in capsys.readouterr().out

    # The CLI closed its connections when its syncs ended: asked to stop, the hub ends by itself. A connection left
    # open held its shutdown for as long as this process lived (over TLS, asyncio then waits 30 s for close_notify).
    assert server.process is not None
    processes.end(server.process, grace=20)
    assert server.process.returncode != -signal.SIGKILL, "the hub had to be killed: a connection was left open"


def test_https_to_a_plain_http_hub_is_named(tmp_path: Path) -> None:
    data = tmp_path / "hub"
    data.mkdir()
    token = HubStore(data).add_steward("李明")
    server = Hub(data).start()
    try:
        with pytest.raises(SyncError) as err:
            HubClient(server.url.replace("http://", "https://"), token, "p-x", timeout=5).hello()
    finally:
        server.stop()
    assert err.value.code == "tls" and "http 或 https" in err.value.zh and "http or https" in err.value.en


class _Forwarder(http.server.BaseHTTPRequestHandler):
    """A plain HTTP proxy, as offices run them: forwards absolute-URI requests and remembers them."""

    seen: list[str] = []  # noqa: RUF012 - shared with the test through the class

    def _forward(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "proxy-connection", "connection")}
        request = urllib.request.Request(self.path, data=body, method=self.command, headers=headers)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            response = opener.open(request, timeout=10)
            status, data = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, data = exc.code, exc.read()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = _forward

    def log_message(self, *_args: object) -> None:
        pass


def test_the_office_proxy_from_the_environment_is_used(tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "hub"
    data.mkdir()
    token = HubStore(data).add_steward("李明")
    server = Hub(data).start()
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Forwarder)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
        _Forwarder.seen = []
        with HubClient(server.url, token, "p-proxy") as client:
            assert client.hello()["steward"] == "李明"
        assert _Forwarder.seen == [f"GET {server.url}/v1/hello"]
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join(timeout=10)
        server.stop()


def test_a_hub_that_never_answers_times_out_with_a_clear_message() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(SyncError) as err:
            HubClient(url, "token", "p-slow", timeout=0.2).hello()  # the wait is all the test costs: short
    assert err.value.code == "timeout" and "没有回应" in err.value.zh and "did not answer" in err.value.en


def test_a_refused_connection_is_named() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with pytest.raises(SyncError) as err:
        HubClient(f"http://127.0.0.1:{port}", "token", "p-off", timeout=5).hello()
    assert err.value.code == "unreachable" and "无法连接同步服务器" in err.value.zh
