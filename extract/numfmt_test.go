package extract

import "testing"

func TestFormatNumber(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		code string
		want string
	}{
		{1612.05, "#,##0.00", "1,612.05"},
		{0.21075, "0.0%", "21.1%"},
		{46027, `yyyy\-mm\-dd`, "2026-01-05"},
		{46027, "mm-dd-yy", "01-05-26"},
		{46027, "d-mmm-yy", "5-Jan-26"},
		{46027, "dddd, mmmm d, yyyy", "Monday, January 5, 2026"},
		{46027.75, "h:mm AM/PM", "6:00 PM"},
		{46027.5104166667, "hh:mm:ss", "12:15:00"},
		{1.5, "[h]:mm", "36:00"},
		{-1234.5, "#,##0.00;(#,##0.00)", "(1,234.50)"},
		{-3, "0", "-3"},
		{0, "0.00;-0.00;\"zero\"", "zero"},
		{1234567, "0.00E+00", "1.23E+06"},
		{12.5, `[$€-407]#,##0.00`, "€12.50"},
		{12.5, `#,##0.00 "EUR"`, "12.50 EUR"},
		{0.1 + 0.2, "General", "0.3"},
		{42, "General", "42"},
		{3.14159, "0.##", "3.14"},
	} {
		if got := formatNumber(tc.v, tc.code, false); got != tc.want {
			t.Errorf("formatNumber(%v, %q) = %q, want %q", tc.v, tc.code, got, tc.want)
		}
	}
	if got := formatNumber(0, "yyyy-mm-dd", true); got != "1904-01-01" {
		t.Errorf("1904 system: %q", got)
	}
}
