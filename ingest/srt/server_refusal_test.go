package srt

import (
	"strings"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
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
			pubs, rec := newRecorder()
			s, logs := startServer(t, pubs, passphrase)
			// zerolatency: ffmpeg's 1 s would otherwise still sit in the
			// encoder's look-ahead when it hangs up.
			args := append(append([]string{}, ffmpegTestSource...),
				"-c:v", "libx264", "-tune", "zerolatency", "-g", "30", "-c:a", "aac", "-t", "1", "-f", "mpegts",
				srtURL(s, "publish:main:"+testKey, c.extra))
			out, err := runFFmpeg(t, 15*time.Second, args...)
			if c.ok {
				if err != nil {
					t.Fatalf("ffmpeg failed: %v\n%s", err, out)
				}
				select {
				case <-rec.published:
				case <-time.After(5 * time.Second):
					t.Fatalf("nothing was published; log:\n%s", logs)
				}
				return
			}
			if err == nil {
				t.Fatalf("ffmpeg succeeded without the right passphrase:\n%s", out)
			}
			select {
			case <-rec.published:
				t.Fatal("a publisher without the right passphrase was let in")
			default:
			}
			if a := rec.authorizations(); len(a) != 0 {
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
			pubs, rec := newRecorder()
			s, logs := startServer(t, pubs, "")
			args := append(append([]string{}, ffmpegTestSource...),
				"-c:v", "libx264", "-c:a", "aac", "-t", "1", "-f", "mpegts", srtURL(s, c.streamID, ""))
			if out, err := runFFmpeg(t, 15*time.Second, args...); err == nil {
				t.Fatalf("ffmpeg succeeded:\n%s", out)
			}
			select {
			case <-rec.published:
				t.Fatal("Publish was called")
			default:
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
	pubs, rec := newRecorder()
	s, logs := startServer(t, pubs, "")
	args := append(append([]string{}, ffmpegTestSource...),
		"-c:v", "libx264", "-c:a", "mp2", "-t", "2", "-f", "mpegts", srtURL(s, "publish:main:"+testKey, ""))
	runFFmpeg(t, 15*time.Second, args...) // ffmpeg may or may not notice the hang-up before it ends
	waitFor(t, 5*time.Second, "the refusal in the log", func() bool {
		return strings.Contains(logs.String(), "publish refused")
	})
	select {
	case <-rec.published:
		t.Fatal("Publish was called")
	default:
	}
	log := logs.String()
	for _, want := range []string{"MPEG-1 Audio", "AAC", ingest.ErrUnsupportedCodec.Error()} {
		if !strings.Contains(log, want) {
			t.Errorf("log does not say %q:\n%s", want, log)
		}
	}
}
