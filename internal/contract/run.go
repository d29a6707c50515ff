package contract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// Bounds of a check, to stay well inside the account's budget of 60 requests a minute and 1,800 an hour.
const (
	// PageSize is the limit of every page read, the provider's default.
	PageSize = kore.MaxPageSize
	// maxWholePages is the longest listing read whole, through the client's own read.
	maxWholePages = 5
	// partialPages is how many pages of a longer listing are read.
	partialPages = 3
	// probeLimit is the page size of the two requests that tell what offset means: with two items a page, offset=1
	// is the third item as a page number and the second as records to skip.
	probeLimit = 2
	// maxRecordingBytes bounds the answers a recording keeps in memory before it is written.
	maxRecordingBytes = 256 << 20
)

// ErrUsage is the error of a check that is missing its settings.
var ErrUsage = errors.New("usage")

// Settings are what a check reads from the environment.
type Settings struct {
	Host, ClientID, ClientSecret, JWT string
	// CacheDir holds the account budget shared with the provider processes of this machine: the provider's default
	// (the user's cache directory's terraform-provider-kore) unless KORE_CACHE_DIR names another.
	CacheDir string
	// Dir is where the recording is written: KORE_CONTRACT_DIR, else testdata/contract/<host>-<UTC date>.
	Dir string
	// Endpoints are the short names of the endpoints to check; nil means every one.
	Endpoints []string
}

// SettingsFromEnv reads the settings from KORE_HOST, KORE_CLIENT_ID, KORE_CLIENT_SECRET, KORE_JWT, KORE_CACHE_DIR
// and KORE_CONTRACT_DIR. It fails, wrapping ErrUsage, when the host or the credentials are missing.
func SettingsFromEnv(getenv func(string) string, now time.Time) (*Settings, error) {
	s := &Settings{
		Host: strings.TrimSpace(getenv("KORE_HOST")), ClientID: getenv("KORE_CLIENT_ID"),
		ClientSecret: getenv("KORE_CLIENT_SECRET"), JWT: getenv("KORE_JWT"),
		CacheDir: strings.TrimSpace(getenv("KORE_CACHE_DIR")), Dir: strings.TrimSpace(getenv("KORE_CONTRACT_DIR")),
	}
	if s.Host == "" || (s.JWT == "" && (s.ClientID == "" || s.ClientSecret == "")) {
		return nil, fmt.Errorf("%w: set KORE_HOST and either KORE_CLIENT_ID + KORE_CLIENT_SECRET or KORE_JWT, for "+
			"an Admin Console app of the account to check (API scope Profile Management > Role Management)", ErrUsage)
	}
	base, err := kore.ParseHost(s.Host)
	if err != nil {
		return nil, fmt.Errorf("%w: KORE_HOST: %w", ErrUsage, err)
	}
	if s.CacheDir == "" {
		if userCache, err := os.UserCacheDir(); err == nil && userCache != "" {
			s.CacheDir = filepath.Join(userCache, "terraform-provider-kore") // the provider's default cache_dir
		}
	}
	if s.Dir == "" {
		s.Dir = filepath.Join("testdata", "contract", fileSafe(base.Host)+"-"+now.UTC().Format("2006-01-02"))
	}
	return s, nil
}

var unsafeInFileName = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

func fileSafe(s string) string { return unsafeInFileName.ReplaceAllString(s, "_") }

// Run checks the account: it reads every endpoint the provider uses through the client, with a recorder beneath
// it, writes the scrubbed recording under s.Dir and prints one line per endpoint to out. It returns the results;
// an error means the check itself could not be made or written.
func Run(ctx context.Context, s *Settings, now time.Time, out io.Writer) ([]*Result, error) {
	selected, err := selectEndpoints(s.Endpoints)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return nil, err
	}
	capture := &capture{}
	scrub := newScrubber(s.ClientSecret, s.JWT)
	rec, err := recorder.New(filepath.Join(s.Dir, cassetteName),
		recorder.WithMode(recorder.ModeRecordOnly),
		recorder.WithRealTransport(cappedTransport{cleanhttp.DefaultPooledTransport()}),
		recorder.WithSkipRequestLatency(true),
		recorder.WithHook(capture.keep, recorder.AfterCaptureHook),
		recorder.WithHook(scrub.interaction, recorder.BeforeSaveHook),
		recorder.WithDebugWriter(discard{}),
	)
	if err != nil {
		return nil, err
	}
	// One request at a time: the recording's order, and so its pseudonyms, do not depend on timing.
	client, err := kore.New(kore.Config{Host: s.Host, ClientID: s.ClientID, ClientSecret: s.ClientSecret, JWT: s.JWT,
		CacheDir: s.CacheDir, MaxRetries: 3, MaxConcurrency: 1, UserAgent: kore.DefaultUserAgent + " contract check",
		Transport: rec})
	if err != nil {
		return nil, err
	}
	base := client.BaseURL()
	meta := &Metadata{Host: base.Host, Recorded: now.UTC().Truncate(time.Second), PageSize: PageSize}
	failed := map[string]string{}
	reads := map[string]clientRead{}
	for _, e := range selected {
		listed, read, err := readEndpoint(ctx, client, e)
		if err != nil {
			failed[e.key] = err.Error() // the client's errors are redacted
		}
		if listed != nil {
			meta.Listings = append(meta.Listings, *listed)
		}
		if read != nil {
			reads[e.key] = *read
		}
	}

	if err := rec.Stop(); err != nil { // scrubs, then writes the cassette
		return nil, fmt.Errorf("writing the recording: %w", err)
	}
	if err := writeMetadata(s.Dir, meta); err != nil {
		return nil, err
	}
	if err := CheckScrubbed(s.Dir, s.ClientSecret, s.JWT); err != nil {
		_ = os.Remove(filepath.Join(s.Dir, cassetteName+".yaml"))
		return nil, fmt.Errorf("the recording was removed because it was not scrubbed: %w", err)
	}

	results := make([]*Result, 0, len(selected))
	for _, e := range selected {
		result, recorded := checkEndpoint(e, capture.exchanges, meta.listing(e.key), PageSize)
		if reason, ok := failed[e.key]; ok {
			result = &Result{Key: e.key, Endpoint: e.name, Failed: reason}
		} else if read, ok := reads[e.key]; ok {
			compareRead(result, read, recorded, e)
		}
		results = append(results, result)
		fmt.Fprintln(out, result.Line())
	}
	fmt.Fprintf(out, "Recording written to %s (%d requests)\n", s.Dir, len(capture.exchanges))
	return results, nil
}

// selectEndpoints returns the endpoints named by keys, every one when keys is empty.
func selectEndpoints(keys []string) ([]*endpoint, error) {
	if len(keys) == 0 {
		return endpoints, nil
	}
	var out []*endpoint
	for _, key := range keys {
		e := endpointByKey(key)
		if e == nil {
			var known []string
			for _, e := range endpoints {
				known = append(known, e.key)
			}
			return nil, fmt.Errorf("%w: unknown endpoint %q: want one of %s", ErrUsage, key, strings.Join(known, ", "))
		}
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// readEndpoint reads e: a bare array once, through the client; a listing's first page, the two requests that tell what offset means,
// then the whole listing through the client's own read when it fits in maxWholePages, else its first pages.
func readEndpoint(ctx context.Context, client *kore.Client, e *endpoint) (*Listing, *clientRead, error) {
	if !e.listing() { // one request, read by the client as the provider reads it; its answer is recorded whatever it is
		read := readWhole(ctx, client, e, PageSize)
		if read.err != nil {
			return nil, nil, read.err
		}
		return &Listing{Endpoint: e.key, Complete: true, Pages: 1, Total: len(read.ids)}, &read, nil
	}
	first, err := client.FetchPage(ctx, e.path, pageQuery(e.query, 0, PageSize))
	if err != nil {
		return nil, nil, err
	}
	total := peekTotal(first)
	probe := &listingCheck{e: e, pageSize: PageSize}
	if total >= probeLimit {
		for offset := range 2 {
			query := pageQuery(e.query, offset, probeLimit)
			body, err := client.FetchPage(ctx, e.path, query)
			if err != nil {
				return nil, nil, err
			}
			probe.answer(&exchange{path: e.path, query: query, status: http.StatusOK, body: body})
		}
	}
	pages := max(1, (total+PageSize-1)/PageSize)
	listed := &Listing{Endpoint: e.key, Total: total, Pages: pages}
	if pages <= maxWholePages {
		listed.Complete = true
		read := readWhole(ctx, client, e, PageSize)
		return listed, &read, nil
	}
	meaning := probe.offsetMeaning()
	listed.Pages = 1
	for index := 1; index < partialPages && meaning != offsetUnknown; index++ {
		offset := index
		if meaning == offsetRecords {
			offset = index * PageSize
		}
		if _, err := client.FetchPage(ctx, e.path, pageQuery(e.query, offset, PageSize)); err != nil {
			return listed, nil, err
		}
		listed.Pages++
	}
	return listed, nil, nil
}

// pageQuery is query with offset and limit.
func pageQuery(query url.Values, offset, limit int) url.Values {
	out := url.Values{}
	for name, values := range query {
		out[name] = slices.Clone(values)
	}
	out.Set("offset", strconv.Itoa(offset))
	out.Set("limit", strconv.Itoa(limit))
	return out
}

// peekTotal is the total a listing's answer announces, 0 when it announces none it can be read as.
func peekTotal(body []byte) int {
	var envelope struct {
		Total int `json:"total"`
	}
	if json.Unmarshal(body, &envelope) != nil || envelope.Total < 0 {
		return 0
	}
	return envelope.Total
}

// capture keeps each exchange as it was answered, for the checks, before anything is scrubbed.
type capture struct {
	mu        sync.Mutex
	exchanges []*exchange
	bytes     int
}

func (c *capture) keep(i *cassette.Interaction) error {
	u, err := url.Parse(i.Request.URL)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bytes += len(i.Response.Body)
	if c.bytes > maxRecordingBytes {
		return fmt.Errorf("the answers recorded exceed %d MiB", maxRecordingBytes>>20)
	}
	c.exchanges = append(c.exchanges, &exchange{path: u.Path, query: u.Query(), status: i.Response.Code,
		body: []byte(i.Response.Body)})
	return nil
}

// cappedTransport stops reading an answer one byte past the client's cap: go-vcr reads each answer whole before the
// client does, and the client then refuses the answer as too large.
type cappedTransport struct{ base http.RoundTripper }

func (t cappedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = cappedBody{Reader: io.LimitReader(resp.Body, kore.MaxAnswerBytes+1), Closer: resp.Body}
	return resp, nil
}

type cappedBody struct {
	io.Reader
	io.Closer
}
