// Package packaging holds what installs llcast on a server, and its tests:
// nfpm.yaml and the maintainer scripts of the .deb (`make deb`), with the
// systemd unit in configs/systemd; the tests drive `make deps` (.ci/deps),
// `make install` and `make deb` as a user would. README "Install on a
// server (.deb, systemd)" documents them.
//
// It has no code of its own and imports nothing of the project.
package packaging
