package ncfake

import (
	"embed"
	"fmt"
)

// demoDocs are real documents made by scripts/gen-doc-corpus.sh (pandoc,
// LibreOffice, img2pdf), so the demo shows document reading end to end.
//
//go:embed demodocs
var demoDocs embed.FS

// demoDocuments maps each embedded document to where the demo user finds it.
var demoDocuments = map[string]string{
	"q3-report.pdf":          "/Documents/Reports/Q3 report.pdf",
	"q3-report.docx":         "/Documents/Reports/Q3 report.docx",
	"q3-report.odt":          "/Documents/Reports/Q3 report.odt",
	"scanned-page.pdf":       "/Documents/Scans/scanned page.pdf",
	"budget-2026.xlsx":       "/Documents/Budget 2026.xlsx",
	"roadmap-2027.pptx":      "/Documents/Presentations/Roadmap 2027.pptx",
	"elbe-cycling.html":      "/Documents/Travel/Cycling along the Elbe.html",
	"lighthouse-keeper.epub": "/Documents/Books/The Lighthouse Keeper.epub",
}

func (s *Server) seedDemoDocuments(u string) {
	for name, p := range demoDocuments {
		data, err := demoDocs.ReadFile("demodocs/" + name)
		if err != nil {
			panic(fmt.Sprintf("demo document %s: %v", name, err))
		}
		if err := s.PutFile(u, p, data); err != nil {
			panic(fmt.Sprintf("seed demo document %s: %v", p, err))
		}
	}
}
