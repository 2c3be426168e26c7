#!/usr/bin/env python3
"""imapbench's Python client: runs one case with the standard library's
imaplib and prints one JSON line with the same fields as the Go children.

The spec (JSON) comes in the environment variable IMAPBENCH_CHILD_SPEC, as
for the Go clients. imaplib has no streaming, no pipelining, no COMPRESS
and no LITERAL+: those cases report "na". Bytes on the wire are counted
where imaplib reads and writes its socket (IMAP4.read, readline, send).
"""
import imaplib
import json
import os
import sys
import time



def append_messages(spec):
    """Reads the messages the harness wrote: "<length>\n<octets>" each."""
    msgs = []
    with open(spec["append_file"], "rb") as f:
        while True:
            line = f.readline()
            if not line:
                return msgs
            msgs.append(f.read(int(line)))


class CountingIMAP4(imaplib.IMAP4):
    wire_in = 0
    wire_out = 0

    def read(self, size):
        data = super().read(size)
        self.wire_in += len(data)
        return data

    def readline(self):
        line = super().readline()
        self.wire_in += len(line)
        return line

    def send(self, data):
        self.wire_out += len(data)
        return super().send(data)


def check(typ, data, what):
    if typ != "OK":
        raise RuntimeError("%s: %s %r" % (what, typ, data[:1]))
    return data


def run(spec, res):
    if spec.get("flate"):
        res["na"] = "imaplib has no COMPRESS"
        return
    mode = spec.get("mode", "")
    if spec["case"] == "latency" and mode != "seq":
        res["na"] = "imaplib cannot pipeline"
        return
    if spec["case"] == "append" and mode != "seq":
        res["na"] = "imaplib sends one synchronizing APPEND at a time"
        return
    host, port = spec["addr"].rsplit(":", 1)
    c = CountingIMAP4(host, int(port))
    check(*c.login(spec["user"], spec["pass"]), what="LOGIN")
    if spec["case"] == "append":
        msgs = append_messages(spec)
        mb = "%s-%d" % (spec["mailbox"], os.getpid())
        check(*c.create(mb), what="CREATE")
        in0, out0 = c.wire_in, c.wire_out
        t0 = time.perf_counter_ns()
        for m in msgs:
            check(*c.append(mb, None, None, m), what="APPEND")
        res["wall_ns"] = time.perf_counter_ns() - t0
        res["wire_in"], res["wire_out"] = c.wire_in - in0, c.wire_out - out0
        res["messages"] = len(msgs)
        res["bytes"] = sum(len(m) for m in msgs)
        check(*c.delete(mb), what="DELETE")
        c.logout()
        return
    check(*c.select('"%s"' % spec["mailbox"]), what="SELECT")
    in0, out0 = c.wire_in, c.wire_out
    t0 = time.perf_counter_ns()
    if spec["case"] == "full":
        data = check(*c.uid("FETCH", "1:*", "(BODY.PEEK[])"), what="FETCH")
        for item in data:
            if isinstance(item, tuple):
                res["messages"] += 1
                res["bytes"] += len(item[1])
    elif spec["case"] == "metadata":
        data = check(*c.uid("FETCH", "1:*", "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)"), what="FETCH")
        # imaplib returns one bytes item per response, or a tuple when a
        # literal (an 8-bit header in ENVELOPE) is inside; a response with
        # literals ends with a bytes item, so count the items that start a
        # response.
        for item in data:
            head = item[0] if isinstance(item, tuple) else item
            if head[:1].isdigit():
                res["messages"] += 1
    elif spec["case"] == "latency":
        for n in range(1, spec["count"] + 1):
            check(*c.uid("FETCH", str(n), "(FLAGS)"), what="FETCH")
        res["messages"] = spec["count"]
    else:
        raise RuntimeError("unknown case %r" % spec["case"])
    res["wall_ns"] = time.perf_counter_ns() - t0
    res["wire_in"], res["wire_out"] = c.wire_in - in0, c.wire_out - out0
    c.logout()


def vm_hwm():
    """This process's peak RSS in KiB (VmHWM), as the Go children report it."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    spec = json.loads(os.environ["IMAPBENCH_CHILD_SPEC"])
    res = {"wall_ns": 0, "messages": 0, "bytes": 0, "wire_in": 0, "wire_out": 0}
    try:
        run(spec, res)
    except Exception as e:  # reported, not raised: the harness prints it
        res["error"] = "%s: %s" % (type(e).__name__, e)
    res["peak_rss_kb"] = vm_hwm()
    print(json.dumps(res))


if __name__ == "__main__":
    main()
