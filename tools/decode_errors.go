package tools

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
)

// Arguments that pass the JSON schema can still fail to decode into the Go
// input: 1e308 or 2^63 are integers to JSON Schema but fit no int. Go's
// decoder then speaks of Go structs and types; explainDecodeError says the
// same in the words of the schema validation errors.

// explainDecodeError is the sentence for a failed argument decode.
func explainDecodeError(tool string, in reflect.Type, err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Type != nil {
		where := jsonFieldPath(in, te.Field)
		if where == "" {
			where = "the arguments"
		}
		return fmt.Sprintf("The arguments of %s do not match its input schema: %s must be %s, not %s; fix them and call again.",
			tool, where, goKindWithExample(te.Type), decodedValue(te.Value))
	}
	return fmt.Sprintf("The arguments of %s could not be read: check that every value has the type its input schema gives and call again.", tool)
}

// decodedValue turns the decoder's "number 1e308" or "string" into words.
func decodedValue(v string) string {
	if num, ok := strings.CutPrefix(v, "number "); ok {
		return clipRunes(num, 40)
	}
	if v == "bool" {
		return "a boolean"
	}
	return jsonKindArticle(v)
}

// goKindWithExample describes what a Go destination accepts, without Go's
// names for it.
func goKindWithExample(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return fmt.Sprintf("a whole number from %d to %d (for example 42)", math.MinInt64, math.MaxInt64)
	case reflect.Int32:
		return fmt.Sprintf("a whole number from %d to %d (for example 42)", math.MinInt32, math.MaxInt32)
	case reflect.Int16:
		return fmt.Sprintf("a whole number from %d to %d (for example 42)", math.MinInt16, math.MaxInt16)
	case reflect.Int8:
		return fmt.Sprintf("a whole number from %d to %d (for example 42)", math.MinInt8, math.MaxInt8)
	case reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return fmt.Sprintf("a whole number from 0 to %d (for example 42)", uint64(math.MaxUint64))
	case reflect.Uint32:
		return fmt.Sprintf("a whole number from 0 to %d (for example 42)", math.MaxUint32)
	case reflect.Uint16:
		return fmt.Sprintf("a whole number from 0 to %d (for example 42)", math.MaxUint16)
	case reflect.Uint8:
		return "a whole number from 0 to 255 (for example 42)"
	case reflect.Float32:
		return "a number of at most 3.4e38 in size (for example 1.5)"
	case reflect.Float64:
		return "a number (for example 1.5)"
	case reflect.String:
		return jsonKindWithExample("string")
	case reflect.Bool:
		return jsonKindWithExample("boolean")
	case reflect.Slice, reflect.Array:
		return jsonKindWithExample("array")
	case reflect.Map, reflect.Struct:
		return jsonKindWithExample("object")
	}
	return "a value of the type its input schema gives"
}

// jsonFieldPath drops from the decoder's dotted field path the Go names of
// embedded structs, which the model never sees: deckCardIn.board_id is the
// argument board_id.
func jsonFieldPath(t reflect.Type, field string) string {
	var out []string
	for _, seg := range strings.Split(field, ".") {
		t = structOf(t)
		if t == nil {
			out = append(out, seg)
			continue
		}
		f, embedded := fieldByJSONName(t, seg)
		switch {
		case f == nil:
			out = append(out, seg)
			t = nil
		case embedded:
			t = f.Type
		default:
			out = append(out, seg)
			t = f.Type
		}
	}
	return strings.Join(out, ".")
}

// structOf is the struct a value of t holds fields of, through pointers,
// lists and maps; nil if none.
func structOf(t reflect.Type) reflect.Type {
	for t != nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			t = t.Elem()
		case reflect.Struct:
			return t
		default:
			return nil
		}
	}
	return nil
}

// fieldByJSONName finds the field a decoder path segment names: a field by
// its json name, or an embedded struct by its Go name.
func fieldByJSONName(t reflect.Type, seg string) (*reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Name == seg {
			return &f, true
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if name == seg {
			return &f, false
		}
	}
	return nil, false
}
