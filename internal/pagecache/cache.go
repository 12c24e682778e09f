// Package pagecache keeps rendered anonymous pages in memory, each both
// plain and gzip-compressed with a strong ETag per encoding. Concurrent
// misses for one key share a single render, the cache is bounded in bytes,
// and Purge drops everything at once when content changes.
package pagecache

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Entry is one rendered response.
type Entry struct {
	Status   int
	Header   http.Header // Content-Type, Cache-Control, Location, ...
	Plain    []byte
	Gzip     []byte
	ETag     string // of Plain
	GzipETag string // of Gzip

	// Header values made once, so serving a hit allocates as little as
	// possible: a cached page is the hottest path there is.
	plainTag, gzipTag, plainLen, gzipLen []string
	vary                                 []string // Accept-Encoding plus the entry's own Vary
}

var (
	varyAE  = []string{"Accept-Encoding"}
	encGzip = []string{"gzip"}
)

// minGzip is the size under which compressing is not worth a header.
const minGzip = 256

// NewEntry builds an entry, compressing the body once.
func NewEntry(status int, h http.Header, body []byte) *Entry {
	e := &Entry{Status: status, Header: h, Plain: body}
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:12])
	e.ETag = `"` + tag + `"`
	if len(body) >= minGzip {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		e.Gzip = buf.Bytes()
		e.GzipETag = `"` + tag + `-gz"`
	}
	e.plainTag, e.plainLen = []string{e.ETag}, []string{strconv.Itoa(len(e.Plain))}
	e.gzipTag, e.gzipLen = []string{e.GzipETag}, []string{strconv.Itoa(len(e.Gzip))}
	e.vary = varyAE
	if own := h.Values("Vary"); len(own) > 0 {
		e.vary = append(append([]string{}, varyAE...), own...)
	}
	return e
}

func (e *Entry) size() int64 {
	n := int64(len(e.Plain) + len(e.Gzip) + 256)
	for k, vs := range e.Header {
		n += int64(len(k))
		for _, v := range vs {
			n += int64(len(v))
		}
	}
	return n
}

// Serve writes the entry, choosing the encoding from Accept-Encoding and
// answering 304 when If-None-Match names the chosen representation.
func (e *Entry) Serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, vs := range e.Header {
		h[k] = vs
	}
	body, etag, tagHdr, lenHdr := e.Plain, e.ETag, e.plainTag, e.plainLen
	if e.Gzip != nil {
		h["Vary"] = e.vary
		if AcceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag, tagHdr, lenHdr = e.Gzip, e.GzipETag, e.gzipTag, e.gzipLen
			h["Content-Encoding"] = encGzip
		}
	}
	h["Etag"] = tagHdr
	if e.Status == http.StatusOK && etagMatch(r.Header.Get("If-None-Match"), etag) {
		delete(h, "Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Length"] = lenHdr
	w.WriteHeader(e.Status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// AcceptsGzip reports whether an Accept-Encoding header allows gzip.
func AcceptsGzip(ae string) bool {
	for _, part := range strings.Split(ae, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.TrimSpace(name) != "*" {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		if q, ok := strings.CutPrefix(params, "q="); ok {
			if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
				return false
			}
		}
		return true
	}
	return false
}

func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || t == etag || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// Cache is a byte-bounded LRU of entries with single-flight misses.
type Cache struct {
	mu       sync.Mutex
	max      int64
	size     int64
	gen      uint64
	lru      *list.List // of *item, most recent at front
	items    map[string]*list.Element
	inflight map[string]*call
}

type item struct {
	key   string
	entry *Entry
	size  int64
}

type call struct {
	gen   uint64
	done  chan struct{}
	entry *Entry
	err   error
}

// New returns a cache that holds at most maxBytes of entries.
func New(maxBytes int64) *Cache {
	return &Cache{max: maxBytes, lru: list.New(), items: map[string]*list.Element{}, inflight: map[string]*call{}}
}

// Get returns the entry for key, calling render on a miss. Callers that
// miss on the same key at the same time wait for one render. A result
// rendered before a Purge is handed to its waiters but not kept.
func (c *Cache) Get(key string, render func() (*Entry, error)) (*Entry, error) {
	c.mu.Lock()
	if el, ok := c.items[key]; ok {
		c.lru.MoveToFront(el)
		e := el.Value.(*item).entry
		c.mu.Unlock()
		return e, nil
	}
	if cl, ok := c.inflight[key]; ok && cl.gen == c.gen {
		c.mu.Unlock()
		<-cl.done
		return cl.entry, cl.err
	}
	cl := &call{gen: c.gen, done: make(chan struct{})}
	c.inflight[key] = cl
	c.mu.Unlock()

	func() {
		defer func() {
			if p := recover(); p != nil {
				c.mu.Lock()
				if c.inflight[key] == cl {
					delete(c.inflight, key)
				}
				c.mu.Unlock()
				close(cl.done)
				panic(p)
			}
		}()
		cl.entry, cl.err = render()
	}()

	c.mu.Lock()
	if c.inflight[key] == cl {
		delete(c.inflight, key)
	}
	if cl.err == nil && cl.entry != nil && cl.gen == c.gen {
		c.add(key, cl.entry)
	}
	c.mu.Unlock()
	close(cl.done)
	return cl.entry, cl.err
}

func (c *Cache) add(key string, e *Entry) {
	it := &item{key: key, entry: e, size: e.size()}
	if it.size > c.max/4 {
		return // one huge page must not evict the whole cache
	}
	if el, ok := c.items[key]; ok {
		c.size -= el.Value.(*item).size
		c.lru.Remove(el)
	}
	c.items[key] = c.lru.PushFront(it)
	c.size += it.size
	for c.size > c.max {
		last := c.lru.Back()
		old := last.Value.(*item)
		c.lru.Remove(last)
		delete(c.items, old.key)
		c.size -= old.size
	}
}

// Purge drops every entry; renders already running are not kept.
func (c *Cache) Purge() {
	c.mu.Lock()
	c.gen++
	c.items = map[string]*list.Element{}
	c.lru.Init()
	c.size = 0
	c.mu.Unlock()
}

// Stats reports the number of entries and their bytes.
func (c *Cache) Stats() (entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.size
}
