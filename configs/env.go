package configs

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// EnvPrefix starts every environment variable llcast reads.
const EnvPrefix = "LLCAST_"

// applyEnv sets every key whose LLCAST_ variable is in environ. Variables
// with the prefix that name no key are an error, like unknown YAML keys.
func applyEnv(cfg *Config, environ []string) error {
	vars := map[string]string{}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, EnvPrefix) {
			vars[k] = v
		}
	}
	if len(vars) == 0 {
		return nil
	}
	used := map[string]bool{}
	err := walkKeys(reflect.ValueOf(cfg).Elem(), "", func(key string, v reflect.Value) error {
		name := EnvName(key)
		s, ok := vars[name]
		if !ok {
			return nil
		}
		used[name] = true
		if err := setValue(v, s); err != nil {
			return fmt.Errorf("%s (%s): %w", name, key, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for k := range vars {
		if !used[k] {
			return unknownEnv(k)
		}
	}
	return nil
}

// EnvName is the environment variable of a config key ("hls.part_duration").
func EnvName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// walkKeys calls fn for every leaf of the config with its dotted key.
func walkKeys(v reflect.Value, prefix string, fn func(key string, v reflect.Value) error) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		key := prefix + t.Field(i).Tag.Get("yaml")
		f := v.Field(i)
		if f.Kind() == reflect.Struct {
			if err := walkKeys(f, key+".", fn); err != nil {
				return err
			}
			continue
		}
		if err := fn(key, f); err != nil {
			return err
		}
	}
	return nil
}

func setValue(v reflect.Value, s string) error {
	if u, ok := v.Addr().Interface().(interface{ Set(string) error }); ok {
		return u.Set(s)
	}
	if u, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		return u.UnmarshalText([]byte(s))
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		v.SetInt(int64(n))
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		v.SetBool(b)
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("unsupported kind %s", v.Kind())
		}
		// A list is comma-separated: LLCAST_CORS_ORIGINS=https://a,https://b
		items := []string{}
		for item := range strings.SplitSeq(s, ",") {
			if item = strings.TrimSpace(item); item != "" {
				items = append(items, item)
			}
		}
		v.Set(reflect.ValueOf(items))
	default:
		return fmt.Errorf("unsupported kind %s", v.Kind())
	}
	return nil
}

// unknownEnv says that name is no setting, and which one is close.
func unknownEnv(name string) error {
	byEnv := map[string]bool{}
	for k, leaf := range knownKeys() {
		if leaf {
			byEnv[EnvName(k)] = true
		}
	}
	if s := closestKey(name, byEnv); s != "" {
		return fmt.Errorf("%s is not a setting llcast knows; did you mean %s?", name, s)
	}
	return fmt.Errorf("%s is not a setting llcast knows; see configs/llcast.yml for the keys", name)
}
