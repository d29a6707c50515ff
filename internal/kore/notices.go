package kore

import "sync"

// Notice is something the user should read in Terraform's output rather than in a log: the budget or the cache
// stopped being shared, and why. The provider shows each as a warning of the next read (or of its configuration).
type Notice struct {
	Summary string
	Detail  string
}

// notices collects the client's notices until they are taken.
type notices struct {
	mu      sync.Mutex
	pending []Notice
}

func (n *notices) add(notice Notice) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.pending = append(n.pending, notice)
}

// TakeNotices returns the notices since the last call, each once, redacted.
func (c *Client) TakeNotices() []Notice {
	c.notices.mu.Lock()
	defer c.notices.mu.Unlock()
	taken := c.notices.pending
	c.notices.pending = nil
	for i := range taken {
		taken[i].Detail = c.Redact(taken[i].Detail)
	}
	return taken
}
