package main

import "testing"

func TestMailbox(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"encode_ascii", []string{"encode", "INBOX.Sent Items"}},
		{"encode_ampersand", []string{"encode", "Tom & Jerry"}},
		{"encode_rfc3501", []string{"encode", "~peter/mail/台北/日本語"}},
		{"encode_invalid", []string{"encode", "a\xffb"}},
		{"decode_rfc3501", []string{"decode", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"}},
		{"decode_noncanonical", []string{"decode", "&AGE-"}},
		{"decode_unterminated", []string{"decode", "&Jjo"}},
		{"bad_operation", []string{"upcase", "x"}},
		{"missing_name", []string{"encode"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, "mailbox/"+tt.name, imapc("", append([]string{"mailbox"}, tt.args...)...))
		})
	}
}
