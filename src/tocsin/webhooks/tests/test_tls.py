"""HTTPS to a receiver on loopback with its own certificate authority: the connection goes to
the address checked, while the TLS server name and Host header stay the URL's host name, so
the certificate is checked for that name."""

import datetime
import socket
import ssl
import threading
from http.server import ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from standardwebhooks import Webhook

from tocsin.webhooks import services, transport
from tocsin.webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db

NAME = "hooks.example.net"


def _certificate(subject: str, issuer_name, issuer_key, key, *, ca: bool):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture
def tls_receiver(receiver, tmp_path, monkeypatch):
    """The loopback receiver behind TLS with a certificate for NAME, signed by a test CA
    the sender trusts; NAME resolves to 127.0.0.1."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tocsin test CA")])
    ca = _certificate("Tocsin test CA", ca_name, ca_key, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate(NAME, ca_name, ca_key, key, ca=False)
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "server.pem").write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(tmp_path / "server.pem")
    server = ThreadingHTTPServer(("127.0.0.1", 0), receiver.handler())
    server.daemon_threads = True
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def trusting_the_test_ca():
        return ssl.create_default_context(cafile=str(tmp_path / "ca.pem"))

    real = socket.getaddrinfo

    def resolving(host, *args, **kwargs):
        return real("127.0.0.1" if host == NAME else host, *args, **kwargs)

    monkeypatch.setattr(transport, "tls_context", trusting_the_test_ca)
    monkeypatch.setattr(socket, "getaddrinfo", resolving)
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_https_checks_the_certificate_for_the_urls_host(tls_receiver, receiver, ours):
    endpoint = Endpoint.objects.create(
        organization=ours, url=f"https://{NAME}:{tls_receiver}/in?k=1", events=[]
    )
    delivery = services.ping(endpoint)
    assert services.attempt(delivery.pk) == Delivery.Status.SUCCEEDED
    [request] = receiver.requests
    assert request["headers"]["Host"] == f"{NAME}:{tls_receiver}"
    assert request["path"] == "/in?k=1"
    Webhook(endpoint.secret).verify(request["body"], request["headers"])


def test_a_certificate_for_another_name_is_refused(tls_receiver, receiver, ours):
    endpoint = Endpoint.objects.create(
        organization=ours, url=f"https://127.0.0.1:{tls_receiver}/in", events=[]
    )
    delivery = services.ping(endpoint)
    assert services.attempt(delivery.pk) == Delivery.Status.FAILED
    delivery.refresh_from_db()
    assert "SSL" in delivery.last_error
    assert receiver.requests == []
