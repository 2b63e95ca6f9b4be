"""A self-signed certificate for serving the sandbox over HTTPS.

Microsoft's authentication libraries (MSAL) accept only an ``https`` authority, so an integration that
signs in through MSAL needs the sandbox behind TLS. The certificate names the loopback addresses and
the host it is made for; clients trust it by its file (``REQUESTS_CA_BUNDLE``, ``SSL_CERT_FILE``, or the
system's store).
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

VALID_DAYS = 825  # the longest lifetime macOS and iOS accept for a server certificate


@dataclass(frozen=True)
class CertificateFiles:
    cert: Path
    key: Path


def self_signed(folder: Path, hosts: tuple[str, ...] = ()) -> CertificateFiles:
    """The certificate and key in ``folder``, made once (kept while they name every host asked for and are
    valid for another day), for ``localhost``, 127.0.0.1, ::1 and ``hosts``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True)
    files = CertificateFiles(folder / "sandbox-cert.pem", folder / "sandbox-key.pem")
    names = sorted({_canonical(host) for host in ("localhost", "127.0.0.1", "::1", *hosts) if host}
                   - {"0.0.0.0", "::"})
    now = datetime.datetime.now(datetime.UTC)
    if _reusable(files, set(names), now):
        return files
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mca-sandbox"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "mca-sandbox (self-signed, for rehearsals)")])
    alt_names = [_general_name(name) for name in names]
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    # the key is never readable by others, not even for a moment; each file is replaced whole
    _write(files.key, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()), 0o600)
    _write(files.cert, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return files


def _reusable(files: CertificateFiles, names: set[str], now: datetime.datetime) -> bool:
    """The files exist, belong together, name every host asked for and stay valid for another day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    try:
        existing = x509.load_pem_x509_certificate(files.cert.read_bytes())
        key = serialization.load_pem_private_key(files.key.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        return False
    same_pair = key.public_key().public_bytes(serialization.Encoding.DER,
                                              serialization.PublicFormat.SubjectPublicKeyInfo) == \
        existing.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return same_pair and _names(existing) >= names and existing.not_valid_after_utc > now + datetime.timedelta(days=1)


def _write(path: Path, data: bytes, mode: int) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.chmod(partial, mode)  # whatever the umask
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _canonical(name: str) -> str:
    """An address as ``ipaddress`` writes it (``0:0::1`` is ``::1``), a DNS name in lower case."""
    try:
        return str(ipaddress.ip_address(name.strip("[]")))
    except ValueError:
        return name.lower().rstrip(".")


def _general_name(name: str):
    from cryptography import x509

    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def _names(cert) -> set[str]:
    from cryptography import x509

    try:
        alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set()
    return {str(n) for n in alt.get_values_for_type(x509.DNSName)} | {
        str(n) for n in alt.get_values_for_type(x509.IPAddress)}
