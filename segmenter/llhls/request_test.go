package llhls

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2aWV3ZXIifQ.c2lnbmF0dXJlLV8"

var parseQueryCases = []struct {
	name, raw string
	want      query
	wantErr   bool
}{
	{"empty", "", query{msn: -1, part: -1}, false},
	{"MSN", "_HLS_msn=12", query{msn: 12, part: -1}, false},
	{"MSN and part", "_HLS_msn=12&_HLS_part=0", query{msn: 12, part: 0}, false},
	{"part first", "_HLS_part=3&_HLS_msn=0", query{msn: 0, part: 3}, false},
	{"skip", "_HLS_skip=YES", query{msn: -1, part: -1, skip: true}, false},
	{"skip v2", "_HLS_skip=v2", query{msn: -1, part: -1, skip: true}, false},
	{"skip no", "_HLS_skip=NO", query{msn: -1, part: -1}, false},
	{"skip lower case", "_HLS_skip=yes", query{msn: -1, part: -1}, false},
	{"token", "token=" + jwt, query{msn: -1, part: -1, token: jwt}, false},
	{"everything", "token=a.b_c-D&_HLS_skip=YES&_HLS_msn=2147483647&_HLS_part=7", query{msn: math.MaxInt32, part: 7, skip: true, token: "a.b_c-D"}, false},
	{"junk", "a=1&&b&=c&_HLS_push=1&_HLS_msn_x=3&TOKEN=x y&_hls_msn=zz", query{msn: -1, part: -1}, false},
	{"huge unknown value", "x=" + strings.Repeat("%00", 30000) + "&_HLS_msn=1", query{msn: 1, part: -1}, false},
	{"longest token", "token=" + strings.Repeat("A", maxTokenLen), query{msn: -1, part: -1, token: strings.Repeat("A", maxTokenLen)}, false},

	{"part without MSN", "_HLS_part=1", query{}, true},
	{"negative MSN", "_HLS_msn=-1", query{}, true},
	{"plus sign", "_HLS_msn=+1", query{}, true},
	{"leading zero", "_HLS_msn=01", query{}, true},
	{"empty MSN", "_HLS_msn=", query{}, true},
	{"no value", "_HLS_msn", query{}, true},
	{"MSN 2^31", "_HLS_msn=2147483648", query{}, true},
	{"MSN 11 digits", "_HLS_msn=10000000000", query{}, true},
	{"hex part", "_HLS_msn=1&_HLS_part=0x1", query{}, true},
	{"MSN twice", "_HLS_msn=1&_HLS_msn=1", query{}, true},
	{"skip twice", "_HLS_skip=YES&_HLS_skip=YES", query{}, true},
	{"token twice", "token=a&token=a", query{}, true},
	{"empty token", "token=", query{}, true},
	{"escaped token", "token=a%2Eb", query{}, true},
	{"token with a slash", "token=a/b", query{}, true},
	{"token with a plus", "token=a+b", query{}, true},
	{"token with a quote", `token=a"b`, query{}, true},
	{"token too long", "token=" + strings.Repeat("A", maxTokenLen+1), query{}, true},
}

func TestParseQuery(t *testing.T) {
	for _, tc := range parseQueryCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseQuery(tc.raw)
			if tc.wantErr {
				if err == nil || !errors.Is(err, errBadRequest) {
					t.Fatalf("got %+v, %v; want an errBadRequest", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// isTokenChars is what a token may hold, written apart from isTokenText.
func isTokenChars(s string) bool {
	return strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") == ""
}

func FuzzParseQuery(f *testing.F) {
	for _, tc := range parseQueryCases {
		f.Add(tc.raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := parseQuery(raw)
		if err != nil {
			if !errors.Is(err, errBadRequest) {
				t.Fatalf("%v is not an errBadRequest", err)
			}
			return
		}
		if q.msn < -1 || q.part < -1 || q.msn > math.MaxInt32 || q.part > math.MaxInt32 || (q.part >= 0 && q.msn < 0) {
			t.Fatalf("msn %d, part %d", q.msn, q.part)
		}
		if q.token != "" {
			if len(q.token) > maxTokenLen || !isTokenChars(q.token) {
				t.Fatalf("token %q let through", q.token)
			}
			if !strings.Contains("&"+raw+"&", "&token="+q.token+"&") {
				t.Fatalf("token %q is not the query's", q.token)
			}
		}
		if q.skip && !strings.Contains("&"+raw+"&", "&_HLS_skip=YES&") && !strings.Contains("&"+raw+"&", "&_HLS_skip=v2&") {
			t.Fatalf("skip without _HLS_skip=YES")
		}
		// What was read, written again, reads the same.
		var again []string
		if q.msn >= 0 {
			again = append(again, "_HLS_msn="+strconv.Itoa(q.msn))
		}
		if q.part >= 0 {
			again = append(again, "_HLS_part="+strconv.Itoa(q.part))
		}
		if q.skip {
			again = append(again, "_HLS_skip=YES")
		}
		if q.token != "" {
			again = append(again, "token="+q.token)
		}
		if q2, err := parseQuery(strings.Join(again, "&")); err != nil || q2 != q {
			t.Fatalf("%+v written again reads %+v, %v", q, q2, err)
		}
	})
}
