package binary_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/binary"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Dovecot 2.3 and Cyrus 3.6 offer BINARY; Courier 5.0 does not.
func TestLiveBinaryAppend(t *testing.T) {
	livetest.Run(t, nil, []string{"BINARY"}, testLiveBinaryAppend)
}

func testLiveBinaryAppend(t *testing.T, env livetest.Env, c *client.Conn) {
	ctx := livetest.Ctx(t)
	mbox := env.Mailbox(t, c, "imapkit-ext-binary")
	body := "MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n\x00\x01\x02\xff\xfe binary\x00\r\n"
	res, err := binary.Append(ctx, c, mbox, strings.NewReader(body), int64(len(body)), nil)
	if err != nil || res.UID == 0 {
		t.Fatalf("Append = %+v, %v", res, err)
	}
	if _, err := c.Select(ctx, mbox, nil); err != nil {
		t.Fatal(err)
	}
	fc, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{Sections: []client.FetchSection{
		{Binary: true}, {Binary: true, Section: wire.Section{Part: []int{1}}},
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := fc.CollectMessages(ctx)
	if err != nil || len(data) != 1 || len(data[0].Sections) != 2 {
		t.Fatalf("FETCH BINARY.PEEK[] BINARY.PEEK[1]: %+v, %v", data, err)
	}
	const raw = "\x00\x01\x02\xff\xfe binary\x00"
	var whole, part []byte
	for _, sd := range data[0].Sections {
		if len(sd.Section.Part) == 0 {
			whole = sd.Data
		} else {
			part = sd.Data
		}
	}
	// BINARY[1] is the decoded content on every server.
	if string(part) != raw+"\r\n" {
		t.Errorf("BINARY[1] = %q; want %q", part, raw+"\r\n")
	}
	if env.Name == "cyrus" {
		// Cyrus 3.6 stores the binary part in base64, as RFC 3516 §4.4
		// allows ("The server MAY modify the CTE of the appended data"),
		// so BINARY[] (the whole message, which has no CTE of its own)
		// is the re-encoded message:
		//   Content-Transfer-Encoding: base64\r\n\r\nAAEC//4gYmluYXJ5AA0K\r\n
		if !bytes.Contains(whole, []byte("Content-Transfer-Encoding: base64\r\n\r\nAAEC//4gYmluYXJ5AA0K")) {
			t.Errorf("BINARY[] = %q; want Cyrus's base64 form", whole)
		}
		return
	}
	if !bytes.Contains(whole, []byte(raw)) {
		t.Fatalf("BINARY[] = %q; want the NUL bytes back", whole)
	}
}
