package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"time"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// Files of a recording directory.
const (
	cassetteName = "cassette"       // go-vcr adds .yaml
	metadataFile = "recording.json" // what was read, and which listings are whole
)

// Metadata says what a recording holds.
type Metadata struct {
	Host     string    `json:"host"`      // the host checked, without scheme
	Recorded time.Time `json:"recorded"`  // when, UTC
	PageSize int       `json:"page_size"` // the limit of the listings' pages
	// Listings has one entry per endpoint read, in the order read.
	Listings []Listing `json:"listings"`
}

// Listing says how one endpoint was read.
type Listing struct {
	Endpoint string `json:"endpoint"` // the endpoint's short name, such as "groups" or "roles-export-admin"
	// Complete is true when every page was recorded and the client's own read of the whole listing went through
	// the recorder; false when only the first pages were, to spare the account's request budget.
	Complete bool `json:"complete"`
	Pages    int  `json:"pages"` // pages of PageSize recorded
	Total    int  `json:"total"` // the total the first page announced
}

// listing returns how endpoint key was read, or nil.
func (m *Metadata) listing(key string) *Listing {
	for i := range m.Listings {
		if m.Listings[i].Endpoint == key {
			return &m.Listings[i]
		}
	}
	return nil
}

func writeMetadata(dir string, m *Metadata) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, metadataFile), append(data, '\n'), 0o644)
}

// LoadMetadata reads the metadata of the recording in dir.
func LoadMetadata(dir string) (*Metadata, error) {
	data, err := os.ReadFile(filepath.Join(dir, metadataFile))
	if err != nil {
		return nil, err
	}
	m := &Metadata{}
	if err := json.Unmarshal(data, m); err != nil {
		return nil, fmt.Errorf("%s: %w", metadataFile, err)
	}
	if m.PageSize < 1 {
		return nil, fmt.Errorf("%s: page_size is %d", metadataFile, m.PageSize)
	}
	for _, l := range m.Listings {
		if endpointByKey(l.Endpoint) == nil {
			return nil, fmt.Errorf("%s: unknown endpoint %q", metadataFile, l.Endpoint)
		}
	}
	return m, nil
}

// loadCassette reads the recorded interactions of dir, each answerable any number of times.
func loadCassette(dir string) (*cassette.Cassette, error) {
	c, err := cassette.Load(filepath.Join(dir, cassetteName))
	if err != nil {
		return nil, err
	}
	c.Matcher = matchRequest
	c.ReplayableInteractions = true
	return c, nil
}

// exchangesOf turns recorded interactions into exchanges for the checks.
func exchangesOf(c *cassette.Cassette) ([]*exchange, error) {
	out := make([]*exchange, 0, len(c.Interactions))
	for _, i := range c.Interactions {
		u, err := url.Parse(i.Request.URL)
		if err != nil {
			return nil, fmt.Errorf("interaction %d: %w", i.ID, err)
		}
		out = append(out, &exchange{path: u.Path, query: u.Query(), status: i.Response.Code,
			body: []byte(i.Response.Body)})
	}
	return out, nil
}

// matchRequest matches a request with a recorded one by method, path and query parameters, whatever the host and
// the headers: a replay serves the answers on another address, and the recording holds no auth header.
func matchRequest(r *http.Request, recorded cassette.Request) bool {
	u, err := url.Parse(recorded.URL)
	if err != nil || r.Method != recorded.Method || r.URL.Path != u.Path {
		return false
	}
	return reflect.DeepEqual(r.URL.Query(), u.Query())
}

// discard is a debug writer for go-vcr that is not io.Discard: go-vcr replaces io.Discard with stderr when
// VCR_DEBUG is set, and its debug lines would show requests with their auth header.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// errNoNetwork is the real transport of a replay: nothing is ever sent.
var errNoNetwork = errors.New("a replay sends no request: this request is not in the recording")

type noNetwork struct{}

func (noNetwork) RoundTrip(*http.Request) (*http.Response, error) { return nil, errNoNetwork }

// replayTransport answers from the recording in dir, offline.
func replayTransport(dir string) (*recorder.Recorder, error) {
	return recorder.New(filepath.Join(dir, cassetteName),
		recorder.WithMode(recorder.ModeReplayOnly),
		recorder.WithMatcher(matchRequest),
		recorder.WithReplayableInteractions(true),
		recorder.WithSkipRequestLatency(true),
		recorder.WithRealTransport(noNetwork{}),
		recorder.WithDebugWriter(discard{}),
	)
}

// NewReplayServer serves the recording in dir on a loopback address, as Kore.ai answered, for a provider to read
// offline; a request the recording lacks is answered 404 with Kore.ai's error envelope. Close it when done.
func NewReplayServer(dir string) (*httptest.Server, error) {
	c, err := loadCassette(dir)
	if err != nil {
		return nil, err
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, err := c.GetInteraction(r)
		if err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{
				"msg": fmt.Sprintf("not in the recording: %s %s", r.Method, r.URL.RequestURI()), "code": 404}}})
			return
		}
		for name, values := range i.Response.Headers {
			w.Header()[name] = values
		}
		w.WriteHeader(i.Response.Code)
		_, _ = w.Write([]byte(i.Response.Body))
	})), nil
}
