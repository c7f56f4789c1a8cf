// Package player owns llcast's web front end: the html/template pages (login,
// watch and the streamer's studio), the static assets served under /assets/
// (CSS, JavaScript, icons) and the vendored hls.js build. Everything is
// embedded into the binary.
//
// The studio page (studio.js) is a client of the JSON studio API that httpapi
// serves under /api/studio; it polls it and keeps no state of its own.
// The watch page (watch.js) and the embed page for other sites' iframes
// (embed.js) share the player (player.js and the "player" partial): the
// live controls, the offline poster, keeping up with the live edge.
//
// The package imports nothing else from the project; the HTTP layer executes
// the templates and serves Assets() itself.
//
// assets/vendor/hls.min.js is not committed: `make build` runs `npm ci` in
// this folder and copies node_modules/hls.js/dist/hls.min.js there before
// compiling, so the embed picks it up. HasHLSJS reports whether that happened.
//
// README "Architecture" maps every package and what it may import.
package player

import (
	"embed"
	"html/template"
	"io/fs"
)

//go:embed assets templates
var files embed.FS

// hlsJSPath is where the build copies hls.js, relative to the embedded root.
const hlsJSPath = "assets/vendor/hls.min.js"

// Assets returns the static files served under /assets/ (rooted at assets/).
func Assets() fs.FS {
	sub, err := fs.Sub(files, "assets")
	if err != nil {
		// Only possible for an invalid path literal.
		panic(err)
	}
	return sub
}

// Templates returns the parsed html templates: the pages login.html,
// streams.html (the list at /), watch.html, embed.html (/embed/{stream}),
// studio.html and notice.html (403 and 404), and partials.html, what the
// pages share (the head, the user menu, the player). The handlers in
// httpapi say what data each one takes.
func Templates() (*template.Template, error) {
	return template.ParseFS(files, "templates/*.html")
}

// HasHLSJS reports whether the hls.js build was copied in (make build does it);
// the server warns when it is missing.
func HasHLSJS() bool {
	info, err := fs.Stat(files, hlsJSPath)
	return err == nil && !info.IsDir() && info.Size() > 0
}
