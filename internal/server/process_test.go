package server_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"qalam/internal/news"
	"qalam/internal/servertest"
	"qalam/internal/sqlite"
)

// TestHelperProcessWrite is not a test: TestChangeFromAnotherProcess runs
// the test binary again with QALAM_HELPER_DB set, so this writes to the
// newsroom from a second operating-system process.
func TestHelperProcessWrite(t *testing.T) {
	path := os.Getenv("QALAM_HELPER_DB")
	if path == "" {
		return
	}
	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.SetBanner(context.Background(), news.Banner{Service: "ru", Label: "Срочно", Text: "Сообщение из другого процесса zzotherprocqq", Active: true})
	if err != nil {
		t.Fatal(err)
	}
}

func TestChangeFromAnotherProcess(t *testing.T) {
	e := servertest.Demo(t)
	e.Get(t, "/ru/")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessWrite$")
	cmd.Env = append(os.Environ(), "QALAM_HELPER_DB="+filepath.Join(e.Dir, "qalam.db"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("second process: %v\n%s", err, out)
	}
	afterPoll(t, e, "/ru/", "zzotherprocqq", true)
}
