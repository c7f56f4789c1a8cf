package llhls

import (
	"errors"
	"sync"
)

// Why a waiting request was refused; both are answered 429.
var (
	errStreamWaiting = errors.New("too many requests waiting for the stream")
	errClientWaiting = errors.New("too many requests of this client waiting for the stream")
)

// waiters holds the slots of the requests waiting for media: at most max
// in all and perClient per client, so that one client cannot take the
// slots of the others. Memory is bounded: a client has an entry only while
// it holds a slot, so there are never more than max entries.
type waiters struct {
	max, perClient int

	mu       sync.Mutex // guards total and byClient
	total    int
	byClient map[string]int // slots held per client; no zero entries
}

func (w *waiters) init(max, perClient int) {
	w.max, w.perClient = max, perClient
	w.byClient = map[string]int{}
}

// take holds a slot for client, or says why there is none.
func (w *waiters) take(client string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.byClient[client] >= w.perClient:
		return errClientWaiting
	case w.total >= w.max:
		return errStreamWaiting
	}
	w.total++
	w.byClient[client]++
	return nil
}

// give frees a slot take held for client.
func (w *waiters) give(client string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.total--
	if n := w.byClient[client] - 1; n > 0 {
		w.byClient[client] = n
	} else {
		delete(w.byClient, client)
	}
}

// held reports the slots held in all and how many clients hold them.
func (w *waiters) held() (total, clients int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.total, len(w.byClient)
}
