package testnet

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestMain(m *testing.M) { Main(m) }

func TestIsolate_sendsEveryOtherAddressToAClosedLoopbackPort(t *testing.T) {
	for _, name := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} {
		u, err := url.Parse(os.Getenv(name))
		if err != nil || u.Hostname() != "127.0.0.1" || u.Port() == "" {
			t.Errorf("%s = %q, want a loopback port", name, os.Getenv(name))
		}
	}
	for _, name := range []string{"NO_PROXY", "no_proxy"} {
		if got := os.Getenv(name); got != Loopback {
			t.Errorf("%s = %q, want %q", name, got, Loopback)
		}
	}
	if got := os.Getenv("CHECKPOINT_DISABLE"); got != "1" {
		t.Errorf("CHECKPOINT_DISABLE = %q, want 1", got)
	}

	for _, target := range []string{"https://releases.hashicorp.com/terraform/index.json", "http://192.0.2.1/"} {
		req, _ := http.NewRequest(http.MethodGet, target, nil)
		proxy, err := http.ProxyFromEnvironment(req)
		if err != nil || proxy == nil || proxy.Hostname() != "127.0.0.1" {
			t.Errorf("proxy of %s = %v, %v; want the closed loopback port", target, proxy, err)
		}
	}
	for _, target := range []string{"http://127.0.0.1:1/", "http://localhost:1/", "http://[::1]:1/"} {
		req, _ := http.NewRequest(http.MethodGet, target, nil)
		if proxy, err := http.ProxyFromEnvironment(req); err != nil || proxy != nil {
			t.Errorf("proxy of %s = %v, %v; want none", target, proxy, err)
		}
	}
}

func TestIsolate_aRequestForTheInternetIsRefusedAtOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://releases.hashicorp.com/terraform/index.json", nil)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatal("a request for releases.hashicorp.com got an answer")
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("error = %v, want connection refused by the loopback proxy port", err)
	}
}
