package client

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// sinkBody is the body of message i in the section sink tests: distinct
// per message, smaller as i grows (so that a reused buffer is overwritten
// in place), with i < 100.
func sinkBody(i int) string {
	return strings.Repeat(fmt.Sprintf("m%03d-", i), 10+(100-i)*3)
}

// TestMessagesReusesSections checks the iterator's contract with sections
// above the stream threshold: each iteration sees its own message's
// contents (two sections each, the second of another size), the contents
// of a message are overwritten by a later one (the buffers are reused),
// and Clone keeps a message intact across iterations. An ENVELOPE string
// literal above the threshold is no section: it is kept, not streamed.
func TestMessagesReusesSections(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", &Options{StreamThreshold: 16})
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	const n = 6
	items := &FetchItems{Envelope: true, Sections: []FetchSection{{}, {Section: wire.Section{Specifier: "TEXT"}}}}
	f, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), items, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.line()
	subject := strings.Repeat("S", 40)
	started := make(chan struct{})
	go func() {
		for i := 1; i <= n; i++ {
			if i == 2 {
				<-started // from here on the iterator's sink is in place
			}
			b, txt := sinkBody(i), sinkBody(i+50)
			s.send(fmt.Sprintf("* %d FETCH (UID %d ENVELOPE (NIL {%d}\r\n%s NIL NIL NIL NIL NIL NIL NIL NIL) BODY[] {%d}\r\n%s BODY[TEXT] {%d}\r\n%s)",
				i, i, len(subject), subject, len(b), b, len(txt), txt))
		}
		s.send("A2 OK done")
	}()
	var kept []*wire.FetchData
	var second *wire.FetchData
	i := 0
	for msg, err := range f.Messages(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		i++
		if len(msg.Sections) != 2 || msg.Sections[0].Streamed || msg.Sections[1].Streamed {
			t.Fatalf("message %d: sections %+v", i, msg.Sections)
		}
		if got := string(msg.Sections[0].Data); got != sinkBody(i) {
			t.Errorf("message %d: BODY[] = %.20q... (%d octets); want %d octets", i, got, len(got), len(sinkBody(i)))
		}
		if got := string(msg.Sections[1].Data); got != sinkBody(i+50) {
			t.Errorf("message %d: BODY[TEXT] = %d octets; want %d", i, len(got), len(sinkBody(i+50)))
		}
		if msg.Envelope == nil || msg.Envelope.Subject != subject {
			t.Errorf("message %d: envelope %+v", i, msg.Envelope)
		}
		switch i {
		case 1:
			close(started)
		case 2:
			second = msg
		}
		kept = append(kept, msg.Clone())
	}
	if i != n {
		t.Fatalf("%d messages; want %d", i, n)
	}
	if string(second.Sections[0].Data) == sinkBody(2) {
		t.Error("the second message's buffer was not reused: the test no longer checks the contract")
	}
	for j, m := range kept {
		if string(m.Sections[0].Data) != sinkBody(j+1) || string(m.Sections[1].Data) != sinkBody(j+51) {
			t.Errorf("cloned message %d changed", j+1)
		}
	}
}

// TestCollectKeepsSections: Collect's messages each keep their contents,
// above the threshold and above the sink's chunk alike.
func TestCollectKeepsSections(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", &Options{StreamThreshold: 16})
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	big := strings.Repeat("0123456789abcdef", (sinkChunk+1000)/16)
	bodies := []string{sinkBody(1), big, "tiny", sinkBody(4), big + "x"}
	f, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), &FetchItems{Sections: []FetchSection{{}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.line()
	go func() {
		for i, b := range bodies {
			s.send(fmt.Sprintf("* %d FETCH (UID %d BODY[] {%d}\r\n%s)", i+1, i+1, len(b), b))
		}
		s.send("A2 OK done")
	}()
	msgs, err := f.CollectMessages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != len(bodies) {
		t.Fatalf("%d messages; want %d", len(msgs), len(bodies))
	}
	for i, m := range msgs {
		if len(m.Sections) != 1 || string(m.Sections[0].Data) != bodies[i] || m.Sections[0].Streamed {
			t.Errorf("message %d: %d octets, streamed %v; want %d", i+1, len(m.Sections[0].Data), m.Sections[0].Streamed, len(bodies[i]))
		}
	}
}

// TestMessagesTooLargeSection: a section above MaxLiteralSize is not read
// into the iterator's buffers; it is skipped and fails its command only.
func TestMessagesTooLargeSection(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", &Options{StreamThreshold: 16, MaxLiteralSize: 100})
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	f, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), &FetchItems{Sections: []FetchSection{{}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.line()
	big := strings.Repeat("x", 500)
	s.send("* 1 FETCH (UID 1 BODY[] {50}\r\n"+big[:50]+")", "* 2 FETCH (UID 2 BODY[] {500}\r\n"+big+")", "A2 OK done")
	var sizes []int
	var last error
	for msg, err := range f.Messages(ctx) {
		if err != nil {
			last = err
			break
		}
		sizes = append(sizes, len(msg.Sections[0].Data))
	}
	if !errors.Is(last, codec.ErrLiteralTooLarge) {
		t.Errorf("error %v; want ErrLiteralTooLarge", last)
	}
	if len(sizes) != 2 || sizes[0] != 50 || sizes[1] != 0 {
		t.Errorf("section sizes %v; want [50 0]", sizes)
	}
	if err := c.Err(); err != nil {
		t.Errorf("the connection ended: %v", err)
	}
}
