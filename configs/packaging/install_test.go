package packaging

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// The version the test builds with, and the Debian version make deb must
// make of it (a tag, commits after it, a dirty tree).
const (
	testVersion    = "v1.2.3-4-gabcdef0-dirty"
	testDebVersion = "1.2.3+4.gabcdef0.dirty"
)

// TestInstallAndDeb builds llcast once with make, as a user would, then
// checks make install (layout, the unit's paths, systemd-analyze verify,
// a kept config) and make deb (name, Depends, files, conffile, scripts).
func TestInstallAndDeb(t *testing.T) {
	if testing.Short() {
		t.Skip("builds llcast and nfpm")
	}
	root := repoRoot(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "build", "llcast")
	debDir := filepath.Join(dir, "deb")
	// make deb builds the binary first, the way CI and a user run it.
	runMake(t, root, "deb", "BIN="+bin, "DEBDIR="+debDir, "VERSION="+testVersion)
	if out, err := exec.Command(bin, "version").CombinedOutput(); err != nil || !strings.Contains(string(out), testVersion) {
		t.Fatalf("llcast version: %v %q, want %s", err, out, testVersion)
	}

	t.Run("install into DESTDIR", func(t *testing.T) {
		dest := filepath.Join(dir, "dest")
		runMake(t, root, "install", "BIN="+bin, "DESTDIR="+dest, "PREFIX=/usr")
		for _, f := range []struct {
			path string
			mode os.FileMode
		}{
			{"usr/bin/llcast", 0o755},
			{"usr/lib/systemd/system/llcast.service", 0o644},
			{"etc/llcast/llcast.yml", 0o644},
			{"usr/share/doc/llcast/LICENSE", 0o644},
			{"usr/share/doc/llcast/NOTICE", 0o644},
		} {
			st, err := os.Stat(filepath.Join(dest, f.path))
			if err != nil {
				t.Errorf("not installed: %v", err)
				continue
			}
			if st.Mode().Perm() != f.mode {
				t.Errorf("%s: mode %v, want %v", f.path, st.Mode().Perm(), f.mode)
			}
		}
		unit := readFile(t, filepath.Join(dest, "usr/lib/systemd/system/llcast.service"))
		wantExec := "ExecStart=/usr/bin/llcast serve --config /etc/llcast/llcast.yml --data /var/lib/llcast\n"
		if !strings.Contains(unit, wantExec) {
			t.Errorf("installed unit lacks %q:\n%s", wantExec, unit)
		}
		if yml := readFile(t, filepath.Join(dest, "etc/llcast/llcast.yml")); yml != readFile(t, filepath.Join(root, "configs/llcast.yml")) {
			t.Error("installed llcast.yml differs from configs/llcast.yml")
		}

		// A second install keeps the admin's settings.
		conf := filepath.Join(dest, "etc/llcast/llcast.yml")
		if err := os.WriteFile(conf, []byte("listen: \":9000\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		runMake(t, root, "install", "BIN="+bin, "DESTDIR="+dest, "PREFIX=/usr")
		if got := readFile(t, conf); got != "listen: \":9000\"\n" {
			t.Errorf("make install overwrote an existing llcast.yml: %q", got)
		}
	})

	t.Run("install into PREFIX, systemd-analyze verify", func(t *testing.T) {
		// Without DESTDIR the unit's paths exist, so verify can check that
		// ExecStart's binary is there.
		prefix := filepath.Join(dir, "local")
		runMake(t, root, "install", "BIN="+bin, "PREFIX="+prefix, "SYSCONFDIR="+filepath.Join(prefix, "etc"))
		unitPath := filepath.Join(prefix, "lib/systemd/system/llcast.service")
		unit := readFile(t, unitPath)
		wantExec := "ExecStart=" + prefix + "/bin/llcast serve --config " + prefix + "/etc/llcast/llcast.yml --data /var/lib/llcast\n"
		if !strings.Contains(unit, wantExec) {
			t.Errorf("installed unit lacks %q:\n%s", wantExec, unit)
		}
		analyze := needTool(t, "systemd-analyze")
		out, err := exec.Command(analyze, "verify", unitPath).CombinedOutput()
		if err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("systemd-analyze verify %s: %v\n%s", unitPath, err, out)
		}
	})

	t.Run("deb", func(t *testing.T) {
		dpkgDeb := needTool(t, "dpkg-deb")
		deb := filepath.Join(debDir, "llcast_"+testDebVersion+"_"+runtime.GOARCH+".deb")
		if _, err := os.Stat(deb); err != nil {
			t.Fatalf("make deb made no %s: %v", filepath.Base(deb), err)
		}
		info := dpkgOut(t, dpkgDeb, "-I", deb)
		for _, re := range []string{
			`(?m)^ Package: llcast$`,
			`(?m)^ Version: ` + regexp.QuoteMeta(testDebVersion) + `$`,
			`(?m)^ Depends: .*\blibx264-164\b`,
			`(?m)^ Depends: .*\blibvo-aacenc0\b`,
			`(?m)^ Depends: .*\blibc6\b`,
			`(?m)^ Depends: .*\badduser\b`,
		} {
			if !regexp.MustCompile(re).MatchString(info) {
				t.Errorf("dpkg-deb -I lacks %s:\n%s", re, info)
			}
		}
		contents := dpkgOut(t, dpkgDeb, "-c", deb)
		for _, f := range []string{
			"./usr/bin/llcast", "./usr/lib/systemd/system/llcast.service", "./etc/llcast/llcast.yml",
			"./usr/share/doc/llcast/LICENSE", "./usr/share/doc/llcast/NOTICE",
		} {
			if !regexp.MustCompile(`(?m) ` + regexp.QuoteMeta(f) + `$`).MatchString(contents) {
				t.Errorf("the .deb lacks %s:\n%s", f, contents)
			}
		}
		if got := dpkgOut(t, dpkgDeb, "-I", deb, "conffiles"); strings.TrimSpace(got) != "/etc/llcast/llcast.yml" {
			t.Errorf("conffiles: %q, want /etc/llcast/llcast.yml", got)
		}
		// The unit ships disabled: no maintainer script enables it.
		postinst := dpkgOut(t, dpkgDeb, "-I", deb, "postinst")
		if !strings.Contains(postinst, "adduser --system") {
			t.Errorf("postinst creates no system user:\n%s", postinst)
		}
		if regexp.MustCompile(`(?m)^\s*(systemctl|deb-systemd-helper) (enable|start)`).MatchString(postinst) {
			t.Errorf("postinst enables or starts the unit:\n%s", postinst)
		}
		// The packaged unit is configs/systemd/llcast.service unchanged.
		x := filepath.Join(dir, "x")
		dpkgOut(t, dpkgDeb, "-x", deb, x)
		if readFile(t, filepath.Join(x, "usr/lib/systemd/system/llcast.service")) != readFile(t, filepath.Join(root, "configs/systemd/llcast.service")) {
			t.Error("the .deb's unit differs from configs/systemd/llcast.service")
		}
	})
}

// runMake runs make in the repository with the given arguments.
func runMake(t *testing.T, root string, args ...string) {
	t.Helper()
	cmd := exec.Command("make", append([]string{"-C", root}, args...)...)
	cmd.Env = makeEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func dpkgOut(t *testing.T, dpkgDeb string, args ...string) string {
	t.Helper()
	out, err := exec.Command(dpkgDeb, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("dpkg-deb %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
