package tfwire

import (
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/testnet"
)

func TestMain(m *testing.M) { testnet.Main(m) }
