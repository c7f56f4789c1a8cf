package httpapi

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

const testID = 0x1234

// dnsReply is a length-prefixed DNS message with the test ID.
func dnsReply(t testing.TB, response bool, rcode dnsmessage.RCode, records int) []byte {
	t.Helper()
	m := dnsmessage.Message{
		Header:    dnsmessage.Header{ID: testID, Response: response, RCode: rcode},
		Questions: []dnsmessage.Question{{Name: dnsmessage.MustNewName("."), Type: dnsmessage.TypeNS, Class: dnsmessage.ClassINET}},
	}
	for range records {
		m.Answers = append(m.Answers, dnsmessage.Resource{
			Header: dnsmessage.ResourceHeader{Name: dnsmessage.MustNewName("."), Class: dnsmessage.ClassINET, TTL: 60},
			Body:   &dnsmessage.NSResource{NS: dnsmessage.MustNewName("a.root-servers.net.")},
		})
	}
	b, err := m.AppendPack([]byte{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	binary.BigEndian.PutUint16(b, uint16(len(b)-2))
	return b
}

// answerCases are what may come back, and what checkDNSAnswer says.
func answerCases(t testing.TB) []struct {
	name  string
	reply []byte
	want  string // "" for online
} {
	otherID := dnsReply(t, true, dnsmessage.RCodeSuccess, 1)
	otherID[3]++
	return []struct {
		name  string
		reply []byte
		want  string
	}{
		{"answer", dnsReply(t, true, dnsmessage.RCodeSuccess, 13), ""},
		{"answer in pieces", dnsReply(t, true, dnsmessage.RCodeSuccess, 1), ""},
		{"no records", dnsReply(t, true, dnsmessage.RCodeSuccess, 0), "with no records"},
		{"SERVFAIL", dnsReply(t, true, dnsmessage.RCodeServerFailure, 0), "answered SERVFAIL"},
		{"unnamed code", dnsReply(t, true, 9, 0), "answered response code 9"},
		{"the query echoed", dnsReply(t, false, dnsmessage.RCodeSuccess, 0), "came back as it was sent"},
		{"another ID", otherID, "not a DNS server answered"},
		{"cut short", dnsReply(t, true, dnsmessage.RCodeSuccess, 1)[:20], "closed in the middle of the DNS answer"},
		{"length without a message", []byte{0, 2, 0x12, 0x34}, "not a valid DNS message"},
		{"HTTP", []byte("HTTP/1.1 302 Found\r\nLocation: http://portal/\r\n\r\n"), `a proxy answered HTTP ("HTTP/1.1 302 Found")`},
		{"TLS", []byte{0x16, 0x03, 0x01, 0x00, 0x10}, "something answered TLS"},
		{"text", []byte("220 portal ESMTP\r\n"), `something answered "220 portal ESMTP"`},
		{"a byte", []byte{7}, "not a DNS server answered (07)"},
		{"nothing", nil, "closed without a DNS answer"},
	}
}

func TestCheckDNSAnswer(t *testing.T) {
	for _, c := range answerCases(t) {
		t.Run(c.name, func(t *testing.T) {
			var r interface{ Read([]byte) (int, error) } = bytes.NewReader(c.reply)
			if strings.Contains(c.name, "pieces") {
				r = &oneByteReader{b: c.reply}
			}
			err := checkDNSAnswer(r, testID, time.Second)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("error %v, want online", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

// TestCheckDNSAnswerHTTPWithTheID: HTTP is recognised even when its
// bytes 2 and 3, "TP", happen to be the query's ID.
func TestCheckDNSAnswerHTTPWithTheID(t *testing.T) {
	err := checkDNSAnswer(strings.NewReader("HTTP/1.1 200 OK\r\n"), 'T'<<8|'P', time.Second)
	if err == nil || !strings.Contains(err.Error(), "a proxy answered HTTP") {
		t.Fatalf("error %v, want one saying a proxy answered HTTP", err)
	}
}

// oneByteReader hands out one byte per Read, as a slow network may.
type oneByteReader struct{ b []byte }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, bytes.ErrTooLarge // never reached by a whole answer
	}
	p[0], r.b = r.b[0], r.b[1:]
	return 1, nil
}

// FuzzCheckDNSAnswer feeds anything as the answer: no panic, and online
// only for a DNS response with the query's ID.
func FuzzCheckDNSAnswer(f *testing.F) {
	for _, c := range answerCases(f) {
		f.Add(c.reply)
	}
	f.Fuzz(func(t *testing.T, reply []byte) {
		err := checkDNSAnswer(bytes.NewReader(reply), testID, time.Second)
		if err != nil {
			return
		}
		var m dnsmessage.Message
		if len(reply) < 4 || m.Unpack(reply[2:2+int(binary.BigEndian.Uint16(reply))]) != nil ||
			m.ID != testID || !m.Response || m.RCode != dnsmessage.RCodeSuccess || len(m.Answers) == 0 {
			t.Fatalf("online for %q", reply)
		}
	})
}
