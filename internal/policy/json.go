package policy

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// This file holds a small JSON reader that keeps the byte offset of every value and object
// key, which encoding/json does not give. It accepts exactly what encoding/json accepts
// (RFC 8259, nesting up to 10,000 levels) and decodes strings the same way (a lone
// surrogate escape becomes U+FFFD), except for two things encoding/json lets through
// silently: an object with the same key twice (it keeps the last one, hiding half of what
// was written), and text that is not UTF-8 (it turns each bad byte into U+FFFD, so that a
// Sid or a condition value would be checked as something other than what was written;
// RFC 8259 section 8.1 requires JSON exchanged between systems to be UTF-8).

type kind uint8

const (
	kString kind = iota + 1
	kNumber
	kTrue
	kFalse
	kNull
	kObject
	kArray
)

func (k kind) String() string {
	switch k {
	case kString:
		return "a string"
	case kNumber:
		return "a number"
	case kTrue, kFalse:
		return "a boolean"
	case kNull:
		return "null"
	case kObject:
		return "an object"
	case kArray:
		return "a list"
	}
	return "nothing"
}

// node is a JSON value and the offset of its first byte.
type node struct {
	kind    kind
	off     int
	str     string   // kString: the decoded value; kNumber: the literal
	members []member // kObject, in source order
	elems   []*node  // kArray
}

type member struct {
	key string
	off int // offset of the key's opening quote
	val *node
}

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

// jsonError is a JSON syntax error at a byte offset.
type jsonError struct {
	off int
	msg string
	dup bool // the input is valid JSON except for a repeated object key
}

func (e *jsonError) Error() string { return e.msg }

type reader struct {
	src   []byte
	i     int
	depth int
	dup   *jsonError // the first repeated object key
}

func parseJSON(src []byte) (*node, error) {
	r := &reader{src: src}
	r.skipSpace()
	if r.i == len(src) {
		return nil, &jsonError{off: 0, msg: "the document is empty; write a JSON object such as {\"Version\": \"5.0\", \"Statement\": []}"}
	}
	n, err := r.value()
	if err != nil {
		return nil, err
	}
	r.skipSpace()
	if r.i < len(src) {
		return nil, r.errf("unexpected %s after the end of the JSON document", r.describe())
	}
	if r.dup != nil {
		return nil, r.dup
	}
	return n, nil
}

func (r *reader) errf(format string, args ...any) *jsonError {
	return &jsonError{off: r.i, msg: fmt.Sprintf(format, args...)}
}

// describe names the byte at the reader's offset for an error message.
func (r *reader) describe() string {
	if r.i >= len(r.src) {
		return "end of input"
	}
	c, _ := utf8.DecodeRune(r.src[r.i:])
	if c == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02x", r.src[r.i])
	}
	return "character " + strconv.QuoteRune(c)
}

func (r *reader) skipSpace() {
	for r.i < len(r.src) {
		switch r.src[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

func (r *reader) value() (*node, error) {
	if r.i >= len(r.src) {
		return nil, r.errf("unexpected end of input; expected a value")
	}
	switch c := r.src[r.i]; {
	case c == '{':
		return r.object()
	case c == '[':
		return r.array()
	case c == '"':
		off := r.i
		s, err := r.string()
		if err != nil {
			return nil, err
		}
		return &node{kind: kString, off: off, str: s}, nil
	case c == '-' || ('0' <= c && c <= '9'):
		return r.number()
	case c == 't':
		return r.literal("true", kTrue)
	case c == 'f':
		return r.literal("false", kFalse)
	case c == 'n':
		return r.literal("null", kNull)
	case c == '\'':
		return nil, r.errf("unexpected character '\\''; JSON strings use double quotes (\")")
	}
	return nil, r.errf("unexpected %s; expected a value (string, number, object, list, true, false or null)", r.describe())
}

func (r *reader) literal(word string, k kind) (*node, error) {
	off := r.i
	for j := 0; j < len(word); j++ {
		if r.i >= len(r.src) || r.src[r.i] != word[j] {
			if r.i >= len(r.src) {
				return nil, r.errf("unexpected end of input in literal %q", word)
			}
			return nil, r.errf("unexpected %s in literal %s (expected %q)", r.describe(), word, word[j])
		}
		r.i++
	}
	return &node{kind: k, off: off}, nil
}

func (r *reader) push() error {
	r.depth++
	if r.depth > maxDepth {
		return r.errf("the document nests more than %d levels deep", maxDepth)
	}
	return nil
}

func (r *reader) object() (*node, error) {
	n := &node{kind: kObject, off: r.i}
	if err := r.push(); err != nil {
		return nil, err
	}
	r.i++ // '{'
	r.skipSpace()
	if r.i < len(r.src) && r.src[r.i] == '}' {
		r.i++
		r.depth--
		return n, nil
	}
	var seen map[string]bool
	for {
		if r.i >= len(r.src) || r.src[r.i] != '"' {
			if r.i < len(r.src) && r.src[r.i] == '}' {
				return nil, r.errf("unexpected '}' after ','; remove the trailing comma")
			}
			return nil, r.errf("unexpected %s; expected an object key in double quotes", r.describe())
		}
		keyOff := r.i
		key, err := r.string()
		if err != nil {
			return nil, err
		}
		r.skipSpace()
		if r.i >= len(r.src) || r.src[r.i] != ':' {
			return nil, r.errf("unexpected %s after object key %q; expected ':'", r.describe(), key)
		}
		r.i++
		r.skipSpace()
		val, err := r.value()
		if err != nil {
			return nil, err
		}
		var repeated bool
		if seen != nil {
			repeated = seen[key]
		} else {
			for _, m := range n.members {
				repeated = repeated || m.key == key
			}
		}
		if repeated && r.dup == nil {
			// Report it only once the whole input has been read, so that a syntax error
			// later in the input wins: it is the more basic problem.
			r.dup = &jsonError{off: keyOff, msg: fmt.Sprintf("the key %q appears twice in the same object; merge the two into one", key), dup: true}
		}
		n.members = append(n.members, member{key: key, off: keyOff, val: val})
		// Small objects are searched linearly; large ones get a set.
		if seen != nil {
			seen[key] = true
		} else if len(n.members) > 16 {
			seen = make(map[string]bool, 2*len(n.members))
			for _, m := range n.members {
				seen[m.key] = true
			}
		}
		r.skipSpace()
		if r.i < len(r.src) && r.src[r.i] == ',' {
			r.i++
			r.skipSpace()
			continue
		}
		if r.i < len(r.src) && r.src[r.i] == '}' {
			r.i++
			r.depth--
			return n, nil
		}
		return nil, r.errf("unexpected %s after an object member; expected ',' or '}'", r.describe())
	}
}

func (r *reader) array() (*node, error) {
	n := &node{kind: kArray, off: r.i}
	if err := r.push(); err != nil {
		return nil, err
	}
	r.i++ // '['
	r.skipSpace()
	if r.i < len(r.src) && r.src[r.i] == ']' {
		r.i++
		r.depth--
		return n, nil
	}
	for {
		if r.i < len(r.src) && r.src[r.i] == ']' && len(n.elems) > 0 {
			return nil, r.errf("unexpected ']' after ','; remove the trailing comma")
		}
		v, err := r.value()
		if err != nil {
			return nil, err
		}
		n.elems = append(n.elems, v)
		r.skipSpace()
		if r.i < len(r.src) && r.src[r.i] == ',' {
			r.i++
			r.skipSpace()
			continue
		}
		if r.i < len(r.src) && r.src[r.i] == ']' {
			r.i++
			r.depth--
			return n, nil
		}
		return nil, r.errf("unexpected %s after a list element; expected ',' or ']'", r.describe())
	}
}

func (r *reader) number() (*node, error) {
	start := r.i
	digits := func() int {
		n := 0
		for r.i < len(r.src) && '0' <= r.src[r.i] && r.src[r.i] <= '9' {
			r.i++
			n++
		}
		return n
	}
	if r.src[r.i] == '-' {
		r.i++
	}
	switch {
	case r.i < len(r.src) && r.src[r.i] == '0':
		r.i++
	case digits() == 0:
		return nil, r.errf("unexpected %s in number; expected a digit", r.describe())
	}
	if r.i < len(r.src) && r.src[r.i] == '.' {
		r.i++
		if digits() == 0 {
			return nil, r.errf("unexpected %s after decimal point in number; expected a digit", r.describe())
		}
	}
	if r.i < len(r.src) && (r.src[r.i] == 'e' || r.src[r.i] == 'E') {
		r.i++
		if r.i < len(r.src) && (r.src[r.i] == '+' || r.src[r.i] == '-') {
			r.i++
		}
		if digits() == 0 {
			return nil, r.errf("unexpected %s in exponent of number; expected a digit", r.describe())
		}
	}
	return &node{kind: kNumber, off: start, str: string(r.src[start:r.i])}, nil
}

// string reads a string literal starting at its opening quote and returns its value.
func (r *reader) string() (string, error) {
	r.i++ // '"'
	start := r.i
	// Fast path: printable ASCII without escapes.
	for r.i < len(r.src) {
		c := r.src[r.i]
		if c == '"' {
			s := string(r.src[start:r.i])
			r.i++
			return s, nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		r.i++
	}
	buf := make([]byte, r.i-start, r.i-start+16)
	copy(buf, r.src[start:r.i])
	for {
		if r.i >= len(r.src) {
			return "", r.errf("unexpected end of input in a string; close it with '\"'")
		}
		c := r.src[r.i]
		switch {
		case c == '"':
			r.i++
			return string(buf), nil
		case c < 0x20:
			return "", r.errf("control character %s in a string; write it as an escape such as \\n or \\u%04x", strconv.QuoteRune(rune(c)), c)
		case c == '\\':
			r.i++
			if r.i >= len(r.src) {
				return "", r.errf("unexpected end of input in a string escape")
			}
			e := r.src[r.i]
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r.i++
				rr := hex4(r.src[r.i:])
				if rr < 0 {
					return "", r.errf("invalid \\u escape in a string; write four hexadecimal digits, as in \\u00e9")
				}
				r.i += 4
				if utf16.IsSurrogate(rr) {
					var rr1 rune = -1
					if r.i+1 < len(r.src) && r.src[r.i] == '\\' && r.src[r.i+1] == 'u' {
						rr1 = hex4(r.src[r.i+2:])
					}
					if dec := utf16.DecodeRune(rr, rr1); dec != utf8.RuneError {
						r.i += 6
						buf = utf8.AppendRune(buf, dec)
						continue
					}
					rr = utf8.RuneError
				}
				buf = utf8.AppendRune(buf, rr)
				continue
			default:
				return "", r.errf("invalid escape %s in a string; valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX", strconv.Quote("\\"+string(rune(e))))
			}
			r.i++
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			r.i++
		default:
			rr, size := utf8.DecodeRune(r.src[r.i:])
			if rr == utf8.RuneError && size == 1 {
				return "", r.errf("byte 0x%02x in a string is not UTF-8; save the file as UTF-8 (it may be in Latin-1 or UTF-16), or write the character as a \\u escape such as \\u00e9", r.src[r.i])
			}
			buf = append(buf, r.src[r.i:r.i+size]...)
			r.i += size
		}
	}
}

// hex4 decodes four hexadecimal digits, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}
