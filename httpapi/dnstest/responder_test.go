package dnstest

import (
	"encoding/binary"
	"io"
	"net"
	"runtime"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// ask sends one query over c and returns the answer.
func ask(t *testing.T, c net.Conn, id uint16, typ dnsmessage.Type) dnsmessage.Message {
	t.Helper()
	q := dnsmessage.Message{
		Header:    dnsmessage.Header{ID: id, RecursionDesired: true},
		Questions: []dnsmessage.Question{{Name: dnsmessage.MustNewName("example.test."), Type: typ, Class: dnsmessage.ClassINET}},
	}
	b, err := q.AppendPack([]byte{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	binary.BigEndian.PutUint16(b, uint16(len(b)-2))
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(b); err != nil {
		t.Fatal(err)
	}
	var size [2]byte
	if _, err := io.ReadFull(c, size[:]); err != nil {
		t.Fatal(err)
	}
	reply := make([]byte, binary.BigEndian.Uint16(size[:]))
	if _, err := io.ReadFull(c, reply); err != nil {
		t.Fatal(err)
	}
	var m dnsmessage.Message
	if err := m.Unpack(reply); err != nil {
		t.Fatalf("the answer does not parse: %v", err)
	}
	return m
}

func TestResponderAnswers(t *testing.T) {
	base := runtime.NumGoroutine()
	r := &Responder{}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	if err := CheckLoopback(r.Addr()); err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Several queries on one connection, as DNS over TCP allows.
	for i, c2 := range []struct {
		typ  dnsmessage.Type
		want string
	}{
		{dnsmessage.TypeNS, "localhost."},
		{dnsmessage.TypeA, "127.0.0.1"},
		{dnsmessage.TypeAAAA, "::1"},
		{dnsmessage.TypeMX, ""},
	} {
		id := uint16(0x100 + i)
		m := ask(t, c, id, c2.typ)
		if m.ID != id || !m.Response || m.RCode != dnsmessage.RCodeSuccess || len(m.Questions) != 1 || m.Questions[0].Type != c2.typ {
			t.Fatalf("%v: answer %+v, want a response to query %#x", c2.typ, m.Header, id)
		}
		var got string
		if len(m.Answers) == 1 {
			switch b := m.Answers[0].Body.(type) {
			case *dnsmessage.NSResource:
				got = b.NS.String()
			case *dnsmessage.AResource:
				got = net.IP(b.A[:]).String()
			case *dnsmessage.AAAAResource:
				got = net.IP(b.AAAA[:]).String()
			}
		}
		if got != c2.want || len(m.Answers) > 1 {
			t.Fatalf("%v: answers %v, want %q", c2.typ, m.Answers, c2.want)
		}
	}
	if r.Queries() != 4 {
		t.Fatalf("Queries() = %d, want 4", r.Queries())
	}
	// Close drops the open connection and leaves no goroutine.
	r.Close()
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("the connection is still open after Close")
	}
	c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after Close, %d before", runtime.NumGoroutine(), base)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestResponderRCode(t *testing.T) {
	r := &Responder{RCode: dnsmessage.RCodeServerFailure}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c, err := net.Dial("tcp", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if m := ask(t, c, 7, dnsmessage.TypeNS); m.ID != 7 || m.RCode != dnsmessage.RCodeServerFailure || len(m.Answers) != 0 {
		t.Fatalf("answer %+v with %d records, want SERVFAIL and none", m.Header, len(m.Answers))
	}
}
