// Package configs owns llcast's settings: their defaults (which
// llcast.yml in this folder documents key by key), loading a YAML file with
// unknown keys rejected, LLCAST_* environment overrides, and validation.
//
// It imports nothing of the project; cmd/llcast applies flags on top and
// hands the values to the components.
//
// README "Architecture" maps every package and what it may import.
package configs
