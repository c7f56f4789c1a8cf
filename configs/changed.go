package configs

import "reflect"

// Changed returns the keys ("hls.part_duration") whose values differ
// between a and b, in the order of Config's fields. An empty list and a
// missing one are the same.
func Changed(a, b Config) []string {
	before := map[string]reflect.Value{}
	_ = walkKeys(reflect.ValueOf(&a).Elem(), "", func(key string, v reflect.Value) error {
		before[key] = v
		return nil
	})
	var keys []string
	_ = walkKeys(reflect.ValueOf(&b).Elem(), "", func(key string, v reflect.Value) error {
		if !sameValue(before[key], v) {
			keys = append(keys, key)
		}
		return nil
	})
	return keys
}

func sameValue(a, b reflect.Value) bool {
	if a.Kind() == reflect.Slice && b.Kind() == reflect.Slice && a.Len() == 0 && b.Len() == 0 {
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}
