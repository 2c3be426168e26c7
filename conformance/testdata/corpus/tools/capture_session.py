#!/usr/bin/env python3
"""Record one IMAP session with a server as a corpus transcript.

Usage:
    capture_session.py HOST:PORT USER PASS OUTDIR/NAME

It connects in cleartext to a private test server on 127.0.0.1, runs a fixed
session (CAPABILITY, LOGIN, NAMESPACE, CREATE, APPEND with synchronizing
literals, SELECT, FETCH of attributes, envelope, body structure and sections,
STORE, SEARCH, UID SEARCH, STATUS, LIST, LSUB, EXPUNGE, IDLE/DONE, two errors,
CLOSE, DELETE, LOGOUT) in a mailbox of its own (deleted at the end), and
writes NAME.s2c (every byte the server sent, as received) and NAME.c2s
(every byte sent). Standard library only. Used for the cyrus/ and courier/
folders of the corpus with the servers of scripts/servers (testuser2).
"""

import os
import re
import socket
import sys

MULTIPART = (
    "From: Alice Example <alice@example.com>\r\n"
    "To: Bob <bob@example.org>, Team: carol@example.org, dave@example.org;\r\n"
    "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= and a picture\r\n"
    "Date: Mon, 23 Nov 2026 10:00:00 +0100\r\n"
    "Message-ID: <corpus-1@example.com>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
    "\r\n"
    "--b1\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "Hallo Bob, viele Gr\u00fc\u00dfe.\r\n"
    "--b1\r\n"
    "Content-Type: application/octet-stream; name=\"x.bin\"\r\n"
    "Content-Disposition: attachment; filename=\"x.bin\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "AAECAwQFBgcICQ==\r\n"
    "--b1--\r\n"
).encode("utf-8")

SIMPLE = (
    "From: \"Doe, John \\\"JD\\\"\" <jd@example.com>\r\n"
    "To: bob@example.org\r\n"
    "Subject: plain\r\n"
    "Date: Tue, 24 Nov 2026 08:30:00 +0000\r\n"
    "\r\n"
    "line one\r\n"
    "line two\r\n"
).encode("utf-8")


class Session:
    def __init__(self, addr):
        host, port = addr.rsplit(":", 1)
        if host not in ("127.0.0.1", "localhost"):
            sys.exit("only 127.0.0.1 is contacted")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        self.s2c = bytearray()
        self.c2s = bytearray()
        self.buf = bytearray()
        self.n = 0

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("server closed the connection")
        self.buf += data
        self.s2c += data

    def line(self):
        """One response line with its literals, as bytes (CRLF kept)."""
        out = bytearray()
        while True:
            while b"\r\n" not in self.buf:
                self._fill()
            i = self.buf.index(b"\r\n") + 2
            part, self.buf = self.buf[:i], self.buf[i:]
            out += part
            m = re.search(rb"~?\{(\d+)\+?\}\r\n$", part)
            if not m:
                return bytes(out)
            size = int(m.group(1))
            while len(self.buf) < size:
                self._fill()
            out += self.buf[:size]
            self.buf = self.buf[size:]

    def send(self, data):
        self.c2s += data
        self.sock.sendall(data)

    def cmd(self, text, literals=()):
        """Send a command; each literal follows a "+" continuation."""
        self.n += 1
        tag = "c%d" % self.n
        parts = text.split("{LIT}")
        lines = []
        self.send(tag.encode() + b" " + parts[0].encode("utf-8"))
        for lit, rest in zip(literals, parts[1:]):
            self.send(b"{%d}\r\n" % len(lit))
            while True:
                l = self.line()
                lines.append(l)
                if l.startswith(b"+"):
                    break
                if l.startswith(tag.encode() + b" "):
                    return lines
            self.send(lit + rest.encode("utf-8"))
        self.send(b"\r\n")
        while True:
            l = self.line()
            lines.append(l)
            if l.startswith(tag.encode() + b" "):
                return lines


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    addr, user, pw, out = sys.argv[1:]
    s = Session(addr)
    s.line()  # greeting
    s.cmd("CAPABILITY")
    s.cmd("LOGIN %s %s" % (user, pw))
    ns = b"".join(s.cmd("NAMESPACE"))
    m = re.search(rb'\* NAMESPACE \(\("([^"]*)" (?:"(.)"|NIL)', ns)
    prefix, delim = (m.group(1).decode(), (m.group(2) or b"/").decode()) if m else ("", "/")
    box = "%sCorpus%d" % (prefix, os.getpid())
    s.cmd('CREATE "%s"' % box)
    s.cmd('APPEND "%s" (\\Seen) "23-Nov-2026 10:00:00 +0100" {LIT}' % box, [MULTIPART])
    s.cmd('APPEND "%s" {LIT}' % box, [SIMPLE])
    s.cmd('SELECT "%s"' % box)
    s.cmd("FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)")
    s.cmd("FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] BODY.PEEK[1] BODY.PEEK[2.MIME] BODY.PEEK[TEXT]<0.20>)")
    s.cmd("FETCH 2 (BODY[] FLAGS)")
    s.cmd("STORE 2 +FLAGS (\\Flagged)")
    s.cmd("SEARCH FLAGGED")
    s.cmd("UID SEARCH ALL")
    s.cmd("STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)")
    s.cmd('LIST "" "*"')
    s.cmd('LSUB "" "*"')
    s.cmd("STORE 1 +FLAGS.SILENT (\\Deleted)")
    s.cmd("EXPUNGE")
    s.n += 1
    tag = "c%d" % s.n
    s.send(tag.encode() + b" IDLE\r\n")
    while not s.line().startswith(b"+"):
        pass
    s.send(b"DONE\r\n")
    while not s.line().startswith(tag.encode() + b" "):
        pass
    s.cmd('SELECT "%sNoSuchMailbox%d"' % (prefix, os.getpid()))
    s.cmd("FROBNICATE")
    s.cmd('DELETE "%s"' % box)
    s.cmd("LOGOUT")
    s.sock.close()
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out + ".s2c", "wb") as f:
        f.write(s.s2c)
    with open(out + ".c2s", "wb") as f:
        f.write(s.c2s)
    print("%s: %d bytes from the server, %d sent; mailbox %s (delimiter %s)" % (out, len(s.s2c), len(s.c2s), box, delim))


if __name__ == "__main__":
    main()
