package extract

import "fmt"

// formatNames are how errors and callers name a format to a person.
var formatNames = map[string]string{
	"pdf": "PDF", "docx": "Word document (DOCX)", "xlsx": "Excel workbook (XLSX)", "pptx": "PowerPoint presentation (PPTX)",
	"odt": "OpenDocument text (ODT)", "ods": "OpenDocument spreadsheet (ODS)", "odp": "OpenDocument presentation (ODP)",
	"epub": "EPUB book", "rtf": "RTF document", "html": "HTML page", "text": "text file", "image": "image",
	"doc": "legacy Word document (DOC)", "xls": "legacy Excel workbook (XLS)", "ppt": "legacy PowerPoint presentation (PPT)",
	"encrypted-ooxml": "password-protected Office document", "ole": "legacy Office file", "zip": "zip archive", "empty": "empty file",
}

// FormatName is a format's name for people, e.g. "Word document (DOCX)".
func FormatName(format string) string {
	if n, ok := formatNames[format]; ok {
		return n
	}
	return "file"
}

func legacyError(format string) error {
	return &Error{Format: format, Kind: KindUnsupported, Err: ErrUnsupported,
		Reason: fmt.Sprintf("the %s binary format cannot be read; open it in Nextcloud Office and save it as %s, then read that file",
			FormatName(format), map[string]string{"doc": "DOCX or ODT", "xls": "XLSX or ODS", "ppt": "PPTX or ODP"}[format])}
}

func unsupportedError(t sniffed) error {
	switch t.format {
	case "encrypted-ooxml":
		return &Error{Format: t.format, Kind: KindEncrypted, Err: ErrEncrypted,
			Reason: "the document is protected with a password; remove the password in the app that made it and save it again"}
	case "ole":
		return &Error{Format: t.format, Kind: KindUnsupported, Err: ErrUnsupported,
			Reason: "this legacy Office binary file cannot be read; open it in Nextcloud Office and save it in a current format (DOCX, XLSX, PPTX or OpenDocument)"}
	case "zip":
		return &Error{Format: t.format, Kind: KindUnsupported, Err: ErrUnsupported,
			Reason: "it is a zip archive, not a document; its contents are not extracted"}
	}
	what := t.mime
	if t.claimed != "" && t.claimed != t.mime {
		what = t.claimed
	}
	return &Error{Format: t.format, Kind: KindUnsupported, Err: ErrUnsupported,
		Reason: fmt.Sprintf("no text can be read from this binary file (%s); only its raw bytes are available", what)}
}
