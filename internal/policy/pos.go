package policy

import (
	"fmt"
	"unicode/utf8"
)

// Pos is a place in the source of a parsed document. The zero Pos means "no position":
// the element was built in code rather than parsed.
type Pos struct {
	Offset int // byte offset, from 0
	Line   int // from 1
	Column int // from 1, counted in characters
}

// IsValid reports whether p is a real position.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String gives "line 7 col 9", or "" for the zero Pos.
func (p Pos) String() string {
	if !p.IsValid() {
		return ""
	}
	return fmt.Sprintf("line %d col %d", p.Line, p.Column)
}

// lines turns byte offsets into positions. It walks forward from the last offset it was
// asked about, so asking in source order (as the parser does) costs one pass in total.
type lines struct {
	src       []byte
	off       int
	line, col int
}

func newLines(src []byte) *lines { return &lines{src: src, line: 1, col: 1} }

func (l *lines) pos(off int) Pos {
	if off < l.off {
		l.off, l.line, l.col = 0, 1, 1
	}
	for l.off < off && l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == '\n':
			l.line++
			l.col = 1
			l.off++
		case c < utf8.RuneSelf:
			l.col++
			l.off++
		default:
			_, size := utf8.DecodeRune(l.src[l.off:])
			l.col++
			l.off += size
		}
	}
	return Pos{Offset: off, Line: l.line, Column: l.col}
}
