"""Certificates made at run time, so the fake Slack speaks HTTPS as Slack does.

`make_certificates(dir)` writes a private CA and a server certificate for 127.0.0.1 signed by
it (ECDSA P-256, by `openssl` in a subprocess: the `cryptography` package is not installed and
the app must not depend on it for a benchmark), and `bundle`: the system's CA bundle with the
private CA appended. A process given `SSL_CERT_FILE=bundle` trusts the fake exactly as a
deployment trusts Slack, and pays what a deployment pays to load its CA bundle (~140 roots),
not the cost of one certificate.
"""

from __future__ import annotations

import os
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path

DAYS = "2"
CURVE = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
LEAF_EXTENSIONS = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
"""


@dataclass(frozen=True)
class Certificates:
    ca: Path  # the private CA alone (what SLACK_CA_FILE would name)
    bundle: Path  # the system CA bundle plus the private CA (what SSL_CERT_FILE names)
    cert: Path  # the server's certificate, for 127.0.0.1 and localhost
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


def system_bundle() -> Path | None:
    """The CA file OpenSSL reads by default (SSL_CERT_FILE when set)."""
    paths = ssl.get_default_verify_paths()
    for name in (os.environ.get(paths.openssl_cafile_env), paths.cafile, paths.openssl_cafile):
        if name and Path(name).is_file():
            return Path(name)
    return None


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


def make_certificates(directory: Path) -> Certificates:
    directory.mkdir(parents=True, exist_ok=True)
    ca, ca_key = directory / "ca.pem", directory / "ca.key"
    cert, key, csr = directory / "server.pem", directory / "server.key", directory / "server.csr"
    ext = directory / "server.ext"
    ext.write_text(LEAF_EXTENSIONS)
    _openssl("req", "-x509", *CURVE, "-keyout", str(ca_key), "-out", str(ca), "-days", DAYS,
             "-subj", "/CN=ITSS benchmark CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")  # fmt: skip
    _openssl("req", "-new", *CURVE, "-keyout", str(key), "-out", str(csr),
             "-subj", "/CN=127.0.0.1")  # fmt: skip
    _openssl("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
             "-CAcreateserial", "-out", str(cert), "-days", DAYS, "-extfile", str(ext))  # fmt: skip
    bundle = directory / "bundle.pem"
    system = system_bundle()
    roots = system.read_text() if system is not None else ""
    bundle.write_text(roots.rstrip("\n") + "\n" + ca.read_text() if roots else ca.read_text())
    return Certificates(ca=ca, bundle=bundle, cert=cert, key=key)
