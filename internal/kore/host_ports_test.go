package kore_test

import (
	"strings"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// Ports from 1 to 65535 are accepted, the first and the last included; 0 and 65536 are not.
func TestParseHostAcceptsEveryPortFrom1To65535(t *testing.T) {
	for _, port := range []string{"1", "65535"} {
		got, err := kore.ParseHost("kore.example.com:" + port)
		if err != nil || got.String() != "https://kore.example.com:"+port {
			t.Errorf("ParseHost(port %s) = %v, %v; want the port kept", port, got, err)
		}
	}
	for _, port := range []string{"0", "65536", "99999999999999999999"} {
		_, err := kore.ParseHost("kore.example.com:" + port)
		if err == nil || !strings.Contains(err.Error(), `has the port "`+port+`", which is not a number from 1 to 65535`) {
			t.Errorf("ParseHost(port %s) error = %v, want the port refused", port, err)
		}
	}
}
