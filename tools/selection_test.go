package tools

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
)

func selected(t *testing.T, o Options) []string {
	t.Helper()
	d := &Deps{Factory: auth.ErrorFactory{ModeName: "basic", Err: auth.ErrNoCredentials}}
	reg, err := NewRegistry(d, All(d), o)
	if err != nil {
		t.Fatalf("%+v: %v", o, err)
	}
	var names []string
	for _, tool := range reg.Tools() {
		names = append(names, tool.Def.Name)
	}
	return names
}

// TestToolSelection: --tools adds to --toolsets (alone it is the allow
// list), --exclude-tools wins over both, --read-only over everything.
func TestToolSelection(t *testing.T) {
	all := selected(t, Options{})
	got := selected(t, Options{Tools: []string{"nc_notes_get_note", "nc_webdav_read_file"}})
	if !slices.Equal(got, []string{"nc_notes_get_note", "nc_webdav_read_file"}) {
		t.Errorf("--tools alone: %v", got)
	}
	got = selected(t, Options{Toolsets: []string{"notes"}, Tools: []string{"nc_webdav_read_file"}})
	if !slices.Contains(got, "nc_notes_create_note") || !slices.Contains(got, "nc_webdav_read_file") || slices.Contains(got, "nc_webdav_write_file") {
		t.Errorf("--toolsets notes --tools nc_webdav_read_file: %v", got)
	}
	got = selected(t, Options{Toolsets: []string{"notes"}, Tools: []string{"nc_notes_delete_note"}, ExcludeTools: []string{"nc_notes_delete_note"}})
	if slices.Contains(got, "nc_notes_delete_note") || !slices.Contains(got, "nc_notes_get_note") {
		t.Errorf("--exclude-tools must win: %v", got)
	}
	got = selected(t, Options{ExcludeTools: []string{"nc_sharing_delete"}})
	if len(got) != len(all)-1 || slices.Contains(got, "nc_sharing_delete") {
		t.Errorf("--exclude-tools alone removes one tool: %d of %d", len(got), len(all))
	}
	got = selected(t, Options{ReadOnly: true, Tools: []string{"nc_notes_delete_note", "nc_notes_get_note"}})
	if !slices.Equal(got, []string{"nc_notes_get_note"}) {
		t.Errorf("--read-only wins over --tools: %v", got)
	}
}

// TestUnknownNamesSuggest: a misspelt tool or toolset name fails with the
// closest valid names.
func TestUnknownNamesSuggest(t *testing.T) {
	d := &Deps{Factory: auth.ErrorFactory{ModeName: "basic", Err: auth.ErrNoCredentials}}
	for _, c := range []struct {
		o          Options
		flag, want string
	}{
		{Options{Toolsets: []string{"note"}}, "--toolsets", "notes"},
		{Options{Toolsets: []string{"calender"}}, "--toolsets", "calendar"},
		{Options{Tools: []string{"nc_notes_get_notes"}}, "--tools", "nc_notes_get_note"},
		{Options{ExcludeTools: []string{"nc_sharing_delet"}}, "--exclude-tools", "nc_sharing_delete"},
		{Options{ExcludeTools: []string{"nc_webdav_upload_fil"}}, "--exclude-tools", "nc_webdav_upload_file"},
		{Options{Tools: []string{"sharing"}}, "--tools", "toolset"},
	} {
		_, err := NewRegistry(d, All(d), c.o)
		var se *SelectionError
		if !errors.As(err, &se) {
			t.Errorf("%+v: want a SelectionError, got %v", c.o, err)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.flag) || !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
			t.Errorf("%+v: %q should name %s and suggest %s on one line", c.o, msg, c.flag, c.want)
		}
	}
	// Tools only built with other settings are still valid names.
	if _, err := NewRegistry(d, All(d), Options{ExcludeTools: []string{"nc_webdav_download_file", "nc_auth_login"}}); err != nil {
		t.Errorf("known tools refused: %v", err)
	}
}
