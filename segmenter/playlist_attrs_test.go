package segmenter

import "testing"

func TestAttrs(t *testing.T) {
	cases := []struct {
		name, list, attr, value string
		wantGet, wantSet        string
	}{
		{"replaced in place", "A=1,B=2,C=3", "B", "9", "2", "A=1,B=9,C=3"},
		{"appended when missing", "A=1", "B", "9", "", "A=1,B=9"},
		{"into an empty list", "", "B", "9", "", "B=9"},
		{"commas in quotes do not split", `CODECS="avc1,mp4a",BANDWIDTH=5`, "BANDWIDTH", "7", "5", `CODECS="avc1,mp4a",BANDWIDTH=7`},
		{"quotes are removed", `CODECS="avc1,mp4a",BANDWIDTH=5`, "CODECS", `"x"`, "avc1,mp4a", `CODECS="x",BANDWIDTH=5`},
		{"a longer name is another attribute", "AVERAGE-BANDWIDTH=4,BANDWIDTH=5", "BANDWIDTH", "6", "5", "AVERAGE-BANDWIDTH=4,BANDWIDTH=6"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := attr(c.list, c.attr); got != c.wantGet {
				t.Errorf("attr(%q, %q) = %q, want %q", c.list, c.attr, got, c.wantGet)
			}
			if got := setAttr(c.list, c.attr, c.value); got != c.wantSet {
				t.Errorf("setAttr(%q, %q, %q) = %q, want %q", c.list, c.attr, c.value, got, c.wantSet)
			}
		})
	}
}

func TestAddChannels(t *testing.T) {
	in := "#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"Audio\",URI=\"audio2_stream.m3u8\"\n" +
		"#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"s\",NAME=\"x\",URI=\"s.m3u8\"\n"
	want := "#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"Audio\",URI=\"audio2_stream.m3u8\",CHANNELS=\"2\"\n" +
		"#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"s\",NAME=\"x\",URI=\"s.m3u8\"\n"
	if got := string(addChannels([]byte(in), 2)); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if got := string(addChannels([]byte(want), 6)); got != want {
		t.Fatal("CHANNELS that is there was changed")
	}
	if got := string(addChannels([]byte(in), 0)); got != in {
		t.Fatal("no channel count, yet the playlist changed")
	}
}
