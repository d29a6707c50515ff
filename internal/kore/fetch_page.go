package kore

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// FetchPage reads one answer of a GET endpoint through the request path (a signed token per attempt, the account
// budget, retries, the body cap, redacted errors) and returns its body as sent, undecoded. path is the endpoint
// under the host, such as "/api/public/bots"; query may be nil. The read is neither shared nor cached: FetchPage is
// for programs that must see an answer exactly as Kore.ai sent it, such as a check of the API's contract.
func (c *Client) FetchPage(ctx context.Context, path string, query url.Values) ([]byte, error) {
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("path %q must start with / and hold no query or fragment: pass the query apart", path)
	}
	target := c.apiBase + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	got, err := c.get(ctx, target, request{endpoint: path, page: -1})
	if err != nil {
		return nil, err
	}
	return got.body, nil
}
