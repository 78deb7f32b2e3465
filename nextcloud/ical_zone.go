package nextcloud

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// zoneResolver maps the TZIDs of one iCalendar object to locations. Most
// clients write IANA names; Outlook writes Windows names and some clients
// prefix IANA names with a vendor path. When nothing else works the object's
// own VTIMEZONE is turned into a location.
type zoneResolver struct {
	cal   *ical.Calendar
	cache map[string]*time.Location
}

func newZoneResolver(cal *ical.Calendar) *zoneResolver {
	return &zoneResolver{cal: cal, cache: map[string]*time.Location{}}
}

// windowsZones maps the Windows zone names Outlook and Exchange write most.
var windowsZones = map[string]string{
	"W. Europe Standard Time":        "Europe/Berlin",
	"Central Europe Standard Time":   "Europe/Budapest",
	"Central European Standard Time": "Europe/Warsaw",
	"Romance Standard Time":          "Europe/Paris",
	"GMT Standard Time":              "Europe/London",
	"Greenwich Standard Time":        "Atlantic/Reykjavik",
	"E. Europe Standard Time":        "Europe/Chisinau",
	"FLE Standard Time":              "Europe/Kiev",
	"Russian Standard Time":          "Europe/Moscow",
	"Eastern Standard Time":          "America/New_York",
	"Central Standard Time":          "America/Chicago",
	"Mountain Standard Time":         "America/Denver",
	"US Mountain Standard Time":      "America/Phoenix",
	"Pacific Standard Time":          "America/Los_Angeles",
	"Alaskan Standard Time":          "America/Anchorage",
	"Hawaiian Standard Time":         "Pacific/Honolulu",
	"Atlantic Standard Time":         "America/Halifax",
	"E. South America Standard Time": "America/Sao_Paulo",
	"India Standard Time":            "Asia/Kolkata",
	"China Standard Time":            "Asia/Shanghai",
	"Tokyo Standard Time":            "Asia/Tokyo",
	"Korea Standard Time":            "Asia/Seoul",
	"Singapore Standard Time":        "Asia/Singapore",
	"AUS Eastern Standard Time":      "Australia/Sydney",
	"New Zealand Standard Time":      "Pacific/Auckland",
	"UTC":                            "UTC",
}

// location resolves a TZID; ok is false when nothing fits, and the caller
// then treats the value as UTC and says so.
func (z *zoneResolver) location(tzid string) (*time.Location, bool) {
	tzid = strings.Trim(strings.TrimSpace(tzid), `"`)
	if loc, ok := z.cache[tzid]; ok {
		return loc, loc != nil
	}
	loc := resolveTZID(tzid)
	if loc == nil && z.cal != nil {
		loc = locationFromVTimezone(tzid, z.cal)
	}
	z.cache[tzid] = loc
	return loc, loc != nil
}

func resolveTZID(tzid string) *time.Location {
	if tzid == "" || strings.EqualFold(tzid, "local") {
		return nil
	}
	if loc, err := time.LoadLocation(tzid); err == nil {
		return loc
	}
	if name, ok := windowsZones[tzid]; ok {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	// "/mozilla.org/20050126_1/Europe/Berlin", "/citadel.org/20190914_1/Europe/Berlin"
	segs := strings.Split(strings.Trim(tzid, "/"), "/")
	for i := 1; i < len(segs); i++ {
		if loc, err := time.LoadLocation(strings.Join(segs[i:], "/")); err == nil {
			return loc
		}
	}
	return nil
}

// locationFromVTimezone builds a location from the object's VTIMEZONE for a
// TZID that is no known zone name. The current STANDARD and DAYLIGHT rules
// become a POSIX TZ rule in a TZif blob, which Go applies to every year.
func locationFromVTimezone(tzid string, cal *ical.Calendar) *time.Location {
	var std, dst *ical.Component
	for _, child := range cal.Children {
		if child.Name != ical.CompTimezone || child.Props.Get(ical.PropTimezoneID) == nil ||
			strings.Trim(child.Props.Get(ical.PropTimezoneID).Value, `"`) != tzid {
			continue
		}
		for _, obs := range child.Children {
			switch obs.Name {
			case ical.CompTimezoneStandard:
				if std == nil || laterOnset(obs, std) {
					std = obs
				}
			case ical.CompTimezoneDaylight:
				if dst == nil || laterOnset(obs, dst) {
					dst = obs
				}
			}
		}
	}
	if std == nil && dst == nil {
		return nil
	}
	if std == nil {
		std, dst = dst, nil
	}
	stdOff, err := parseUTCOffset(std.Props.Get(ical.PropTimezoneOffsetTo))
	if err != nil {
		return nil
	}
	rule := posixName(std, "STD") + posixOffset(stdOff)
	if dst != nil {
		dstOff, err1 := parseUTCOffset(dst.Props.Get(ical.PropTimezoneOffsetTo))
		toDST, ok1 := posixDate(dst)
		toSTD, ok2 := posixDate(std)
		if err1 == nil && ok1 && ok2 {
			rule += posixName(dst, "DST") + posixOffset(dstOff) + "," + toDST + "," + toSTD
		}
	}
	loc, err := time.LoadLocationFromTZData(tzid, tzifWithRule(stdOff, rule))
	if err != nil {
		return time.FixedZone(tzid, stdOff)
	}
	return loc
}

func laterOnset(a, b *ical.Component) bool {
	av, bv := "", ""
	if p := a.Props.Get(ical.PropDateTimeStart); p != nil {
		av = p.Value
	}
	if p := b.Props.Get(ical.PropDateTimeStart); p != nil {
		bv = p.Value
	}
	return av > bv
}

func parseUTCOffset(p *ical.Prop) (int, error) {
	if p == nil {
		return 0, fmt.Errorf("missing offset")
	}
	v := strings.TrimSpace(p.Value)
	if len(v) < 5 || (v[0] != '+' && v[0] != '-') {
		return 0, fmt.Errorf("bad offset %q", v)
	}
	h, err1 := strconv.Atoi(v[1:3])
	m, err2 := strconv.Atoi(v[3:5])
	s := 0
	if len(v) >= 7 {
		s, _ = strconv.Atoi(v[5:7])
	}
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad offset %q", v)
	}
	off := h*3600 + m*60 + s
	if v[0] == '-' {
		off = -off
	}
	return off, nil
}

// posixOffset writes an offset east of UTC the POSIX way (west is positive).
func posixOffset(east int) string {
	west := -east
	sign := ""
	if west < 0 {
		sign, west = "-", -west
	}
	return fmt.Sprintf("%s%d:%02d:%02d", sign, west/3600, west%3600/60, west%60)
}

func posixName(obs *ical.Component, fallback string) string {
	name := fallback
	if p := obs.Props.Get(ical.PropTimezoneName); p != nil && p.Value != "" {
		name = p.Value
	}
	clean := strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '-' {
			return r
		}
		return -1
	}, name)
	if len(clean) < 3 {
		clean = fallback
	}
	return "<" + clean + ">"
}

// posixDate turns "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" with its DTSTART
// wall time into "M3.5.0/02:00:00".
func posixDate(obs *ical.Component) (string, bool) {
	rr := obs.Props.Get(ical.PropRecurrenceRule)
	start := obs.Props.Get(ical.PropDateTimeStart)
	if rr == nil || start == nil || len(start.Value) < 15 {
		return "", false
	}
	month, week, day := 0, 0, -1
	for _, part := range strings.Split(strings.ToUpper(rr.Value), ";") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "BYMONTH":
			month, _ = strconv.Atoi(v)
		case "BYDAY":
			if len(v) < 3 {
				return "", false
			}
			n, err := strconv.Atoi(v[:len(v)-2])
			if err != nil {
				return "", false
			}
			week = n
			if n < 0 {
				week = 5
			}
			for i, code := range icalWeekdays {
				if code == v[len(v)-2:] {
					day = i
				}
			}
		}
	}
	if month < 1 || month > 12 || week < 1 || week > 5 || day < 0 {
		return "", false
	}
	wall := start.Value[9:15]
	return fmt.Sprintf("M%d.%d.%d/%s:%s:%s", month, week, day, wall[0:2], wall[2:4], wall[4:6]), true
}

// tzifWithRule builds a minimal TZif version 2 blob: one transition long ago
// into the standard offset, and the POSIX rule as footer for everything after.
func tzifWithRule(stdOffset int, rule string) []byte {
	var b bytes.Buffer
	header := func(timecnt, typecnt, charcnt int) {
		b.WriteString("TZif2")
		b.Write(make([]byte, 15))
		for _, n := range []int{0, 0, 0, timecnt, typecnt, charcnt} {
			_ = binary.Write(&b, binary.BigEndian, uint32(n))
		}
	}
	// Version 1 block: empty but valid.
	header(0, 1, 1)
	_ = binary.Write(&b, binary.BigEndian, int32(stdOffset))
	b.Write([]byte{0, 0})
	b.WriteByte(0)
	// Version 2 block with 64-bit times.
	header(1, 1, 4)
	_ = binary.Write(&b, binary.BigEndian, int64(-2208988800)) // 1900-01-01
	b.WriteByte(0)
	_ = binary.Write(&b, binary.BigEndian, int32(stdOffset))
	b.Write([]byte{0, 0})
	b.WriteString("STD\x00")
	b.WriteString("\n" + rule + "\n")
	return b.Bytes()
}
