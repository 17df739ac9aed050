# tests/integration/tls_support.py: what the TLS integration tests share: a throwaway PKI
# made with the openssl command line at test time (no key is ever committed), the TOML of
# TLS listeners, `openssl s_client` runs with the parsing of their output, and Python ssl
# connections that work like harness.Conn.
#
# Certificates (all made by make_pki() in a temporary directory, valid for 3 days):
#   ca        P-256 CA "Ringwall Test CA" that signs every server certificate
#   default   CN=default.example, SAN default.example       (P-256)
#   a         CN=a.example, SAN a.example                   (P-256), with an OCSP response
#   wild      CN=*.wild.example, SAN *.wild.example         (P-256)
#   rsa       CN=rsa.example, SAN rsa.example               (RSA 2048)
#   a2        CN=a.example, O=Ringwall Reloaded, SAN a.example: a.example after a reload
#   client_ca P-256 CA "Ringwall Client CA"; alice: CN=alice, O=Ringwall Test, signed by it
#   rogue_ca  a CA nobody trusts; mallory: a client certificate it signed

import datetime
import hashlib
import os
import re
import select
import shutil
import socket
import ssl
import subprocess
import time

import harness
from harness import Conn, HarnessError, Skip, toml_value

# ---------------------------------------------------------------------------------------
# The PKI
# ---------------------------------------------------------------------------------------

_REQ_CONFIG = """\
[req]
distinguished_name = dn
prompt = no
string_mask = utf8only
[dn]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
"""

_SERVER_EXT = """\
[ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature{rsa_usage}
extendedKeyUsage = {eku}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
{san}
"""


def openssl_path():
    path = shutil.which("openssl")
    if path is None:
        raise Skip("the openssl command is not installed")
    return path


def openssl(*args, cwd=None, input=None, timeout=30):
    """Runs `openssl args...`; returns its stdout (text). Raises HarnessError on failure."""
    argv = [openssl_path()] + [str(a) for a in args]
    try:
        r = subprocess.run(argv, cwd=cwd, input=input, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise HarnessError(f"{' '.join(argv)} ran longer than {timeout}s")
    if r.returncode != 0:
        raise HarnessError(f"{' '.join(argv)} exited {r.returncode}:\n"
                           + r.stderr.decode("utf-8", "replace")[-2000:])
    return r.stdout.decode("utf-8", "replace")


def pem_to_der(pem_text):
    """DER bytes of the first certificate in PEM text."""
    m = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", pem_text, re.S)
    if not m:
        return None
    return ssl.PEM_cert_to_DER_cert(m.group(0))


class Cert:
    """One certificate made by Pki: its files and what identifies it."""

    def __init__(self, name, pem, key, serial, subject, key_type):
        self.name = name
        self.pem = pem          # the certificate alone, which is also its chain file
        self.chain = pem
        self.key = key
        self.serial = serial    # int
        self.subject = subject  # as given to -subj, e.g. "/O=Ringwall Test/CN=a.example"
        self.key_type = key_type
        with open(pem, encoding="ascii") as f:
            self.der = pem_to_der(f.read())
        self.fingerprint = hashlib.sha256(self.der).hexdigest()
        self.ocsp = None        # path of a DER OCSP response, when made

    def __repr__(self):
        return f"<Cert {self.name} {self.subject} serial {self.serial:#x}>"


class Pki:
    """Makes CAs and leaves with the openssl command line in `directory`."""

    def __init__(self, directory):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        self.req_config = self._write("req.cnf", _REQ_CONFIG)
        self._next_serial = 0x1000 + (os.getpid() & 0xFFF) * 0x100

    def _write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="ascii") as f:
            f.write(text)
        return path

    def path(self, name):
        return os.path.join(self.dir, name)

    def serial(self):
        self._next_serial += 1
        return self._next_serial

    def _newkey(self, key_type):
        if key_type == "rsa":
            return ["-newkey", "rsa:2048"]
        return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]

    def ca(self, name, subject, key_type="ec"):
        serial = self.serial()
        openssl("req", "-x509", "-new", *self._newkey(key_type), "-nodes",
                "-keyout", self.path(f"{name}.key"), "-out", self.path(f"{name}.pem"),
                "-days", "3", "-set_serial", serial, "-subj", subject,
                "-config", self.req_config, "-extensions", "ca_ext", cwd=self.dir)
        return Cert(name, self.path(f"{name}.pem"), self.path(f"{name}.key"), serial, subject,
                    key_type)

    def leaf(self, name, ca, subject, *, dns=(), client=False, key_type="ec", serial=None):
        """A certificate for `subject` signed by `ca`: serverAuth, or clientAuth if client."""
        serial = serial or self.serial()
        san = "subjectAltName = " + ",".join(f"DNS:{d}" for d in dns) if dns else ""
        ext = self._write(f"{name}.ext", _SERVER_EXT.format(
            rsa_usage=",keyEncipherment" if key_type == "rsa" else "",
            eku="clientAuth" if client else "serverAuth", san=san))
        openssl("req", "-new", *self._newkey(key_type), "-nodes",
                "-keyout", self.path(f"{name}.key"), "-out", self.path(f"{name}.csr"),
                "-subj", subject, "-config", self.req_config, cwd=self.dir)
        openssl("x509", "-req", "-in", self.path(f"{name}.csr"), "-CA", ca.pem,
                "-CAkey", ca.key, "-set_serial", serial, "-days", "3",
                "-out", self.path(f"{name}.pem"), "-extfile", ext, "-extensions", "ext",
                cwd=self.dir)
        return Cert(name, self.path(f"{name}.pem"), self.path(f"{name}.key"), serial, subject,
                    key_type)

    def ocsp_response(self, cert, ca):
        """A "good" OCSP response for `cert`, signed by `ca` itself; sets cert.ocsp."""
        end = openssl("x509", "-in", cert.pem, "-noout", "-enddate").strip()
        not_after = datetime.datetime.strptime(end.split("=", 1)[1].replace("  ", " "),
                                               "%b %d %H:%M:%S %Y %Z")
        serial_hex = f"{cert.serial:X}"
        if len(serial_hex) % 2:
            serial_hex = "0" + serial_hex
        index = self._write(f"{cert.name}.index.txt",
                            f"V\t{not_after:%y%m%d%H%M%S}Z\t\t{serial_hex}\tunknown\t"
                            f"{cert.subject}\n")
        out = self.path(f"{cert.name}.ocsp.der")
        openssl("ocsp", "-index", index, "-rsigner", ca.pem, "-rkey", ca.key, "-CA", ca.pem,
                "-issuer", ca.pem, "-cert", cert.pem, "-no_nonce", "-respout", out, "-ndays", "2",
                cwd=self.dir)
        # The response must say "good" for this very certificate, or the test proves nothing.
        text = openssl("ocsp", "-respin", out, "-CAfile", ca.pem, "-issuer", ca.pem,
                       "-cert", cert.pem, "-no_nonce", cwd=self.dir)
        if f"{cert.pem}: good" not in text:
            raise HarnessError(f"made an OCSP response that does not say good:\n{text}")
        cert.ocsp = out
        return out


class TestPki:
    """Every certificate the TLS tests use, made once in `directory`."""

    def __init__(self, directory):
        p = self.maker = Pki(directory)
        self.dir = directory
        self.ca = p.ca("ca", "/O=Ringwall Test/CN=Ringwall Test CA")
        self.default = p.leaf("default", self.ca, "/O=Ringwall Test/CN=default.example",
                              dns=["default.example"])
        self.a = p.leaf("a", self.ca, "/O=Ringwall Test/CN=a.example", dns=["a.example"])
        self.wild = p.leaf("wild", self.ca, "/O=Ringwall Test/CN=*.wild.example",
                           dns=["*.wild.example"])
        self.rsa = p.leaf("rsa", self.ca, "/O=Ringwall Test/CN=rsa.example",
                          dns=["rsa.example"], key_type="rsa")
        self.a2 = p.leaf("a2", self.ca, "/O=Ringwall Reloaded/CN=a.example", dns=["a.example"])
        self.client_ca = p.ca("client-ca", "/O=Ringwall Test/CN=Ringwall Client CA")
        self.alice = p.leaf("alice", self.client_ca, "/CN=alice/O=Ringwall Test", client=True)
        self.rogue_ca = p.ca("rogue-ca", "/O=Rogue/CN=Rogue CA")
        self.mallory = p.leaf("mallory", self.rogue_ca, "/CN=mallory/O=Ringwall Test",
                              client=True)
        p.ocsp_response(self.a, self.ca)
        self.by_fingerprint = {c.fingerprint: c for c in
                               (self.ca, self.default, self.a, self.wild, self.rsa, self.a2)}

    def name_of(self, der):
        """Which of our certificates `der` is ("a", "wild", ...), or a description."""
        if der is None:
            return "no certificate"
        cert = self.by_fingerprint.get(hashlib.sha256(der).hexdigest())
        return cert.name if cert else "an unknown certificate"

    def corrupt_file(self, name):
        """A file that looks like PEM but holds no certificate. Returns its path."""
        return self.maker._write(name, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNh"
                                       "dGU=\n-----END CERTIFICATE-----\n")


# ---------------------------------------------------------------------------------------
# Configuration text
# ---------------------------------------------------------------------------------------

def certificate_entry(cert, ocsp=False):
    entry = {"chain": cert.chain, "key": cert.key}
    if ocsp:
        entry["ocsp_response"] = cert.ocsp
    return entry


def tls_listener(certificates, *, address="127.0.0.1:0", http2=None, **tls):
    """[[listeners]] + [listeners.tls] TOML.

    certificates: Cert objects, (Cert, ocsp) pairs or dicts with chain/key/ocsp_response.
    tls: the other [listeners.tls] keys, e.g. min_version="1.3", client_verify="required".
    """
    entries = []
    for c in certificates:
        if isinstance(c, Cert):
            c = certificate_entry(c)
        elif isinstance(c, tuple):
            c = certificate_entry(*c)
        entries.append("  { " + ", ".join(f"{k} = {toml_value(v)}" for k, v in c.items())
                       + " },")
    lines = ["[[listeners]]", f"address = {toml_value(address)}"]
    if http2 is not None:
        lines.append(f"http2 = {toml_value(http2)}")
    lines += ["[listeners.tls]", "certificates = ["] + entries + ["]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in tls.items()]
    return "\n".join(lines) + "\n"


def tls_config(listeners, routes=None, **make_config_args):
    """A whole config: harness.make_config's tables with `listeners` (TOML text, one
    string or a list) put before the first [[routes]]."""
    if isinstance(listeners, str):
        listeners = [listeners]
    base = harness.make_config(routes, listeners=(), **make_config_args)
    at = base.find("[[routes]]")
    if at < 0:
        return base + "\n" + "\n".join(listeners)
    return base[:at] + "\n".join(listeners) + "\n" + base[at:]


# ---------------------------------------------------------------------------------------
# openssl s_client
# ---------------------------------------------------------------------------------------

class SClient:
    """What one `openssl s_client` run showed."""

    def __init__(self, argv, returncode, out, timed_out, elapsed):
        self.argv = argv
        self.returncode = returncode
        self.out = out          # stdout and stderr, in one text
        self.timed_out = timed_out  # killed before a whole response came
        self.kept_open = False  # killed after a whole response: the server did not close
        self.elapsed = elapsed

    def _search(self, pattern, flags=re.M):
        m = re.search(pattern, self.out, flags)
        return m

    @property
    def session_line(self):
        """("New" or "Reused", protocol, cipher) from the "New, TLSv1.3, Cipher is X" line."""
        m = self._search(r"^(New|Reused), (\S+), Cipher is (\S+)")
        return (m.group(1), m.group(2), m.group(3)) if m else None

    @property
    def handshake_ok(self):
        s = self.session_line
        return s is not None and s[2] != "(NONE)"

    @property
    def reused(self):
        s = self.session_line
        return s is not None and s[0] == "Reused"

    @property
    def protocol(self):
        s = self.session_line
        return s[1] if s else None

    @property
    def clean_close(self):
        """The server ended the connection with close_notify: s_client saw no bare EOF."""
        return not self.kept_open and "unexpected eof while reading" not in self.out

    @property
    def has_ticket(self):
        """The session printout shows a ticket (TLS 1.2: one sent in the handshake)."""
        return self._search(r"TLS session ticket lifetime hint: \d+") is not None

    @property
    def session_id(self):
        m = self._search(r"^\s*Session-ID: ([0-9A-Fa-f]*)\s*$")
        return m.group(1) if m else None

    @property
    def client_ca_names(self):
        """The CA names of the server's CertificateRequest ([] when it sent none)."""
        m = self._search(r"^Acceptable client certificate CA names\n((?:.+\n)*?)"
                         r"(?=Requested|Client Certificate Types|Shared|Peer|---)")
        if not m:
            return []
        return [re.sub(r"\s*=\s*", "=", line).strip() for line in m.group(1).splitlines()
                if line.strip()]

    @property
    def alpn(self):
        """The negotiated protocol, or None for "No ALPN negotiated" (or no handshake)."""
        m = self._search(r"^ALPN protocol: (\S+)")
        return m.group(1) if m else None

    @property
    def no_alpn(self):
        return self._search(r"^No ALPN negotiated") is not None

    @property
    def cert_der(self):
        """The server's leaf certificate, from the "Server certificate" PEM s_client prints
        (or the first one of the "Certificate chain" with -showcerts); None if absent."""
        for marker in ("\nServer certificate\n", "\nCertificate chain\n"):
            at = self.out.find(marker)
            if at >= 0:
                return pem_to_der(self.out[at:])
        return None

    @property
    def subject(self):
        m = self._search(r"^subject=\s*(.*)$")
        return re.sub(r"\s*=\s*", "=", m.group(1)).strip() if m else None

    @property
    def verify_code(self):
        m = self._search(r"Verify return code: (\d+)")
        return int(m.group(1)) if m else None

    @property
    def bytes_written(self):
        """What s_client had written when the handshake ended ("has read R bytes and
        written W bytes"): more than 0 means a ClientHello went out."""
        m = self._search(r"has read (\d+) bytes and written (\d+) bytes")
        return int(m.group(2)) if m else None

    @property
    def server_key_bits(self):
        m = self._search(r"Server public key is (\d+) bit")
        return int(m.group(1)) if m else None

    @property
    def ocsp_status(self):
        """"successful", "no response sent" or None when -status was not asked for."""
        if self._search(r"^OCSP response: no response sent") is not None:
            return "no response sent"
        m = self._search(r"OCSP Response Status: (\w+)")
        return m.group(1) if m else None

    @property
    def ocsp_cert_status(self):
        m = self._search(r"Cert Status: (\w+)")
        return m.group(1) if m else None

    @property
    def http_status(self):
        m = self._search(r"^HTTP/\d(?:\.\d)? (\d{3})")
        return int(m.group(1)) if m else None

    @property
    def http_body(self):
        """The body of the first response in the output, cut at its Content-Length (s_client
        prints what it received as is, then its own messages); None without a response."""
        m = self._search(r"^HTTP/\d(?:\.\d)? \d{3}.*?\r?\n\r?\n", re.M | re.S)
        if not m:
            return None
        rest = self.out[m.end():]
        length = re.search(r"^content-length:\s*(\d+)\s*$", m.group(0), re.M | re.I)
        return rest[:int(length.group(1))] if length else rest

    def alert(self):
        m = self._search(r"alert ([a-z ]+?)(?::|$)")
        return m.group(1) if m else None

    def brief(self, limit=1500):
        """The informative part of the output, for failure details."""
        keep = [line for line in self.out.splitlines()
                if not re.match(r"^[A-Za-z0-9+/=]{40,}$", line)
                and "BEGIN CERT" not in line and "END CERT" not in line]
        text = "\n      ".join(keep)
        if len(text) > limit:
            text = text[:limit] + " ..."
        return f"$ {' '.join(self.argv)}\n      rc={self.returncode} " \
               f"timed_out={self.timed_out} kept_open={self.kept_open} " \
               f"{self.elapsed:.2f}s\n      {text}"


def http_get(host="a.example", target="/", close=True):
    head = f"GET {target} HTTP/1.1\r\nHost: {host}\r\n"
    if close:
        head += "Connection: close\r\n"
    return (head + "\r\n").encode("ascii")


_RESPONSE_HEAD = re.compile(rb"(?m)^HTTP/1\.[01] \d{3}[^\r\n]*\r\n(.*?)\r\n\r\n", re.S)
_slow_s_clients = 0  # runs the server did not end; after two, the others wait less


def _response_complete(out):
    """Whether `out` (s_client's output) holds a whole response with a Content-Length."""
    m = _RESPONSE_HEAD.search(out)
    if not m:
        return False
    length = re.search(rb"(?mi)^content-length:[ \t]*(\d+)[ \t]*\r?$", m.group(1))
    return length is not None and len(out) - m.end() >= int(length.group(1))


def s_client(port, *args, servername=None, send=None, cafile=None, timeout=6.0,
             close_grace=1.0):
    """Runs `openssl s_client -connect 127.0.0.1:port` and returns an SClient.

    servername: the SNI name, or None for -noservername.
    send: bytes written to it after the handshake; by default a GET / with Connection:
    close, and -ign_eof keeps s_client reading until the server closes, so the response
    (and TLS 1.3 session tickets, which come after the handshake) are in the output.
    With send=b"" s_client ends as soon as the handshake is done (for h2 connections,
    where an HTTP/1.1 request would be wrong).

    Bounded: once a whole response is in, the server gets `close_grace` seconds to close
    before s_client is killed (SClient.kept_open); a run that outlasts `timeout` is killed
    and marked timed_out. After two such runs the others get 0.3 s of grace and 2 s in all,
    so that a server that never closes cannot push the test past ctest's limit.
    """
    global _slow_s_clients
    if _slow_s_clients >= 2:
        timeout, close_grace = min(timeout, 2.0), min(close_grace, 0.3)
    argv = [openssl_path(), "s_client", "-connect", f"127.0.0.1:{port}"]
    if servername is None:
        argv.append("-noservername")
    else:
        argv += ["-servername", servername]
    if cafile:
        argv += ["-CAfile", cafile]
    if send is None:
        send = http_get(servername or "a.example")
    if send:
        argv.append("-ign_eof")
    argv += [str(a) for a in args]
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        proc.stdin.write(send)  # s_client reads it once the handshake is done
        proc.stdin.close()
    except BrokenPipeError:
        pass
    out = bytearray()
    fd = proc.stdout.fileno()
    deadline = start + timeout
    complete_at = None
    killed = False
    while True:
        limit = deadline if complete_at is None else min(deadline, complete_at + close_grace)
        remaining = limit - time.monotonic()
        if remaining <= 0:
            proc.kill()  # the s_client this call started, by its Popen handle
            killed = True
            break
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        out += chunk
        if complete_at is None and _response_complete(out):
            complete_at = time.monotonic()
    if killed:
        _slow_s_clients += 1
        while True:  # what it wrote before it died
            ready, _, _ = select.select([fd], [], [], 1.0)
            chunk = os.read(fd, 65536) if ready else b""
            if not chunk:
                break
            out += chunk
    proc.stdout.close()
    returncode = proc.wait()
    result = SClient(argv, returncode, out.decode("utf-8", "replace"),
                     killed and complete_at is None, time.monotonic() - start)
    result.kept_open = killed and complete_at is not None
    return result


def s_client_resume(port, directory, *args, servername="a.example", cafile=None):
    """Two s_client runs: the first saves its session (-sess_out), the second offers it
    (-sess_in). Returns (first, second); second is None when the first saved no session
    (TLS 1.3 without a ticket), which means nothing could be resumed."""
    path = os.path.join(directory, f"session-{os.getpid()}-{time.monotonic_ns()}.pem")
    first = s_client(port, "-sess_out", path, *args, servername=servername, cafile=cafile)
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return first, None
    second = s_client(port, "-sess_in", path, *args, servername=servername, cafile=cafile)
    os.unlink(path)
    return first, second


# ---------------------------------------------------------------------------------------
# curl over TLS
# ---------------------------------------------------------------------------------------

def curl_tls(port, pki, name="a.example", target="/", *args, out_file=None, timeout=10):
    """curl https://name:port/target resolved to 127.0.0.1, trusting the test CA.

    Returns (CompletedProcess, body bytes or None, write-out dict with http_code,
    http_version, ssl_verify_result)."""
    body_path = out_file or os.path.join(pki.dir, f"curl-body-{os.getpid()}")
    if os.path.exists(body_path):
        os.unlink(body_path)
    r = harness.curl("--cacert", pki.ca.pem, "--resolve", f"{name}:{port}:127.0.0.1",
                     "-o", body_path, "-w", "%{http_code} %{http_version} %{ssl_verify_result}",
                     *args, f"https://{name}:{port}{target}", timeout=timeout)
    body = None
    if os.path.exists(body_path):
        with open(body_path, "rb") as f:
            body = f.read()
        os.unlink(body_path)
    parts = r.stdout.split()
    info = {"http_code": parts[0] if parts else None,
            "http_version": parts[1] if len(parts) > 1 else None,
            "ssl_verify_result": parts[2] if len(parts) > 2 else None}
    return r, body, info


# ---------------------------------------------------------------------------------------
# Python ssl connections
# ---------------------------------------------------------------------------------------

def client_context(pki, *, cert=None, min_version=None, max_version=None, alpn=None,
                   verify=True):
    """A client SSLContext trusting the test CA; `cert` (a Cert) is offered when asked."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if verify:
        ctx.load_verify_locations(pki.ca.pem)
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if cert is not None:
        ctx.load_cert_chain(cert.pem, cert.key)
    if min_version is not None:
        ctx.minimum_version = min_version
    if max_version is not None:
        ctx.maximum_version = max_version
    if alpn:
        ctx.set_alpn_protocols(list(alpn))
    return ctx


class TlsConn(Conn):
    """harness.Conn over TLS: the same send/read_response/read_until_close/wait_closed.

    The handshake runs in the constructor (ssl.SSLError or OSError when it fails). A TLS
    alert or a broken record later counts as a reset; the error is kept in ssl_error.
    """

    def __init__(self, port, context, server_name="a.example", session=None, timeout=5.0,
                 host="127.0.0.1"):
        super().__init__(port, host, timeout)
        self.raw = self.sock
        self.ssl_error = None
        try:
            self.sock = context.wrap_socket(self.raw, server_hostname=server_name,
                                            session=session)
        except BaseException:
            self.raw.close()
            raise
        self.tls_version = self.sock.version()  # kept: version() is None after an alert

    def _recv_some(self, timeout):
        if self.eof or self.reset:
            return True
        if not self.sock.pending():
            ready, _, _ = select.select([self.sock], [], [], max(timeout, 0))
            if not ready:
                return False
        self.sock.settimeout(max(timeout, 0.05))
        try:
            chunk = self.sock.recv(65536)
        except ssl.SSLWantReadError:
            return False
        except ssl.SSLError as e:
            self.ssl_error = e
            self.reset = True
            return True
        except (socket.timeout, TimeoutError):
            return False
        except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError) as e:
            self.ssl_error = e
            self.reset = True
            return True
        if not chunk:
            self.eof = True
        self.buf += chunk
        return True

    def try_send(self, data):
        try:
            self.send(data)
            return True
        except (ssl.SSLError, BrokenPipeError, ConnectionResetError, ConnectionAbortedError) as e:
            self.ssl_error = e
            return False

    @property
    def version(self):
        return self.tls_version

    @property
    def session(self):
        return self.sock.session

    @property
    def session_reused(self):
        return self.sock.session_reused

    def peer_der(self):
        return self.sock.getpeercert(binary_form=True)


def tls_request_outcome(port, context, server_name="a.example", target="/", timeout=5.0):
    """Handshake, one GET, one response: ("ok", Response) or ("refused", why), or
    ("client rejected the server", why) when the server's certificate did not verify.

    Where it failed is in `why`: TLS 1.3 servers reject a client certificate after the
    client has finished its handshake, so the refusal may come at the first read.
    """
    try:
        conn = TlsConn(port, context, server_name, timeout=timeout)
    except ssl.SSLCertVerificationError as e:
        # The client refused the server, which says nothing about what the server does.
        return "client rejected the server", f"handshake: {e}"
    except (ssl.SSLError, OSError) as e:
        return "refused", f"handshake: {type(e).__name__}: {e}"
    with conn:
        if not conn.try_send(http_get(server_name, target)):
            return "refused", f"send: {conn.ssl_error!r}"
        try:
            resp = conn.read_response(timeout)
        except HarnessError as e:
            return "refused", f"read ({conn.version}): {conn.ssl_error!r} {e}"
        return "ok", resp


def client_hello_bytes(server_name="a.example", alpn=("h2", "http/1.1")):
    """The bytes of a real ClientHello (one or more TLS records), made with a memory BIO."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(list(alpn))
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname=server_name)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def vm_rss_kib(pid):
    """VmRSS of a process in KiB, from /proc/PID/status."""
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise HarnessError(f"no VmRSS in /proc/{pid}/status")
