// Package news is qalam's domain: services (language editions), sections,
// tags, author profiles, stories with their revisions and publication state,
// media assets, and the Store interface every database backend implements.
//
// It imports only the standard library. Nothing here knows about SQL or HTTP.
package news
