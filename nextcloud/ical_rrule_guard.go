package nextcloud

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/teambition/rrule-go"
)

// rrule-go walks a rule period by period and checks UNTIL (and COUNT) only
// when a period yields an instance. A rule that never yields one therefore
// walks on to the year 9999: seconds for a daily rule, years for a secondly
// one. The fuzz targets found such rules; these guards keep every expansion
// short.

// maxRecurrencePeriods bounds how many periods an hourly or finer rule may
// have to walk from DTSTART to the window's start. rrule-go visits every
// period, also those its BY parts filter out, and expansion stops after
// maxRecurrenceSteps instances anyway: a series that could not reach the
// window within that is refused with an error (the event is reported as
// skipped) rather than silently shown without its occurrences.
const maxRecurrencePeriods = maxRecurrenceSteps

// ErrRecurrenceTooFine is a series too fine-grained to expand up to the window.
var ErrRecurrenceTooFine = errors.New("recurrence rule too fine-grained to expand")

// ErrRecurrenceUnexpandable is a series rrule-go cannot walk: it indexes its
// day masks with unchecked values, so BYEASTER offsets and dates before the
// year 1 read past them (both found by FuzzICalendar).
var ErrRecurrenceUnexpandable = errors.New("recurrence rule cannot be expanded")

// checkRuleParts refuses what rrule-go reads out of bounds or walks for
// too long, and RFC 5545 does not allow anyway. BYEASTER is python-dateutil's
// extension: no calendar server writes it, and any but small offsets index
// past the year. BYWEEKNO belongs to yearly rules only; on a finer one that
// contradicts its other day parts rrule-go walks day by day to the year 9999.
func checkRuleParts(opt *rrule.ROption) error {
	if err := rfcRuleParts(opt); err != nil {
		return fmt.Errorf("%w: %w", ErrRecurrenceUnexpandable, err)
	}
	if y := opt.Dtstart.Year(); y < 1 || y > 9999 {
		return fmt.Errorf("%w: it starts in the year %d", ErrRecurrenceUnexpandable, y)
	}
	return nil
}

// checkRecurrenceWalk refuses rules rrule-go would walk too long: an hourly
// or finer rule more than maxRecurrencePeriods periods before the window, and
// BYSETPOS on such a rule, whose periods hold one instant each, so a
// position past it never matches and the walk goes on to the year 9999
// ("FREQ=SECONDLY;BYSETPOS=5;BYSECOND=1", found by FuzzRRule).
func checkRecurrenceWalk(opt *rrule.ROption, lower time.Time) error {
	var unit time.Duration
	switch opt.Freq {
	case rrule.SECONDLY:
		unit = time.Second
	case rrule.MINUTELY:
		unit = time.Minute
	case rrule.HOURLY:
		unit = time.Hour
	default:
		return nil
	}
	if len(opt.Bysetpos) > 0 {
		return fmt.Errorf("%w: BYSETPOS on a %s rule", ErrRecurrenceTooFine, opt.Freq)
	}
	step := unit * time.Duration(max(opt.Interval, 1))
	if periods := lower.Sub(opt.Dtstart) / step; periods > maxRecurrencePeriods {
		return fmt.Errorf("%w: %s from %s would walk %d periods", ErrRecurrenceTooFine, opt.Freq, opt.Dtstart.Format(time.RFC3339), periods)
	}
	return nil
}

// neverMatchCycle is 28 years: the calendar (weekdays and leap days)
// repeats after it within the Gregorian century rules that matter here.
const neverMatchCycleStart, neverMatchCycleYears = 2000, 28

// neverMatches reports a rule whose day filters (BYMONTH, BYMONTHDAY,
// BYYEARDAY, BYDAY without its ordinal) no day of a whole calendar cycle
// passes, such as BYMONTH=2;BYMONTHDAY=30. Such a rule yields nothing but
// would be walked to the year 9999. Parts it does not check (BYWEEKNO,
// BYEASTER, BYSETPOS, the ordinals) only make it say "may match".
func neverMatches(o *rrule.ROption) bool {
	if len(o.Byeaster) > 0 || len(o.Bymonth)+len(o.Bymonthday)+len(o.Byyearday)+len(o.Byweekday) == 0 {
		return false
	}
	d := time.Date(neverMatchCycleStart, 1, 1, 0, 0, 0, 0, time.UTC)
	for d.Year() < neverMatchCycleStart+neverMatchCycleYears {
		if dayPasses(o, d) {
			return false
		}
		d = d.AddDate(0, 0, 1)
	}
	return true
}

func dayPasses(o *rrule.ROption, d time.Time) bool {
	if len(o.Bymonth) > 0 && !slices.Contains(o.Bymonth, int(d.Month())) {
		return false
	}
	if len(o.Bymonthday) > 0 {
		last := time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
		if !slices.Contains(o.Bymonthday, d.Day()) && !slices.Contains(o.Bymonthday, d.Day()-last-1) {
			return false
		}
	}
	if len(o.Byyearday) > 0 {
		days := time.Date(d.Year(), 12, 31, 0, 0, 0, 0, time.UTC).YearDay()
		if !slices.Contains(o.Byyearday, d.YearDay()) && !slices.Contains(o.Byyearday, d.YearDay()-days-1) {
			return false
		}
	}
	if len(o.Byweekday) > 0 {
		day := (int(d.Weekday()) + 6) % 7 // rrule-go counts from Monday
		if !slices.ContainsFunc(o.Byweekday, func(w rrule.Weekday) bool { return w.Day() == day }) {
			return false
		}
	}
	return true
}

// neverReachesTime reports an hourly or finer rule whose BYHOUR, BYMINUTE
// or BYSECOND no step of its interval ever lands on, such as
// "FREQ=SECONDLY;INTERVAL=60;BYSECOND=13" from a DTSTART at :00. rrule-go
// searches for the next such time of day in a loop that has no end (found by
// FuzzICalendar). Its steps keep the time of day on the lattice DTSTART +
// k·gcd(step, day), so it is enough to test the lattice once.
func neverReachesTime(o *rrule.ROption) bool {
	var unit, day int
	switch o.Freq {
	case rrule.HOURLY:
		unit, day = 3600, 24
	case rrule.MINUTELY:
		unit, day = 60, 24*60
	case rrule.SECONDLY:
		unit, day = 1, 24*3600
	default:
		return false
	}
	if len(o.Byhour)+len(o.Byminute)+len(o.Bysecond) == 0 {
		return false
	}
	h, m, s := o.Dtstart.Clock()
	start := (h*3600 + m*60 + s) / unit
	g := gcd(max(o.Interval, 1), day)
	for t := start % g; t < day; t += g {
		sec := t * unit
		if len(o.Byhour) > 0 && !slices.Contains(o.Byhour, sec/3600) {
			continue
		}
		if o.Freq != rrule.HOURLY && len(o.Byminute) > 0 && !slices.Contains(o.Byminute, sec/60%60) {
			continue
		}
		if o.Freq == rrule.SECONDLY && len(o.Bysecond) > 0 && !slices.Contains(o.Bysecond, sec%60) {
			continue
		}
		return false
	}
	return true
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// rfcRuleParts names the rule parts RFC 5545 does not allow where they are.
func rfcRuleParts(opt *rrule.ROption) error {
	if len(opt.Byeaster) > 0 {
		return errors.New("BYEASTER is not an RFC 5545 rule part")
	}
	if len(opt.Byweekno) > 0 && opt.Freq != rrule.YEARLY {
		return errors.New("BYWEEKNO is allowed with FREQ=YEARLY only")
	}
	return nil
}
