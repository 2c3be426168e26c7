#!/usr/bin/env python3
"""Capture real IMAP transcripts from the private Dovecot test server.

Usage:
    scripts/servers/capture_transcripts.py [--out DIR] [--no-reset]

It (re)starts the server with `scripts/servers/dovecot.sh start --fresh`
(unless --no-reset, which only makes sure it runs), reads the connection
details from `dovecot.sh env`, then runs a series of sessions. For every
session NAME it writes, into --out (default codec/testdata/dovecot):

    NAME.s2c   the server-to-client bytes, exactly as received (CRLF kept)
    NAME.c2s   the client-to-server bytes, exactly as sent

For sessions over TLS the files hold the bytes inside TLS (what the IMAP layer
reads and writes). For the COMPRESS session, NAME.s2c/.c2s hold the inflated
IMAP stream and NAME.s2c.deflate/NAME.c2s.deflate the raw bytes on the wire.
It also writes README.md describing the files.

Only 127.0.0.1 is contacted; every address is example.com / example.org.
Standard library only (python3 >= 3.8).
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import os
import re
import shlex
import socket
import ssl
import struct
import subprocess
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DOVECOT_SH = os.path.join(HERE, "dovecot.sh")

# ---------------------------------------------------------------------------
# Helpers


def mutf7(name):
    """Encode a mailbox name in modified UTF-7 (RFC 3501 section 5.1.3)."""
    out, buf = [], ""

    def flush():
        nonlocal buf
        if buf:
            b = base64.b64encode(buf.encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + b.replace("/", ",") + "-")
            buf = ""

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            buf += ch
    flush()
    return "".join(out)


def crlf(text):
    """Normalise a message to CRLF line ends (and encode as UTF-8)."""
    if isinstance(text, str):
        text = text.encode("utf-8")
    text = text.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return text


class Lit:
    """A literal argument: synchronizing unless plus=True (LITERAL+)."""

    def __init__(self, data, plus=False, binary=False):
        self.data = data if isinstance(data, bytes) else data.encode("utf-8")
        self.plus = plus
        self.binary = binary  # ~{n} (RFC 3516), for APPEND of binary data

    def header(self):
        return ("%s{%d%s}\r\n" % ("~" if self.binary else "", len(self.data), "+" if self.plus else "")).encode()


LITERAL_RE = re.compile(rb"~?\{(\d+)\}\r\n$")


class ServerClosed(Exception):
    pass


class Conn:
    """One IMAP session that records every byte in both directions."""

    def __init__(self, name, sock=None, proc=None):
        self.name = name
        self.sock = sock
        self.proc = proc
        self.c2s = bytearray()  # IMAP-level bytes sent
        self.s2c = bytearray()  # IMAP-level bytes received
        self.raw_c2s = bytearray()  # wire bytes (differ only under COMPRESS)
        self.raw_s2c = bytearray()
        self.rbuf = bytearray()
        self.deflate = None
        self.inflate = None
        self.tagn = 0
        self.closed = False
        self.segments = []  # (label, s2c offset, c2s offset): for STARTTLS

    # -- transport ---------------------------------------------------------

    def _send_raw(self, data):
        self.raw_c2s += data
        if self.proc is not None:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        else:
            self.sock.sendall(data)

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.c2s += data
        if self.deflate is not None:
            data = self.deflate.compress(data) + self.deflate.flush(zlib.Z_SYNC_FLUSH)
        self._send_raw(data)

    def _recv(self, timeout):
        if self.proc is not None:
            import select

            r, _, _ = select.select([self.proc.stdout], [], [], timeout)
            if not r:
                raise socket.timeout()
            data = os.read(self.proc.stdout.fileno(), 65536)
        else:
            self.sock.settimeout(timeout)
            data = self.sock.recv(65536)
        if not data:
            self.closed = True
            raise ServerClosed(self.name)
        self.raw_s2c += data
        if self.inflate is not None:
            data = self.inflate.decompress(data)
        self.s2c += data
        self.rbuf += data

    def _line(self, timeout):
        while True:
            i = self.rbuf.find(b"\r\n")
            if i >= 0:
                line = bytes(self.rbuf[: i + 2])
                del self.rbuf[: i + 2]
                return line
            self._recv(timeout)

    def _bytes(self, n, timeout):
        while len(self.rbuf) < n:
            self._recv(timeout)
        data = bytes(self.rbuf[:n])
        del self.rbuf[:n]
        return data

    def response(self, timeout=10):
        """Read one whole response (following literals); return its bytes."""
        out = bytearray()
        while True:
            line = self._line(timeout)
            out += line
            m = LITERAL_RE.search(line)
            if not m:
                return bytes(out)
            out += self._bytes(int(m.group(1)), timeout)

    # -- commands ----------------------------------------------------------

    def tag(self):
        self.tagn += 1
        return "A%03d" % self.tagn

    def wait_continuation(self, got, timeout=10):
        while True:
            r = self.response(timeout)
            got.append(r)
            if r.startswith(b"+"):
                return r
            if re.match(rb"^A\d+ (NO|BAD) ", r):
                raise RuntimeError("%s: literal refused: %r" % (self.name, r))

    def cmd(self, *parts, tag=None, expect=(b"OK",)):
        """Send a command made of str/bytes pieces and Lit literals (pieces are
        joined verbatim: put the spaces in yourself). Wait for the tagged
        completion and return all responses (a list of bytes)."""
        tag = tag or self.tag()
        got = []
        pending = tag.encode() + b" "
        for p in parts:
            if isinstance(p, Lit):
                pending += p.header()
                self.send(pending)
                pending = b""
                if not p.plus:
                    self.wait_continuation(got)
                self.send(p.data)
            else:
                pending += p.encode("utf-8") if isinstance(p, str) else p
        self.send(pending + b"\r\n")
        got += self.until_tag(tag)
        status = got[-1].split(b" ")[1]
        if expect and status not in expect:
            raise RuntimeError("%s: unexpected %r" % (self.name, got[-1]))
        return got

    def until_tag(self, tag, timeout=10):
        got = []
        while True:
            r = self.response(timeout)
            got.append(r)
            if r.startswith(tag.encode() + b" "):
                return got

    def until_tags(self, tags, timeout=10):
        """Read until every tag in tags has completed, in whatever order."""
        got, pending = [], {t.encode() + b" " for t in tags}
        while pending:
            r = self.response(timeout)
            got.append(r)
            pending = {p for p in pending if not r.startswith(p)}
        return got

    def collect(self, want, timeout=3.0):
        """Read untagged responses until each regexp in want has matched one
        (or timeout). Returns the responses."""
        got, pending = [], [re.compile(w) for w in want]
        deadline = time.time() + timeout
        while pending and time.time() < deadline:
            try:
                r = self.response(max(0.05, deadline - time.time()))
            except socket.timeout:
                break
            got.append(r)
            pending = [p for p in pending if not p.search(r)]
        if pending:
            raise RuntimeError("%s: did not see %s; got %r" % (self.name, [p.pattern for p in pending], got))
        return got

    def greeting(self):
        return self.response()

    def logout(self):
        got = self.cmd("LOGOUT")
        self.drain()
        return got

    def drain(self, timeout=2.0):
        """Read until the server closes the connection."""
        deadline = time.time() + timeout
        try:
            while time.time() < deadline:
                self._recv(max(0.05, deadline - time.time()))
        except (ServerClosed, socket.timeout, ssl.SSLError, OSError):
            pass
        self.close()

    def close(self):
        if self.proc is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            self.proc.wait(timeout=10)
        elif self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass

    # -- extensions ----------------------------------------------------------

    def start_compress(self):
        got = self.cmd("COMPRESS DEFLATE")
        assert not self.rbuf, "data after COMPRESS OK"
        self.deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.inflate = zlib.decompressobj(-15)
        return got

    def start_tls(self, ctx, server_hostname):
        got = self.cmd("STARTTLS")
        assert not self.rbuf, "data after STARTTLS OK"
        self.segments.append(("tls", len(self.s2c), len(self.c2s)))
        self.sock = ctx.wrap_socket(self.sock, server_hostname=server_hostname)
        return got


# ---------------------------------------------------------------------------
# Test messages (CRLF on the wire). Addresses: example.com / example.org only.

M1_ID = "<m1.20260302091403@example.com>"

M1 = crlf(
    """Return-Path: <alice@example.com>
Received: from mail.example.com (mail.example.com [192.0.2.10])
	by mx.example.org with ESMTPS id 4Q1xYz0AbcZ
	for <bob@example.org>; Mon, 02 Mar 2026 09:14:07 +0100
Date: Mon, 2 Mar 2026 09:14:03 +0100
From: Alice Example <alice@example.com>
To: Bob Example <bob@example.org>
Subject: Meeting notes
Message-ID: %s
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

Hi Bob,

here are the notes from this morning's meeting:

 1. The release is planned for the end of March.
 2. Carol reviews the IMAP codec.
 3. Next meeting: Thursday, 10:00.

Cheers,
Alice
"""
    % M1_ID
)

M2 = crlf(
    """Date: Tue, 3 Mar 2026 17:45:00 +0100
From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.com>
To: Bob Example <bob@example.org>
Cc: alice@example.com
Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=
Message-ID: <m2.a1b2c3@example.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="=_alt_4711"

This is a multi-part message in MIME format.

--=_alt_4711
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

Hallo Bob,

viele Gr=C3=BC=C3=9Fe aus M=C3=BCnchen! Das Wetter ist sch=C3=B6n.

J=C3=BCrgen
--=_alt_4711
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

<html><body><p>Hallo Bob,</p><p>viele Gr=C3=BC=C3=9Fe aus M=C3=BCnchen! Das =
Wetter ist <b>sch=C3=B6n</b>.</p><p>J=C3=BCrgen</p></body></html>
--=_alt_4711--
"""
)


def tiny_png():
    """A real 4x4 RGB PNG (contains NUL bytes once decoded)."""

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"".join(bytes([40 * x, 60 * y, 200]) for x in range(4)) for y in range(4))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


PNG = tiny_png()
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def b64lines(data):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i : i + 76] for i in range(0, len(s), 76))


M3 = crlf(
    """Date: Wed, 4 Mar 2026 08:00:00 -0500
From: Carol Example <carol@example.org>
To: Alice Example <alice@example.com>, Bob Example <bob@example.org>
Subject: Logo draft (attached)
Message-ID: <m3.logo@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mixed-boundary-01"

--mixed-boundary-01
Content-Type: text/plain; charset=utf-8; format=flowed
Content-Transfer-Encoding: 7bit

Hi both, the logo draft is attached, plus the notes as PDF.
Feedback welcome!

Carol

--mixed-boundary-01
Content-Type: image/png; name="logo.png"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="logo.png"; size=%d
Content-ID: <logo.png@example.org>
Content-Description: Company logo, first draft

%s
--mixed-boundary-01
Content-Type: application/pdf; name*=UTF-8''Entw%%C3%%BCrfe.pdf
Content-Disposition: attachment; filename*=UTF-8''Entw%%C3%%BCrfe.pdf
Content-Transfer-Encoding: base64
Content-Language: de

%s
--mixed-boundary-01--
"""
    % (len(PNG), b64lines(PNG), b64lines(PDF))
)

M4 = crlf(
    """Date: Thu, 5 Mar 2026 12:30:00 +0000
From: Bob Example <bob@example.org>
To: Dave Example <dave@example.com>
Subject: Fwd: Meeting notes
Message-ID: <m4.fwd@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="fwd-b"

--fwd-b
Content-Type: text/plain; charset=us-ascii

FYI, see the forwarded message below.

--fwd-b
Content-Type: message/rfc822
Content-Disposition: inline

"""
) + M1.split(b"\r\n", 4)[4] + crlf("\n--fwd-b--\n")

REFS = " ".join("<thread.%02d.%s@example.com>" % (i, "x" * (i % 7)) for i in range(30))


def fold(value, width=76, first=0):
    """Fold a header value at spaces so no line exceeds width."""
    words, lines, cur = value.split(" "), [], ""
    limit = width - first
    for w in words:
        if cur and len(cur) + 1 + len(w) > limit:
            lines.append(cur)
            cur, limit = w, width - 1
        else:
            cur = (cur + " " + w) if cur else w
    lines.append(cur)
    return "\n ".join(lines)


LONG_VALUE = " ".join("token%03d=%s" % (i, "abcdefghij"[: (i % 10) + 1]) for i in range(150))

M5 = crlf(
    """Date: Fri, 6 Mar 2026 23:59:59 +1300
From: "Doe, John \\"JD\\"" <john.doe@example.com>
Sender: Mailing List <list-bounces@example.org>
Reply-To: list@example.org
To: undisclosed-recipients:;
Cc: Team: alice@example.com, bob@example.org, "Carol (QA)" <carol@example.org>;,
 "Eve" <eve@example.com>
Subject: A very long subject line that goes on and on to exercise header folding
 in the server's envelope output, with more words than fit on one line
Message-ID: <m5.long@example.com>
In-Reply-To: %s
References: %s
List-Id: Example list <list.example.org>
X-Long-Header: %s
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Short body after a long header.
"""
    % (M1_ID, fold(REFS, first=12), fold(LONG_VALUE, first=15))
)

M6 = crlf(
    """Date: Sat, 7 Mar 2026 10:00:00 +0900
From: =?ISO-8859-1?Q?Ren=E9_Fran=E7ois?= <rene@example.com>
To: =?UTF-8?B?5bGx55Sw5aSq6YOO?= <yamada@example.org>
Subject: =?UTF-8?B?8J+OiSBQYXJ0eSDwn46J?= =?ISO-8859-1?Q?_=E0_bient=F4t?=
Message-ID: <m6.8bit@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Grüße! Ça va? 日本語のテキスト. Emoji: 🎉🚀
Zeile zwei mit Umlauten: äöü ÄÖÜ ß.
"""
)

M7 = crlf(
    """Date: Mon, 2 Mar 2026 10:02:00 +0100
From: Bob Example <bob@example.org>
To: Alice Example <alice@example.com>
Subject: Re: Meeting notes
Message-ID: <m7.reply@example.org>
In-Reply-To: %s
References: %s

Thanks Alice!

> here are the notes from this morning's meeting:
"""
    % (M1_ID, M1_ID)
)

M8 = crlf(
    """Date: Mon, 2 Mar 2026 11:30:00 +0100
From: Alice Example <alice@example.com>
To: Bob Example <bob@example.org>
Subject: Re: Re: Meeting notes
Message-ID: <m8.reply2@example.com>
In-Reply-To: <m7.reply@example.org>
References: %s <m7.reply@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

You're welcome.
"""
    % M1_ID
)

DRAFT = crlf(
    """Date: Sun, 8 Mar 2026 20:00:00 +0100
From: Bob Example <bob@example.org>
To: Alice Example <alice@example.com>
Subject: =?UTF-8?Q?Entwurf:_R=C3=BCckmeldung?=
Message-ID: <draft.1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Noch nicht fertig =E2=80=A6
"""
)

PLAN = crlf(
    """Date: Mon, 9 Mar 2026 09:00:00 +0000
From: Carol Example <carol@example.org>
To: Bob Example <bob@example.org>
Subject: Q2 plan
Message-ID: <plan.q2@example.org>

1. Ship it.
"""
)

IDLE_MSG = crlf(
    """Date: Tue, 10 Mar 2026 08:15:00 +0000
From: Dave Example <dave@example.com>
To: Bob Example <bob@example.org>
Subject: New message while you were idling
Message-ID: <idle.1@example.com>

Ping.
"""
)

MOVED = crlf(
    """Date: Wed, 11 Mar 2026 14:00:00 +0000
From: Eve Example <eve@example.com>
To: Bob Example <bob@example.org>
Subject: Newsletter you did not ask for
Message-ID: <junk.1@example.com>

Buy now.
"""
)

# Mailbox names (UTF-8 here; sent in modified UTF-7).
BOX_DRAFTS_DE = "Entwürfe"
BOX_SPACES = "Project Plans"
BOX_NESTED = "Project Plans/2026 Q2"
BOX_JP = "日本語/メモ"
BOX_QUOTE = 'Quote "this" \\ that'


def q(s):
    """A quoted string with escapes."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------------------
# Sessions


class Capture:
    def __init__(self, env, out):
        self.env = env
        self.out = out
        self.host, port = env["IMAPKIT_DOVECOT_ADDR"].rsplit(":", 1)
        self.port = int(port)
        self.tls_port = int(env["IMAPKIT_DOVECOT_TLS_ADDR"].rsplit(":", 1)[1])
        self.user, self.pw = env["IMAPKIT_DOVECOT_USER"], env["IMAPKIT_DOVECOT_PASS"]
        self.user2, self.pw2 = env["IMAPKIT_DOVECOT_USER2"], env["IMAPKIT_DOVECOT_PASS2"]
        self.ctx = ssl.create_default_context(cafile=env["IMAPKIT_DOVECOT_CA"])
        self.sessions = []  # (name, description)
        self.state = {}

    def connect(self, name, tls=False):
        sock = socket.create_connection((self.host, self.tls_port if tls else self.port), timeout=10)
        if tls:
            sock = self.ctx.wrap_socket(sock, server_hostname="localhost")
        c = Conn(name, sock=sock)
        c.greeting()
        return c

    def login(self, c, user=None, pw=None):
        return c.cmd("LOGIN %s %s" % (user or self.user, q(pw or self.pw)))

    def save(self, c, desc):
        base = os.path.join(self.out, c.name)
        os.makedirs(os.path.dirname(base), exist_ok=True)
        with open(base + ".s2c", "wb") as f:
            f.write(c.s2c)
        with open(base + ".c2s", "wb") as f:
            f.write(c.c2s)
        if c.raw_s2c != c.s2c or c.raw_c2s != c.c2s:
            if c.sock is not None and not isinstance(c.sock, ssl.SSLSocket):
                with open(base + ".s2c.deflate", "wb") as f:
                    f.write(c.raw_s2c)
                with open(base + ".c2s.deflate", "wb") as f:
                    f.write(c.raw_c2s)
        self.sessions.append((c.name, desc))
        print("  %-28s %6d bytes s2c, %5d bytes c2s" % (c.name, len(c.s2c), len(c.c2s)))

    # 1 ------------------------------------------------------------------
    def s_capability(self):
        c = self.connect("capability")
        c.cmd("CAPABILITY")
        c.cmd("NOOP")
        self.login(c)
        c.cmd("CAPABILITY")
        c.cmd("NAMESPACE")
        c.cmd('ID ("name" "imapkit-capture" "version" "1.0" "vendor" "example.org")')
        c.cmd("ID NIL")
        c.logout()
        self.save(c, "greeting, CAPABILITY before and after LOGIN, NAMESPACE, ID, LOGOUT")

    # 2 ------------------------------------------------------------------
    def s_setup(self):
        c = self.connect("setup")
        self.login(c)
        for box in (BOX_DRAFTS_DE, BOX_SPACES, BOX_NESTED, BOX_JP, BOX_QUOTE):
            c.cmd("CREATE " + q(mutf7(box)))
            c.cmd("SUBSCRIBE " + q(mutf7(box)))
        c.cmd('CREATE "Flagged" (USE (\\Flagged))', expect=(b"OK", b"NO"))
        c.cmd("CREATE " + q(mutf7(BOX_SPACES)), expect=(b"NO",))  # [ALREADYEXISTS]
        d = '"02-Mar-2026 09:14:07 +0100"'
        # Synchronizing literal, no flags, with date.
        c.cmd("APPEND INBOX () %s " % d, Lit(M1))
        # Flags + date + synchronizing literal.
        c.cmd('APPEND INBOX (\\Seen $Important) "03-Mar-2026 17:45:01 +0100" ', Lit(M2))
        # LITERAL+ (non-synchronizing).
        c.cmd('APPEND INBOX (\\Flagged) "04-Mar-2026 08:00:05 -0500" ', Lit(M3, plus=True))
        c.cmd('APPEND INBOX "05-Mar-2026 12:30:00 +0000" ', Lit(M4, plus=True))
        c.cmd('APPEND INBOX (\\Answered) "06-Mar-2026 23:59:59 +1300" ', Lit(M5))
        # MULTIAPPEND: three messages in one command.
        c.cmd(
            'APPEND INBOX () "07-Mar-2026 10:00:00 +0900" ',
            Lit(M6),
            ' (\\Seen) "02-Mar-2026 10:02:00 +0100" ',
            Lit(M7, plus=True),
            ' "02-Mar-2026 11:30:00 +0100" ',
            Lit(M8),
        )
        c.cmd('APPEND %s (\\Draft) "08-Mar-2026 20:00:00 +0100" ' % q(mutf7(BOX_DRAFTS_DE)), Lit(DRAFT))
        c.cmd("APPEND Drafts (\\Draft \\Seen) ", Lit(DRAFT, plus=True))
        c.cmd("APPEND %s () " % q(mutf7(BOX_SPACES)), Lit(PLAN))
        c.cmd("APPEND %s (\\Seen) " % q(mutf7(BOX_NESTED)), Lit(PLAN))
        c.cmd("APPEND Junk () ", Lit(MOVED))
        # CATENATE (RFC 4469): text + a part of message 1 by URL.
        r = c.cmd("STATUS INBOX (UIDVALIDITY)")
        uidv = int(re.search(rb"UIDVALIDITY (\d+)", b"".join(r)).group(1))
        self.state["uidvalidity"] = uidv
        c.cmd(
            "APPEND Drafts (\\Draft) CATENATE (TEXT ",
            Lit(crlf("From: Bob Example <bob@example.org>\nSubject: Quoting Alice\nMIME-Version: 1.0\n\nAlice wrote:\n")),
            ' URL "/INBOX;UIDVALIDITY=%d/;UID=1/;SECTION=TEXT")' % uidv,
        )
        c.logout()
        self.save(c, "CREATE (modified UTF-7, spaces, quote/backslash, nested, USE), SUBSCRIBE, APPEND with synchronizing literals and LITERAL+, MULTIAPPEND, CATENATE, APPENDUID, ALREADYEXISTS")

    # 3 ------------------------------------------------------------------
    def s_list(self):
        c = self.connect("list")
        self.login(c)
        c.cmd('LIST "" ""')
        c.cmd('LIST "" "*"')
        c.cmd('LIST "" "%"')
        c.cmd('LIST "" "Project Plans/%"')
        c.cmd('LIST "" "*" RETURN (SPECIAL-USE STATUS (MESSAGES UIDNEXT SIZE))')
        c.cmd('LIST (SPECIAL-USE) "" "*"')
        c.cmd('LIST (SUBSCRIBED) "" "*" RETURN (CHILDREN)')
        c.cmd('LIST "" ("INBOX" "%s" "Junk")' % mutf7(BOX_DRAFTS_DE))
        c.cmd('LSUB "" "*"')
        c.cmd("STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE)")
        c.cmd("STATUS %s (MESSAGES UNSEEN)" % q(mutf7(BOX_DRAFTS_DE)))
        c.cmd("STATUS %s (MESSAGES UIDNEXT)" % q(mutf7(BOX_QUOTE)))
        c.cmd("STATUS %s (MESSAGES)" % q(mutf7(BOX_JP)))
        c.logout()
        self.save(c, 'LIST "" "*" / "%" / patterns, LIST-EXTENDED selection and RETURN (SPECIAL-USE STATUS ...), LSUB, STATUS with all items, non-ASCII and quoted names')

    # 4 ------------------------------------------------------------------
    def s_fetch(self):
        c = self.connect("fetch")
        self.login(c)
        r = c.cmd("SELECT INBOX (CONDSTORE)")
        self.state["modseq_before"] = int(re.search(rb"HIGHESTMODSEQ (\d+)", b"".join(r)).group(1))
        c.cmd("FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE MODSEQ)")
        c.cmd("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (DATE FROM SUBJECT)])")
        c.cmd("FETCH 1:3 (BODY.PEEK[]<0.100>)")
        c.cmd("FETCH 3 (BODY.PEEK[1.MIME] BODY.PEEK[2.MIME] BODY.PEEK[1])")
        c.cmd("FETCH 3 (BINARY.PEEK[2] BINARY.SIZE[2] BINARY.SIZE[3])")
        c.cmd("FETCH 3 (BINARY.PEEK[3]<0.16>)")
        c.cmd("FETCH 2 (BINARY.PEEK[1] BODY.PEEK[1])")
        c.cmd("FETCH 4 (BODY.PEEK[2] BODY.PEEK[2.HEADER] BODY.PEEK[2.TEXT] BODYSTRUCTURE)")
        c.cmd("FETCH 5 (RFC822.HEADER)")
        c.cmd("FETCH 5:6 (BODY.PEEK[HEADER.FIELDS.NOT (RECEIVED X-LONG-HEADER REFERENCES)])")
        c.cmd("FETCH 6 (BODY.PEEK[TEXT] BODY)")
        c.cmd("FETCH 1 (RFC822)")  # sets \Seen: FLAGS comes along
        c.cmd("FETCH 2 FAST")
        c.cmd("FETCH 2 ALL")
        c.cmd("FETCH 7 FULL")
        c.cmd("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1)")
        c.cmd("FETCH 1:* (SNIPPET (FUZZY))", expect=(b"OK", b"BAD"))
        c.cmd("FETCH 1:2 (PREVIEW)")
        c.cmd("FETCH 1 (SAVEDATE)")
        c.cmd("FETCH 1:2 (BODY.PEEK[HEADER.FIELDS (Message-ID In-Reply-To)] BODY.PEEK[1]<5.20>)")
        c.logout()
        self.save(c, "SELECT (CONDSTORE); FETCH ENVELOPE BODYSTRUCTURE MODSEQ, header fields, partials, BODY[n.MIME], BINARY (literal8), BINARY.SIZE, RFC822.*, FAST/ALL/FULL macros, CHANGEDSINCE, PREVIEW, SAVEDATE")

    # 5 ------------------------------------------------------------------
    def s_search(self):
        c = self.connect("search")
        self.login(c)
        c.cmd("EXAMINE INBOX")
        c.cmd("SEARCH ALL")
        c.cmd("SEARCH UNSEEN")
        c.cmd('SEARCH FROM "alice" NOT DELETED')
        c.cmd("SEARCH OR FLAGGED ANSWERED SINCE 1-Mar-2026")
        c.cmd("SEARCH CHARSET UTF-8 SUBJECT ", Lit("Grüße"))
        c.cmd("SEARCH CHARSET UTF-8 BODY ", Lit("日本語", plus=True))
        c.cmd("SEARCH LARGER 1000 SMALLER 100000")
        c.cmd('SEARCH HEADER Message-ID "<m3.logo@example.org>"')
        c.cmd("SEARCH MODSEQ 1")
        c.cmd("UID SEARCH RETURN (MIN MAX COUNT ALL) ALL")
        c.cmd("SEARCH RETURN () UNSEEN")
        c.cmd("SEARCH RETURN (COUNT) DELETED")
        c.cmd("SEARCH RETURN (SAVE) FROM bob")
        c.cmd("FETCH $ (UID)")
        c.cmd("SEARCH YOUNGER 100000000")
        c.cmd("SORT (REVERSE DATE) UTF-8 ALL")
        c.cmd("SORT (SUBJECT FROM) US-ASCII ALL")
        c.cmd("SORT (DISPLAYFROM) UTF-8 ALL")
        c.cmd("UID SORT (ARRIVAL) UTF-8 ALL")
        c.cmd("SORT RETURN (MIN MAX COUNT) (SIZE) UTF-8 ALL")
        c.cmd("THREAD REFERENCES UTF-8 ALL")
        c.cmd("THREAD ORDEREDSUBJECT UTF-8 ALL")
        c.cmd("UID THREAD REFS UTF-8 ALL")
        c.cmd("ESEARCH IN (mailboxes INBOX) RETURN (COUNT) ALL", expect=(b"OK", b"BAD", b"NO"))
        c.logout()
        self.save(c, "EXAMINE; SEARCH (CHARSET UTF-8 literals, MODSEQ, OR/NOT), ESEARCH RETURN (MIN MAX COUNT ALL / SAVE + $), SORT / ESORT / DISPLAYFROM, THREAD REFERENCES / ORDEREDSUBJECT / REFS")

    # 6 ------------------------------------------------------------------
    def s_modify(self):
        c = self.connect("modify")
        self.login(c)
        c.cmd("SELECT INBOX")
        c.cmd("STORE 1 +FLAGS (\\Flagged $Label1)")
        c.cmd("STORE 2:3 -FLAGS.SILENT (\\Seen)")
        c.cmd("STORE 4 FLAGS (\\Seen \\Answered)")
        c.cmd("UID STORE 5 +FLAGS (\\Seen)")
        c.cmd("STORE 2 (UNCHANGEDSINCE 1) +FLAGS (\\Deleted)")  # MODIFIED
        c.cmd("COPY 1:2 %s" % q(mutf7(BOX_SPACES)))
        c.cmd("UID COPY 3 Archive")
        c.cmd("MOVE 8 Archive")
        c.cmd("APPEND INBOX (\\Seen) ", Lit(PLAN))
        c.cmd("NOOP")
        c.cmd("STORE 6:7 +FLAGS (\\Deleted)")
        c.cmd("EXPUNGE")
        r = c.cmd("UID SEARCH ALL")
        uids = [int(x) for x in re.findall(rb"\d+", r[0].split(b"SEARCH", 1)[1])]
        c.cmd("UID STORE %d +FLAGS.SILENT (\\Deleted)" % uids[-1])
        c.cmd("UID EXPUNGE %d" % uids[-1])
        c.cmd("UID MOVE %d Junk" % uids[0])
        c.cmd("CHECK")
        c.cmd("UNSELECT")
        c.cmd("SELECT Junk")
        c.cmd("STORE 1 +FLAGS (\\Deleted)")
        c.cmd("CLOSE")
        c.cmd("RENAME %s %s" % (q(mutf7(BOX_JP)), q(mutf7("日本語/Notizen"))))
        c.cmd("DELETE %s" % q(mutf7("日本語/Notizen")))
        c.cmd("UNSUBSCRIBE %s" % q(mutf7(BOX_QUOTE)))
        c.logout()
        self.save(c, "STORE (+/-FLAGS, .SILENT, UNCHANGEDSINCE -> MODIFIED), COPY/UID COPY (COPYUID), MOVE/UID MOVE, APPEND (APPENDUID), EXPUNGE, UID EXPUNGE, CHECK, UNSELECT, CLOSE, RENAME, DELETE, UNSUBSCRIBE")

    # 7 ------------------------------------------------------------------
    def s_quota_acl_metadata(self):
        c = self.connect("quota-acl-metadata")
        self.login(c)
        c.cmd("GETQUOTAROOT INBOX")
        c.cmd('GETQUOTA "User quota"')
        c.cmd("GETQUOTAROOT %s" % q(mutf7(BOX_DRAFTS_DE)))
        c.cmd("GETACL INBOX")
        c.cmd("MYRIGHTS INBOX")
        c.cmd("MYRIGHTS %s" % q(mutf7(BOX_SPACES)))
        c.cmd("LISTRIGHTS INBOX %s" % self.user2)
        c.cmd("SETACL %s %s lrs" % (q(mutf7(BOX_SPACES)), self.user2))
        c.cmd("GETACL %s" % q(mutf7(BOX_SPACES)))
        c.cmd("DELETEACL %s %s" % (q(mutf7(BOX_SPACES)), self.user2))
        c.cmd('SETMETADATA "" (/private/vendor/imapkit/test "server value" /private/comment "Server comment")')
        c.cmd("SETMETADATA INBOX (/private/comment ", Lit("Mailbox comment with\r\nCRLF and ümlaut"), ")")
        c.cmd('SETMETADATA INBOX (/shared/comment "Shared comment")')
        c.cmd('GETMETADATA "" /private/vendor/imapkit/test')
        c.cmd("GETMETADATA INBOX (/private/comment /shared/comment /private/missing)")
        c.cmd('GETMETADATA (DEPTH infinity) "" /private/vendor')
        c.cmd("GETMETADATA (MAXSIZE 10) INBOX /private/comment")
        c.cmd('SETMETADATA INBOX (/shared/comment NIL)')
        c.cmd("GETMETADATA INBOX /shared/comment")
        c.cmd('SETMETADATA INBOX (/bogus/entry "x")', expect=(b"BAD", b"NO"))
        c.logout()
        self.save(c, "GETQUOTAROOT/GETQUOTA, GETACL/MYRIGHTS/LISTRIGHTS/SETACL/DELETEACL, SETMETADATA/GETMETADATA (server + mailbox, literal value, DEPTH, MAXSIZE -> LONGENTRIES, NIL)")

    # 8 ------------------------------------------------------------------
    def s_qresync(self):
        c = self.connect("qresync")
        self.login(c)
        c.cmd("ENABLE QRESYNC")
        c.cmd(
            "SELECT INBOX (QRESYNC (%d %d 1:20))" % (self.state["uidvalidity"], self.state["modseq_before"])
        )
        c.cmd("FETCH 1:* (UID FLAGS) (CHANGEDSINCE %d)" % self.state["modseq_before"])
        c.cmd("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED)" % self.state["modseq_before"])
        c.cmd("STORE 1 +FLAGS (\\Deleted)")
        c.cmd("EXPUNGE")  # VANISHED instead of EXPUNGE once QRESYNC is on
        c.cmd("UNSELECT")
        c.cmd("EXAMINE INBOX (QRESYNC (%d 1))" % self.state["uidvalidity"])
        c.logout()
        self.save(c, "ENABLE QRESYNC, SELECT (QRESYNC ...) -> VANISHED (EARLIER) + FETCH MODSEQ, FETCH CHANGEDSINCE VANISHED, EXPUNGE -> VANISHED")

    # 9 ------------------------------------------------------------------
    def s_idle(self):
        c = self.connect("idle")
        self.login(c)
        c.cmd("SELECT INBOX")
        other = self.connect("idle-other")
        self.login(other, self.user, self.pw)
        other.cmd("SELECT INBOX")

        tag = c.tag()
        c.send(tag + " IDLE\r\n")
        c.wait_continuation([])
        other.cmd('APPEND INBOX () "10-Mar-2026 08:15:00 +0000" ', Lit(IDLE_MSG))
        c.collect([rb"^\* \d+ EXISTS"])
        other.cmd("STORE 1 +FLAGS (\\Seen \\Flagged)")
        c.collect([rb"^\* 1 FETCH \(FLAGS"])
        other.cmd("STORE 2 +FLAGS.SILENT (\\Deleted)")
        other.cmd("EXPUNGE")
        c.collect([rb"^\* 2 EXPUNGE"])
        c.send("DONE\r\n")
        c.until_tag(tag)
        # Unilateral data delivered in answer to NOOP instead of IDLE.
        other.cmd("APPEND INBOX (\\Seen) ", Lit(IDLE_MSG))
        time.sleep(0.2)
        c.cmd("NOOP")
        other.logout()
        c.logout()
        self.save(other, "second session of idle: APPEND, STORE, EXPUNGE while the first one idles")
        self.save(c, "SELECT, IDLE (+ idling) with EXISTS / FETCH FLAGS / EXPUNGE pushed from a second session, DONE, NOOP with unilateral data")

    # 10 -----------------------------------------------------------------
    def s_errors(self):
        c = self.connect("errors")
        c.cmd("SELECT INBOX", expect=(b"BAD",))  # not authenticated
        c.cmd("LOGIN testuser wrongpassword", expect=(b"NO",))  # [AUTHENTICATIONFAILED]
        c.cmd("FROBNICATE", expect=(b"BAD",))
        self.login(c)
        c.cmd("LOGIN testuser testpass", expect=(b"BAD",))  # wrong state
        c.cmd('SELECT "Does/Not/Exist"', expect=(b"NO",))  # no [NONEXISTENT] from 2.3 here
        c.cmd('STATUS "Does/Not/Exist" (MESSAGES)', expect=(b"NO",))
        c.cmd('DELETE "Does/Not/Exist"', expect=(b"NO",))  # [NONEXISTENT]
        c.cmd('RENAME "Does/Not/Exist" "Still/Not"', expect=(b"NO",))  # [NONEXISTENT]
        c.cmd('GETACL "Does/Not/Exist"', expect=(b"NO",))  # [NONEXISTENT]
        c.cmd("FETCH 1 (FLAGS)", expect=(b"BAD",))  # no mailbox selected
        c.cmd("SELECT INBOX")
        c.cmd("FETCH 1 (FLAGS", expect=(b"BAD",))  # unbalanced parenthesis
        c.cmd("FETCH 999 (FLAGS)", expect=(b"OK", b"NO", b"BAD"))
        c.cmd("FETCH 1 (NOSUCHITEM)", expect=(b"BAD",))
        c.cmd("FETCH 1 (FAST)", expect=(b"BAD",))  # macros only stand alone
        c.cmd('COPY 1 "No such box"', expect=(b"NO",))  # [TRYCREATE]
        c.cmd("DELETE INBOX", expect=(b"NO",))
        c.cmd("STORE 1 +FLAGS (\\Recent)", expect=(b"BAD", b"NO", b"OK"))
        c.cmd("SEARCH CHARSET X-NO-SUCH-CHARSET SUBJECT x", expect=(b"NO",))  # [BADCHARSET]
        c.cmd("GETMETADATA INBOX /private/comment /private/comment extra", expect=(b"BAD",))
        c.send(b"\r\n")  # an empty line
        c.collect([rb"BAD"], timeout=3)
        c.logout()
        self.save(c, "errors: BAD before login, NO [AUTHENTICATIONFAILED], BAD unknown command, NO [NONEXISTENT], BAD no mailbox selected, BAD syntax, NO [TRYCREATE], NO [BADCHARSET], empty line, LOGOUT/BYE")

    # 11 -----------------------------------------------------------------
    def s_auth(self):
        c = self.connect("authenticate")
        # AUTHENTICATE PLAIN with the initial response (SASL-IR), UTF-8 password.
        ir = base64.b64encode(b"\0" + self.env["IMAPKIT_DOVECOT_UTF8_USER"].encode() + b"\0" + self.env["IMAPKIT_DOVECOT_UTF8_PASS"].encode()).decode()
        c.cmd("AUTHENTICATE PLAIN " + ir)
        c.logout()
        self.save(c, "AUTHENTICATE PLAIN with SASL-IR, UTF-8 password")

        c = self.connect("authenticate-continuation")
        tag = c.tag()
        c.send(tag + " AUTHENTICATE PLAIN\r\n")
        c.wait_continuation([])
        c.send(base64.b64encode(b"\0" + self.user2.encode() + b"\0" + self.pw2.encode()) + b"\r\n")
        c.until_tag(tag)
        c.logout()
        self.save(c, 'AUTHENTICATE PLAIN without initial response ("+ " continuation)')

        c = self.connect("authenticate-scram")
        self.scram(c, self.user, self.pw)
        c.cmd("CAPABILITY")
        c.logout()
        self.save(c, "AUTHENTICATE SCRAM-SHA-256 (three round trips, server signature)")

        c = self.connect("authenticate-cancel")
        tag = c.tag()
        c.send(tag + " AUTHENTICATE PLAIN\r\n")
        c.wait_continuation([])
        c.send(b"*\r\n")  # cancel
        c.until_tag(tag)
        tag = c.tag()
        c.send(tag + " AUTHENTICATE LOGIN\r\n")
        c.wait_continuation([])
        c.send(base64.b64encode(self.user.encode()) + b"\r\n")
        c.wait_continuation([])
        c.send(base64.b64encode(b"bad password") + b"\r\n")
        c.until_tag(tag)
        c.cmd("LOGIN testuser ", Lit("testpass"))
        c.logout()
        self.save(c, "AUTHENTICATE cancelled with *, AUTHENTICATE LOGIN failing, LOGIN with a literal password")

    def scram(self, c, user, pw):
        tag = c.tag()
        cnonce = base64.b64encode(b"imapkit-capture-nonce").decode()
        first_bare = "n=%s,r=%s" % (user, cnonce)
        c.send("%s AUTHENTICATE SCRAM-SHA-256 %s\r\n" % (tag, base64.b64encode(("n,," + first_bare).encode()).decode()))
        server_first = base64.b64decode(c.wait_continuation([])[2:].strip()).decode()
        attrs = dict(kv.split("=", 1) for kv in server_first.split(","))
        salted = hashlib.pbkdf2_hmac("sha256", pw.encode(), base64.b64decode(attrs["s"]), int(attrs["i"]))
        client_key = hmac.new(salted, b"Client Key", "sha256").digest()
        stored = hashlib.sha256(client_key).digest()
        final_wo = "c=biws,r=" + attrs["r"]
        auth_msg = ",".join((first_bare, server_first, final_wo)).encode()
        sig = hmac.new(stored, auth_msg, "sha256").digest()
        proof = bytes(a ^ b for a, b in zip(client_key, sig))
        c.send(base64.b64encode((final_wo + ",p=" + base64.b64encode(proof).decode()).encode()) + b"\r\n")
        got = []
        r = c.response()
        got.append(r)
        if r.startswith(b"+"):
            c.send(b"\r\n")
            got += c.until_tag(tag)
        assert got[-1].startswith((tag + " OK").encode()), got

    # 12 -----------------------------------------------------------------
    def s_tls(self):
        c = self.connect("implicit-tls", tls=True)
        self.login(c)
        c.cmd("CAPABILITY")
        c.logout()
        self.save(c, "implicit TLS on the TLS port (bytes inside TLS): greeting without STARTTLS, LOGIN, CAPABILITY")

        sock = socket.create_connection((self.host, self.port), timeout=10)
        c = Conn("starttls", sock=sock)
        c.greeting()
        c.cmd("CAPABILITY")
        c.start_tls(self.ctx, "localhost")
        c.cmd("CAPABILITY")
        self.login(c)
        c.logout()
        self.save(c, "STARTTLS: plaintext up to and including the OK of STARTTLS, then the bytes inside TLS (greeting is not repeated)")

    # 13 -----------------------------------------------------------------
    def s_compress(self):
        c = self.connect("compress")
        self.login(c)
        c.start_compress()
        c.cmd("CAPABILITY")
        c.cmd("SELECT INBOX")
        c.cmd("FETCH 1:* (UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        c.cmd("FETCH 2 (BODY.PEEK[])")
        c.logout()
        self.save(c, "COMPRESS DEFLATE: .s2c/.c2s hold the inflated IMAP stream, .s2c.deflate/.c2s.deflate the raw deflate bytes on the wire (both directions, sync-flushed)")

    # 14 -----------------------------------------------------------------
    def s_pipeline(self):
        c = self.connect("pipeline")
        self.login(c)
        c.cmd("SELECT INBOX")
        # Several commands in one write (RFC 3501 section 5.5 allows these).
        tags = [c.tag() for _ in range(6)]
        cmds = [
            "FETCH 1:* (FLAGS)",
            "STATUS Archive (MESSAGES UIDNEXT)",
            "SEARCH UNSEEN",
            "FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])",
            "NOOP",
            "LIST \"\" \"Project*\"",
        ]
        c.send("".join("%s %s\r\n" % (t, x) for t, x in zip(tags, cmds)))
        c.until_tags(tags)  # Dovecot may complete them out of order
        # LITERAL+ lets a pipelined command carry a literal without waiting.
        t1, t2 = c.tag(), c.tag()
        word = "München".encode("utf-8")
        c.send(b"%s SEARCH CHARSET UTF-8 TEXT {%d+}\r\n%s\r\n" % (t1.encode(), len(word), word))
        c.send("%s SEARCH SUBJECT {4+}\r\nLogo\r\n" % t1.replace("A", "B"))
        c.send("%s FETCH 2 (UID)\r\n" % t2)
        c.until_tags([t1, t1.replace("A", "B"), t2])
        c.logout()
        self.save(c, "pipelined commands in one write, and a LITERAL+ command pipelined with another")

    # 15 -----------------------------------------------------------------
    def s_notify(self):
        self._notify(
            "notify",
            "NOTIFY SET STATUS (selected (MessageNew (UID FLAGS) MessageExpunge FlagChange))"
            ' (mailboxes (Archive "Project Plans") (MessageNew MessageExpunge))'
            " (personal (MailboxName SubscriptionChange))",
            "NOTIFY SET STATUS (selected ...) (mailboxes ...) (personal ...): STATUS / LIST / EXISTS / FETCH for changes made by another session",
        )
        # Dovecot 2.3 quirk: the initial STATUS responses cover every
        # personal mailbox, and a non-ASCII name comes as a UTF-8 literal
        # (`* STATUS {9}` + `Entwürfe`), not in modified UTF-7.

    def _notify(self, name, notify_cmd, desc, other_name=None, box="Notify Test"):
        """A NOTIFY session, with a second session making the changes."""
        c = self.connect(name)
        self.login(c)
        c.cmd("SELECT INBOX")
        c.cmd(notify_cmd)
        other = self.connect(other_name or name + "-other")
        self.login(other)
        other.cmd("APPEND Archive (\\Seen) ", Lit(IDLE_MSG))
        other.cmd("APPEND INBOX () ", Lit(IDLE_MSG))
        other.cmd("CREATE " + q(box))
        other.logout()
        time.sleep(0.3)
        c.cmd("NOOP")
        c.cmd("NOTIFY NONE")
        c.logout()
        self.save(other, "second session of %s: APPEND to Archive and INBOX, CREATE" % name)
        self.save(c, desc)

    # 16 -----------------------------------------------------------------
    def s_preauth(self):
        cmd = self.env["IMAPKIT_DOVECOT_PREAUTH_CMD"]
        proc = subprocess.Popen(cmd, shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        c = Conn("preauth", proc=proc)
        c.greeting()
        c.cmd("CAPABILITY")
        c.cmd('LIST "" "*"')
        c.cmd("SELECT INBOX")
        c.cmd("FETCH 1:3 (UID FLAGS RFC822.SIZE)")
        c.logout()
        self.save(c, "Dovecot's imap binary over stdin/stdout (IMAPKIT_DOVECOT_PREAUTH_CMD): * PREAUTH greeting, LIST, SELECT, FETCH, LOGOUT")

    def run(self):
        for s in (
            self.s_capability,
            self.s_setup,
            self.s_list,
            self.s_fetch,
            self.s_search,
            self.s_modify,
            self.s_quota_acl_metadata,
            self.s_qresync,
            self.s_idle,
            self.s_errors,
            self.s_auth,
            self.s_tls,
            self.s_compress,
            self.s_pipeline,
            self.s_notify,
            self.s_preauth,
        ):
            s()


README = """# Dovecot transcripts

Real IMAP sessions with the private Dovecot test server of
`scripts/servers/dovecot.sh`, captured by `scripts/servers/capture_transcripts.py`
(re-run it to regenerate every file here, including this one).

- Server: {version} (Debian 12 package), config generated by `dovecot.sh`
  (extensions of `SERVERS.md` switched on: CONDSTORE/QRESYNC, NOTIFY, METADATA,
  QUOTA, ACL, COMPRESS=DEFLATE, SPECIAL-USE, ...).
- Captured: {date} on 127.0.0.1; the server was reset first, and the sessions
  ran in the order below, each seeing the changes of the ones before.
- Users and addresses are test data only (testuser/testpass, example.com,
  example.org); the messages were written for these tests.

Each session `NAME` has two files:

- `NAME.s2c`: every byte the server sent, exactly as received (CRLF kept,
  literals included, 8-bit data as sent).
- `NAME.c2s`: every byte the client sent (commands, literal data, IDLE's
  `DONE`, SASL responses).

Exceptions: over TLS (`implicit-tls`, the part of `starttls` after the OK of
STARTTLS) the files hold the bytes inside TLS; `compress.s2c`/`.c2s` hold the
inflated stream, and `compress.s2c.deflate`/`.c2s.deflate` the raw deflate
bytes on the wire; `preauth` is the stdin/stdout of Dovecot's `imap` binary.

Things that change from one capture to the next: UIDVALIDITY, MODSEQ values,
the timings in tagged OK texts (`(0.001 + 0.000 secs)`), session ids, and the
server-generated dates (SAVEDATE, INTERNALDATE of messages appended without a
date).

| session | what it covers |
|---|---|
{rows}

## Things a decoder meets in these files (Dovecot 2.3)

- Tagged OK texts carry timings: `OK Fetch completed (0.001 + 0.000 secs).`
- Pipelined commands may complete out of order (`pipeline`: the STATUS issued
  second completes before the FETCH issued first).
- Many strings come as literals where a quoted string would do: inside
  ENVELOPE the long subject (unfolded, `{{141}}`) and the display name
  `Doe, John "JD"` (`{{14}}`); every METADATA value; SNIPPET/PREVIEW text
  with 8-bit characters.
- NOTIFY's STATUS sends a non-ASCII mailbox name as a UTF-8 literal
  (`* STATUS {{9}}` + `Entwürfe`), not in modified UTF-7, although UTF8=ACCEPT
  is not enabled, so a strict decoder rejects `notify.s2c` (a lenient one
  should cope). LIST and STATUS use modified UTF-7 (`Entw&APw-rfe`).
- `BINARY[...]` is always a literal8 `~{{n}}`, even for text; a partial
  `BINARY.PEEK[3]<0.16>` is echoed as `BINARY[3]<0>`.
- With CONDSTORE active, a FETCH that sets `\Seen` is followed by a separate
  `* n FETCH (MODSEQ (m))`; STORE echoes `MODSEQ` before `FLAGS`.
- ENVELOPE keeps RFC 2047 encoded words raw; groups are
  `(NIL NIL "Team" NIL)` ... `(NIL NIL NIL NIL)`; BODYSTRUCTURE has full
  extension data; a text part without charset gets `("charset" "us-ascii")`.
- `SELECT` / `EXAMINE` / `STATUS` of a missing mailbox: `NO Mailbox doesn't
  exist: ...` without a response code; DELETE / RENAME / GETACL add
  `[NONEXISTENT]`, COPY / APPEND add `[TRYCREATE]` (`errors`).
- An empty command line gets an untagged `* BAD Error in IMAP tag`; a command
  in the wrong state before login gets `BAD Error in IMAP command received by
  server.`; FETCH of a message number beyond EXISTS is `BAD ... Invalid
  messageset`; `FETCH 1 (FAST)` (a macro in parentheses) is BAD.
- After STARTTLS, if the client asked CAPABILITY before, the LOGIN completion
  comes as an untagged `* CAPABILITY` plus a plain `OK Logged in`.
- Continuations: `+ OK` for literals, `+ idling` for IDLE, `+ ` (with a
  trailing space) for an empty SASL challenge.
- `ESEARCH IN (...)` (MULTISEARCH) is not supported: BAD Unknown command.
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "codec", "testdata", "dovecot"))
    ap.add_argument("--no-reset", action="store_true", help="do not wipe the test users' mail first")
    args = ap.parse_args()

    start = [DOVECOT_SH, "start"] + ([] if args.no_reset else ["--fresh"])
    subprocess.run(start, check=True)
    envtext = subprocess.run([DOVECOT_SH, "env"], check=True, capture_output=True, text=True).stdout
    env = {}
    for line in envtext.splitlines():
        k, _, v = line[len("export ") :].partition("=")
        env[k] = shlex.split(v)[0] if v else ""
    version = subprocess.run(["/usr/sbin/dovecot", "--version"], capture_output=True, text=True).stdout.strip()

    os.makedirs(args.out, exist_ok=True)
    # Remove the files of an earlier capture (sessions may have been renamed).
    for f in os.listdir(args.out):
        if f.endswith((".s2c", ".c2s", ".deflate")):
            os.remove(os.path.join(args.out, f))
    print("capturing into", args.out)
    cap = Capture(env, args.out)
    cap.run()
    rows = "\n".join("| `%s` | %s |" % (n, d.replace("|", "\\|")) for n, d in cap.sessions)
    with open(os.path.join(args.out, "README.md"), "w") as f:
        f.write(
            README.format(
                version="Dovecot " + version,
                date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                rows=rows,
            )
        )
    print("done: %d sessions" % len(cap.sessions))


if __name__ == "__main__":
    main()
