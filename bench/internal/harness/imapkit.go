package harness

import (
	"bytes"
	"context"
	"io"
	"strconv"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/transport"
)

// runImapkit runs a case with imapkit's client: "imapkit" uses the
// streaming APIs (FetchOptions.Literal, FetchCommand.Messages),
// "imapkit-collect" the simplest blocking one (FetchCommand.Collect), and
// "imapkit-iter" (full download only) the FetchCommand.Messages iterator
// without FetchOptions.Literal: each message arrives whole in memory and is
// dropped after its turn.
func runImapkit(spec *Spec, res *Result) error {
	ctx := context.Background()
	collect := spec.Client == "imapkit-collect"
	iter := spec.Client == "imapkit-iter"
	if iter && spec.Case != CaseFull {
		return na(res, "same API as imapkit")
	}
	d := &dialer{hideLiteralPlus: spec.Case == CaseAppend && (spec.Mode == "seq" || spec.Mode == "pipelined")}
	if spec.Case == CaseAppend && spec.Mode == "multiappend" {
		return na(res, "imapkit has no MULTIAPPEND yet")
	}
	if collect && (spec.Case == CaseLatency || spec.Case == CaseAppend) {
		return na(res, "same API as imapkit")
	}
	c, err := client.Dial(ctx, "imap://"+spec.Addr, &client.Options{InsecureAuth: true, Dialer: d, StreamThreshold: spec.StreamThreshold})
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Login(ctx, spec.User, spec.Pass); err != nil {
		return err
	}
	switch spec.Flate {
	case "":
	case "klauspost":
		err = c.Compress(ctx, transport.Klauspost{}, -1)
	case "stdlib":
		err = c.Compress(ctx, transport.Stdlib{}, -1)
	default:
		err = errorf("unknown flate %q", spec.Flate)
	}
	if err != nil {
		return err
	}
	cc := d.last
	if spec.Case == CaseAppend {
		if err := imapkitAppend(ctx, c, cc, spec, res); err != nil {
			return err
		}
		return c.Logout(ctx)
	}
	if _, err := c.Select(ctx, spec.Mailbox, nil); err != nil {
		return err
	}
	in0, out0 := cc.in.Load(), cc.out.Load()
	t := startTimer()
	all := seqset.MustParse("1:*")
	switch spec.Case {
	case CaseFull:
		items := &client.FetchItems{Sections: []client.FetchSection{{}}}
		var opts *client.FetchOptions
		if !collect && !iter {
			opts = &client.FetchOptions{Literal: func(_ uint32, _ string, _ int64, r io.Reader) error {
				_, err := io.Copy(io.Discard, r)
				return err
			}}
		}
		if err := imapkitFetch(ctx, c, all, items, opts, collect, res); err != nil {
			return err
		}
	case CaseMetadata:
		items := &client.FetchItems{UID: true, Flags: true, InternalDate: true, RFC822Size: true, Envelope: true, BodyStructure: true}
		if err := imapkitFetch(ctx, c, all, items, nil, collect, res); err != nil {
			return err
		}
	case CaseLatency:
		items := &client.FetchItems{Flags: true}
		switch spec.Mode {
		case "seq":
			for n := 1; n <= spec.Count; n++ {
				cmd, err := c.UIDFetch(ctx, seqset.MustParse(strconv.Itoa(n)), items, nil)
				if err != nil {
					return err
				}
				if _, err := cmd.CollectMessages(ctx); err != nil {
					return err
				}
			}
		case "pipelined":
			cmds := make([]*client.FetchCommand, 0, spec.Count)
			for n := 1; n <= spec.Count; n++ {
				cmd, err := c.UIDFetch(ctx, seqset.MustParse(strconv.Itoa(n)), items, nil)
				if err != nil {
					return err
				}
				cmds = append(cmds, cmd)
			}
			for _, cmd := range cmds {
				if _, err := cmd.CollectMessages(ctx); err != nil {
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
	return c.Logout(ctx)
}

func imapkitFetch(ctx context.Context, c *client.Conn, set seqset.Set, items *client.FetchItems, opts *client.FetchOptions, collect bool, res *Result) error {
	cmd, err := c.UIDFetch(ctx, set, items, opts)
	if err != nil {
		return err
	}
	if collect {
		msgs, err := cmd.CollectMessages(ctx)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			for _, s := range m.Sections {
				res.Bytes += int64(len(s.Data))
			}
		}
		res.Messages = len(msgs)
		return nil
	}
	for m, err := range cmd.Messages(ctx) {
		if err != nil {
			return err
		}
		res.Messages++
		for _, s := range m.Sections {
			if s.Streamed {
				res.Bytes += s.Size
			} else {
				res.Bytes += int64(len(s.Data))
			}
		}
	}
	return nil
}

func imapkitAppend(ctx context.Context, c *client.Conn, cc *countConn, spec *Spec, res *Result) error {
	msgs, err := appendMessages(spec)
	if err != nil {
		return err
	}
	mb := appendMailbox(spec)
	if err := c.Create(ctx, mb); err != nil {
		return err
	}
	in0, out0 := cc.in.Load(), cc.out.Load()
	t := startTimer()
	switch spec.Mode {
	case "seq":
		for _, m := range msgs {
			if _, err := c.Append(ctx, mb, bytes.NewReader(m), int64(len(m)), nil); err != nil {
				return err
			}
		}
	case "pipelined", "literalplus":
		cmds := make([]*client.AppendCommand, 0, len(msgs))
		for _, m := range msgs {
			cmd, err := c.StartAppend(ctx, mb, bytes.NewReader(m), int64(len(m)), nil)
			if err != nil {
				return err
			}
			cmds = append(cmds, cmd)
		}
		for _, cmd := range cmds {
			if _, err := cmd.Wait(ctx); err != nil {
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
	return c.Delete(ctx, mb)
}
