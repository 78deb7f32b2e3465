package tools

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// formsToolset: the Forms app. Answers were written by the respondents:
// every submission names who sent it.
func formsToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "forms",
		Description: "Nextcloud Forms: forms, questions and responses.",
		Available:   hasApp("forms"),
		Tools:       []Tool{formsListTool(d), formsGetTool(d), formsListSubmissionsTool(d), formsCreateTool(d)},
	}
}

// formsErr explains the app's terse failures: an unknown form is HTTP 400
// and a missing permission HTTP 403, both without a message.
func formsErr(err error, formID int, doing string) error {
	switch nextcloud.StatusOf(err) {
	case 400:
		if serverSaid(err) == "" {
			return inputErrorf("Form %d does not exist or is not shared with this account (Forms answered HTTP 400): see nc_forms_list for the ids", formID)
		}
	case 403:
		return inputErrorf("This account may not %s form %d (Forms answered HTTP 403): ask the form's owner to share it with that permission", doing, formID)
	}
	return about(err, "form %d", formID)
}

type formStubOut struct {
	ID          int    `json:"id"`
	Title       string `json:"title"`
	Owned       bool   `json:"owned" jsonschema:"false: shared with the user by someone else"`
	Expires     string `json:"expires,omitempty"`
	Submissions *int   `json:"submissions,omitempty"`
	Results     bool   `json:"can_see_results"`
}

type formsListOut struct {
	Forms []formStubOut `json:"forms"`
}

func formsListTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_forms_list",
		Title:       "List forms",
		Description: "List the user's forms and the forms shared with them.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, _ struct{}) (formsListOut, error) {
		api := call.Client.Forms()
		out := formsListOut{Forms: []formStubOut{}}
		for _, shared := range []bool{false, true} {
			stubs, err := api.Forms(ctx, shared)
			if err != nil {
				return formsListOut{}, about(err, "the forms")
			}
			for _, s := range stubs {
				out.Forms = append(out.Forms, formStubOut{ID: s.ID, Title: s.Title, Owned: !shared, Expires: unixTime(s.Expires),
					Submissions: s.SubmissionCount, Results: slices.Contains(s.Permissions, "results")})
			}
		}
		return out, nil
	})
}

type formQuestionOut struct {
	ID          int      `json:"id"`
	Type        string   `json:"type"`
	Text        string   `json:"text"`
	Description string   `json:"description,omitempty"`
	Required    bool     `json:"required,omitempty"`
	Options     []string `json:"options,omitempty"`
}

type formOut struct {
	ID          int               `json:"id"`
	Title       string            `json:"title"`
	Description string            `json:"description,omitempty"`
	Owner       string            `json:"owner"`
	Expires     string            `json:"expires,omitempty"`
	Anonymous   bool              `json:"anonymous,omitempty"`
	Submissions int               `json:"submissions"`
	Questions   []formQuestionOut `json:"questions"`
}

func formQuestions(qs []nextcloud.FormQuestion) []formQuestionOut {
	out := []formQuestionOut{}
	for _, q := range qs {
		qo := formQuestionOut{ID: q.ID, Type: q.Type, Text: q.Text, Description: q.Description, Required: q.IsRequired}
		for _, o := range q.Options {
			qo.Options = append(qo.Options, o.Text)
		}
		out = append(out, qo)
	}
	return out
}

func formResult(f *nextcloud.Form) formOut {
	return formOut{ID: f.ID, Title: f.Title, Description: f.Description, Owner: f.OwnerID, Expires: unixTime(f.Expires),
		Anonymous: f.IsAnonymous, Submissions: f.SubmissionCount, Questions: formQuestions(f.Questions)}
}

type formIDIn struct {
	FormID int `json:"form_id"`
}

func (in *formIDIn) Validate() error { return dtPositiveID("form_id", in.FormID) }

func formsGetTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_forms_get",
		Title:       "Read a form",
		Description: "Read a form with its questions and their options.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in formIDIn) (formOut, error) {
		f, err := call.Client.Forms().Form(ctx, in.FormID)
		if err != nil {
			return formOut{}, formsErr(err, in.FormID, "read")
		}
		return formResult(f), nil
	})
}

// formAnswerOut is one question's answer in a submission.
type formAnswerOut struct {
	QuestionID int      `json:"question_id"`
	Values     []string `json:"values"`
}

// formSubmissionOut is a response; its answers were written by Respondent.
type formSubmissionOut struct {
	ID           int             `json:"id"`
	Respondent   string          `json:"respondent"`
	RespondentID string          `json:"respondent_id"`
	Time         string          `json:"time"`
	Answers      []formAnswerOut `json:"answers"`
}

type formTextAnswer struct {
	By   string `json:"by"`
	Text string `json:"text"`
}

// formSummaryOut sums up one question over every submission.
type formSummaryOut struct {
	QuestionID int              `json:"question_id"`
	Question   string           `json:"question"`
	Type       string           `json:"type"`
	Answered   int              `json:"answered" jsonschema:"submissions that answer it"`
	Counts     map[string]int   `json:"counts,omitempty" jsonschema:"choice questions: option → how many chose it"`
	Answers    []formTextAnswer `json:"answers,omitempty" jsonschema:"other questions: the answers, newest first"`
	More       int              `json:"more_answers,omitempty" jsonschema:"answers left out of answers"`
}

type formsSubmissionsOut struct {
	Total       int                 `json:"total"`
	Summary     []formSummaryOut    `json:"summary"`
	Submissions []formSubmissionOut `json:"submissions" jsonschema:"the newest, at most 100"`
}

// Bounds that keep a popular form's results readable.
const (
	formsMaxSubmissions = 100
	formsMaxTextAnswers = 100
)

func formsListSubmissionsTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_forms_list_submissions",
		Title:       "Read form responses",
		Description: "Read a form's responses with a summary per question.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in formIDIn) (formsSubmissionsOut, error) {
		res, err := call.Client.Forms().Submissions(ctx, in.FormID)
		if err != nil {
			return formsSubmissionsOut{}, formsErr(err, in.FormID, "see the responses of")
		}
		return summarizeForm(res), nil
	})
}

func summarizeForm(res *nextcloud.FormResults) formsSubmissionsOut {
	out := formsSubmissionsOut{Total: len(res.Submissions), Summary: []formSummaryOut{}, Submissions: []formSubmissionOut{}}
	index := map[int]int{}
	for i, q := range res.Questions {
		s := formSummaryOut{QuestionID: q.ID, Question: q.Text, Type: q.Type}
		if _, choice := nextcloud.FormQuestionTypeKnown(q.Type); choice {
			s.Counts = map[string]int{}
			for _, o := range q.Options {
				s.Counts[o.Text] = 0
			}
		}
		index[q.ID] = i
		out.Summary = append(out.Summary, s)
	}
	// Newest first, whatever order the server used.
	subs := slices.Clone(res.Submissions)
	slices.SortStableFunc(subs, func(a, b nextcloud.FormSubmission) int { return int(b.Timestamp - a.Timestamp) })
	for n, sub := range subs {
		who := sub.UserDisplayName
		if who == "" {
			who = sub.UserID
		}
		so := formSubmissionOut{ID: sub.ID, Respondent: who, RespondentID: sub.UserID, Time: unixTime(sub.Timestamp), Answers: []formAnswerOut{}}
		answered := map[int]bool{}
		for _, a := range sub.Answers {
			if k := len(so.Answers) - 1; k >= 0 && so.Answers[k].QuestionID == a.QuestionID {
				so.Answers[k].Values = append(so.Answers[k].Values, a.Text)
			} else {
				so.Answers = append(so.Answers, formAnswerOut{QuestionID: a.QuestionID, Values: []string{a.Text}})
			}
			i, ok := index[a.QuestionID]
			if !ok {
				continue
			}
			s := &out.Summary[i]
			if !answered[a.QuestionID] {
				answered[a.QuestionID] = true
				s.Answered++
			}
			switch {
			case s.Counts != nil:
				s.Counts[a.Text]++
			case len(s.Answers) < formsMaxTextAnswers:
				s.Answers = append(s.Answers, formTextAnswer{By: who, Text: a.Text})
			default:
				s.More++
			}
		}
		if n < formsMaxSubmissions {
			out.Submissions = append(out.Submissions, so)
		}
	}
	return out
}

type formsQuestionIn struct {
	Text        string   `json:"text"`
	Type        string   `json:"type" jsonschema:"multiple = checkboxes; multiple_unique or dropdown = one choice,enum=multiple,enum=multiple_unique,enum=dropdown,enum=short,enum=long,enum=date,enum=datetime,enum=time"`
	Required    bool     `json:"required,omitempty"`
	Description string   `json:"description,omitempty"`
	Options     []string `json:"options,omitempty" jsonschema:"the choices, for the choice types"`
}

type formsCreateIn struct {
	Title       string            `json:"title"`
	Description string            `json:"description,omitempty"`
	Questions   []formsQuestionIn `json:"questions"`
}

func (in *formsCreateIn) Validate() error {
	if err := dtNonBlank("title", in.Title); err != nil {
		return err
	}
	if len(in.Questions) == 0 {
		return inputErrorf("questions is empty: give at least one question with its text and type")
	}
	for i, q := range in.Questions {
		n := i + 1
		if strings.TrimSpace(q.Text) == "" {
			return inputErrorf("question %d has no text", n)
		}
		known, choice := nextcloud.FormQuestionTypeKnown(q.Type)
		if !known || q.Type == "file" {
			return inputErrorf("question %d has type %q: use multiple, multiple_unique, dropdown, short, long, date, datetime or time", n, q.Type)
		}
		opts := 0
		for _, o := range q.Options {
			if strings.TrimSpace(o) != "" {
				opts++
			}
		}
		if choice && opts == 0 {
			return inputErrorf("question %d (%s) needs options: give the choices as a list", n, q.Type)
		}
		if !choice && len(q.Options) > 0 {
			return inputErrorf("question %d is of type %s, which takes no options: use multiple, multiple_unique or dropdown for choices", n, q.Type)
		}
	}
	return nil
}

func formsCreateTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_forms_create",
		Title:       "Create a form",
		Description: "Create a form with its questions and options. It takes answers only once shared in the Forms app.",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in formsCreateIn) (formOut, error) {
		api := call.Client.Forms()
		f, err := api.CreateForm(ctx)
		if err != nil {
			return formOut{}, about(err, "the new form %q", in.Title)
		}
		if err := buildForm(ctx, api, f.ID, in); err != nil {
			// Leave no half-made form behind.
			if derr := api.DeleteForm(context.WithoutCancel(ctx), f.ID); derr != nil {
				return formOut{}, inputErrorf("%s; removing the incomplete form %d failed too (%v): delete it in the Forms app",
					strings.TrimSuffix(Explain(err), "."), f.ID, derr)
			}
			return formOut{}, err
		}
		full, err := api.Form(ctx, f.ID)
		if err != nil {
			return formOut{}, formsErr(err, f.ID, "read")
		}
		return formResult(full), nil
	})
}

// buildForm sets the title and adds the questions: one request for the
// form, one per question (two when required or described) and one per
// choice question for all its options.
func buildForm(ctx context.Context, api *nextcloud.FormsAPI, id int, in formsCreateIn) error {
	fields := map[string]any{"title": strings.TrimSpace(in.Title)}
	if in.Description != "" {
		fields["description"] = in.Description
	}
	if err := api.UpdateForm(ctx, id, fields); err != nil {
		return about(err, "the title of new form %d", id)
	}
	for i, q := range in.Questions {
		created, err := api.CreateQuestion(ctx, id, q.Type, strings.TrimSpace(q.Text))
		if err != nil {
			return formsQuestionErr(err, i+1)
		}
		set := map[string]any{}
		if q.Required {
			set["isRequired"] = true
		}
		if q.Description != "" {
			set["description"] = q.Description
		}
		if len(set) > 0 {
			if err := api.UpdateQuestion(ctx, id, created.ID, set); err != nil {
				return formsQuestionErr(err, i+1)
			}
		}
		var opts []string
		for _, o := range q.Options {
			if o = strings.TrimSpace(o); o != "" {
				opts = append(opts, o)
			}
		}
		if len(opts) > 0 {
			if _, err := api.CreateOptions(ctx, id, created.ID, opts); err != nil {
				return formsQuestionErr(err, i+1)
			}
		}
	}
	return nil
}

func formsQuestionErr(err error, n int) error {
	var ne *nextcloud.Error
	if errors.As(err, &ne) && ne.Status == 400 {
		return inputErrorf("Forms refused question %d (server said: %s); no form was kept: fix that question and call again", n, ne.Message)
	}
	return about(err, "question %d of the new form", n)
}
