package vod

import "sync"

// segmentCache keeps the last few segments built, for players that fetch
// one twice (a seek back, a retry) or several viewers watching together.
type segmentCache struct {
	size int
	// mu guards items, most recently used last.
	mu    sync.Mutex
	items []cached
}

type cached struct {
	n    int
	data []byte
}

func (c *segmentCache) get(n int) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, it := range c.items {
		if it.n == n {
			c.items = append(append(c.items[:i:i], c.items[i+1:]...), it)
			return it.data, true
		}
	}
	return nil, false
}

func (c *segmentCache) put(n int, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, it := range c.items {
		if it.n == n {
			c.items = append(c.items[:i:i], c.items[i+1:]...)
			break
		}
	}
	if len(c.items) >= c.size {
		c.items = append(c.items[:0:0], c.items[1:]...)
	}
	c.items = append(c.items, cached{n: n, data: data})
}
