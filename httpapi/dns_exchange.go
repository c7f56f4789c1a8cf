package httpapi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// dnsExchange sends one DNS query over conn, the way DNS runs over TCP (a
// 2-byte length before each message, RFC 1035 4.2.2), and checks the
// answer. The query asks for the root zone's name servers, which every
// recursive resolver answers. It counts as online only when the answer
// carries the query's random ID, is a response, has the code NOERROR and
// at least one record: SERVFAIL or REFUSED are DNS too, but they are what
// a resolver that reaches nothing, or a captive portal's own one, answers.
// Anything else is an error naming what came back, for the studio.
// timeout is only for the message saying that nothing came in time.
func dnsExchange(conn net.Conn, timeout time.Duration) error {
	id := uint16(rand.Uint32())
	q := dnsmessage.Message{
		Header: dnsmessage.Header{ID: id, RecursionDesired: true},
		Questions: []dnsmessage.Question{{
			Name: dnsmessage.MustNewName("."), Type: dnsmessage.TypeNS, Class: dnsmessage.ClassINET,
		}},
	}
	query, err := q.AppendPack([]byte{0, 0})
	if err != nil {
		return fmt.Errorf("building the DNS query: %w", err)
	}
	binary.BigEndian.PutUint16(query, uint16(len(query)-2))
	if _, err := conn.Write(query); err != nil {
		return fmt.Errorf("sending the DNS query: %w", err)
	}
	return checkDNSAnswer(conn, id, timeout)
}

// checkDNSAnswer reads the answer to the query with ID id from r and says
// why it does not count, nil when it does.
func checkDNSAnswer(r io.Reader, id uint16, timeout time.Duration) error {
	reply, err := readDNSReply(r, id)
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) && len(reply) == 0 {
			return fmt.Errorf("no DNS answer within %v", timeout)
		}
		return err
	}
	var m dnsmessage.Message
	if err := m.Unpack(reply); err != nil {
		return fmt.Errorf("the answer is not a valid DNS message: %w", err)
	}
	switch {
	case !m.Response:
		return errors.New("the DNS query came back as it was sent: something echoes, no DNS server answered")
	case m.RCode != dnsmessage.RCodeSuccess:
		return fmt.Errorf("the DNS server answered %s", rcodeName(m.RCode))
	case len(m.Answers) == 0:
		return errors.New("the DNS server answered with no records")
	}
	return nil
}

// readDNSReply reads one length-prefixed message whose ID is id. As soon
// as what arrives cannot be that (another ID), or the connection ends
// early, the error describes what came instead.
func readDNSReply(r io.Reader, id uint16) ([]byte, error) {
	buf := make([]byte, 0, 512)
	chunk := make([]byte, 512)
	for {
		n, err := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		// "HTTP/" is checked too: its bytes 2 and 3 may match the ID.
		if len(buf) >= 4 && (binary.BigEndian.Uint16(buf[2:4]) != id || strings.HasPrefix(string(buf), "HTTP")) {
			return buf, notDNS(buf)
		}
		if len(buf) >= 2 {
			if size := int(binary.BigEndian.Uint16(buf)); len(buf) >= 2+size {
				return buf[2 : 2+size], nil
			}
		}
		if err == nil {
			continue
		}
		switch {
		case len(buf) >= 4:
			if errors.Is(err, io.EOF) {
				return buf, errors.New("the connection closed in the middle of the DNS answer")
			}
			return buf, fmt.Errorf("the DNS answer did not arrive whole: %w", err)
		case len(buf) > 0:
			return buf, notDNS(buf)
		case errors.Is(err, io.EOF):
			return nil, errors.New("the connection closed without a DNS answer")
		}
		return nil, err
	}
}

// notDNS names what sent b, the first bytes that came back: what a
// captive portal or a proxy on the path answers.
func notDNS(b []byte) error {
	text := firstLine(b)
	switch {
	case strings.HasPrefix(text, "HTTP/"):
		return fmt.Errorf("a proxy answered HTTP (%q), not DNS", text)
	case len(b) >= 2 && b[0] >= 0x14 && b[0] <= 0x17 && b[1] == 0x03:
		// A TLS record: content type, then major version 3.
		return errors.New("something answered TLS, not DNS")
	case len(text) >= 3:
		return fmt.Errorf("something answered %q, not DNS", text)
	}
	return fmt.Errorf("something that is not a DNS server answered (% x)", b[:min(len(b), 8)])
}

// firstLine is the start of b up to its first line end when that much is
// printable text, else "".
func firstLine(b []byte) string {
	const limit = 60
	end := 0
	for end < len(b) && end < limit && b[end] != '\r' && b[end] != '\n' {
		if b[end] < 0x20 || b[end] > 0x7e {
			return ""
		}
		end++
	}
	return string(b[:end])
}

// rcodeName is the response code's name as DNS tools print it.
func rcodeName(c dnsmessage.RCode) string {
	switch c {
	case dnsmessage.RCodeFormatError:
		return "FORMERR"
	case dnsmessage.RCodeServerFailure:
		return "SERVFAIL"
	case dnsmessage.RCodeNameError:
		return "NXDOMAIN"
	case dnsmessage.RCodeNotImplemented:
		return "NOTIMP"
	case dnsmessage.RCodeRefused:
		return "REFUSED"
	}
	return fmt.Sprintf("response code %d", c)
}
