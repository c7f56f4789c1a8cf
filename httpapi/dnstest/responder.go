package dnstest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"

	"golang.org/x/net/dns/dnsmessage"
)

// Responder is a DNS server over TCP on a loopback port. It answers every
// query with the query's ID and question: NS questions with the name
// server "localhost.", A with 127.0.0.1, AAAA with ::1, others with no
// record. It resolves nothing and never asks another server.
type Responder struct {
	// RCode is the response code of every answer; answers carry records
	// only with RCodeSuccess. It defaults to RCodeSuccess (NOERROR).
	RCode dnsmessage.RCode

	ln      net.Listener
	queries atomic.Int64
	wg      sync.WaitGroup // the accept loop and one goroutine per connection

	mu     sync.Mutex // guards conns and closed
	conns  map[net.Conn]struct{}
	closed bool
}

// Start listens on a free port of 127.0.0.1 and answers until Close.
func (r *Responder) Start() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("dns responder: %w", err)
	}
	r.ln = ln
	r.conns = map[net.Conn]struct{}{}
	r.wg.Add(1)
	go r.accept()
	return nil
}

// Addr is the HOST:PORT to ask, for --probe, once started.
func (r *Responder) Addr() string { return r.ln.Addr().String() }

// Queries is how many queries it has answered.
func (r *Responder) Queries() int { return int(r.queries.Load()) }

// Close stops listening, drops every connection and waits for its
// goroutines. It does nothing before Start.
func (r *Responder) Close() {
	if r.ln == nil {
		return
	}
	r.mu.Lock()
	r.closed = true
	for c := range r.conns {
		_ = c.Close()
	}
	r.mu.Unlock()
	_ = r.ln.Close()
	r.wg.Wait()
}

func (r *Responder) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return // closed
		}
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			_ = c.Close()
			return
		}
		r.conns[c] = struct{}{}
		r.wg.Add(1)
		r.mu.Unlock()
		go r.serve(c)
	}
}

// serve answers the queries of one connection until it ends; a message
// that is not a query ends it.
func (r *Responder) serve(c net.Conn) {
	defer r.wg.Done()
	defer func() {
		r.mu.Lock()
		delete(r.conns, c)
		r.mu.Unlock()
		_ = c.Close()
	}()
	for {
		var size [2]byte
		if _, err := io.ReadFull(c, size[:]); err != nil {
			return
		}
		query := make([]byte, binary.BigEndian.Uint16(size[:]))
		if _, err := io.ReadFull(c, query); err != nil {
			return
		}
		reply, err := r.answer(query)
		if err != nil {
			return
		}
		if _, err := c.Write(reply); err != nil {
			return
		}
		r.queries.Add(1)
	}
}

// answer builds the length-prefixed reply to query.
func (r *Responder) answer(query []byte) ([]byte, error) {
	var q dnsmessage.Message
	if err := q.Unpack(query); err != nil {
		return nil, err
	}
	if q.Response {
		return nil, errors.New("not a query")
	}
	m := dnsmessage.Message{
		Header: dnsmessage.Header{
			ID: q.ID, Response: true, RecursionDesired: q.RecursionDesired,
			RecursionAvailable: true, RCode: r.RCode,
		},
		Questions: q.Questions,
	}
	if r.RCode == dnsmessage.RCodeSuccess {
		for _, question := range q.Questions {
			if body := record(question.Type); body != nil {
				m.Answers = append(m.Answers, dnsmessage.Resource{
					Header: dnsmessage.ResourceHeader{Name: question.Name, Class: question.Class, TTL: 60},
					Body:   body,
				})
			}
		}
	}
	reply, err := m.AppendPack([]byte{0, 0})
	if err != nil {
		return nil, err
	}
	binary.BigEndian.PutUint16(reply, uint16(len(reply)-2))
	return reply, nil
}

// record is the answer to a question of type t, nil for none.
func record(t dnsmessage.Type) dnsmessage.ResourceBody {
	switch t {
	case dnsmessage.TypeNS:
		return &dnsmessage.NSResource{NS: dnsmessage.MustNewName("localhost.")}
	case dnsmessage.TypeA:
		return &dnsmessage.AResource{A: [4]byte{127, 0, 0, 1}}
	case dnsmessage.TypeAAAA:
		return &dnsmessage.AAAAResource{AAAA: [16]byte{15: 1}}
	}
	return nil
}
