"""``wsgi-cors check`` reaches servers as the user's other HTTP tools do: proxies and certificates.

Everything runs on 127.0.0.1: a recording HTTP proxy (absolute-form requests and ``CONNECT``
tunnels, any host name sent to 127.0.0.1), a wsgi-cors server, and the same server behind TLS
with a certificate made for the test by a CA made for the test.
"""

from __future__ import annotations

import datetime
import io
import ipaddress
import json
import select
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from tests.core.test_cli_check import api
from wsgi_cors import CORSMiddleware
from wsgi_cors.cli import main
from wsgi_cors.cli.transport import is_loopback, route

APP = "https://app.example.com"
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "REQUEST_METHOD")
CA_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy or CA setting of the machine running the tests leaks into them."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    for name in CA_VARIABLES:
        monkeypatch.delenv(name, raising=False)


# --- the servers --------------------------------------------------------------------------------


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class RecordingProxy(ThreadingHTTPServer):
    """A forward proxy that records each request line and sends every host to 127.0.0.1."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.lines: list[str] = []
        self.authorizations: list[str | None] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ProxyHandler(BaseHTTPRequestHandler):
    server: RecordingProxy
    timeout = 5

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _record(self) -> None:
        self.server.lines.append(f"{self.command} {self.path}")
        self.server.authorizations.append(self.headers.get("Proxy-Authorization"))

    def do_CONNECT(self) -> None:
        self._record()
        port = int(self.path.rpartition(":")[2])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as upstream:
            self.send_response(200, "Connection established")
            self.end_headers()
            self.wfile.flush()
            sockets = [self.connection, upstream]
            while True:
                ready, _, _ = select.select(sockets, [], [], 5)
                if not ready:
                    return
                for source in ready:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is self.connection else self.connection).sendall(data)

    def _relay(self) -> None:
        self._record()
        target = urlsplit(self.path)
        request = (
            f"{self.command} {target.path or '/'}{'?' + target.query if target.query else ''} HTTP/1.0\r\n"
        )
        headers = "".join(
            f"{name}: {value}\r\n"
            for name, value in self.headers.items()
            if name.lower() != "proxy-authorization"
        )
        with socket.create_connection(("127.0.0.1", target.port or 80), timeout=5) as upstream:
            upstream.sendall((request + headers + "\r\n").encode("latin-1"))
            answer = b""
            while chunk := upstream.recv(65536):
                answer += chunk
        self.wfile.write(answer)
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_OPTIONS = do_DELETE = _relay


@pytest.fixture(scope="module")
def proxy() -> Iterator[RecordingProxy]:
    server = RecordingProxy()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def recording(proxy: RecordingProxy) -> RecordingProxy:
    proxy.lines.clear()
    proxy.authorizations.clear()
    return proxy


def _serve(context: ssl.SSLContext | None = None) -> Iterator[int]:
    app = CORSMiddleware(api, origins=[APP], allow_headers=["X-Token"])
    server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    server.timeout = 5
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def plain_port() -> Iterator[int]:
    yield from _serve()


# --- certificates -------------------------------------------------------------------------------


def _make_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A CA, and a certificate it signs for api.test and 127.0.0.1: (ca.pem, cert.pem, key.pem)."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        return _make_certificates_with_openssl(directory)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wsgi-cors test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "api.test")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("api.test"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = directory / "ca.pem", directory / "cert.pem", directory / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths


def _make_certificates_with_openssl(directory: Path) -> tuple[Path, Path, Path]:
    """The same with the openssl command, where the cryptography package is not installed."""
    openssl = shutil.which("openssl")
    assert openssl, "these tests need the cryptography package or the openssl command"
    ca, ca_key = directory / "ca.pem", directory / "ca-key.pem"
    cert, key, request = directory / "cert.pem", directory / "key.pem", directory / "cert.csr"
    extensions = directory / "ext.cnf"
    extensions.write_text(
        "subjectAltName=DNS:api.test,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    new_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    sign = [
        "-CA",
        str(ca),
        "-CAkey",
        str(ca_key),
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        str(extensions),
    ]
    ca_name = ["-subj", "/CN=wsgi-cors test CA"]
    commands = [
        [openssl, "req", "-x509", *new_key, "-keyout", str(ca_key), "-out", str(ca), "-days", "1", *ca_name],
        [openssl, "req", *new_key, "-keyout", str(key), "-out", str(request), "-subj", "/CN=api.test"],
        [openssl, "x509", "-req", "-in", str(request), "-out", str(cert), *sign],
    ]
    for command in commands:
        subprocess.run(command, check=True, capture_output=True, timeout=60)
    return ca, cert, key


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return _make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def tls_port(certificates: tuple[Path, Path, Path]) -> Iterator[int]:
    _, cert, key = certificates
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    yield from _serve(context)


def run(*argv: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    status = main(["check", *argv, "--origin", APP, "--timeout", "5", "--json"], stdout=out)
    return status, json.loads(out.getvalue()) if out.getvalue() else {}


# --- proxies --------------------------------------------------------------------------------------


def test_http_proxy_carries_the_requests(
    recording: RecordingProxy, plain_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", recording.url)
    status, report = run(f"http://api.test:{plain_port}/items", "--method", "PUT")
    assert status == 0
    assert recording.lines == [
        f"OPTIONS http://api.test:{plain_port}/items",
        f"PUT http://api.test:{plain_port}/items",
    ]
    assert report["proxy"] == {"url": recording.url, "reason": "from http_proxy"}


def test_upper_case_variable_and_proxy_credentials(
    recording: RecordingProxy, plain_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", recording.url.replace("http://", "http://me:s%40cret@"))
    status, _ = run(f"http://api.test:{plain_port}/items")
    assert status == 0
    assert recording.lines == [f"GET http://api.test:{plain_port}/items"]
    assert recording.authorizations == ["Basic bWU6c0BjcmV0"]  # me:s@cret


def test_loopback_is_never_proxied(
    recording: RecordingProxy, plain_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", recording.url)
    status, report = run(f"http://127.0.0.1:{plain_port}/items")
    assert status == 0
    assert recording.lines == []
    assert report["proxy"]["url"] is None
    assert report["proxy"]["reason"].startswith("127.0.0.1 is loopback, never proxied")


def test_no_proxy_loopback_opt_out_sends_loopback_through_the_proxy(
    recording: RecordingProxy, plain_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", recording.url)
    monkeypatch.setenv("no_proxy", "<-loopback>")
    status, _ = run(f"http://127.0.0.1:{plain_port}/items")
    assert status == 0
    assert recording.lines == [f"GET http://127.0.0.1:{plain_port}/items"]


@pytest.mark.parametrize("no_proxy", ["<-loopback>,127.0.0.0/8", "<-loopback>, localhost", "<-loopback>,*"])
def test_no_proxy_bypasses_the_proxy(
    no_proxy: str, recording: RecordingProxy, plain_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", recording.url)
    monkeypatch.setenv("NO_PROXY", no_proxy)
    host = "localhost" if "localhost" in no_proxy else "127.0.0.1"
    status, report = run(f"http://{host}:{plain_port}/items")
    assert status == 0
    assert recording.lines == []
    assert report["proxy"]["reason"] == f"no_proxy covers {host}"


@pytest.mark.parametrize(
    ("no_proxy", "url", "bypassed"),
    [
        ("example.com", "http://example.com/", True),
        ("example.com", "http://api.example.com/", True),
        (".example.com", "http://api.example.com/", True),
        ("*.example.com", "http://api.example.com/", True),
        ("example.com", "http://notexample.com/", False),
        ("example.com:8080", "http://example.com:8080/", True),
        ("example.com:8080", "http://example.com/", False),
        ("10.0.0.0/8", "http://10.1.2.3/", True),
        ("10.0.0.0/8", "http://11.1.2.3/", False),
        ("2001:db8::/32", "http://[2001:db8::1]/", True),
        ("", "http://example.com/", False),
    ],
)
def test_no_proxy_rules(no_proxy: str, url: str, bypassed: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", "http://proxy.internal:3128")
    monkeypatch.setenv("no_proxy", no_proxy)
    assert (route(url).proxy is None) is bypassed


def test_proxy_variables_by_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", "http://plain.internal:3128")
    monkeypatch.setenv("HTTPS_PROXY", "secure.internal:8080")  # no scheme: read as http://
    assert route("http://api.example.com/").proxy.url == "http://plain.internal:3128"  # type: ignore[union-attr]
    assert route("https://api.example.com/").proxy.url == "http://secure.internal:8080"  # type: ignore[union-attr]
    monkeypatch.delenv("HTTPS_PROXY")
    assert route("https://api.example.com/").proxy is None
    monkeypatch.setenv("all_proxy", "http://every.internal:1")
    assert route("https://api.example.com/").proxy.url == "http://every.internal:1"  # type: ignore[union-attr]


def test_lower_case_wins_and_cgi_ignores_upper_case_http_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://upper.internal:1")
    monkeypatch.setenv("http_proxy", "http://lower.internal:1")
    assert route("http://api.example.com/").proxy.url == "http://lower.internal:1"  # type: ignore[union-attr]
    monkeypatch.delenv("http_proxy")
    monkeypatch.setenv("REQUEST_METHOD", "GET")  # inside a CGI request a client sets HTTP_PROXY
    assert route("http://api.example.com/").proxy is None


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("app.localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("localhost.example.com", False),
        ("10.0.0.1", False),
        # Every spelling a browser's URL parser (and the system resolver) reads as 127.0.0.1.
        ("127.1", True),
        ("127.0.1", True),
        ("0x7f.1", True),
        ("0177.0.0.1", True),
        ("2130706433", True),
        ("127.0.0.1.", True),
        ("128.1", False),
        ("1.2.3.4.5", False),
        ("4294967296", False),
    ],
)
def test_loopback_names(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["127.1", "0x7f.0.0.1", "2130706433"])
def test_loopback_in_another_spelling_is_not_proxied(
    host: str, recording: RecordingProxy, plain_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The resolver connects to 127.0.0.1 for these; through a proxy they would reach the
    # proxy's own loopback, another machine's server.
    monkeypatch.setenv("http_proxy", recording.url)
    status, report = run(f"http://{host}:{plain_port}/items")
    assert status == 0
    assert recording.lines == []
    assert report["proxy"]["reason"].startswith("127.0.0.1 is loopback, never proxied")


def test_no_proxy_ranges_cover_an_address_in_another_spelling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", "http://proxy.internal:3128")
    monkeypatch.setenv("no_proxy", "10.0.0.0/8")
    assert route("http://10.1/").proxy is None  # 10.0.0.1
    assert route("http://0xa000001/").proxy is None
    assert route("http://11.1/").proxy is not None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "socks5://me:s3cret@127.0.0.1:1080",
            "http_proxy='socks5://me:***@127.0.0.1:1080': wsgi-cors check speaks",
        ),
        (
            "http://me:s3cret@proxy.internal:99999",
            "http_proxy='http://me:***@proxy.internal:99999': the port is not",
        ),
        ("me:s3cret@proxy.internal:x", "http_proxy='me:***@proxy.internal:x': the port is not"),
        ("http://me:s3cret@[::1", "http_proxy='http://me:***@[::1': not a proxy URL"),
        ("http://me:s3:cr@et@:8080/p@th", "http_proxy='http://me:***@:8080/p@th': no host"),
    ],
)
def test_a_proxy_error_never_shows_the_password(
    value: str, message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("http_proxy", value)
    assert main(["check", "http://api.test:1/", "--origin", APP]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "s3" not in err
    assert "cr@et" not in err


def test_an_unsupported_proxy_is_a_usage_error(
    plain_port: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("http_proxy", "socks5://127.0.0.1:1080")
    assert main(["check", f"http://api.test:{plain_port}/", "--origin", APP]) == 2
    assert "http_proxy='socks5://127.0.0.1:1080': wsgi-cors check speaks to http:// proxies only" in (
        capsys.readouterr().err
    )


def test_an_unreachable_proxy_is_named_in_the_network_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{port}")
    assert main(["check", "http://api.test/", "--origin", APP, "--timeout", "2"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(
        f"wsgi-cors check: network error: http://api.test/ (through the proxy http://127.0.0.1:{port}, "
        "from http_proxy): "
    )


# --- certificates ---------------------------------------------------------------------------------


def test_cacert_verifies_a_server_signed_by_that_ca(
    tls_port: int, certificates: tuple[Path, Path, Path]
) -> None:
    status, report = run(f"https://127.0.0.1:{tls_port}/items", "--cacert", str(certificates[0]))
    assert status == 0
    assert report["actual"]["status"] == 200


def test_without_the_ca_verification_fails_with_a_clear_message(
    tls_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", f"https://127.0.0.1:{tls_port}/items", "--origin", APP, "--timeout", "5"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(
        f"wsgi-cors check: network error: https://127.0.0.1:{tls_port}/items: the server's certificate is "
        "not trusted (unable to get local issuer certificate; checked against the system's certificates). "
        "Fix: pass --cacert FILE"
    )


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"])
def test_ca_bundle_variables(
    variable: str, tls_port: int, certificates: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, str(certificates[0]))
    status, _ = run(f"https://127.0.0.1:{tls_port}/items")
    assert status == 0


def test_cacert_wins_over_the_variables(
    tls_port: int,
    certificates: tuple[Path, Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    other = _make_certificates(tmp_path)[0]  # another CA, which did not sign the server's certificate
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificates[0]))
    assert main(["check", f"https://127.0.0.1:{tls_port}/", "--origin", APP, "--cacert", str(other)]) == 2
    assert f"checked against --cacert {other}" in capsys.readouterr().err


def test_a_missing_cacert_file_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.pem"
    assert main(["check", "https://127.0.0.1:9/", "--origin", APP, "--cacert", str(missing)]) == 2
    assert f"--cacert {missing}: cannot load certificates from it (No such file or directory)" in (
        capsys.readouterr().err
    )


def test_https_through_the_proxy_tunnels_and_verifies_the_server(
    recording: RecordingProxy,
    tls_port: int,
    certificates: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("https_proxy", recording.url)
    status, report = run(f"https://api.test:{tls_port}/items", "--cacert", str(certificates[0]))
    assert status == 0
    assert recording.lines == [f"CONNECT api.test:{tls_port}"]
    assert report["proxy"] == {"url": recording.url, "reason": "from https_proxy"}
