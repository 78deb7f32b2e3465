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
