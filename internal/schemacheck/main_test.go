package schemacheck_test

import (
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/testnet"
)

// TestMain keeps every test of the package on loopback (see testnet).
func TestMain(m *testing.M) { testnet.Main(m) }
