package ncfake

import (
	"strings"
	"testing"
	"time"
)

func TestLikePattern(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"report", "report", true},
		{"report", "Report", true},
		{"report", "reports", false},
		{"%port%", "Report.pdf", true},
		{"report-%.pdf", "report-2026.PDF", true},
		{"report-%.pdf", "report-2026.pdf.txt", false},
		{"r_p%", "rap.txt", true},
		{"r_p%", "rp.txt", false},
		{"%a%a%", "banana", true},
		{"%a%a%a%a%", "banana", false},
		{"%ñ%", "Ñandú", true},
		{"%", "", true},
		{"_", "", false},
		{"%.%", "a.b", true},
		{"%ab%ab", "abab", true},
		{"%ab%ab", "abxab", true},
		{"ab%ab", "ab", false},
	}
	for _, c := range cases {
		if got := compileLike(c.pattern).match(c.s); got != c.want {
			t.Errorf("%q LIKE %q = %v, want %v", c.s, c.pattern, got, c.want)
		}
	}
}

// TestLikePatternLong: a 100 KB pattern over a long name stays fast.
func TestLikePatternLong(t *testing.T) {
	p := compileLike("%" + strings.Repeat("%s%d", 25000) + "%")
	name := strings.Repeat("sd", 50)
	start := time.Now()
	for range 1000 {
		p.match(name)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("1000 matches took %v", took)
	}
}
