package admin

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"qalam/internal/auth"
	"qalam/internal/news"
)

// Readers' addresses leave the newsroom only here: commenters' emails and
// newsletter subscribers as CSV downloads, for a service's chief or an
// admin, with a fresh second factor, each download written to the audit
// log with how many addresses it held. Downloads are POST forms, so no
// link, prefetch or crawler can start one.

type subscribersData struct {
	Services []news.Service
	Service  news.Service
	// Confirmed and Pending count the subscribers in each state.
	Confirmed, Pending int
	States             []news.SubscriberState
}

func (a *Admin) subscribersPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	svcs, svc, err := a.servicesFor(ctx, actor, news.ActExport, r.URL.Query().Get("service"))
	if err != nil {
		return err
	}
	subs, err := a.cfg.Newsletters.Subscribers(ctx, svc.Code, "")
	if err != nil {
		return err
	}
	d := subscribersData{Services: svcs, Service: svc, States: []news.SubscriberState{news.SubscriberConfirmed, news.SubscriberPending}}
	for _, s := range subs {
		switch s.State {
		case news.SubscriberConfirmed:
			d.Confirmed++
		case news.SubscriberPending:
			d.Pending++
		}
	}
	a.render(w, r, http.StatusOK, "subscribers", &page{Title: say(r, actor, "Newsletter subscribers"), Here: "subscribers", Actor: actor, Data: d})
	return nil
}

// csvCell keeps a reader's text from being taken for a formula by a
// spreadsheet (CSV injection): a leading =, +, -, @, tab or CR gets a '.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// sendCSV writes rows as a CSV download named name.
func sendCSV(w http.ResponseWriter, name string, rows [][]string) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	cw := csv.NewWriter(w)
	for _, row := range rows {
		for i := range row {
			row[i] = csvCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func fmtCSVTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// exportCommenters downloads the addresses that commented on a service,
// or on one story of it.
func (a *Admin) exportCommenters(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	svc, story := r.PostFormValue("service"), strings.TrimSpace(r.PostFormValue("story"))
	if story != "" {
		st, err := a.cfg.Stories.Story(ctx, story)
		if err != nil {
			return err
		}
		svc = st.Service
	}
	if err := a.auth.Authorize(actor, news.ActExport, svc); err != nil {
		return err
	}
	es, err := a.cfg.Comments.CommenterEmails(ctx, svc, story)
	if err != nil {
		return err
	}
	rows := [][]string{{"email", "name", "comments", "first", "last"}}
	for _, e := range es {
		rows = append(rows, []string{e.Email, e.Name, strconv.Itoa(e.Comments), fmtCSVTime(e.First), fmtCSVTime(e.Last)})
	}
	scope := "service " + svc
	name := "commenters-" + svc
	if story != "" {
		scope, name = "story "+story, name+"-"+story
	}
	a.auth.Audit(ctx, actor, "export.commenters", story, svc, a.clientOf(r), strconv.Itoa(len(es))+" addresses of "+scope)
	return sendCSV(w, name+"-"+a.auth.Now().UTC().Format("20060102")+".csv", rows)
}

// exportSubscribers downloads a service's newsletter subscribers in a
// state (confirmed by default).
func (a *Admin) exportSubscribers(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	svc := r.PostFormValue("service")
	if err := a.auth.Authorize(actor, news.ActExport, svc); err != nil {
		return err
	}
	state := news.SubscriberState(r.PostFormValue("state"))
	if state == "" {
		state = news.SubscriberConfirmed
	}
	if state != news.SubscriberConfirmed && state != news.SubscriberPending {
		return news.Invalidf("export confirmed or pending subscribers")
	}
	subs, err := a.cfg.Newsletters.Subscribers(ctx, svc, state)
	if err != nil {
		return err
	}
	rows := [][]string{{"email", "state", "subscribed", "confirmed"}}
	for _, s := range subs {
		rows = append(rows, []string{s.Email, string(s.State), fmtCSVTime(s.Created), fmtCSVTime(s.Confirmed)})
	}
	a.auth.Audit(ctx, actor, "export.subscribers", "", svc, a.clientOf(r), strconv.Itoa(len(subs))+" "+string(state)+" subscribers")
	return sendCSV(w, "subscribers-"+svc+"-"+string(state)+"-"+a.auth.Now().UTC().Format("20060102")+".csv", rows)
}
