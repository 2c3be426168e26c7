package codec

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imapkit/imapkit/wire"
)

func TestCommandDecoder(t *testing.T) {
	in := decLines(
		"A1 LOGIN {4}",
		`fred "pass word"`,
		"A2 uid fetch 1:*,5 (BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.100> FLAGS)",
		`A3 APPEND INBOX (\Seen) " 1-Jan-2024 00:00:00 +0000" {3+}`,
		"abc ~{2}",
		"\x00x",
		"A4 NOOP",
		"A5 STORE 2 +FLAGS.SILENT (\\Deleted)",
	)
	var syncs []int64
	d := NewCommandDecoder(strings.NewReader(in), nil)
	var got []*wire.Command
	for {
		cmd, err := d.ReadCommand(func(size int64) error {
			syncs = append(syncs, size)
			return nil
		})
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, cmd)
	}
	lit := func(s string, form wire.StringForm) wire.Value {
		return wire.Value{Kind: wire.KindString, Form: form, Str: s, Size: int64(len(s))}
	}
	want := []*wire.Command{
		{Tag: "A1", Name: "LOGIN", Args: []wire.Value{lit("fred", wire.FormLiteral), vQuoted("pass word")}},
		{Tag: "A2", Name: "UID FETCH", Args: []wire.Value{vAtom("1:*,5"), vList(vAtom("BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.100>"), vAtom("FLAGS"))}},
		{Tag: "A3", Name: "APPEND", Args: []wire.Value{vAtom("INBOX"), vList(vAtom(`\Seen`)), vQuoted(" 1-Jan-2024 00:00:00 +0000"), lit("abc", wire.FormLiteral), lit("\x00x", wire.FormLiteral8)}},
		{Tag: "A4", Name: "NOOP"},
		{Tag: "A5", Name: "STORE", Args: []wire.Value{vNum(2), vAtom("+FLAGS.SILENT"), vList(vAtom(`\Deleted`))}},
	}
	if diff := cmp.Diff(want, got, decCmpOpts); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	// {4} and ~{2} are synchronizing, {3+} is not.
	if len(syncs) != 2 || syncs[0] != 4 || syncs[1] != 2 {
		t.Errorf("onSyncLiteral calls %v; want [4 2]", syncs)
	}
}

func TestCommandDecoderRejectsLiteral(t *testing.T) {
	no := errors.New("NO too big")
	d := NewCommandDecoder(strings.NewReader("A1 APPEND INBOX {99999}\r\n"), nil)
	if _, err := d.ReadCommand(func(int64) error { return no }); err != no {
		t.Errorf("ReadCommand = %v; want the callback's error", err)
	}
	if _, err := d.ReadCommand(nil); err != no {
		t.Errorf("second ReadCommand = %v; want the same error", err)
	}
}

func TestCommandDecoderRecovers(t *testing.T) {
	d := NewCommandDecoder(strings.NewReader("A1 FETCH 1 (FLAGS\r\nA2 NOOP\r\n"), nil)
	_, err := d.ReadCommand(nil)
	var se *SyntaxError
	if !errors.As(err, &se) || se.Offset != 17 {
		t.Fatalf("ReadCommand = %v; want a syntax error at offset 17", err)
	}
	cmd, err := d.ReadCommand(nil)
	if err != nil || cmd.Tag != "A2" || cmd.Name != "NOOP" || d.Offset() != 28 {
		t.Errorf("after the error: %+v, %v, offset %d", cmd, err, d.Offset())
	}
}

func TestCommandDecoderReadLine(t *testing.T) {
	d := NewCommandDecoder(strings.NewReader("A1 IDLE\r\nDONE\r\nA2 AUTHENTICATE PLAIN\r\ndGVzdAB0ZXN0AHRlc3Q=\r\n"), nil)
	var got []string
	for i := 0; i < 4; i++ {
		if i%2 == 0 {
			cmd, err := d.ReadCommand(nil)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, cmd.Name)
		} else {
			line, err := d.ReadLine()
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, line)
		}
	}
	if want := []string{"IDLE", "DONE", "AUTHENTICATE", "dGVzdAB0ZXN0AHRlc3Q="}; !cmp.Equal(got, want) {
		t.Errorf("got %q; want %q", got, want)
	}
	if _, err := d.ReadLine(); err != io.EOF {
		t.Errorf("ReadLine at the end = %v", err)
	}
	d.Reset(strings.NewReader("A3 LOGOUT\r\n"))
	if cmd, err := d.ReadCommand(nil); err != nil || cmd.Name != "LOGOUT" || d.Buffered() != 0 {
		t.Errorf("after Reset: %+v, %v", cmd, err)
	}
}

func TestCommandDecoderLimits(t *testing.T) {
	d := NewCommandDecoder(strings.NewReader("A1 LOGIN "+strings.Repeat("x", 100)+"\r\n"), &DecoderOptions{MaxLineLength: 50})
	if _, err := d.ReadCommand(nil); !errors.Is(err, ErrLineTooLong) {
		t.Errorf("ReadCommand = %v; want ErrLineTooLong", err)
	}
	if _, err := d.ReadCommand(nil); !errors.Is(err, ErrLineTooLong) {
		t.Errorf("a limit error is permanent; got %v", err)
	}
}
