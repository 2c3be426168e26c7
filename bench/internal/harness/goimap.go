package harness

import (
	"io"
	"net"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// runGoimap runs a case with github.com/emersion/go-imap/v2: "goimap" uses
// its streaming API (FetchCommand.Next, FetchMessageData.Next and the
// section's Literal reader), "goimap-collect" its buffered Collect.
func runGoimap(spec *Spec, res *Result) error {
	collect := spec.Client == "goimap-collect"
	if spec.Flate != "" {
		return na(res, "go-imap v2 has no COMPRESS")
	}
	if spec.Case == CaseAppend && spec.Mode == "multiappend" {
		return na(res, "go-imap v2 has no MULTIAPPEND")
	}
	if collect && (spec.Case == CaseLatency || spec.Case == CaseAppend) {
		return na(res, "same API as goimap")
	}
	nc, err := net.DialTimeout("tcp", spec.Addr, 10*time.Second)
	if err != nil {
		return err
	}
	cc := &countConn{Conn: nc}
	var conn net.Conn = cc
	if spec.Case == CaseAppend && (spec.Mode == "seq" || spec.Mode == "pipelined") {
		conn = newCapFilter(cc)
	}
	c := imapclient.New(conn, nil)
	defer c.Close()
	if err := c.Login(spec.User, spec.Pass).Wait(); err != nil {
		return err
	}
	if spec.Case == CaseAppend {
		if err := goimapAppend(c, cc, spec, res); err != nil {
			return err
		}
		return c.Logout().Wait()
	}
	if _, err := c.Select(spec.Mailbox, nil).Wait(); err != nil {
		return err
	}
	in0, out0 := cc.in.Load(), cc.out.Load()
	t := startTimer()
	all := imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}} // 1:*
	switch spec.Case {
	case CaseFull:
		opts := &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{Peek: true}}}
		if err := goimapFetch(c, all, opts, collect, res); err != nil {
			return err
		}
	case CaseMetadata:
		opts := &imap.FetchOptions{UID: true, Flags: true, InternalDate: true, RFC822Size: true, Envelope: true,
			BodyStructure: &imap.FetchItemBodyStructure{Extended: true}}
		if err := goimapFetch(c, all, opts, collect, res); err != nil {
			return err
		}
	case CaseLatency:
		opts := &imap.FetchOptions{Flags: true}
		switch spec.Mode {
		case "seq":
			for n := 1; n <= spec.Count; n++ {
				if _, err := c.Fetch(imap.UIDSetNum(imap.UID(n)), opts).Collect(); err != nil {
					return err
				}
			}
		case "pipelined":
			cmds := make([]*imapclient.FetchCommand, 0, spec.Count)
			for n := 1; n <= spec.Count; n++ {
				cmds = append(cmds, c.Fetch(imap.UIDSetNum(imap.UID(n)), opts))
			}
			for _, cmd := range cmds {
				if _, err := cmd.Collect(); err != nil {
					return err
				}
			}
		default:
			return errorf("unknown latency mode %q", spec.Mode)
		}
		res.Messages = spec.Count
	default:
		return errorf("unknown case %q", spec.Case)
	}
	t.stop(res)
	res.WireIn, res.WireOut = cc.in.Load()-in0, cc.out.Load()-out0
	return c.Logout().Wait()
}

func goimapFetch(c *imapclient.Client, set imap.NumSet, opts *imap.FetchOptions, collect bool, res *Result) error {
	cmd := c.Fetch(set, opts)
	if collect {
		msgs, err := cmd.Collect()
		if err != nil {
			return err
		}
		for _, m := range msgs {
			for _, s := range m.BodySection {
				res.Bytes += int64(len(s.Bytes))
			}
		}
		res.Messages = len(msgs)
		return nil
	}
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			if body, ok := item.(imapclient.FetchItemDataBodySection); ok && body.Literal != nil {
				n, err := io.Copy(io.Discard, body.Literal)
				res.Bytes += n
				if err != nil {
					cmd.Close()
					return err
				}
			}
		}
		res.Messages++
	}
	return cmd.Close()
}

func goimapAppend(c *imapclient.Client, cc *countConn, spec *Spec, res *Result) error {
	msgs, err := appendMessages(spec)
	if err != nil {
		return err
	}
	mb := appendMailbox(spec)
	if err := c.Create(mb, nil).Wait(); err != nil {
		return err
	}
	in0, out0 := cc.in.Load(), cc.out.Load()
	t := startTimer()
	send := func(m []byte) (*imapclient.AppendCommand, error) {
		cmd := c.Append(mb, int64(len(m)), nil)
		if _, err := cmd.Write(m); err != nil {
			return nil, err
		}
		return cmd, cmd.Close()
	}
	switch spec.Mode {
	case "seq":
		for _, m := range msgs {
			cmd, err := send(m)
			if err != nil {
				return err
			}
			if _, err := cmd.Wait(); err != nil {
				return err
			}
		}
	case "pipelined", "literalplus":
		cmds := make([]*imapclient.AppendCommand, 0, len(msgs))
		for _, m := range msgs {
			cmd, err := send(m)
			if err != nil {
				return err
			}
			cmds = append(cmds, cmd)
		}
		for _, cmd := range cmds {
			if _, err := cmd.Wait(); err != nil {
				return err
			}
		}
	default:
		return errorf("unknown append mode %q", spec.Mode)
	}
	t.stop(res)
	res.WireIn, res.WireOut = cc.in.Load()-in0, cc.out.Load()-out0
	res.Messages = len(msgs)
	for _, m := range msgs {
		res.Bytes += int64(len(m))
	}
	return c.Delete(mb).Wait()
}
