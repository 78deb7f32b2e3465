package ncfake

import (
	"strings"
)

// likePattern is an SQL LIKE pattern, matched case-insensitively as the
// SQLite the recordings ran on matches it: % is any run of characters, _
// any one character. Matching works segment by segment (the parts between
// %), which takes time linear in the name for the usual patterns; a
// regexp of a 100 KB pattern took seconds per name and held the files lock
// while a search ran over a few hundred files.
type likePattern struct {
	// segs are the lower-cased parts between %; one segment means no %.
	segs [][]rune
}

func compileLike(pattern string) *likePattern {
	p := &likePattern{}
	for _, s := range strings.Split(strings.ToLower(pattern), "%") {
		p.segs = append(p.segs, []rune(s))
	}
	return p
}

// match reports whether s matches the whole pattern. Between the first and
// the last segment, taking each middle segment at its leftmost place never
// loses a match, because every segment has a fixed length.
func (p *likePattern) match(s string) bool {
	r := []rune(strings.ToLower(s))
	if len(p.segs) == 1 {
		return len(r) == len(p.segs[0]) && likeAt(r, 0, p.segs[0])
	}
	first, last := p.segs[0], p.segs[len(p.segs)-1]
	end := len(r) - len(last)
	if len(first) > end || !likeAt(r, 0, first) || !likeAt(r, end, last) {
		return false
	}
	pos := len(first)
	for _, seg := range p.segs[1 : len(p.segs)-1] {
		at := -1
		for i := pos; i+len(seg) <= end; i++ {
			if likeAt(r, i, seg) {
				at = i
				break
			}
		}
		if at < 0 {
			return false
		}
		pos = at + len(seg)
	}
	return true
}

// likeAt reports whether seg matches r at i, _ matching any character.
func likeAt(r []rune, i int, seg []rune) bool {
	if i < 0 || i+len(seg) > len(r) {
		return false
	}
	for j, c := range seg {
		if c != '_' && r[i+j] != c {
			return false
		}
	}
	return true
}
