package auth

import "net"

// PublishPorts are where a server takes publishers. An empty port means
// that protocol is off.
type PublishPorts struct {
	// RTMP is the RTMP port ("1935").
	RTMP string
	// RTMPS is the RTMP over TLS port ("1936"), when TLS is on.
	RTMPS string
	// SRT is the SRT port ("8890").
	SRT string
	// SRTPassphrase says that SRT publishers must also give the
	// passphrase, which no URL here carries.
	SRTPassphrase bool
}

// PublishURLs are the URLs a publisher pushes a stream to, with its key
// in them. Empty when the protocol is off or the stream takes no
// publishers.
type PublishURLs struct {
	// RTMP is rtmp://HOST:PORT/live/NAME?key=KEY.
	RTMP string `json:"rtmp"`
	// OBSServer and OBSKey are RTMP split the way OBS asks for it:
	// Server rtmp://HOST:PORT/live and Stream Key NAME?key=KEY.
	OBSServer string `json:"obs_server"`
	OBSKey    string `json:"obs_key"`
	// RTMPS is rtmps://HOST:PORT/live/NAME?key=KEY.
	RTMPS string `json:"rtmps"`
	// SRT is srt://HOST:PORT?streamid=publish:NAME:KEY.
	SRT string `json:"srt"`
	// SRTPassphrase: SRT publishers must add &passphrase=… themselves.
	SRTPassphrase bool `json:"srt_passphrase"`
}

// NewPublishURLs builds the publish URLs of stream with key on host (a
// name or an address, without port). Stream names and keys need no
// escaping.
func NewPublishURLs(host string, ports PublishPorts, stream, key string) PublishURLs {
	var u PublishURLs
	if key == "" {
		return u
	}
	if ports.RTMP != "" {
		u.OBSServer = "rtmp://" + net.JoinHostPort(host, ports.RTMP) + "/live"
		u.OBSKey = stream + "?key=" + key
		u.RTMP = u.OBSServer + "/" + u.OBSKey
	}
	if ports.RTMPS != "" {
		u.RTMPS = "rtmps://" + net.JoinHostPort(host, ports.RTMPS) + "/live/" + stream + "?key=" + key
	}
	if ports.SRT != "" {
		u.SRT = "srt://" + net.JoinHostPort(host, ports.SRT) + "?streamid=publish:" + stream + ":" + key
		u.SRTPassphrase = ports.SRTPassphrase
	}
	return u
}
