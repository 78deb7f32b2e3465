package ncfake

import (
	"encoding/xml"
	"strconv"
	"strings"
)

// deckCalendarPrefix names the calendars Deck provides through Nextcloud's
// calendar provider API, one per board (caldav/05).
const deckCalendarPrefix = "app-generated--deck--board-"

// deckCalendarBoard is what a Deck calendar shows of its board.
type deckCalendarBoard struct {
	id           int
	title, color string
}

// calendarBoards lists the boards user can see, for their Deck calendars.
func (a *deckApp) calendarBoards(user string) []deckCalendarBoard {
	a.s.mu.Lock()
	u := a.s.users[user]
	a.s.mu.Unlock()
	if u == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []deckCalendarBoard
	for id, b := range a.boards {
		if a.access(b, u) != nil && !b.archived {
			out = append(out, deckCalendarBoard{id: id, title: b.title, color: b.color})
		}
	}
	return out
}

// syncDeckCalendars makes the user's app-generated Deck calendars match
// their boards when the Deck app is on. Callers hold a.mu.
func (a *calendarsApp) syncDeckCalendars(user string, h map[string]*fakeCalendar) {
	for name, cal := range h {
		if cal.appGenerated {
			delete(h, name)
		}
	}
	if !a.s.HasApp("deck") {
		return
	}
	for _, b := range a.s.deck.calendarBoards(user) {
		name := deckCalendarPrefix + strconv.Itoa(b.id)
		h[name] = &fakeCalendar{name: name, displayName: "Deck: " + b.title, color: "#" + strings.ToUpper(b.color),
			comps: []string{"VTODO"}, readOnly: true, appGenerated: true, objects: map[string]*calObject{}}
	}
}

// appCalendarProps are what Nextcloud reports for an app-generated
// calendar: no ctag, sync token, order or owner (they answer 404).
func appCalendarProps(cal *fakeCalendar) pimProps {
	return pimProps{
		{Space: nsDAV, Local: "displayname"}:                         pimEscape(cal.displayName),
		{Space: nsDAV, Local: "resourcetype"}:                        "<d:collection/><cal:calendar/>",
		{Space: nsCalDAV, Local: "supported-calendar-component-set"}: `<cal:comp name="VTODO"/>`,
		{Space: nsApple, Local: "calendar-color"}:                    pimEscape(cal.color),
		xml.Name{Space: nsDAV, Local: "current-user-privilege-set"}:  pimPrivileges(false, true),
	}
}
