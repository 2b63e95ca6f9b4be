"""sandbox.tls: the self-signed certificate `mca-sandbox serve --tls` serves, as clients verify it."""

from __future__ import annotations

import os
import socket
import ssl
import threading

import pytest
from cryptography import x509

from sandbox.tls import self_signed


def alt_names(cert_path) -> set[str]:
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {*alt.get_values_for_type(x509.DNSName), *(str(ip) for ip in alt.get_values_for_type(x509.IPAddress))}


def test_names_the_loopback_addresses_and_the_hosts_asked_for(tmp_path):
    files = self_signed(tmp_path, ("sandbox.test", "10.1.2.3", "0.0.0.0"))
    assert files.cert.parent == files.key.parent == tmp_path
    assert alt_names(files.cert) == {"localhost", "127.0.0.1", "::1", "sandbox.test", "10.1.2.3"}  # not 0.0.0.0


def test_made_once_and_remade_for_a_new_host(tmp_path):
    first = self_signed(tmp_path, ("sandbox.test",))
    cert, key = first.cert.read_bytes(), first.key.read_bytes()

    again = self_signed(tmp_path, ("SANDBOX.test", "0:0::1"))  # the same names, written otherwise
    assert (again.cert.read_bytes(), again.key.read_bytes()) == (cert, key)

    remade = self_signed(tmp_path, ("sandbox.test", "other.test"))
    assert remade == first  # the same files, new contents
    assert remade.cert.read_bytes() != cert and remade.key.read_bytes() != key
    assert "other.test" in alt_names(remade.cert)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_the_key_is_readable_by_its_owner_only(tmp_path):
    files = self_signed(tmp_path)
    assert files.key.stat().st_mode & 0o777 == 0o600


def test_a_client_trusting_the_certificate_completes_the_handshake(tmp_path):
    files = self_signed(tmp_path)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(files.cert, files.key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    names = ["127.0.0.1", "localhost", "sandbox.example"]

    def answer():
        for _ in names:
            connection, _address = listener.accept()
            try:
                with server_context.wrap_socket(connection, server_side=True) as tls:
                    tls.sendall(b"hello")
            except (ssl.SSLError, OSError):
                pass  # the client refused the certificate

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    client = ssl.create_default_context(cafile=files.cert)  # the certificate as the only trusted CA
    try:
        for name in names[:2]:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as raw, \
                    client.wrap_socket(raw, server_hostname=name) as tls:
                assert tls.recv(5) == b"hello"
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw, \
                pytest.raises(ssl.SSLCertVerificationError):
            client.wrap_socket(raw, server_hostname=names[2])  # a name the certificate does not carry
    finally:
        thread.join(timeout=5)
        listener.close()
