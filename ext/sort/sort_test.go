package sort_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/decodetest"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/sort"
)

const greeting = "* PREAUTH [CAPABILITY IMAP4rev1 SORT SORT=DISPLAY THREAD=ORDEREDSUBJECT THREAD=REFERENCES THREAD=REFS] ready"

func selected(t *testing.T, greeting string) (*client.Conn, *faketest.Server) {
	c, s := faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{sort.Install}})
	s.Select(c, nil, "A1 SELECT INBOX", "* 900 EXISTS")
	return c, s
}

var utf8 = &sort.Options{Charset: "UTF-8"}

// RFC 5256 §3 SORT examples.
func TestRFC5256_3_Sort(t *testing.T) {
	c, s := selected(t, greeting)
	ctx := faketest.Ctx(t)
	done := faketest.Go(func() (*sort.Data, error) {
		return sort.Sort(ctx, c, sort.By(sort.Subject), &client.SearchCriteria{Since: time.Date(1994, 2, 1, 0, 0, 0, 0, time.UTC)}, utf8)
	})
	s.Expect("A2 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994")
	s.Send("* SORT 2 84 882", "A2 OK SORT completed")
	d, err := done()
	if err != nil || !reflect.DeepEqual(d.Nums, []uint32{2, 84, 882}) {
		t.Fatalf("Sort = %+v, %v", d, err)
	}

	done = faketest.Go(func() (*sort.Data, error) {
		return sort.Sort(ctx, c, []sort.Criterion{{Key: sort.Subject}, {Key: sort.Date, Reverse: true}}, nil, utf8)
	})
	s.Expect("A3 SORT (SUBJECT REVERSE DATE) UTF-8 ALL")
	s.Send("* SORT 5 3 4 1 2", "A3 OK SORT completed")
	if d, err := done(); err != nil || !reflect.DeepEqual(d.Nums, []uint32{5, 3, 4, 1, 2}) {
		t.Fatalf("Sort = %+v, %v", d, err)
	}

	// The default charset for ASCII criteria is US-ASCII.
	done = faketest.Go(func() (*sort.Data, error) {
		return sort.Sort(ctx, c, sort.By(sort.Subject), &client.SearchCriteria{Text: []string{"not in mailbox"}}, nil)
	})
	s.Expect(`A4 SORT (SUBJECT) US-ASCII TEXT "not in mailbox"`)
	s.Send("* SORT", "A4 OK SORT completed")
	if d, err := done(); err != nil || len(d.Nums) != 0 {
		t.Fatalf("Sort = %+v, %v; want none", d, err)
	}

	// Non-ASCII text: UTF-8; UID SORT; SORT=DISPLAY keys.
	uidDone := faketest.Go(func() (*sort.Data, error) {
		return sort.UIDSort(ctx, c, sort.By(sort.DisplayFrom, sort.DisplayTo), &client.SearchCriteria{Text: []string{"Grüße"}}, nil)
	})
	s.Expect("A5 UID SORT (DISPLAYFROM DISPLAYTO) UTF-8 TEXT {7}")
	s.Send("+ go ahead") // no LITERAL+: a synchronizing literal
	s.Expect("Grüße")
	s.Send("* SORT 7 9", "A5 OK done")
	if d, err := uidDone(); err != nil || !reflect.DeepEqual(d.Nums, []uint32{7, 9}) {
		t.Fatalf("UIDSort = %+v, %v", d, err)
	}
}

// RFC 5256 §3 THREAD examples and the §4 response examples.
func TestRFC5256_3_Thread(t *testing.T) {
	c, s := selected(t, greeting)
	ctx := faketest.Ctx(t)
	since := &client.SearchCriteria{Since: time.Date(2000, 3, 5, 0, 0, 0, 0, time.UTC)}
	done := faketest.Go(func() ([]sort.Thread, error) { return sort.Threads(ctx, c, sort.OrderedSubject, since, utf8) })
	s.Expect("A2 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-Mar-2000")
	s.Send("* THREAD (166)(167)(168)(169)(172)(170)(171)(173)(174 (175)(176)(178)(181)(180))(179)(177 (183)(182)(188)(184)(185)(186)(187)(189))(190)(191)(192)(193)(194 195)(196 (197)(198))(199)(200 202)(201)(203)(204)(205)(206 207)(208)",
		"A2 OK THREAD completed")
	th, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if len(th) != 25 || th[8].String() != "(174 (175)(176)(178)(181)(180))" || th[15].String() != "(194 195)" {
		t.Errorf("THREAD = %d threads, [8] = %v, [20] = %v", len(th), th[8].String(), th[15].String())
	}

	done = faketest.Go(func() ([]sort.Thread, error) {
		return sort.Threads(ctx, c, sort.OrderedSubject, &client.SearchCriteria{Text: []string{"gewp"}}, nil)
	})
	s.Expect(`A3 THREAD ORDEREDSUBJECT US-ASCII TEXT gewp`)
	s.Send("* THREAD", "A3 OK THREAD completed")
	if th, err := done(); err != nil || len(th) != 0 {
		t.Errorf("THREAD = %v, %v; want none", th, err)
	}

	done = faketest.Go(func() ([]sort.Thread, error) { return sort.UIDThreads(ctx, c, "references", since, utf8) })
	s.Expect("A4 UID THREAD REFERENCES UTF-8 SINCE 5-Mar-2000")
	s.Send("* THREAD (166)(167)(168)(169)(172)((170)(179))(171)(173)((174)(175)(176)(178)(181)(180))(177 (183)(182)(188 (184)(189))(185 186)(187))",
		"A4 OK THREAD completed")
	th, err = done()
	if err != nil {
		t.Fatal(err)
	}
	if th[5].String() != "((170)(179))" || len(th[5].Nums) != 0 || len(th[5].Children) != 2 {
		t.Errorf("missing-parent thread = %+v", th[5])
	}
}

// RFC 5256 §4.2: "(2)(3 6 (4 23)(44 7 96))" as a tree.
func TestRFC5256_4_2_ThreadTree(t *testing.T) {
	reg := codec.NewBaseRegistry()
	sort.RegisterCodec(reg)
	r := decodetest.Must(t, reg, "* THREAD (2)(3 6 (4 23)(44 7 96))")
	th := r.Data.([]sort.Thread)
	want := []sort.Thread{
		{Nums: []uint32{2}},
		{Nums: []uint32{3, 6}, Children: []sort.Thread{{Nums: []uint32{4, 23}}, {Nums: []uint32{44, 7, 96}}}},
	}
	if !reflect.DeepEqual(th, want) {
		t.Fatalf("THREAD = %#v; want %#v", th, want)
	}
	type edge struct {
		n, parent uint32
		depth     int
	}
	var got []edge
	th[1].Walk(func(n, parent uint32, depth int) bool { got = append(got, edge{n, parent, depth}); return true })
	wantEdges := []edge{{3, 0, 0}, {6, 3, 1}, {4, 6, 2}, {23, 4, 3}, {44, 6, 2}, {7, 44, 3}, {96, 7, 4}}
	if !reflect.DeepEqual(got, wantEdges) {
		t.Errorf("Walk = %v; want %v", got, wantEdges)
	}
	if m := th[1].Messages(); !reflect.DeepEqual(m, []uint32{3, 6, 4, 23, 44, 7, 96}) {
		t.Errorf("Messages = %v", m)
	}
	// "((3)(5))": 3 and 5 are siblings under a missing parent.
	r = decodetest.Must(t, reg, "* THREAD ((3)(5))")
	got = nil
	r.Data.([]sort.Thread)[0].Walk(func(n, parent uint32, depth int) bool { got = append(got, edge{n, parent, depth}); return true })
	if !reflect.DeepEqual(got, []edge{{3, 0, 0}, {5, 0, 0}}) {
		t.Errorf("Walk of ((3)(5)) = %v", got)
	}
}

func TestParseSort(t *testing.T) {
	reg := codec.NewBaseRegistry()
	sort.RegisterCodec(reg)
	r := decodetest.Must(t, reg, "* SORT 2 84 882 (MODSEQ 917162488)") // RFC 7162 §3.1.5 for SORT
	if d := r.Data.(*sort.Data); d.ModSeq != 917162488 || len(d.Nums) != 3 {
		t.Errorf("SORT = %+v", d)
	}
	r = decodetest.Must(t, reg, "* SORT 2 3 6 ") // trailing space, lenient
	if d := r.Data.(*sort.Data); !reflect.DeepEqual(d.Nums, []uint32{2, 3, 6}) {
		t.Errorf("SORT = %+v", d)
	}
	for _, line := range []string{"* SORT a", "* SORT 1 (FOO 2)", "* SORT 1 (MODSEQ 2) 3"} {
		if r, err := decodetest.Decode(reg, false, line); err == nil {
			if _, ok := r.Data.(*sort.Data); ok {
				t.Errorf("%q decoded as %+v", line, r.Data)
			}
		}
	}
	for _, line := range []string{"* SORT 2 3 6 ", "* SORT 2 0 6", "* THREAD (0)"} {
		if _, err := decodetest.Decode(reg, true, line); err == nil {
			t.Errorf("strict: %q accepted", line)
		}
	}
}

func TestParseThreadHostile(t *testing.T) {
	reg := codec.NewBaseRegistry()
	sort.RegisterCodec(reg)
	deep := "* THREAD " + strings.Repeat("(1 ", 10000) + "(2)(3)" + strings.Repeat(")", 10000)
	for _, line := range []string{
		deep,
		"* THREAD (1 (2))x",
		"* THREAD (",
		"* THREAD ()",
		"* THREAD (1 2",
		"* THREAD ((1)",
		"* THREAD (1)(",
		"* THREAD " + strings.Repeat("(", 100000),
	} {
		r, err := decodetest.Decode(reg, false, line)
		if err == nil {
			if _, ok := r.Data.([]sort.Thread); ok {
				t.Errorf("%.40q decoded as a thread tree", line)
			}
		}
	}
	// A single nested list is accepted leniently (strictly 2 are needed).
	if _, err := decodetest.Decode(reg, false, "* THREAD (1 (2))"); err != nil {
		t.Errorf("lenient (1 (2)): %v", err)
	}
	if _, err := decodetest.Decode(reg, true, "* THREAD (1 (2))"); err == nil {
		t.Error("strict (1 (2)) accepted")
	}
	// Nesting up to the decoder's depth bound is fine.
	ok := "* THREAD " + strings.Repeat("(1 (2)", 30) + strings.Repeat(")", 30)
	if r, err := decodetest.Decode(reg, false, ok); err != nil {
		t.Errorf("30 levels: %v", err)
	} else if th := r.Data.([]sort.Thread); len(th[0].Messages()) != 60 {
		t.Errorf("30 levels: %d messages", len(th[0].Messages()))
	}
}

func TestNotSupported(t *testing.T) {
	c, s := selected(t, "* PREAUTH [CAPABILITY IMAP4rev1 SORT THREAD=ORDEREDSUBJECT] ready")
	ctx := faketest.Ctx(t)
	if _, err := sort.Sort(ctx, c, sort.By(sort.DisplayFrom), nil, nil); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("DISPLAYFROM without SORT=DISPLAY: %v", err)
	}
	if _, err := sort.Threads(ctx, c, sort.References, nil, nil); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("THREAD=REFERENCES not offered: %v", err)
	}
	if a, err := sort.Algorithms(ctx, c); err != nil || !reflect.DeepEqual(a, []string{"ORDEREDSUBJECT"}) {
		t.Errorf("Algorithms = %v, %v", a, err)
	}
	s.Quiet(50e6)
	c2, s2 := selected(t, "* PREAUTH [CAPABILITY IMAP4rev1] ready")
	if _, err := sort.Sort(ctx, c2, sort.By(sort.Date), nil, nil); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("no SORT: %v", err)
	}
	s2.Quiet(50e6)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"* SORT 2 84 882\r\n",
		"* SORT 2 84 882 (MODSEQ 917162488)\r\n",
		"* THREAD (2)(3 6 (4 23)(44 7 96))\r\n",
		"* THREAD ((3)(5))\r\n",
		"* THREAD (166)(167)((170)(179))(177 (183)(182)(188 (184)(189))(185 186)(187))\r\n",
	} {
		f.Add([]byte(s))
	}
	reg := codec.NewBaseRegistry()
	sort.RegisterCodec(reg)
	f.Fuzz(func(t *testing.T, data []byte) {
		d := codec.NewDecoder(strings.NewReader(string(data)), &codec.DecoderOptions{Registry: reg, MaxDepth: 16})
		for i := 0; i < 16; i++ {
			r, err := d.ReadResponse()
			if err != nil {
				break
			}
			if th, ok := r.Data.([]sort.Thread); ok {
				for i := range th {
					th[i].Messages()
					_ = th[i].String()
				}
			}
		}
		decodetest.Fuzz(reg, data)
	})
}

// Decode then encode gives the RFC 5256 examples' bytes back.
func TestRoundTrip(t *testing.T) {
	reg := codec.NewBaseRegistry()
	sort.RegisterCodec(reg)
	decodetest.RoundTrip(t, reg,
		"* SORT 2 84 882",
		"* SORT 5 3 4 1 2",
		"* SORT",
		"* SORT 2 84 882 (MODSEQ 917162488)",
		"* THREAD (166)(167)(168)(169)(172)(170)(171)(173)(174 (175)(176)(178)(181)(180))(179)(177 (183)(182)(188)(184)(185)(186)(187)(189))(190)(191)(192)(193)(194 195)(196 (197)(198))(199)(200 202)(201)(203)(204)(205)(206 207)(208)",
		"* THREAD",
		"* THREAD (166)(167)(168)(169)(172)((170)(179))(171)(173)((174)(175)(176)(178)(181)(180))(179)(177 (183)(182)(188 (184)(189))(185 186)(187))",
		"* THREAD (2)(3 6 (4 23)(44 7 96))",
		"* THREAD ((3)(5))",
	)
}
