package extract

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// builtinNumFmt are the number formats spreadsheets refer to by id only.
var builtinNumFmt = map[int]string{
	0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
	12: "# ?/?", 13: "# ??/??", 14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
	19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm", 37: "#,##0 ;(#,##0)", 38: "#,##0 ;(#,##0)",
	39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;(#,##0.00)", 45: "mm:ss", 46: "[h]:mm:ss", 47: "mm:ss.0",
	48: "##0.0E+0", 49: "@",
}

// formatNumber renders a cell value with its number format code, as a
// spreadsheet shows it: dates and times, grouping, fixed decimals,
// percentages, scientific notation, literal text and the sections for
// negative numbers and zero. Fractions fall back to the general format.
func formatNumber(v float64, code string, date1904 bool) string {
	if code == "" || strings.EqualFold(code, "General") || code == "@" {
		return generalNumber(v)
	}
	sections := splitSections(code)
	sec := sections[0]
	neg := v < 0
	switch {
	case neg && len(sections) > 1:
		sec, v = sections[1], -v
		neg = false
	case v == 0 && len(sections) > 2:
		sec = sections[2]
	}
	tokens := tokenizeFormat(sec)
	if isDateFormat(tokens) {
		return formatDate(v, tokens, date1904)
	}
	out := formatDecimal(v, tokens)
	if neg && out != "" && !strings.HasPrefix(out, "-") {
		out = "-" + out
	}
	return out
}

// generalNumber is Excel's General format: up to 11 significant digits.
func generalNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e11 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	s := strconv.FormatFloat(v, 'g', 11, 64)
	if strings.ContainsAny(s, "e") {
		if math.Abs(v) >= 1e-5 && math.Abs(v) < 1e11 {
			s = strconv.FormatFloat(v, 'f', -1, 64)
		} else {
			return strings.ToUpper(strconv.FormatFloat(v, 'E', 5, 64))
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return s
}

func splitSections(code string) []string {
	var out []string
	var cur strings.Builder
	inQuote, inBracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == '\\' && i+1 < len(code) && !inQuote:
			cur.WriteByte(c)
			cur.WriteByte(code[i+1])
			i++
			continue
		case c == '"':
			inQuote = !inQuote
		case c == '[' && !inQuote:
			inBracket = true
		case c == ']' && !inQuote:
			inBracket = false
		case c == ';' && !inQuote && !inBracket:
			out = append(out, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	return append(out, cur.String())
}

// fmtToken is a piece of a format section: a literal or a code.
type fmtToken struct {
	lit  bool
	text string
}

// tokenizeFormat splits a section into literals (quoted, escaped, currency
// tags) and format codes, dropping colours, conditions and padding.
func tokenizeFormat(sec string) []fmtToken {
	var out []fmtToken
	var code strings.Builder
	flush := func() {
		if code.Len() > 0 {
			out = append(out, fmtToken{text: code.String()})
			code.Reset()
		}
	}
	lit := func(s string) {
		flush()
		out = append(out, fmtToken{lit: true, text: s})
	}
	for i := 0; i < len(sec); i++ {
		c := sec[i]
		if l := strings.ToLower(sec[i:]); strings.HasPrefix(l, "am/pm") || strings.HasPrefix(l, "a/p") {
			n := 5
			if strings.HasPrefix(l, "a/p") {
				n = 3
			}
			code.WriteString(sec[i : i+n])
			i += n - 1
			continue
		}
		if (c == '+' || c == '-') && code.Len() > 0 && strings.ContainsAny(code.String()[code.Len()-1:], "Ee") {
			code.WriteByte(c)
			continue
		}
		switch c {
		case '"':
			end := strings.IndexByte(sec[i+1:], '"')
			if end < 0 {
				end = len(sec) - i - 1
			}
			lit(sec[i+1 : i+1+end])
			i += end + 1
		case '\\':
			if i+1 < len(sec) {
				lit(sec[i+1 : i+2])
				i++
			}
		case '_':
			lit(" ")
			i++
		case '*':
			i++
		case '[':
			end := strings.IndexByte(sec[i:], ']')
			if end < 0 {
				end = len(sec) - i
			}
			inner := sec[i+1 : i+end]
			switch {
			case strings.HasPrefix(inner, "$"):
				// [$€-407]: a currency symbol and a locale.
				sym, _, _ := strings.Cut(inner[1:], "-")
				lit(sym)
			case strings.EqualFold(inner, "h") || strings.EqualFold(inner, "hh") || strings.EqualFold(inner, "m") || strings.EqualFold(inner, "mm") || strings.EqualFold(inner, "s") || strings.EqualFold(inner, "ss"):
				code.WriteString("[" + strings.ToLower(inner) + "]")
			}
			i += end
		case '$', '-', '+', '/', '(', ')', ':', '!', '^', '&', '\'', '~', '{', '}', '<', '>', '=', ' ':
			if c == '/' && code.Len() > 0 && strings.ContainsAny(code.String(), "?#0") {
				code.WriteByte(c)
				continue
			}
			lit(string(c))
		default:
			code.WriteByte(c)
		}
	}
	flush()
	return out
}

func isDateFormat(tokens []fmtToken) bool {
	for _, t := range tokens {
		if t.lit {
			continue
		}
		l := strings.ToLower(t.text)
		if strings.ContainsAny(l, "ydhs") || strings.Contains(l, "[h]") || (strings.Contains(l, "m") && !strings.ContainsAny(l, "0#?")) {
			if !strings.ContainsAny(strings.Trim(l, "[]"), "0#?") || strings.ContainsAny(l, "ydh") {
				return true
			}
		}
	}
	return false
}

var (
	monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	dayNames   = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
)

// serialTime turns a spreadsheet date serial into a time: days since
// 1899-12-30 (which absorbs the 1900 leap-year bug for dates after
// February 1900), or since 1904-01-01 in the 1904 system.
func serialTime(v float64, date1904 bool) time.Time {
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	days := math.Floor(v)
	secs := math.Round((v - days) * 86400)
	return base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
}

func formatDate(v float64, tokens []fmtToken, date1904 bool) string {
	t := serialTime(v, date1904)
	// Expand codes into single date parts, so "m" can be told apart as
	// minutes (after an hour, before seconds) or month.
	type part struct {
		code string
		lit  bool
	}
	var parts []part
	ampm := false
	for _, tk := range tokens {
		if tk.lit {
			parts = append(parts, part{tk.text, true})
			continue
		}
		s := tk.text
		for len(s) > 0 {
			l := strings.ToLower(s)
			switch {
			case strings.HasPrefix(l, "am/pm"):
				parts = append(parts, part{code: "ampm"})
				ampm = true
				s = s[5:]
				continue
			case strings.HasPrefix(l, "a/p"):
				parts = append(parts, part{code: "ap"})
				ampm = true
				s = s[3:]
				continue
			case strings.HasPrefix(l, "[h]"), strings.HasPrefix(l, "[m]"), strings.HasPrefix(l, "[s]"):
				parts = append(parts, part{code: l[:3]})
				s = s[3:]
				continue
			}
			c := l[0]
			if strings.IndexByte("ymdhs", c) < 0 {
				if c == '.' && len(l) > 1 && l[1] == '0' {
					n := 1
					for n < len(l) && l[n] == '0' {
						n++
					}
					parts = append(parts, part{code: l[:n]})
					s = s[n:]
					continue
				}
				parts = append(parts, part{s[:1], true})
				s = s[1:]
				continue
			}
			n := 1
			for n < len(l) && l[n] == c {
				n++
			}
			parts = append(parts, part{code: l[:n]})
			s = s[n:]
		}
	}
	var b strings.Builder
	for i, p := range parts {
		if p.lit {
			b.WriteString(p.code)
			continue
		}
		switch c := p.code; {
		case c == "ampm" || c == "ap":
			s := "AM"
			if t.Hour() >= 12 {
				s = "PM"
			}
			if c == "ap" {
				s = s[:1]
			}
			b.WriteString(s)
		case c == "[h]":
			b.WriteString(strconv.Itoa(int(v * 24)))
		case c == "[m]":
			b.WriteString(strconv.Itoa(int(v * 1440)))
		case c == "[s]":
			b.WriteString(strconv.Itoa(int(math.Round(v * 86400))))
		case c[0] == 'y':
			if len(c) <= 2 {
				b.WriteString(pad2(t.Year() % 100))
			} else {
				b.WriteString(strconv.Itoa(t.Year()))
			}
		case c[0] == 'd':
			switch len(c) {
			case 1:
				b.WriteString(strconv.Itoa(t.Day()))
			case 2:
				b.WriteString(pad2(t.Day()))
			case 3:
				b.WriteString(dayNames[t.Weekday()][:3])
			default:
				b.WriteString(dayNames[t.Weekday()])
			}
		case c[0] == 'h':
			h := t.Hour()
			if ampm {
				h = (h+11)%12 + 1
			}
			if len(c) == 1 {
				b.WriteString(strconv.Itoa(h))
			} else {
				b.WriteString(pad2(h))
			}
		case c[0] == 's':
			if len(c) == 1 {
				b.WriteString(strconv.Itoa(t.Second()))
			} else {
				b.WriteString(pad2(t.Second()))
			}
		case c[0] == '.':
			frac := v*86400 - math.Floor(v*86400)
			b.WriteString(strconv.FormatFloat(frac, 'f', len(c)-1, 64)[1:])
		case c[0] == 'm':
			if isMinute(parts, i, func(j int) (string, bool) { return parts[j].code, parts[j].lit }) && len(c) <= 2 {
				if len(c) == 1 {
					b.WriteString(strconv.Itoa(t.Minute()))
				} else {
					b.WriteString(pad2(t.Minute()))
				}
				continue
			}
			switch len(c) {
			case 1:
				b.WriteString(strconv.Itoa(int(t.Month())))
			case 2:
				b.WriteString(pad2(int(t.Month())))
			case 3:
				b.WriteString(monthNames[t.Month()-1][:3])
			case 5:
				b.WriteString(monthNames[t.Month()-1][:1])
			default:
				b.WriteString(monthNames[t.Month()-1])
			}
		}
	}
	return b.String()
}

// isMinute says whether the m code at i means minutes: the nearest code
// before it is an hour, or the nearest code after it is seconds.
func isMinute[T any](parts []T, i int, at func(int) (string, bool)) bool {
	for j := i - 1; j >= 0; j-- {
		c, lit := at(j)
		if lit {
			continue
		}
		if c[0] == 'h' || c == "[h]" {
			return true
		}
		break
	}
	for j := i + 1; j < len(parts); j++ {
		c, lit := at(j)
		if lit {
			continue
		}
		return c[0] == 's' || c == "[s]"
	}
	return false
}

func pad2(n int) string {
	if n < 10 && n >= 0 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// formatDecimal renders a number with the section's digit placeholders.
func formatDecimal(v float64, tokens []fmtToken) string {
	var b strings.Builder
	done := false
	for _, t := range tokens {
		if t.lit {
			b.WriteString(t.text)
			continue
		}
		code := t.text
		if done || !strings.ContainsAny(code, "0#?") {
			// Percent signs and text outside the number.
			b.WriteString(strings.ReplaceAll(code, "@", ""))
			continue
		}
		done = true
		b.WriteString(formatPlaceholders(v, code, strings.Count(sectionCodes(tokens), "%")))
	}
	if !done && b.Len() == 0 {
		return generalNumber(v)
	}
	return b.String()
}

func sectionCodes(tokens []fmtToken) string {
	var s strings.Builder
	for _, t := range tokens {
		if !t.lit {
			s.WriteString(t.text)
		}
	}
	return s.String()
}

func formatPlaceholders(v float64, code string, percents int) string {
	for range percents {
		v *= 100
	}
	prefix, suffix := "", ""
	start := strings.IndexAny(code, "0#?.,")
	end := strings.LastIndexAny(code, "0#?")
	if start < 0 || end < 0 {
		return generalNumber(v)
	}
	prefix, suffix, code = code[:start], code[end+1:], code[start:end+1]
	if strings.ContainsAny(code, "/") {
		return prefix + generalNumber(v) + suffix
	}
	if i := strings.IndexAny(strings.ToUpper(code), "E"); i >= 0 {
		decimals := 0
		if dot := strings.IndexByte(code[:i], '.'); dot >= 0 {
			decimals = strings.Count(code[dot:i], "0") + strings.Count(code[dot:i], "#")
		}
		s := strconv.FormatFloat(math.Abs(v), 'E', decimals, 64)
		mant, exp, _ := strings.Cut(s, "E")
		sign := exp[:1]
		digits := strings.TrimLeft(exp[1:], "0")
		for len(digits) < 2 {
			digits = "0" + digits
		}
		if sign == "+" && !strings.Contains(code, "E+") {
			sign = ""
		}
		return prefix + mant + "E" + sign + digits + suffix
	}
	intPart, fracPart, _ := strings.Cut(code, ".")
	decimals := len(strings.Trim(fracPart, ","))
	grouping := strings.Contains(intPart, ",")
	minInt := strings.Count(intPart, "0")
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	ip, fp, _ := strings.Cut(s, ".")
	// Optional decimal places (#) drop trailing zeros.
	if opt := strings.Count(fracPart, "#"); opt > 0 && fp != "" {
		keep := len(fp)
		for keep > decimals-opt && keep > 0 && fp[keep-1] == '0' {
			keep--
		}
		fp = fp[:keep]
	}
	if ip == "0" && minInt == 0 {
		ip = ""
	}
	for len(ip) < minInt {
		ip = "0" + ip
	}
	if grouping {
		ip = groupThousands(ip)
	}
	out := ip
	if fracPart != "" && (fp != "" || strings.Contains(fracPart, "0")) {
		out += "." + fp
	}
	if v < 0 && out != "" && strings.Trim(out, "0.,") != "" {
		out = "-" + out
	}
	return prefix + out + suffix
}

func groupThousands(s string) string {
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	lead := len(s) % 3
	if lead > 0 {
		b.WriteString(s[:lead])
	}
	for i := lead; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
