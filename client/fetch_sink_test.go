package client

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unsafe"

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
	// Message i+1 is sent once the loop is at message i, so that the
	// reader is at most one message ahead and buffers must come back for
	// reuse (each message is smaller than the one before: they fit).
	next := make(chan struct{})
	go func() {
		for i := 1; i <= n; i++ {
			if i >= 2 {
				<-next
			}
			b, txt := sinkBody(i), sinkBody(i+50)
			s.send(fmt.Sprintf("* %d FETCH (UID %d ENVELOPE (NIL {%d}\r\n%s NIL NIL NIL NIL NIL NIL NIL NIL) BODY[] {%d}\r\n%s BODY[TEXT] {%d}\r\n%s)",
				i, i, len(subject), subject, len(b), b, len(txt), txt))
		}
		s.send("A2 OK done")
	}()
	var kept []*wire.FetchData
	bufs := map[*byte]int{} // the sections' buffers
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
		for _, sec := range msg.Sections {
			bufs[unsafe.SliceData(sec.Data)]++
		}
		kept = append(kept, msg.Clone())
		if i < n {
			next <- struct{}{}
		}
	}
	if i != n {
		t.Fatalf("%d messages; want %d", i, n)
	}
	if len(bufs) >= 2*n {
		t.Errorf("%d sections in %d buffers: none was reused, the test no longer checks the contract", 2*n, len(bufs))
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

// TestMessagesKeepAfterBreak: the message a loop left with break stays
// intact while the command runs on (its further sections are skipped) and
// while a later FETCH on the connection is iterated; a reader waiting for
// a buffer to come back from the loop goes on when the loop is left.
func TestMessagesKeepAfterBreak(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", &Options{StreamThreshold: 16})
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	items := &FetchItems{Sections: []FetchSection{{}}}
	f, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), items, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.line()
	go func() {
		for i := 1; i <= 20; i++ {
			b := sinkBody(i + 10) // smaller than the kept one: it would fit its buffer
			if i == 1 {
				b = sinkBody(1)
			}
			s.send(fmt.Sprintf("* %d FETCH (UID %d BODY[] {%d}\r\n%s)", i, i, len(b), b))
		}
		s.send("A2 OK done")
	}()
	var kept *wire.FetchData
	for msg, err := range f.Messages(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		kept = msg
		// Wait until the reader has lent all the buffers it may and
		// waits for one to come back: leaving the loop must release it.
		s := f.sink
		for {
			s.mu.Lock()
			full := s.nlent >= maxSinkLent
			s.mu.Unlock()
			if full {
				break
			}
			if ctx.Err() != nil {
				t.Fatal("the reader never lent all its buffers")
			}
			runtime.Gosched()
		}
		break
	}
	if _, err := f.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	f2, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), items, nil)
	if err != nil {
		t.Fatal(err)
	}
	tag, _, _ := strings.Cut(s.line(), " ")
	go func() {
		for i := 1; i <= 5; i++ {
			b := sinkBody(i + 20)
			s.send(fmt.Sprintf("* %d FETCH (UID %d BODY[] {%d}\r\n%s)", i, i, len(b), b))
		}
		s.send(tag + " OK done")
	}()
	n := 0
	for msg, err := range f2.Messages(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if got := string(msg.Sections[0].Data); got != sinkBody(n+20) {
			t.Errorf("second FETCH, message %d: %d octets; want %d", n, len(got), len(sinkBody(n+20)))
		}
	}
	if n != 5 {
		t.Errorf("second FETCH: %d messages; want 5", n)
	}
	if got := string(kept.Sections[0].Data); got != sinkBody(1) {
		t.Errorf("the message kept at break changed: %.30q", got)
	}
}

// TestMessagesCloneWhileReaderRunsAhead: the reader reads sections ahead
// of a slow loop into the sink's buffers while the loop holds and clones
// earlier messages; every clone keeps its own contents, and every message
// has its own during its iteration (run with -race: the buffers cross
// goroutines).
func TestMessagesCloneWhileReaderRunsAhead(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", &Options{StreamThreshold: 16})
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	f, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), &FetchItems{Sections: []FetchSection{{}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.line()
	const n = 300
	body := func(i int) string {
		// sizes going up and down, so that buffers are reused, grown and
		// passed over
		return strings.Repeat(fmt.Sprintf("<%04d>", i), 5+(i*37)%90)
	}
	go func() {
		var b strings.Builder
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "* %d FETCH (UID %d BODY[] {%d}\r\n%s)\r\n", i, i, len(body(i)), body(i))
		}
		b.WriteString("A2 OK done")
		s.send(b.String())
	}()
	var kept []*wire.FetchData
	i := 0
	for msg, err := range f.Messages(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		i++
		if got := string(msg.Sections[0].Data); got != body(i) {
			t.Fatalf("message %d: %.24q (%d octets); want %d octets", i, got, len(got), len(body(i)))
		}
		if i%3 == 0 {
			kept = append(kept, msg.Clone())
		}
		// The loop body mutates its message: the buffer is its to use
		// during the iteration.
		clear(msg.Sections[0].Data)
	}
	if i != n {
		t.Fatalf("%d messages; want %d", i, n)
	}
	for j, m := range kept {
		if got := string(m.Sections[0].Data); got != body(3*(j+1)) {
			t.Errorf("clone of message %d changed", 3*(j+1))
		}
	}
}
