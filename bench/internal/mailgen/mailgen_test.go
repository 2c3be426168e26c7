package mailgen

import (
	"bytes"
	"net/mail"
	"testing"
)

func TestMessageDeterministicAndParses(t *testing.T) {
	for _, size := range []int{2000, 9000, 150_000, 2_000_000} {
		for i := 0; i < 20; i++ {
			a, b := Message(1, i, size), Message(1, i, size)
			if !bytes.Equal(a, b) {
				t.Fatalf("Message(1, %d, %d) differs between calls", i, size)
			}
			if len(a) < size/2 || len(a) > size*2+4000 {
				t.Errorf("Message(1, %d, %d): %d bytes", i, size, len(a))
			}
			m, err := mail.ReadMessage(bytes.NewReader(a))
			if err != nil {
				t.Fatalf("Message(1, %d, %d) does not parse: %v", i, size, err)
			}
			if m.Header.Get("Subject") == "" || m.Header.Get("Content-Type") == "" {
				t.Errorf("Message(1, %d, %d): missing headers", i, size)
			}
		}
	}
}

func TestSizeRange(t *testing.T) {
	for i := 0; i < 1000; i++ {
		if s := Size(3, i, 2000, 2_000_000); s < 2000 || s > 2_000_000 {
			t.Fatalf("Size(3, %d) = %d", i, s)
		}
	}
}
