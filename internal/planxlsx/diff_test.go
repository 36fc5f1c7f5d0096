package planxlsx

import (
	"fmt"
	"reflect"
)

// diff lists where two values differ, as paths, telling nil from empty
// slices apart as reflect.DeepEqual does; at most max entries.
func diff(a, b any, max int) []string {
	var out []string
	var walk func(x, y reflect.Value, path string)
	walk = func(x, y reflect.Value, path string) {
		if len(out) >= max {
			return
		}
		if x.Kind() != y.Kind() {
			out = append(out, path+": kinds differ")
			return
		}
		switch x.Kind() {
		case reflect.Pointer:
			if x.IsNil() || y.IsNil() {
				if x.IsNil() != y.IsNil() {
					out = append(out, fmt.Sprintf("%s: nil %v vs %v", path, x.IsNil(), y.IsNil()))
				}
				return
			}
			walk(x.Elem(), y.Elem(), path)
		case reflect.Struct:
			for i := 0; i < x.NumField(); i++ {
				walk(x.Field(i), y.Field(i), path+"."+x.Type().Field(i).Name)
			}
		case reflect.Slice:
			if x.IsNil() != y.IsNil() {
				out = append(out, fmt.Sprintf("%s: nil %v (len %d) vs nil %v (len %d)", path, x.IsNil(), x.Len(), y.IsNil(), y.Len()))
				return
			}
			if x.Len() != y.Len() {
				out = append(out, fmt.Sprintf("%s: len %d vs %d", path, x.Len(), y.Len()))
				return
			}
			for i := 0; i < x.Len(); i++ {
				walk(x.Index(i), y.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		default:
			if !reflect.DeepEqual(x.Interface(), y.Interface()) {
				out = append(out, fmt.Sprintf("%s: %#v vs %#v", path, x.Interface(), y.Interface()))
			}
		}
	}
	walk(reflect.ValueOf(a), reflect.ValueOf(b), "")
	return out
}
