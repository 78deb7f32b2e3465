package nextcloud

import (
	"strconv"
	"strings"
)

// AtLeast reports whether v is the release min ("31", "31.0.2") or newer. A
// missing part of min counts as 0; an unparsable part compares as 0 too.
func (v Version) AtLeast(min string) bool {
	var want [3]int
	for i, part := range strings.SplitN(strings.TrimSpace(min), ".", 3) {
		want[i], _ = strconv.Atoi(part)
	}
	have := [3]int{v.Major, v.Minor, v.Micro}
	for i := range have {
		if have[i] != want[i] {
			return have[i] > want[i]
		}
	}
	return true
}
