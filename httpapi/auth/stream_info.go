package auth

import "time"

// StreamInfo is a stream as `llcast stream --json` and the studio show it
// to its owner: the record, its publish URLs and where viewers watch it.
// Key and the URLs are empty for streams that take no publishers.
type StreamInfo struct {
	Name    string    `json:"name"`
	Source  string    `json:"source"`
	File    string    `json:"file"`
	VOD     bool      `json:"vod"`
	Key     string    `json:"key"`
	Created time.Time `json:"created,omitzero"`
	Title   string    `json:"title"`
	// Watch is the path of the stream's watch page.
	Watch string `json:"watch"`
	PublishURLs
}

// Info describes s with its publish URLs on host.
func (s Stream) Info(host string, ports PublishPorts) StreamInfo {
	return StreamInfo{
		Name: s.Name, Source: s.Source, File: s.File, VOD: s.VOD, Key: s.Key, Created: s.Created, Title: s.Title,
		Watch:       WatchPath(s.Name),
		PublishURLs: NewPublishURLs(host, ports, s.Name, s.Key),
	}
}

// WatchPath is the path of a stream's watch page.
func WatchPath(stream string) string { return "/watch/" + stream }
