package auth_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"qalam/internal/auth"
	"qalam/internal/news"
)

// allowed lists the credential IDs request options offer, sorted.
func allowed(t *testing.T, raw []byte) []string {
	t.Helper()
	var ids []string
	for _, c := range parseOptions(t, raw).PublicKey.Allow {
		ids = append(ids, c.ID)
	}
	sort.Strings(ids)
	return ids
}

func sortedIDs(ks ...*softKey) []string {
	var ids []string
	for _, k := range ks {
		ids = append(ids, b64u.EncodeToString(k.id))
	}
	sort.Strings(ids)
	return ids
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A person may have several passkeys: each signs in, as the second factor
// and without a password, and confirms a sensitive action; removing one
// leaves the other working and the removed one refused.
func TestSeveralPasskeysPerPerson(t *testing.T) {
	e := newPKEnv(t)
	ctx := context.Background()
	laptop, phone := newSoftKey(t), newSoftKey(t)
	fl := e.register(t, e.tok, laptop, "laptop")
	// The second registration excludes the first key, and is taken.
	opts, err := e.pk.BeginRegister(ctx, e.actor(t, e.tok), "phone")
	must(t, err)
	if o := parseOptions(t, opts); len(o.PublicKey.Exclude) != 1 || o.PublicKey.Exclude[0].ID != b64u.EncodeToString(laptop.id) {
		t.Fatalf("the second registration's exclusions: %s", opts)
	}
	fp, err := e.pk.FinishRegister(ctx, e.actor(t, e.tok), phone.create(t, opts), client("192.0.2.1"))
	must(t, err)
	if fl.ID == fp.ID || fp.Kind != news.FactorPasskey || fp.Name != "phone" {
		t.Fatalf("two passkeys: %+v and %+v", fl, fp)
	}
	for _, name := range []string{"laptop", "phone"} {
		if !e.audited(t, e.id, "passkey.add", name) {
			t.Errorf("no passkey.add row for %s", name)
		}
	}
	list, err := e.pk.List(ctx, e.actor(t, e.tok))
	must(t, err)
	names := map[string]bool{}
	for _, p := range list {
		names[p.Name] = true
	}
	if len(list) != 2 || !names["laptop"] || !names["phone"] {
		t.Fatalf("listed passkeys %+v", list)
	}

	// As the second factor: both are offered, and each signs in, twice,
	// in alternation (each key's own counter).
	tok, _, err := e.auth.Login(ctx, "desk@example.org", password, client("192.0.2.1"), "")
	must(t, err)
	raw, err := e.pk.BeginFactor(ctx, e.actor(t, tok))
	must(t, err)
	if got := allowed(t, raw); !equal(got, sortedIDs(laptop, phone)) {
		t.Fatalf("second-factor options offer %v, want both passkeys", got)
	}
	name := map[*softKey]string{laptop: "laptop", phone: "phone"}
	signedInWith := map[string]string{}
	for i, k := range []*softKey{laptop, phone, laptop, phone} {
		k.count++
		full, err := e.signIn(t, "desk@example.org", k)
		if err != nil {
			t.Fatalf("sign-in %d with the %s passkey: %v", i+1, name[k], err)
		}
		if a := e.actor(t, full); a.ID != e.id || a.Session.Stage != news.StageFull || !a.Fresh() {
			t.Fatalf("sign-in %d: %+v", i+1, a.Session)
		}
		signedInWith[name[k]] = full
	}
	// Each stored credential kept its own counter.
	fs, err := e.store.Factors(ctx, e.id)
	must(t, err)
	steps := map[string]int64{}
	for _, f := range fs {
		if f.Kind == news.FactorPasskey {
			steps[f.Name] = int64(f.LastStep)
		}
	}
	if steps["laptop"] != int64(laptop.count) || steps["phone"] != int64(phone.count) {
		t.Errorf("stored counters %v, want laptop %d phone %d", steps, laptop.count, phone.count)
	}

	// Without a password: either passkey.
	for _, k := range []*softKey{laptop, phone} {
		key, raw, err := e.pk.BeginLogin(ctx, client("192.0.2.1"))
		must(t, err)
		k.count++
		tok, err := e.pk.FinishLogin(ctx, key, k.get(t, raw), client("192.0.2.1"), "")
		must(t, err)
		if a := e.actor(t, tok); a.ID != e.id || a.Session.Stage != news.StageFull {
			t.Fatalf("passwordless: %+v", a.Session)
		}
	}

	// Remove the laptop's, in a session signed in with the phone's.
	fresh := signedInWith["phone"]
	must(t, e.pk.Remove(ctx, e.actor(t, fresh), fl.ID, client("192.0.2.1")))
	if !e.audited(t, e.id, "passkey.remove", "laptop") {
		t.Error("no passkey.remove row for the laptop")
	}
	list, err = e.pk.List(ctx, e.actor(t, fresh))
	must(t, err)
	if len(list) != 1 || list[0].Name != "phone" {
		t.Fatalf("after removing the laptop's: %+v", list)
	}

	// The phone's still works as the second factor, without a password,
	// and to confirm; the laptop's is no longer offered nor accepted.
	tok, _, err = e.auth.Login(ctx, "desk@example.org", password, client("192.0.2.1"), "")
	must(t, err)
	raw, err = e.pk.BeginFactor(ctx, e.actor(t, tok))
	must(t, err)
	if got := allowed(t, raw); !equal(got, sortedIDs(phone)) {
		t.Fatalf("after the removal the options offer %v, want the phone's only", got)
	}
	laptop.count++
	_, err = e.pk.FinishFactor(ctx, e.actor(t, tok), laptop.get(t, raw), client("192.0.2.1"))
	wantErr(t, "the removed passkey as second factor", err, auth.ErrBadPasskey)
	phone.count++
	full, err := e.signIn(t, "desk@example.org", phone)
	must(t, err)
	if a := e.actor(t, full); a.Session.Stage != news.StageFull {
		t.Fatalf("the remaining passkey: %+v", a.Session)
	}
	key, raw, err := e.pk.BeginLogin(ctx, client("192.0.2.1"))
	must(t, err)
	laptop.count++
	_, err = e.pk.FinishLogin(ctx, key, laptop.get(t, raw), client("192.0.2.1"), "")
	wantErr(t, "the removed passkey without a password", err, auth.ErrBadPasskey)
	key, raw, err = e.pk.BeginLogin(ctx, client("192.0.2.1"))
	must(t, err)
	phone.count++
	_, err = e.pk.FinishLogin(ctx, key, phone.get(t, raw), client("192.0.2.1"), "")
	must(t, err)

	e.clock.Add(20 * time.Minute)
	a := e.actor(t, full)
	if a.Fresh() {
		t.Fatal("fresh after 20 minutes")
	}
	raw, err = e.pk.BeginConfirm(ctx, a)
	must(t, err)
	laptop.count++
	wantErr(t, "confirming with the removed passkey", e.pk.FinishConfirm(ctx, a, laptop.get(t, raw), client("192.0.2.1")), auth.ErrBadPasskey)
	raw, err = e.pk.BeginConfirm(ctx, a)
	must(t, err)
	phone.count++
	must(t, e.pk.FinishConfirm(ctx, a, phone.get(t, raw), client("192.0.2.1")))
	if !e.actor(t, full).Fresh() {
		t.Error("not fresh after confirming with the remaining passkey")
	}
}
