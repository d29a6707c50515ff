package contract

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// Replay checks the recording in dir offline, as a live check would: every recorded answer is checked again, then
// the client reads every whole listing (and every Export Roles answer) from the recording through a replaying
// transport, and must get what the recorded pages hold. A recording whose answers do not add up fails, as the
// account would have.
func Replay(ctx context.Context, dir string) ([]*Result, error) {
	meta, err := LoadMetadata(dir)
	if err != nil {
		return nil, err
	}
	c, err := loadCassette(dir)
	if err != nil {
		return nil, err
	}
	exchanges, err := exchangesOf(c)
	if err != nil {
		return nil, err
	}
	transport, err := replayTransport(dir)
	if err != nil {
		return nil, err
	}
	// The recording holds no credentials: any token will do, since nothing is sent.
	client, err := kore.New(kore.Config{Host: "https://" + meta.Host, JWT: "replay", MaxRetries: 0,
		RequestsPerMinute: 1_000_000, RequestsPerHour: 1_000_000, Transport: transport})
	if err != nil {
		return nil, err
	}
	results := make([]*Result, 0, len(meta.Listings))
	for _, listed := range meta.Listings {
		e := endpointByKey(listed.Endpoint)
		result, recorded := checkEndpoint(e, exchanges, &listed, meta.PageSize)
		switch {
		case !e.listing():
			replayArray(ctx, client, e, exchanges, result)
			compareRead(result, readWhole(ctx, client, e, meta.PageSize), recorded, e)
		case listed.Complete:
			compareRead(result, readWhole(ctx, client, e, meta.PageSize), recorded, e)
		}
		results = append(results, result)
	}
	return results, nil
}

// replayArray reads a bare-array endpoint through the client again and compares the body with the recorded one.
func replayArray(ctx context.Context, client *kore.Client, e *endpoint, exchanges []*exchange, result *Result) {
	body, err := client.FetchPage(ctx, e.path, e.query)
	if err != nil {
		result.Failed = err.Error()
		return
	}
	for _, x := range exchanges {
		if e.matches(x) && bytes.Equal(x.body, body) {
			return
		}
	}
	result.Problems = append(result.Problems, "the client read another answer than the recorded one")
}

// Recordings lists the recordings under root (directories holding recording metadata), sorted.
func Recordings(root string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(root, "*", metadataFile))
	if err != nil {
		return nil, err
	}
	dirs := make([]string, 0, len(matches))
	for _, m := range matches {
		dirs = append(dirs, filepath.Dir(m))
	}
	if len(dirs) == 0 {
		if _, err := os.Stat(filepath.Join(root, metadataFile)); err == nil {
			return []string{root}, nil
		}
		return nil, fmt.Errorf("no recording under %s", root)
	}
	return dirs, nil
}
