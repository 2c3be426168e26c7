package client

import (
	"net"
	"testing"
)

func newPipe(t *testing.T) (net.Conn, net.Conn) {
	cc, sc := net.Pipe()
	t.Cleanup(func() { cc.Close(); sc.Close() })
	return cc, sc
}
