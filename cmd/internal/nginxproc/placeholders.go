package nginxproc

import (
	"fmt"
	"regexp"
	"strings"
)

// Placeholders are the values of the template's placeholders.
type Placeholders struct {
	Listen, Upstream, CacheDir, LogDir string
}

// Render fills in the template's placeholders and picks the blocking
// playlist strategy ("pass" or "lock"): the line marked
// "# llcast-blocking=NAME" is uncommented, the other one commented out.
func Render(template string, p Placeholders, blocking string) (string, error) {
	out := strings.NewReplacer("__LISTEN__", p.Listen, "__UPSTREAM__", p.Upstream,
		"__CACHE_DIR__", p.CacheDir, "__LOG_DIR__", p.LogDir).Replace(template)
	lines := strings.Split(out, "\n")
	found := false
	for i, line := range lines {
		_, name, ok := strings.Cut(line, "# llcast-blocking=")
		if !ok {
			continue
		}
		indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
		body := strings.TrimLeft(strings.TrimLeft(line, " "), "#")
		if strings.TrimSpace(name) == blocking {
			found = true
			lines[i] = indent + body
		} else {
			lines[i] = indent + "#" + body
		}
	}
	if !found {
		return "", fmt.Errorf("the nginx config has no line marked llcast-blocking=%s", blocking)
	}
	placeholder := regexp.MustCompile(`__[A-Z][A-Z_]*__`) // __LISTEN__
	for _, line := range lines {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") && placeholder.MatchString(line) {
			return "", fmt.Errorf("a placeholder is left in the nginx config: %s", strings.TrimSpace(line))
		}
	}
	return strings.Join(lines, "\n"), nil
}
