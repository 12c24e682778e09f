package storetest

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

var timeType = reflect.TypeOf(time.Time{})

// diff compares like reflect.DeepEqual with two allowances and one extra
// rule. A nil and an empty slice or map are equal (JSON and SQL backends
// differ there and no caller may care). Times are equal when they are the
// same instant, but a non-zero time that came back must be in UTC and carry
// no monotonic reading: the Store promises that form.
func diff(got, want any) string {
	return diffValue("", reflect.ValueOf(got), reflect.ValueOf(want))
}

func diffValue(path string, g, w reflect.Value) string {
	if !g.IsValid() || !w.IsValid() {
		if g.IsValid() != w.IsValid() {
			return fmt.Sprintf("%s: got %v, want %v", name(path), g, w)
		}
		return ""
	}
	if g.Type() != w.Type() {
		return fmt.Sprintf("%s: got type %s, want %s", name(path), g.Type(), w.Type())
	}
	if g.Type() == timeType {
		gt, wt := g.Interface().(time.Time), w.Interface().(time.Time)
		switch {
		case !gt.Equal(wt):
			return fmt.Sprintf("%s: got time %v, want %v", name(path), gt, wt)
		case !gt.IsZero() && gt.Location() != time.UTC:
			return fmt.Sprintf("%s: time %v is not in UTC", name(path), gt)
		case gt != gt.Round(0):
			return fmt.Sprintf("%s: time %v carries a monotonic clock reading", name(path), gt)
		}
		return ""
	}
	switch g.Kind() {
	case reflect.Slice:
		if g.Len() != w.Len() {
			return fmt.Sprintf("%s: got %d elements %v, want %d %v", name(path), g.Len(), show(g), w.Len(), show(w))
		}
		for i := 0; i < g.Len(); i++ {
			if d := diffValue(fmt.Sprintf("%s[%d]", path, i), g.Index(i), w.Index(i)); d != "" {
				return d
			}
		}
	case reflect.Map:
		if g.Len() != w.Len() {
			return fmt.Sprintf("%s: got %d entries %v, want %d %v", name(path), g.Len(), show(g), w.Len(), show(w))
		}
		for _, k := range w.MapKeys() {
			gv := g.MapIndex(k)
			if !gv.IsValid() {
				return fmt.Sprintf("%s: missing key %v", name(path), k)
			}
			if d := diffValue(fmt.Sprintf("%s[%v]", path, k), gv, w.MapIndex(k)); d != "" {
				return d
			}
		}
	case reflect.Pointer, reflect.Interface:
		if g.IsNil() || w.IsNil() {
			if g.IsNil() != w.IsNil() {
				return fmt.Sprintf("%s: got %v, want %v", name(path), show(g), show(w))
			}
			return ""
		}
		return diffValue(path, g.Elem(), w.Elem())
	case reflect.Struct:
		for i := 0; i < g.NumField(); i++ {
			if !g.Type().Field(i).IsExported() {
				continue
			}
			if d := diffValue(path+"."+g.Type().Field(i).Name, g.Field(i), w.Field(i)); d != "" {
				return d
			}
		}
	default:
		if !reflect.DeepEqual(g.Interface(), w.Interface()) {
			return fmt.Sprintf("%s: got %#v, want %#v", name(path), g.Interface(), w.Interface())
		}
	}
	return ""
}

func name(path string) string {
	if path == "" {
		return "value"
	}
	return strings.TrimPrefix(path, ".")
}

func show(v reflect.Value) string {
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		return fmt.Sprintf("&%+v", v.Elem().Interface())
	}
	return fmt.Sprintf("%+v", v.Interface())
}
