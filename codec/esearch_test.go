package codec

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// decodeESearch decodes one ESEARCH line with the base registry.
func decodeESearch(t *testing.T, line string, strict bool) (*wire.ESearchData, error) {
	t.Helper()
	d := NewDecoder(strings.NewReader(line+"\r\n"), &DecoderOptions{Strict: strict})
	r, err := d.ReadResponse()
	if err != nil {
		return nil, err
	}
	if r.ParseErr != nil {
		return nil, r.ParseErr
	}
	e, ok := r.Data.(*wire.ESearchData)
	if !ok {
		t.Fatalf("%q: data %T", line, r.Data)
	}
	return e, nil
}

// reencode writes r back with the base registry.
func reencode(t *testing.T, r *wire.Response) string {
	t.Helper()
	var b bytes.Buffer
	if err := NewResponseEncoder(&b, nil).WriteResponse(r); err != nil {
		t.Fatalf("encode %+v: %v", r.Data, err)
	}
	return strings.TrimSuffix(b.String(), "\r\n")
}

// ESEARCH responses of RFC 4731, RFC 9051 §7.3.4, RFC 5267 (ESORT: ALL in
// sort order) and RFC 7377 (MULTISEARCH: MAILBOX and UIDVALIDITY in the
// correlator) decode in strict mode and re-encode byte for byte.
func TestESearchRoundTrip(t *testing.T) {
	for _, line := range []string{
		`* ESEARCH UID COUNT 17 ALL 4:18,21,28`,
		`* ESEARCH (TAG "A018") UID COUNT 2 MIN 1 MAX 2 ALL 1:2 MODSEQ 917162500 X-FOO (a 1)`,
		`* ESEARCH (TAG "E01") UID ALL 23765,23764,23763,23761`,
		`* ESEARCH (TAG "A01") COUNT 23765`,
		`* ESEARCH (TAG "A1") UID ALL 1,2,3`,
		`* ESEARCH (TAG "A1") ALL 12:10,5`,
		`* ESEARCH (TAG "C01") UID ADDTO (1 2733) MIN 1 ADDTO (1 2731:2732)`,
		`* ESEARCH (TAG "tag1" MAILBOX "folder1" UIDVALIDITY 1) UID ALL 4001,4003,4005,4007,4009`,
		`* ESEARCH (TAG "tag1" MAILBOX "folder2/banana" UIDVALIDITY 503) UID ALL 3001:3004,3788`,
		`* ESEARCH (TAG "A1" MAILBOX INBOX UIDVALIDITY 1) UID MIN 1 COUNT 2`,
		"* ESEARCH (TAG \"A1\" MAILBOX {7}\r\nfolder1 UIDVALIDITY 1) UID ALL 4001",
	} {
		d := NewDecoder(strings.NewReader(line+"\r\n"), &DecoderOptions{Strict: true})
		r, err := d.ReadResponse()
		if err != nil || r.ParseErr != nil {
			t.Errorf("%q: %v %v", line, err, r.ParseErr)
			continue
		}
		if got := reencode(t, r); got != line {
			t.Errorf("re-encoded\n %q\nwant\n %q", got, line)
		}
	}
}

func TestESearchCorrelatorMailbox(t *testing.T) {
	e, err := decodeESearch(t, `* ESEARCH (TAG "A1" MAILBOX "&AMk-t&AOk-" UIDVALIDITY 7) UID COUNT 2`, true)
	if err != nil {
		t.Fatal(err)
	}
	if e.Tag != "A1" || e.Mailbox != "Été" || e.UIDValidity != 7 || !e.HasMailbox() || e.MailboxForm != wire.FormQuoted {
		t.Errorf("= %+v", e)
	}
	e, err = decodeESearch(t, `* ESEARCH (TAG "A1") UID COUNT 2`, true)
	if err != nil || e.HasMailbox() || e.Mailbox != "" {
		t.Errorf("= %+v, %v", e, err)
	}
	for _, line := range []string{
		`* ESEARCH (TAG "t" MAILBOX "f") ALL 1`,
		`* ESEARCH (TAG "t" MAILBOX "f" UIDVALIDITY 0) ALL 1`,
		`* ESEARCH (TAG "t" FOLDER "f" UIDVALIDITY 1) ALL 1`,
		`* ESEARCH (TAG "t" MAILBOX "f" UIDVALIDITY 1 X) ALL 1`,
		`* ESEARCH (TAG "t" UIDVALIDITY 1 MAILBOX "f") ALL 1`,
		`* ESEARCH (TAG "t" ) ALL 1`,
	} {
		for _, strict := range []bool{true, false} {
			if _, err := decodeESearch(t, line, strict); err == nil {
				t.Errorf("%s (strict %v): accepted", line, strict)
			} else if se := (*SyntaxError)(nil); !errors.As(err, &se) {
				t.Errorf("%s: %v is not a *SyntaxError", line, err)
			}
		}
	}
}

func TestESearchAllOrder(t *testing.T) {
	// RFC 5267 §3.2: ALL in sort order.
	e, err := decodeESearch(t, `* ESEARCH (TAG "E01") UID ALL 23765,23764,23763,23761,12:10`, true)
	if err != nil {
		t.Fatal(err)
	}
	if e.All.String() != "10:12,23761,23763:23765" {
		t.Errorf("All = %v", e.All)
	}
	want := []uint32{23765, 23764, 23763, 23761, 10, 11, 12}
	if got := slices.Collect(e.AllInOrder()); !slices.Equal(got, want) {
		t.Errorf("AllInOrder = %v, want %v", got, want)
	}
	if e.AllOrder[4] != (seqset.Range{Start: 12, Stop: 10}) {
		t.Errorf("AllOrder = %v", e.AllOrder)
	}
	// The canonical form keeps AllOrder nil and Order nil.
	e, err = decodeESearch(t, `* ESEARCH MIN 1 ALL 1:3,7 COUNT 4`, true)
	if err != nil || e.AllOrder != nil || e.Order != nil {
		t.Errorf("= %+v, %v", e, err)
	}
	if got := slices.Collect(e.AllInOrder()); !slices.Equal(got, []uint32{1, 2, 3, 7}) {
		t.Errorf("AllInOrder = %v", got)
	}
}

// The encoder refuses AllOrder that is not All, and an Order that does not
// name the items the data holds.
func TestESearchEncodeRejects(t *testing.T) {
	for _, d := range []*wire.ESearchData{
		{Has: wire.ESearchAll, All: seqset.MustParse("1:3"), AllOrder: []seqset.Range{{Start: 3, Stop: 1}, {Start: 5, Stop: 5}}},
		{Has: wire.ESearchAll, All: seqset.MustParse("1:3"), AllOrder: []seqset.Range{}},
		{Has: wire.ESearchMin | wire.ESearchMax, Min: 1, Max: 2, Order: []string{"MAX"}},
		{Has: wire.ESearchMin, Min: 1, Order: []string{"MIN", "X"}},
		{Extensions: []wire.Value{wire.Atom("X"), wire.Number(1)}, Order: []string{"Y"}},
	} {
		var b bytes.Buffer
		if err := NewResponseEncoder(&b, nil).WriteResponse(data("ESEARCH", d)); !errors.Is(err, ErrUnsupportedData) {
			t.Errorf("%+v: err = %v", d, err)
		}
	}
	// A correlator with MAILBOX writes TAG "" when there is no tag.
	got, err := writeResponse(t, data("ESEARCH", &wire.ESearchData{Mailbox: "a b", UIDValidity: 9, UID: true}), false)
	if err != nil || got != "* ESEARCH (TAG \"\" MAILBOX \"a b\" UIDVALIDITY 9) UID\r\n" {
		t.Errorf("= %q, %v", got, err)
	}
}
