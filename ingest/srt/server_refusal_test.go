package srt

import (
	"strings"
	"testing"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/ingest/ingesttest"
)

func TestServerPassphrase(t *testing.T) {
	const passphrase = "correct-horse-battery"
	for _, c := range []struct {
		name, extra string
		ok          bool
		reason      string
	}{
		{"right", "&passphrase=" + passphrase, true, ""},
		{"missing", "", false, errNeedPassphrase.Error()},
		{"wrong", "&passphrase=incorrect-horse", false, errPassphrase.Error()},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := newRecorder()
			s, logs := startServer(t, rec, passphrase)
			// zerolatency: ffmpeg's 1 s would otherwise still sit in the
			// encoder's look-ahead when it hangs up.
			args := append(append([]string{}, ffmpegTestSource...),
				"-c:v", "libx264", "-tune", "zerolatency", "-g", "30", "-c:a", "aac", "-t", "1", "-f", "mpegts",
				srtURL(s, "publish:main:"+testKey, c.extra))
			out, err := ingesttest.FFmpeg(t, args...)
			if c.ok {
				if err != nil {
					t.Fatalf("ffmpeg failed: %v\n%s", err, out)
				}
				rec.WaitPublished(t)
				return
			}
			if err == nil {
				t.Fatalf("ffmpeg succeeded without the right passphrase:\n%s", out)
			}
			if len(rec.Publications()) != 0 {
				t.Fatal("a publisher without the right passphrase was let in")
			}
			if a := rec.Authorizations(); len(a) != 0 {
				t.Errorf("Authorize was asked for a publisher without the passphrase: %v", a)
			}
			if !strings.Contains(logs.String(), c.reason) {
				t.Errorf("log does not say %q:\n%s", c.reason, logs)
			}
		})
	}
}

func TestServerRefusals(t *testing.T) {
	for _, c := range []struct {
		name, streamID, reason string
	}{
		{"wrong key", "publish:main:not-" + testKey, ingest.ErrBadKey.Error()},
		{"unknown stream", "publish:other:" + testKey, ingest.ErrUnknownStream.Error()},
		{"busy", "publish:busy:" + testKey, ingest.ErrStreamBusy.Error()},
		{"reading", "read:main:" + testKey, errReadNotServed.Error()},
		{"key in name", "publish:" + testKey, errStreamName.Error()},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := newRecorder()
			s, logs := startServer(t, rec, "")
			args := append(append([]string{}, ffmpegTestSource...),
				"-c:v", "libx264", "-c:a", "aac", "-t", "1", "-f", "mpegts", srtURL(s, c.streamID, ""))
			if out, err := ingesttest.FFmpeg(t, args...); err == nil {
				t.Fatalf("ffmpeg succeeded:\n%s", out)
			}
			if len(rec.Publications()) != 0 {
				t.Fatal("Publish was called")
			}
			log := logs.String()
			if !strings.Contains(log, "publish refused") || !strings.Contains(log, c.reason) {
				t.Errorf("log does not say the publish was refused because %q:\n%s", c.reason, log)
			}
			if strings.Contains(log, testKey) {
				t.Errorf("the key is in the log:\n%s", log)
			}
		})
	}
}

func TestServerRefusesUnsupportedCodec(t *testing.T) {
	rec := newRecorder()
	s, logs := startServer(t, rec, "")
	args := append(append([]string{}, ffmpegTestSource...),
		"-c:v", "libx264", "-c:a", "mp2", "-t", "2", "-f", "mpegts", srtURL(s, "publish:main:"+testKey, ""))
	_, _ = ingesttest.FFmpeg(t, args...) // ffmpeg may or may not notice the hang-up before it ends
	logs.WaitFor(t, "publish refused")
	if len(rec.Publications()) != 0 {
		t.Fatal("Publish was called")
	}
	log := logs.String()
	for _, want := range []string{"MPEG-1 Audio", "AAC", ingest.ErrUnsupportedCodec.Error()} {
		if !strings.Contains(log, want) {
			t.Errorf("log does not say %q:\n%s", want, log)
		}
	}
}
