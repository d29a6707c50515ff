package kore_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

func TestParseHost(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		want    string
		wantErr string
	}{
		{name: "a bare host means https", raw: "platform.kore.ai", want: "https://platform.kore.ai"},
		{name: "a regional host with its scheme is kept", raw: "https://de-platform.kore.ai", want: "https://de-platform.kore.ai"},
		{name: "an on-prem host keeps its port", raw: "https://kore.example.com:8443", want: "https://kore.example.com:8443"},
		{name: "a bare host with a port means https", raw: "kore.example.com:8443", want: "https://kore.example.com:8443"},
		{name: "http is allowed for a local server", raw: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{name: "a trailing slash is ignored", raw: "https://platform.kore.ai/", want: "https://platform.kore.ai"},
		{name: "surrounding spaces are trimmed", raw: "  platform.kore.ai \n", want: "https://platform.kore.ai"},
		{name: "the scheme may be upper case", raw: "HTTPS://platform.kore.ai", want: "https://platform.kore.ai"},
		{name: "a path prefix is kept without its trailing slashes", raw: "https://kore.example.com/kore//", want: "https://kore.example.com/kore"},
		{name: "an IPv6 address with a port", raw: "http://[::1]:8080", want: "http://[::1]:8080"},
		{name: "an empty port is dropped", raw: "https://platform.kore.ai:", want: "https://platform.kore.ai"},

		{name: "empty is refused", raw: "", wantErr: "host is empty"},
		{name: "only spaces is refused", raw: "   ", wantErr: "host is empty"},
		{name: "another scheme is refused", raw: "ftp://platform.kore.ai", wantErr: `scheme "ftp"`},
		{name: "user information is refused without being repeated", raw: "https://admin:hunter2@kore.example.com",
			wantErr: "must not contain a user name or password"},
		{name: "user information in a bare host is refused", raw: "admin:hunter2@kore.example.com",
			wantErr: "must not contain a user name or password"},
		{name: "a query is refused", raw: "https://platform.kore.ai/?region=de", wantErr: "must not contain a query"},
		{name: "an empty query is refused", raw: "https://platform.kore.ai?", wantErr: "must not contain a query"},
		{name: "a fragment is refused", raw: "https://platform.kore.ai/#top", wantErr: "fragment"},
		{name: "a scheme without a host is refused", raw: "https://", wantErr: "has no host name"},
		{name: "a port without a host is refused", raw: "https://:8443", wantErr: "has no host name"},
		{name: "a port out of range is refused", raw: "https://kore.example.com:70000", wantErr: "from 1 to 65535"},
		{name: "port zero is refused", raw: "https://kore.example.com:0", wantErr: "from 1 to 65535"},
		{name: "a host with a space is refused", raw: "https://kore example.com", wantErr: "is not a valid address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := kore.ParseHost(tt.raw)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseHost(%q) = %s, want an error", tt.raw, got)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %q does not say %q", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), "for example") {
					t.Errorf("error %q shows no example", err)
				}
				if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "admin") {
					t.Errorf("error %q repeats user information", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseHost(%q): %v", tt.raw, err)
			}
			if got.String() != tt.want {
				t.Errorf("ParseHost(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func FuzzParseHost(f *testing.F) {
	for _, seed := range []string{
		"platform.kore.ai", "https://de-platform.kore.ai", "https://kore.example.com:8443/", "http://127.0.0.1:8080",
		"https://kore.example.com/prefix/path%2Fpart/", "http://[fe80::1%25eth0]:80", "HTTP://Host", "user@host",
		"https://h/?q#f", "ws://host", " bots.kore.ai ", "https://kore.example.com:65536",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := kore.ParseHost(raw)
		if err != nil {
			return
		}
		if u.Scheme != "https" && u.Scheme != "http" {
			t.Fatalf("ParseHost(%q) has the scheme %q", raw, u.Scheme)
		}
		if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Host == "" {
			t.Fatalf("ParseHost(%q) = %#v: user info, query or fragment kept, or no host", raw, u)
		}
		again, err := kore.ParseHost(u.String())
		if err != nil {
			t.Fatalf("ParseHost(%q) = %q, which does not parse again: %v", raw, u, err)
		}
		if !reflect.DeepEqual(again, u) {
			t.Fatalf("ParseHost(%q) = %#v, but parsing %q again gives %#v", raw, u, u.String(), again)
		}
	})
}
