package vod

import (
	"iter"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/ingest/file"
)

// indexedSample is a sample of the file with the number of its track and
// its entry in that track's index, which know what the sample does not:
// its duration and whether it is a keyframe.
type indexedSample struct {
	ingest.Sample
	track int
	entry file.Entry
}

// samples iterates the samples of span in decoding order, as f.Range
// does, each with its track number and index entry.
func samples(f *file.File, span file.Span) iter.Seq2[indexedSample, error] {
	return func(yield func(indexedSample, error) bool) {
		number := map[*ingest.Track]int{}
		for i, t := range f.Tracks() {
			number[t] = i
		}
		next := append([]int(nil), span.From...)
		for s, err := range f.Range(span) {
			if err != nil {
				yield(indexedSample{}, err)
				return
			}
			i := number[s.Track]
			e := f.Index(i)[next[i]]
			next[i]++
			if !yield(indexedSample{Sample: s, track: i, entry: e}, nil) {
				return
			}
		}
	}
}
