package feed

// SetSitemapSize sets how many URLs one sitemap file holds, so a test can
// see the files split without 50,000 stories.
func SetSitemapSize(h *Handler, n int) { h.perFile.Store(int64(n)) }
