package configs

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// knownKeys are the dotted paths of every setting, mapped to true, and of
// every section, mapped to false ("hls.part_duration", "hls").
func knownKeys() map[string]bool {
	keys := map[string]bool{}
	var cfg Config
	_ = walkKeys(reflect.ValueOf(&cfg).Elem(), "", func(key string, _ reflect.Value) error {
		for i := range key {
			if key[i] == '.' {
				keys[key[:i]] = false
			}
		}
		keys[key] = true
		return nil
	})
	return keys
}

// unknownKeys lists every key in the YAML document that names no
// setting, each with its line and, when one is close, the key that was
// probably meant. yaml.v3's own error names a Go type instead
// ("field part_durration not found in type configs.HLS").
func unknownKeys(doc *yaml.Node) []error {
	known := knownKeys()
	var errs []error
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
			walk(n.Content[0], prefix)
			return
		}
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := prefix + k.Value
			leaf, ok := known[key]
			if !ok {
				msg := fmt.Sprintf("line %d: %s is not a setting", k.Line, key)
				if s := closestKey(key, known); s != "" {
					msg += fmt.Sprintf("; did you mean %s?", s)
				} else {
					msg += " (configs/llcast.yml lists them all)"
				}
				errs = append(errs, fmt.Errorf("%s", msg))
				continue
			}
			if !leaf {
				walk(v, key+".")
			}
		}
	}
	walk(doc, "")
	return errs
}

// closestKey is the known key nearest to key: the same last part in
// another section ("part_duration" → "hls.part_duration"), or a spelling
// a few edits away. It returns "" when none is close.
func closestKey(key string, known map[string]bool) string {
	leaf := key[strings.LastIndex(key, ".")+1:]
	best, bestDist := "", max(2, len(key)/4)+1
	for k := range known {
		d := editDistance(key, k)
		if kleaf := k[strings.LastIndex(k, ".")+1:]; kleaf == leaf && strings.Contains(k, ".") != strings.Contains(key, ".") {
			d = min(d, 1)
		}
		if d < bestDist || (d == bestDist && k < best) {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes:
// keys are ASCII.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
