package auth

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestNewPublishURLs(t *testing.T) {
	all := PublishPorts{RTMP: "1935", RTMPS: "1936", SRT: "8890"}
	for _, c := range []struct {
		name, host string
		ports      PublishPorts
		key        string
		want       PublishURLs
	}{
		{"all", "example.org", all, "k", PublishURLs{
			RTMP:      "rtmp://example.org:1935/live/obs?key=k",
			OBSServer: "rtmp://example.org:1935/live", OBSKey: "obs?key=k",
			RTMPS: "rtmps://example.org:1936/live/obs?key=k",
			SRT:   "srt://example.org:8890?streamid=publish:obs:k",
		}},
		{"IPv6", "fd00::1", PublishPorts{RTMP: "1935"}, "k", PublishURLs{
			RTMP: "rtmp://[fd00::1]:1935/live/obs?key=k", OBSServer: "rtmp://[fd00::1]:1935/live", OBSKey: "obs?key=k",
		}},
		{"SRT with a passphrase", "h", PublishPorts{SRT: "9000", SRTPassphrase: true}, "k", PublishURLs{
			SRT: "srt://h:9000?streamid=publish:obs:k", SRTPassphrase: true,
		}},
		{"no key", "h", all, "", PublishURLs{}},
		{"all off", "h", PublishPorts{}, "k", PublishURLs{}},
	} {
		if got := NewPublishURLs(c.host, c.ports, "obs", c.key); got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

func TestStreamInfoJSON(t *testing.T) {
	ports := PublishPorts{RTMP: "1935", SRT: "8890"}
	push, _ := json.Marshal(Stream{Name: "obs", Source: SourcePush, Key: "k"}.Info("h", ports))
	local, _ := json.Marshal(Stream{Name: "main", Source: SourceLocal}.Info("h", ports))
	for _, want := range []string{`"name":"obs"`, `"source":"push"`, `"key":"k"`, `"rtmp":"rtmp://h:1935/live/obs?key=k"`,
		`"srt":"srt://h:8890?streamid=publish:obs:k"`, `"file":""`, `"vod":false`, `"watch":"/watch/obs"`} {
		if !strings.Contains(string(push), want) {
			t.Errorf("push stream %s lacks %s", push, want)
		}
	}
	for _, want := range []string{`"key":""`, `"rtmp":""`, `"srt":""`} {
		if !strings.Contains(string(local), want) {
			t.Errorf("local stream %s lacks %s", local, want)
		}
	}
}
