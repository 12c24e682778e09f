package sqlite_test

import (
	"testing"

	"qalam/internal/storetest"
)

func TestTokenStore(t *testing.T) {
	storetest.RunTokens(t, func(t *testing.T) storetest.TokenBackend { return open(t) })
}
