package tools

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestFormsTools(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	fake.AddUser(&ncfake.User{ID: "bob", DisplayName: "Bob", AppPasswords: map[string]bool{"bob-pw": true}})
	h := newHarness(t, harnessOpts{fake: fake})

	var f formOut
	h.ok("nc_forms_create", map[string]any{"title": "Team lunch", "description": "Pick a day.", "questions": []any{
		map[string]any{"text": "Which day?", "type": "multiple_unique", "required": true, "options": []any{"Monday", "Friday"}},
		map[string]any{"text": "Extras?", "type": "multiple", "options": []any{"Dessert", "Coffee", " "}},
		map[string]any{"text": "Dietary needs?", "type": "short", "description": "Allergies too"},
	}}, &f)
	if f.ID == 0 || f.Title != "Team lunch" || f.Owner != "admin" || len(f.Questions) != 3 || !f.Questions[0].Required ||
		strings.Join(f.Questions[1].Options, "|") != "Dessert|Coffee" || f.Questions[2].Description != "Allergies too" {
		t.Fatalf("created: %+v", f)
	}
	for _, c := range []struct {
		qs   []any
		want string
	}{
		{[]any{}, "at least one question"},
		{[]any{map[string]any{"text": "Day?", "type": "dropdown"}}, "question 1 (dropdown) needs options"},
		{[]any{map[string]any{"text": "Name?", "type": "short", "options": []any{"a"}}}, "takes no options"},
		{[]any{map[string]any{"text": "Essay?", "type": "essay"}}, `questions[0].type must be one of multiple, multiple_unique, dropdown, short, long, date, datetime, time, not "essay"`},
		{[]any{map[string]any{"text": " ", "type": "long"}}, "question 1 has no text"},
	} {
		dtContains(t, c.want, h.fails("nc_forms_create", map[string]any{"title": "x", "questions": c.qs}), c.want)
	}

	var got formOut
	h.ok("nc_forms_get", map[string]any{"form_id": f.ID}, &got)
	if len(got.Questions) != 3 || got.Questions[0].Options[1] != "Friday" {
		t.Errorf("get: %+v", got)
	}
	dtContains(t, "unknown form", h.fails("nc_forms_get", map[string]any{"form_id": 999}), "Form 999 does not exist", "nc_forms_list")

	// alice answers through the real API: option ids, as the app wants them.
	fake.ShareForm(f.ID, "alice")
	alice := newHarness(t, harnessOpts{fake: fake, user: "alice", password: "alice-app-password"})
	aliceClient, err := nextcloud.New(nextcloud.Options{BaseURL: alice.url, Credentials: nextcloud.BasicAuth{User: "alice", Password: "alice-app-password"}})
	if err != nil {
		t.Fatal(err)
	}
	full, err := aliceClient.Forms().Form(context.Background(), f.ID)
	if err != nil {
		t.Fatal(err)
	}
	q := full.Questions
	answers := map[string][]string{
		fmt.Sprint(q[0].ID): {fmt.Sprint(q[0].Options[1].ID)},
		fmt.Sprint(q[1].ID): {fmt.Sprint(q[1].Options[0].ID), fmt.Sprint(q[1].Options[1].ID)},
		fmt.Sprint(q[2].ID): {"vegetarian"},
	}
	if err := aliceClient.OCS(context.Background(), http.MethodPost, fmt.Sprintf("/apps/forms/api/v3/forms/%d/submissions", f.ID), nil,
		map[string]any{"answers": answers}, nil); err != nil {
		t.Fatalf("alice submits: %v", err)
	}
	fake.ShareForm(f.ID, "bob")
	if err := fake.SubmitForm(f.ID, "bob", map[string][]string{"Which day?": {"Friday"}, "Dietary needs?": {"none, thanks"}}); err != nil {
		t.Fatal(err)
	}

	var res formsSubmissionsOut
	h.ok("nc_forms_list_submissions", map[string]any{"form_id": f.ID}, &res)
	if res.Total != 2 || len(res.Submissions) != 2 || len(res.Summary) != 3 {
		t.Fatalf("results: %+v", res)
	}
	day, extras, diet := res.Summary[0], res.Summary[1], res.Summary[2]
	if day.Counts["Friday"] != 2 || day.Counts["Monday"] != 0 || day.Answered != 2 {
		t.Errorf("choice counts, unchosen options at 0: %+v", day)
	}
	if extras.Counts["Dessert"] != 1 || extras.Counts["Coffee"] != 1 || extras.Answered != 1 {
		t.Errorf("checkbox counts: %+v", extras)
	}
	if len(diet.Answers) != 2 || diet.Counts != nil {
		t.Fatalf("text answers: %+v", diet)
	}
	byWho := map[string]string{}
	for _, a := range diet.Answers {
		byWho[a.By] = a.Text
	}
	if byWho["Alice"] != "vegetarian" || byWho["Bob"] != "none, thanks" {
		t.Errorf("text answers carry who wrote them: %+v", diet.Answers)
	}
	var aliceSub formSubmissionOut
	for _, s := range res.Submissions {
		if s.RespondentID == "alice" {
			aliceSub = s
		}
	}
	if aliceSub.Respondent != "Alice" || len(aliceSub.Answers) != 3 || len(aliceSub.Answers[1].Values) != 2 {
		t.Errorf("alice's submission, checkbox answers grouped: %+v", aliceSub)
	}

	var list formsListOut
	alice.ok("nc_forms_list", nil, &list)
	if len(list.Forms) != 1 || list.Forms[0].Owned || list.Forms[0].Results || list.Forms[0].Submissions != nil {
		t.Errorf("alice's list: %+v", list)
	}
	dtContains(t, "alice results", alice.fails("nc_forms_list_submissions", map[string]any{"form_id": f.ID}),
		"may not see the responses of form", "HTTP 403")
	h.ok("nc_forms_list", nil, dtFresh(&list))
	if len(list.Forms) != 1 || !list.Forms[0].Owned || list.Forms[0].Submissions == nil || *list.Forms[0].Submissions != 2 {
		t.Errorf("admin's list: %+v", list)
	}
}

func TestFormsCreateLeavesNoHalfMadeForm(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	h := newHarness(t, harnessOpts{fake: fake})
	fake.AddFault(ncfake.Fault{Method: http.MethodPost, PathPrefix: "/ocs/v2.php/apps/forms/api/v3/forms/1/questions/2/options", Status: 500})
	msg := h.fails("nc_forms_create", map[string]any{"title": "Poll", "questions": []any{
		map[string]any{"text": "A?", "type": "dropdown", "options": []any{"x", "y"}},
		map[string]any{"text": "B?", "type": "dropdown", "options": []any{"x", "y"}},
	}})
	dtContains(t, "failed build", msg, "question 2", "HTTP 500")
	var list formsListOut
	h.ok("nc_forms_list", nil, &list)
	if len(list.Forms) != 0 {
		t.Errorf("the incomplete form was kept: %+v", list)
	}
}
