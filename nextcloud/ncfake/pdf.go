package ncfake

// TextPDF returns a valid one-page PDF that shows text in one line, small
// enough for tests that cap file sizes. text must not contain parentheses
// or backslashes.
func TextPDF(text string) []byte { return demoPDF(text) }
