package hlsload

import (
	"reflect"
	"testing"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

const mediaText = `#EXTM3U
#EXT-X-VERSION:9
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-TARGETDURATION:1
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.31251,CAN-SKIP-UNTIL=6.00000
#EXT-X-PART-INF:PART-TARGET=0.10417
#EXT-X-MEDIA-SEQUENCE:12
#EXT-X-MAP:URI="ab_video_init.mp4?token=a.b,c"
#EXT-X-PROGRAM-DATE-TIME:2026-11-30T00:00:05.243Z
#EXTINF:1.00000,
ab_video_12.mp4
#EXT-X-GAP
#EXTINF:1.00000,
ab_video_13.mp4
#EXT-X-PROGRAM-DATE-TIME:2026-11-30T00:00:07.243Z
#EXT-X-PART:DURATION=0.10000,URI="ab_video_p140.mp4",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.10000,URI="ab_video_p141.mp4"
#EXTINF:0.20000,
ab_video_14.mp4
#EXT-X-PART:DURATION=0.10000,URI="ab_video_p142.mp4",INDEPENDENT=YES
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="ab_video_p143.mp4"
#EXT-X-RENDITION-REPORT:URI="audio.m3u8",LAST-MSN=15,LAST-PART=0
`

const deltaText = `#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:1
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.31251,CAN-SKIP-UNTIL=6.00000
#EXT-X-PART-INF:PART-TARGET=0.10417
#EXT-X-MEDIA-SEQUENCE:12
#EXT-X-SKIP:SKIPPED-SEGMENTS=2
#EXT-X-PROGRAM-DATE-TIME:2026-11-30T00:00:07.243Z
#EXTINF:1.00000,
ab_video_14.mp4
`

// TestReadMediaAgreesWithGohlslib: what the follower uses of a playlist
// reads the same with readMedia as with gohlslib's parser.
func TestReadMediaAgreesWithGohlslib(t *testing.T) {
	for _, text := range []string{mediaText, deltaText} {
		got, err := readMedia([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		any, err := playlist.Unmarshal([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		want := any.(*playlist.Media)
		if got.MediaSequence != want.MediaSequence || !reflect.DeepEqual(got.Skip, want.Skip) ||
			!reflect.DeepEqual(got.ServerControl.PartHoldBack, want.ServerControl.PartHoldBack) ||
			!reflect.DeepEqual(got.ServerControl.CanSkipUntil, want.ServerControl.CanSkipUntil) ||
			(got.Map == nil) != (want.Map == nil) || (got.Map != nil && got.Map.URI != want.Map.URI) {
			t.Fatalf("header: got %+v, want %+v", got, want)
		}
		if !reflect.DeepEqual(items(got), items(want)) {
			t.Fatalf("items:\ngot  %+v\nwant %+v", items(got), items(want))
		}
		gm, gp := nextPart(got)
		wm, wp := nextPart(want)
		if gm != wm || gp != wp || firstMSN(got) != firstMSN(want) {
			t.Fatalf("next part %d.%d, want %d.%d", gm, gp, wm, wp)
		}
	}
	for _, bad := range []string{"", "nope", "#EXTM3U\nseg.mp4\n", "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:x\n", "#EXTM3U\n#EXTINF:x,\ns.mp4\n"} {
		if _, err := readMedia([]byte(bad)); err == nil {
			t.Errorf("readMedia(%q) took it", bad)
		}
	}
}
