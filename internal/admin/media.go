package admin

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"qalam/internal/auth"
	"qalam/internal/media"
	"qalam/internal/news"
)

// The media library: a service's images with their defaults (alt text,
// caption, credit), uploads, and thumbnails for staff.
//
//	GET  /admin/media?service=&q=      the library page (ActWrite), upload form (ActFile)
//	POST /admin/media                  upload: multipart, one file, ActFile in the service
//	GET  /admin/media/{id}?service=    one image and its defaults
//	POST /admin/media/{id}             save the defaults (ActFile)
//	GET  /admin/media/{id}/thumb?w=    a variant for staff: no-store, never the public /media/
//	GET  /admin/media.json?service=&q= the service's images as the story editor's data-assets
//
// Uploads are read into memory (never spooled to a temporary file, so an
// original with its GPS position never touches the disk), bounded by
// media.MaxUploadBody, and stored only after media.Library.Ingest has
// re-encoded them without metadata. The file's name is kept as a label.

// MediaLibrary is what the admin needs of media.Library.
type MediaLibrary interface {
	Ingest(ctx context.Context, data []byte) (news.Asset, error)
	StaffHandler(lookup func(ctx context.Context, assetID string) (news.Asset, error)) http.Handler
}

// mediaListLimit bounds the library page and the JSON list.
const mediaListLimit = 200

func (a *Admin) mediaStore() news.MediaStore {
	if a.cfg.Library == nil || a.cfg.Stories == nil {
		return nil
	}
	ms, _ := a.cfg.Stories.(news.MediaStore)
	return ms
}

func (a *Admin) mediaRoutes() {
	if a.mediaStore() == nil {
		return
	}
	a.handle("GET /admin/media", signedIn, a.mediaPage)
	a.handle("GET /admin/media.json", signedIn, a.mediaJSON)
	// The upload checks its session and CSRF token itself, after bounding
	// the body: handle would parse the whole form first.
	a.handle("POST /admin/media", public, a.mediaUpload)
	a.handle("GET /admin/media/{id}", signedIn, a.mediaItemPage)
	a.handle("POST /admin/media/{id}", signedIn, a.mediaItemPost)
	a.handle("GET /admin/media/{id}/thumb", signedIn, a.mediaThumb)
}

// MediaPick is one image as the story editor's data-assets lists it
// (web/editor/README.md): id and label, and the defaults a new figure
// starts with.
type MediaPick struct {
	ID      string `json:"id"`
	Label   string `json:"label"`
	Alt     string `json:"alt"`
	Caption string `json:"caption"`
	Credit  string `json:"credit"`
	Thumb   string `json:"thumb"` // admin-only thumbnail URL
	Width   int    `json:"width"`
	Height  int    `json:"height"`
}

// mediaLabel names an image in lists: its caption, alt text or file name,
// else its ID (in the request's language, ctxLang).
func mediaLabel(ctx context.Context, m news.MediaItem) string {
	for _, s := range []string{m.Caption, m.Alt, m.Name} {
		if s != "" {
			if utf8.RuneCountInString(s) > 80 {
				s = string([]rune(s)[:79]) + "…"
			}
			return s
		}
	}
	return tr(ctxLang(ctx), "Image %s", m.Asset.ID)
}

func mediaThumbURL(m news.MediaItem, w int) string {
	return "/admin/media/" + url.PathEscape(m.Asset.ID) + "/thumb?w=" + strconv.Itoa(w)
}

// MediaPicks lists a service's images for the story editor (data-assets),
// newest first; the actor needs ActWrite in the service.
func (a *Admin) MediaPicks(ctx context.Context, actor *auth.Actor, service, query string) ([]MediaPick, error) {
	ms := a.mediaStore()
	if ms == nil {
		return []MediaPick{}, nil
	}
	if err := a.auth.Authorize(actor, news.ActWrite, service); err != nil {
		return nil, err
	}
	items, err := ms.ListMedia(ctx, service, query, mediaListLimit)
	if err != nil {
		return nil, err
	}
	out := make([]MediaPick, 0, len(items))
	for _, m := range items {
		out = append(out, MediaPick{ID: m.Asset.ID, Label: mediaLabel(ctx, m), Alt: m.Alt, Caption: m.Caption, Credit: m.Credit,
			Thumb: mediaThumbURL(m, 320), Width: m.Asset.Width, Height: m.Asset.Height})
	}
	return out, nil
}

func (a *Admin) mediaJSON(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	q := r.URL.Query()
	picks, err := a.MediaPicks(r.Context(), actor, q.Get("service"), q.Get("q"))
	if err != nil {
		status, msg := http.StatusInternalServerError, say(r, actor, "The newsroom could not do that. Try again; if it keeps failing, tell an admin.")
		switch {
		case errors.Is(err, auth.ErrForbidden):
			status, msg = http.StatusForbidden, say(r, actor, "Your role does not allow this here.")
		case errors.Is(err, auth.ErrStale):
			status, msg = http.StatusForbidden, say(r, actor, "Confirm your second factor again first: reload the page.")
		case errors.Is(err, news.ErrInvalid):
			status, msg = http.StatusBadRequest, invalidMsg(langOf(r, actor), err)
		default:
			a.cfg.Log.Error("admin media list", "err", err)
		}
		mediaJSONReply(w, status, map[string]string{"error": msg})
		return nil
	}
	mediaJSONReply(w, http.StatusOK, picks)
	return nil
}

func mediaJSONReply(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(b)
}

type mediaRow struct {
	news.MediaItem
	Label, Thumb   string
	ThumbW, ThumbH int // display size: 160 pixels wide at most
}

type mediaData struct {
	Services  []news.Service
	Service   news.Service
	Query     string
	Items     []mediaRow
	Limit     int
	CanUpload bool
	MaxMB     int
}

func (a *Admin) mediaPageData(ctx context.Context, actor *auth.Actor, service, query string) (mediaData, error) {
	svcs, cur, err := a.servicesFor(ctx, actor, news.ActWrite, service)
	if err != nil {
		return mediaData{}, err
	}
	items, err := a.mediaStore().ListMedia(ctx, cur.Code, query, mediaListLimit)
	if err != nil {
		return mediaData{}, err
	}
	d := mediaData{Services: svcs, Service: cur, Query: query, Limit: mediaListLimit,
		CanUpload: actor.Allowed(news.ActFile, cur.Code), MaxMB: media.MaxBytes >> 20}
	for _, m := range items {
		row := mediaRow{MediaItem: m, Label: mediaLabel(ctx, m), Thumb: mediaThumbURL(m, 320), ThumbW: min(160, m.Asset.Width), ThumbH: m.Asset.Height}
		if m.Asset.Width > 0 {
			row.ThumbH = max(1, m.Asset.Height*row.ThumbW/m.Asset.Width)
		}
		d.Items = append(d.Items, row)
	}
	return d, nil
}

func (a *Admin) mediaPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	q := r.URL.Query()
	d, err := a.mediaPageData(r.Context(), actor, q.Get("service"), strings.TrimSpace(q.Get("q")))
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "media", &page{Title: say(r, actor, "Media library"), Here: "media", Actor: actor, Data: d})
	return nil
}

// uploadForm is an upload's fields; the file's bytes are read only up to
// media.MaxBytes+1.
type uploadForm struct {
	fields   map[string]string
	filename string
	data     []byte
	hasFile  bool
}

// readUpload reads a multipart upload without temporary files: small
// fields up to 8 KB each, one file part into memory.
func readUpload(r *http.Request) (*uploadForm, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, news.Invalidf("the upload was not sent as a form with a file")
	}
	f := &uploadForm{fields: map[string]string{}}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return f, nil
		}
		if err != nil {
			return nil, err
		}
		name := p.FormName()
		switch {
		case name == "file" && p.FileName() != "":
			if f.hasFile {
				return nil, news.Invalidf("send one file at a time")
			}
			f.hasFile = true
			f.filename = p.FileName()
			if f.data, err = io.ReadAll(io.LimitReader(p, media.MaxBytes+1)); err != nil {
				return nil, err
			}
			if len(f.data) > media.MaxBytes {
				return nil, errUploadTooLarge
			}
		case name != "" && len(f.fields) < 16:
			b, err := io.ReadAll(io.LimitReader(p, 8<<10+1))
			if err != nil {
				return nil, err
			}
			if len(b) > 8<<10 {
				return nil, news.Invalidf("the field %q is too long", name)
			}
			f.fields[name] = string(b)
		default:
			if _, err := io.Copy(io.Discard, p); err != nil {
				return nil, err
			}
		}
	}
}

var errUploadTooLarge = errors.New("upload too large")

// labelName keeps the last path element of an uploaded file's name, as
// plain text: a label, never a path.
func labelName(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = news.CleanMediaText(s)
	if utf8.RuneCountInString(s) > news.MaxMediaName {
		s = string([]rune(s)[:news.MaxMediaName])
	}
	return s
}

func (a *Admin) mediaUpload(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	wantJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	if actor == nil {
		clearSession(w)
		if wantJSON {
			mediaJSONReply(w, http.StatusUnauthorized, map[string]string{"error": say(r, nil, "You are signed out. Sign in again and upload once more.")})
			return nil
		}
		redirect(w, r, "/admin/login")
		return nil
	}
	if actor.Session.Stage != news.StageFull {
		redirect(w, r, stageHome(actor.Session.Stage))
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, media.MaxUploadBody)
	refuse := func(status int, svc, msg string) error {
		if wantJSON {
			mediaJSONReply(w, status, map[string]string{"error": msg})
			return nil
		}
		d, err := a.mediaPageData(r.Context(), actor, svc, "")
		if err != nil {
			// No library to show (a forged service): the plain error page.
			a.render(w, r, status, "error", &page{Title: say(r, actor, "Upload refused"), Actor: actor, Data: msg})
			return nil
		}
		a.render(w, r, status, "media", &page{Title: say(r, actor, "Media library"), Here: "media", Actor: actor, Error: msg, Data: d})
		return nil
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return refuse(http.StatusBadRequest, "", say(r, actor, "The upload was not sent as a form with a file."))
	}
	form, err := readUpload(r)
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, errUploadTooLarge) || errors.As(err, &tooBig):
		return refuse(http.StatusRequestEntityTooLarge, "", say(r, actor, "The file is larger than %d MB. Make it smaller (a photo for the web rarely needs more than 5 MB) and try again.", media.MaxBytes>>20))
	case errors.Is(err, news.ErrInvalid):
		return refuse(http.StatusBadRequest, "", invalidMsg(langOf(r, actor), err))
	case err != nil:
		return refuse(http.StatusBadRequest, "", say(r, actor, "The upload was cut off. Try again."))
	}
	if subtle.ConstantTimeCompare([]byte(form.fields["csrf"]), []byte(csrfToken(actor.Token))) != 1 {
		if wantJSON {
			mediaJSONReply(w, http.StatusForbidden, map[string]string{"error": say(r, actor, "This page is out of date. Reload it and upload again.")})
			return nil
		}
		a.render(w, r, http.StatusForbidden, "error", &page{Title: say(r, actor, "Refused"), Actor: actor,
			Data: say(r, actor, "This form is out of date or was not sent from this newsroom's pages. Go back, reload the page and try again.")})
		return nil
	}
	svc := form.fields["service"]
	if err := a.auth.Authorize(actor, news.ActFile, svc); err != nil {
		if wantJSON && errors.Is(err, auth.ErrForbidden) {
			mediaJSONReply(w, http.StatusForbidden, map[string]string{"error": say(r, actor, "Your role does not allow uploading here.")})
			return nil
		}
		return err
	}
	if _, cur, err := a.servicesFor(r.Context(), actor, news.ActFile, svc); err != nil {
		return err // an unknown service
	} else if cur.Code != svc {
		return auth.ErrForbidden // no service named (an admin's hand-made form)
	}
	if !form.hasFile || len(form.data) == 0 {
		return refuse(http.StatusBadRequest, svc, say(r, actor, "Choose an image file to upload."))
	}
	asset, err := a.cfg.Library.Ingest(r.Context(), form.data)
	if reason := media.Reason(err); reason != "" {
		status := http.StatusUnprocessableEntity
		switch {
		case errors.Is(err, media.ErrUnsupported):
			status = http.StatusUnsupportedMediaType
		case errors.Is(err, media.ErrTooLarge):
			status = http.StatusRequestEntityTooLarge
		}
		a.auth.Audit(r.Context(), actor, "media.refused", "", svc, a.clientOf(r), reason)
		return refuse(status, svc, say(r, actor, "This file was not accepted: %s", trMsg(langOf(r, actor), reason)))
	}
	if err != nil {
		return err
	}
	item := news.MediaItem{Asset: news.Asset{ID: asset.ID}, Service: svc, Name: labelName(form.filename),
		Alt: form.fields["alt"], Caption: form.fields["caption"], Credit: form.fields["credit"], AddedBy: actor.ID, Added: a.auth.Now()}
	if err := a.mediaStore().AddMedia(r.Context(), &item); err != nil {
		return err
	}
	a.auth.Audit(r.Context(), actor, "media.upload", "", svc, a.clientOf(r), asset.ID)
	if wantJSON {
		mediaJSONReply(w, http.StatusCreated, MediaPick{ID: item.Asset.ID, Label: mediaLabel(r.Context(), item), Alt: item.Alt, Caption: item.Caption,
			Credit: item.Credit, Thumb: mediaThumbURL(item, 320), Width: item.Asset.Width, Height: item.Asset.Height})
		return nil
	}
	redirect(w, r, "/admin/media/"+url.PathEscape(asset.ID)+"?service="+url.QueryEscape(svc)+"&done=uploaded")
	return nil
}

type mediaItemData struct {
	Service            news.Service
	Item               news.MediaItem
	Label              string
	Preview            string
	PreviewW, PreviewH int // display size: 640 pixels wide at most
	CanEdit            bool
}

func newMediaItemData(ctx context.Context, svc news.Service, m news.MediaItem, canEdit bool) mediaItemData {
	d := mediaItemData{Service: svc, Item: m, Label: mediaLabel(ctx, m), Preview: mediaThumbURL(m, 960), CanEdit: canEdit,
		PreviewW: min(640, m.Asset.Width), PreviewH: m.Asset.Height}
	if m.Asset.Width > 0 {
		d.PreviewH = max(1, m.Asset.Height*d.PreviewW/m.Asset.Width)
	}
	return d
}

func (a *Admin) mediaItem(ctx context.Context, actor *auth.Actor, id, service string, act news.Action) (news.Service, news.MediaItem, error) {
	_, cur, err := a.servicesFor(ctx, actor, act, service)
	if err != nil {
		return cur, news.MediaItem{}, err
	}
	if service == "" || cur.Code != service {
		return cur, news.MediaItem{}, news.ErrNotFound
	}
	m, err := a.mediaStore().Media(ctx, cur.Code, id)
	return cur, m, err
}

func (a *Admin) mediaItemPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	svc, m, err := a.mediaItem(r.Context(), actor, r.PathValue("id"), r.URL.Query().Get("service"), news.ActWrite)
	if err != nil {
		return err
	}
	notice := ""
	switch r.URL.Query().Get("done") {
	case "uploaded":
		notice = say(r, actor, "Uploaded, with its metadata (EXIF, GPS position, camera) removed. Add its alt text, caption and credit: a story cannot be published with an image that lacks them.")
	case "saved":
		notice = say(r, actor, "Saved.")
	}
	a.render(w, r, http.StatusOK, "media-item", &page{Title: say(r, actor, "Image: %s", mediaLabel(r.Context(), m)), Here: "media", Actor: actor, Notice: notice,
		Data: newMediaItemData(r.Context(), svc, m, actor.Allowed(news.ActFile, svc.Code))})
	return nil
}

func (a *Admin) mediaItemPost(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	svcCode := r.PostFormValue("service")
	if err := a.auth.Authorize(actor, news.ActFile, svcCode); err != nil {
		return err
	}
	svc, m, err := a.mediaItem(r.Context(), actor, r.PathValue("id"), svcCode, news.ActFile)
	if err != nil {
		return err
	}
	m.Alt, m.Caption, m.Credit, m.Updated = r.PostFormValue("alt"), r.PostFormValue("caption"), r.PostFormValue("credit"), a.auth.Now()
	if err := a.mediaStore().SetMediaText(r.Context(), m); err != nil {
		if errors.Is(err, news.ErrInvalid) {
			m.Alt, m.Caption, m.Credit = news.CleanMediaText(m.Alt), news.CleanMediaText(m.Caption), news.CleanMediaText(m.Credit)
			a.render(w, r, http.StatusBadRequest, "media-item", &page{Title: say(r, actor, "Image: %s", mediaLabel(r.Context(), m)), Here: "media", Actor: actor,
				Error: invalidMsg(langOf(r, actor), err),
				Data:  newMediaItemData(r.Context(), svc, m, true)})
			return nil
		}
		return err
	}
	a.auth.Audit(r.Context(), actor, "media.edit", "", svc.Code, a.clientOf(r), m.Asset.ID)
	redirect(w, r, "/admin/media/"+url.PathEscape(m.Asset.ID)+"?service="+url.QueryEscape(svc.Code)+"&done=saved")
	return nil
}

// mediaThumb serves a variant of an image to staff who may write in a
// service whose library or stories have it; to anyone else it does not
// exist.
func (a *Admin) mediaThumb(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	id := r.PathValue("id")
	svcs, err := a.mediaStore().MediaServices(r.Context(), id)
	if err != nil {
		return err
	}
	ok := false
	for _, s := range svcs {
		ok = ok || actor.Allowed(news.ActWrite, s)
	}
	if !ok {
		return news.ErrNotFound
	}
	asset, err := a.cfg.Stories.Asset(r.Context(), id)
	if err != nil {
		return err
	}
	width, _ := strconv.Atoi(r.URL.Query().Get("w"))
	v := media.Pick(asset, max(width, 1))
	if v.URL == "" {
		return news.ErrNotFound
	}
	sub := r.Clone(r.Context())
	sub.URL = &url.URL{Path: v.URL}
	a.cfg.Library.StaffHandler(func(ctx context.Context, assetID string) (news.Asset, error) {
		if assetID != asset.ID {
			return news.Asset{}, news.ErrNotFound
		}
		return asset, nil
	}).ServeHTTP(w, sub)
	return nil
}
