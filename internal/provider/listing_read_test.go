package provider

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// readOnce reads one data source through the direct path and returns its diagnostics.
func readOnce(t *testing.T, h *protocolHarness, typeName string, args map[string]tftypes.Value) *tfprotov6.ReadDataSourceResponse {
	t.Helper()
	resp, err := h.server.ReadDataSource(context.Background(), h.readRequest(t, typeName, args))
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func timeoutsValue(read string) tftypes.Value {
	return tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"read": tftypes.String}},
		map[string]tftypes.Value{"read": tftypes.NewValue(tftypes.String, read)})
}

// timeouts.read bounds the whole read: against a server that never answers, a read with read = "200ms" ends with
// the timeout diagnostic naming 200ms, well before the attempt's own request_timeout and the 10m default.
func TestRead_timeoutsReadBoundsTheWholeRead(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, testAccountGroups(), func(o *fakekore.Options) {
		o.Intercept = func(_ int, _ http.ResponseWriter, r *http.Request) bool {
			select { // stall until the client gives up (or, if timeouts.read were ignored, a little longer)
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return true
		}
	})
	h := newProtocolHarness(t, s.URL, map[string]tftypes.Value{
		"max_retries":     tftypes.NewValue(tftypes.Number, 0),
		"request_timeout": tftypes.NewValue(tftypes.String, "4s"),
	})
	for _, typeName := range []string{"kore_groups", "kore_group", "kore_users"} {
		args := map[string]tftypes.Value{"timeouts": timeoutsValue("200ms")}
		if typeName == "kore_group" {
			args["name"] = tftypes.NewValue(tftypes.String, "Audit")
		}
		resp := readOnce(t, h, typeName, args)
		if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != "Kore.ai Read Timed Out" ||
			!strings.Contains(resp.Diagnostics[0].Detail, "timeouts.read (200ms)") {
			t.Errorf("%s: want the read to time out after timeouts.read = 200ms, got:\n%s", typeName,
				describeDiagnostics(resp.Diagnostics))
		}
	}
}

// Pages after the first are fetched max_concurrency at a time: with 4 allowed, more than one is in flight at once,
// and never more than 4.
func TestRead_fetchesPagesConcurrentlyWithinMaxConcurrency(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, fakekore.GenerateGroups(40, 1), func(o *fakekore.Options) { o.Latency = 20 * time.Millisecond })
	h := newProtocolHarness(t, s.URL, map[string]tftypes.Value{
		"max_concurrency":     tftypes.NewValue(tftypes.Number, 4),
		"requests_per_minute": tftypes.NewValue(tftypes.Number, 100000), // the local server has no rate limit
	})
	resp := readOnce(t, h, "kore_groups", map[string]tftypes.Value{"page_size": tftypes.NewValue(tftypes.Number, 2)})
	if hasErrors(resp.Diagnostics) {
		t.Fatalf("read failed:\n%s", describeDiagnostics(resp.Diagnostics))
	}
	if got := s.Requests(); got != 20 {
		t.Fatalf("the server answered %d requests, want 20 pages of 2", got)
	}
	if got := s.MaxInFlight(); got < 2 || got > 4 {
		t.Errorf("%d requests were in flight at most; with max_concurrency = 4 and 19 pages to fetch after the "+
			"first, want between 2 and 4", got)
	}
}

// A rate limit that outlasts the retries ends in its own diagnostic, which says which setting paces the provider.
func TestRead_rateLimitEndsInItsOwnDiagnostic(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, testAccountGroups(), func(o *fakekore.Options) { o.Intercept = fakekore.RateLimited(1000, "") })
	h := newProtocolHarness(t, s.URL, map[string]tftypes.Value{"max_retries": tftypes.NewValue(tftypes.Number, 0)})
	resp := readOnce(t, h, "kore_groups", nil)
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != "Kore.ai Rate Limit Reached" ||
		!strings.Contains(resp.Diagnostics[0].Detail, "HTTP 429") {
		t.Fatalf("want one rate-limit error, got:\n%s", describeDiagnostics(resp.Diagnostics))
	}
}

// The client's notes on a read that may be inexact reach the user as warnings, on both paths, and the read
// still succeeds.
func TestRead_inexactGroupsWarnTheUser(t *testing.T) {
	t.Parallel()
	groups := fakekore.GenerateGroups(3, 2)
	claimed := 5 // the group says 5 members and lists 2
	groups[1].UserCount = &claimed
	s := newTestServer(t, groups)
	h := newProtocolHarness(t, s.URL, nil)
	req := h.readRequest(t, "kore_groups", nil)
	for name, read := range map[string]func(context.Context, *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error){
		"direct": h.server.ReadDataSource, "framework": h.server.ProviderServer.ReadDataSource,
	} {
		resp, err := read(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if hasErrors(resp.Diagnostics) || resp.State == nil {
			t.Fatalf("%s path: the read must succeed, got:\n%s", name, describeDiagnostics(resp.Diagnostics))
		}
		if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
			resp.Diagnostics[0].Summary != "Kore.ai Groups May Be Inexact" ||
			!strings.Contains(resp.Diagnostics[0].Detail, groups[1].ID) {
			t.Errorf("%s path: want one warning naming group %s, got:\n%s", name, groups[1].ID,
				describeDiagnostics(resp.Diagnostics))
		}
	}
}

// Defaults in descriptions are written as a user would type them.
func TestShortDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		10 * time.Minute: "10m", 30 * time.Second: "30s", 90 * time.Second: "1m30s", time.Hour: "1h",
		2*time.Hour + 5*time.Minute: "2h5m", 1500 * time.Millisecond: "1.5s",
	} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%s) = %q, want %q", d, got, want)
		}
	}
}

// Every listing's read reports its notes as warnings titled with the listing, and its failure with the advice of
// describeReadError naming the listing's items, under the same timeouts.read.
func TestReadListing_namesTheListingInWarningsAndErrors(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	client := testClient(t, s)

	list, diags := readListing(context.Background(), client, usersListing, noTimeouts,
		func(context.Context) (*[]string, []string, error) {
			return &[]string{"u-1"}, []string{"user \"u-1\" appeared on pages 0 and 1"}, nil
		})
	if list == nil || diags.HasError() || len(diags) != 1 || diags[0].Summary() != "Kore.ai Users May Be Inexact" ||
		!strings.Contains(diags[0].Detail(), `"u-1" appeared`) {
		t.Errorf("want the list and one warning titled for users, got %v, %v", list, diags)
	}

	_, diags = readListing(context.Background(), client, usersListing, noTimeouts,
		func(context.Context) (*[]string, []string, error) {
			return nil, nil, &kore.PaginationError{Page: 1, Reason: "a short page", Endpoint: "user roles"}
		})
	if len(diags) != 1 || diags[0].Summary() != "Kore.ai Returned Inconsistent Pages" ||
		!strings.Contains(diags[0].Detail(), "account's users were changing") {
		t.Errorf("want one error advising on users, got %v", diags)
	}

	var deadline time.Time
	_, diags = readListing(context.Background(), client, usersListing, timeoutsObject("150ms"),
		func(ctx context.Context) (*[]string, []string, error) {
			deadline, _ = ctx.Deadline()
			<-ctx.Done()
			return nil, nil, ctx.Err()
		})
	if deadline.IsZero() || len(diags) != 1 || diags[0].Summary() != "Kore.ai Read Timed Out" ||
		!strings.Contains(diags[0].Detail(), "timeouts.read (150ms)") {
		t.Errorf("want the read bounded by timeouts.read = 150ms, got %v", diags)
	}

	_, diags = readListing(context.Background(), nil, usersListing, noTimeouts,
		func(context.Context) (*[]string, []string, error) {
			t.Error("read without a client")
			return nil, nil, nil
		})
	if len(diags) != 1 || diags[0].Summary() != "Provider Not Configured" {
		t.Errorf("want Provider Not Configured, got %v", diags)
	}
}

// timeoutsObject is a timeouts block with read set, as the framework decodes it.
func timeoutsObject(read string) timeouts.Value {
	return timeouts.Value{Object: types.ObjectValueMust(map[string]attr.Type{"read": types.StringType},
		map[string]attr.Value{"read": types.StringValue(read)})}
}
