package nextcloud

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// formsAPI is the Forms app's OCS API v3, below /ocs/v2.php.
const formsAPI = "/apps/forms/api/v3"

// FormsAPI is the Forms app (checked against Forms 4.3.14). Writes answer
// an id, not the object; an unknown form id is HTTP 400 with an empty
// message, and a missing permission HTTP 403 with an empty message.
type FormsAPI struct{ c *Client }

// Forms returns the Forms API of this client's server.
func (c *Client) Forms() *FormsAPI { return &FormsAPI{c: c} }

// FormStub is a form as lists show it (partial: no questions).
type FormStub struct {
	ID              int      `json:"id"`
	Hash            string   `json:"hash"`
	Title           string   `json:"title"`
	Expires         int64    `json:"expires"`
	LastUpdated     int64    `json:"lastUpdated"`
	Permissions     []string `json:"permissions"`
	State           int      `json:"state"`
	SubmissionCount *int     `json:"submissionCount"`
}

// Form is a whole form. Times are Unix seconds; Expires 0 means never.
type Form struct {
	ID              int            `json:"id"`
	Hash            string         `json:"hash"`
	Title           string         `json:"title"`
	Description     string         `json:"description"`
	OwnerID         string         `json:"ownerId"`
	Created         int64          `json:"created"`
	LastUpdated     int64          `json:"lastUpdated"`
	Expires         int64          `json:"expires"`
	IsAnonymous     bool           `json:"isAnonymous"`
	SubmitMultiple  bool           `json:"submitMultiple"`
	State           int            `json:"state"`
	Questions       []FormQuestion `json:"questions"`
	Permissions     []string       `json:"permissions"`
	CanSubmit       bool           `json:"canSubmit"`
	SubmissionCount int            `json:"submissionCount"`
}

// FormQuestion is one question; Options only for the choice types.
type FormQuestion struct {
	ID          int          `json:"id"`
	FormID      int          `json:"formId"`
	Order       int          `json:"order"`
	Type        string       `json:"type"`
	IsRequired  bool         `json:"isRequired"`
	Text        string       `json:"text"`
	Description string       `json:"description"`
	Options     []FormOption `json:"options"`
}

// FormOption is a choice of a question.
type FormOption struct {
	ID         int    `json:"id"`
	QuestionID int    `json:"questionId"`
	Order      int    `json:"order"`
	Text       string `json:"text"`
}

// FormQuestionTypeKnown reports whether Forms 4.3 knows the question type,
// and whether its questions take options (the choice types).
func FormQuestionTypeKnown(t string) (known, choice bool) {
	switch t {
	case "multiple", "multiple_unique", "dropdown":
		return true, true
	case "short", "long", "date", "datetime", "time", "file":
		return true, false
	}
	return false, false
}

// FormSubmission is one response. Answers of a choice question hold the
// option's text; a question with several ticked options has several answers.
type FormSubmission struct {
	ID              int          `json:"id"`
	UserID          string       `json:"userId"`
	UserDisplayName string       `json:"userDisplayName"`
	Timestamp       int64        `json:"timestamp"`
	Answers         []FormAnswer `json:"answers"`
}

// FormAnswer is one answer of a submission.
type FormAnswer struct {
	QuestionID int    `json:"questionId"`
	Text       string `json:"text"`
}

// FormResults are the submissions with the questions they answer.
type FormResults struct {
	Submissions []FormSubmission `json:"submissions"`
	Questions   []FormQuestion   `json:"questions"`
}

func formPath(id int, rest string) string { return formsAPI + "/forms/" + strconv.Itoa(id) + rest }

// Forms lists the user's own forms, or with shared those shared with them.
func (f *FormsAPI) Forms(ctx context.Context, shared bool) ([]FormStub, error) {
	var q url.Values
	if shared {
		q = url.Values{"type": {"shared"}}
	}
	var out []FormStub
	err := f.c.OCS(ctx, http.MethodGet, formsAPI+"/forms", q, nil, &out)
	return out, err
}

// Form reads one form with its questions.
func (f *FormsAPI) Form(ctx context.Context, id int) (*Form, error) {
	var out Form
	if err := f.c.OCS(ctx, http.MethodGet, formPath(id, ""), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateForm creates an empty form.
func (f *FormsAPI) CreateForm(ctx context.Context) (*Form, error) {
	var out Form
	if err := f.c.OCS(ctx, http.MethodPost, formsAPI+"/forms", nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateForm sets form fields (title, description, expires, …). id, hash,
// created, lastUpdated and fileId are refused with 403.
func (f *FormsAPI) UpdateForm(ctx context.Context, id int, fields map[string]any) error {
	return f.c.OCS(ctx, http.MethodPatch, formPath(id, ""), nil, map[string]any{"keyValuePairs": fields}, nil)
}

// DeleteForm deletes a form with its questions and submissions.
func (f *FormsAPI) DeleteForm(ctx context.Context, id int) error {
	return f.c.OCS(ctx, http.MethodDelete, formPath(id, ""), nil, nil, nil)
}

// CreateQuestion adds a question at the end; an unknown type is a 400.
func (f *FormsAPI) CreateQuestion(ctx context.Context, formID int, typ, text string) (*FormQuestion, error) {
	var out FormQuestion
	if err := f.c.OCS(ctx, http.MethodPost, formPath(formID, "/questions"), nil, map[string]string{"type": typ, "text": text}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateQuestion sets question fields (isRequired, description, text, …).
func (f *FormsAPI) UpdateQuestion(ctx context.Context, formID, questionID int, fields map[string]any) error {
	return f.c.OCS(ctx, http.MethodPatch, formPath(formID, "/questions/"+strconv.Itoa(questionID)), nil, map[string]any{"keyValuePairs": fields}, nil)
}

// CreateOptions adds several options to a choice question at once.
func (f *FormsAPI) CreateOptions(ctx context.Context, formID, questionID int, texts []string) ([]FormOption, error) {
	var out []FormOption
	err := f.c.OCS(ctx, http.MethodPost, formPath(formID, "/questions/"+strconv.Itoa(questionID)+"/options"), nil,
		map[string][]string{"optionTexts": texts}, &out)
	return out, err
}

// Submissions reads every response; it needs the results permission.
func (f *FormsAPI) Submissions(ctx context.Context, formID int) (*FormResults, error) {
	var out FormResults
	if err := f.c.OCS(ctx, http.MethodGet, formPath(formID, "/submissions"), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
