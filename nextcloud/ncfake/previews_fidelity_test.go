package ncfake

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
	"testing"
)

// seedPreviewFiles gives admin the files previews/ was recorded with: a
// 1600×1200 PNG, a small PDF and a text file. It returns the recorded file
// ids mapped to the fake's.
func seedPreviewFiles(t *testing.T, s *Server) map[string]string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for y := 0; y < 1200; y += 4 {
		for x := 0; x < 1600; x += 4 {
			img.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y), B: 90, A: 255})
		}
	}
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, img); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"/rec-previews/photo.png": pngData.Bytes(),
		"/rec-previews/doc.pdf":   []byte("%PDF-1.4\n" + strings.Repeat("%", 370) + "\n%%EOF\n"),
		"/rec-previews/notes.txt": []byte(strings.Repeat("A line of notes for the preview.\n", 6)),
	}
	for p, b := range files {
		if err := s.PutFile("admin", p, b); err != nil {
			t.Fatal(err)
		}
	}
	ids := map[string]string{}
	for rec, p := range map[string]string{"69": "/rec-previews/photo.png", "70": "/rec-previews/doc.pdf", "71": "/rec-previews/notes.txt"} {
		st, err := s.StatFile("admin", p)
		if err != nil {
			t.Fatal(err)
		}
		ids[rec] = strconv.FormatInt(st.ID, 10)
	}
	return ids
}

func TestPreviewsFidelity(t *testing.T) {
	recordingsDir(t) // skips here, at the top level, in a fresh clone
	s := New(Options{})
	ids := seedPreviewFiles(t, s)
	if err := s.PutFile("alice", "/own.txt", []byte("alice's")); err != nil {
		t.Fatal(err)
	}
	// Sizes of the recorded PNGs, from their IHDR (04 is left out: the real
	// server answered a 512 box with its cached 1024×768 preview).
	wantSize := map[string][2]int{"02-preview-png-by-fileid-256": {256, 192}, "03-preview-png-by-fileid-1024-crop": {1024, 1024}, "06-preview-txt": {256, 256}, "09-preview-no-size": {64, 64}}
	for _, name := range []string{"01-propfind-has-preview", "02-preview-png-by-fileid-256", "03-preview-png-by-fileid-1024-crop", "04-preview-png-by-path",
		"05-preview-pdf", "06-preview-txt", "07-preview-missing-fileid", "08-preview-folder", "09-preview-no-size", "10-preview-other-user"} {
		t.Run(name, func(t *testing.T) {
			rec := loadRecording(t, "previews", name)
			if i := strings.Index(rec.Target, "fileId="); i >= 0 {
				id := rec.Target[i+7:]
				if j := strings.IndexByte(id, '&'); j >= 0 {
					id = id[:j]
				}
				if fake, ok := ids[id]; ok {
					rec.Target = strings.Replace(rec.Target, "fileId="+id, "fileId="+fake, 1)
				}
			}
			if rec.ReqHeader.Get("Authorization") == "Basic <alice:app-password>" {
				rec.ReqHeader.Set("Authorization", "Basic <alice:password>")
			}
			got := replay(t, s, rec)
			assertSameShape(t, rec, got, "Content-Disposition", "ETag")
			if rec.Method == "PROPFIND" {
				assertSameMultistatus(t, rec, got)
				for _, want := range []string{"doc.pdf</d:href><d:propstat><d:prop><oc:fileid>" + ids["70"] + "</oc:fileid><nc:has-preview>false", "notes.txt</d:href><d:propstat><d:prop><oc:fileid>" + ids["71"] + "</oc:fileid><nc:has-preview>true"} {
					if !strings.Contains(got.Body.String(), want) {
						t.Errorf("multistatus lacks %q:\n%s", want, got.Body.String())
					}
				}
				return
			}
			if rec.Status == 404 {
				if got.Body.String() != "[]" {
					t.Errorf("404 body %q, recorded []", got.Body.String())
				}
				return
			}
			cfg, err := png.DecodeConfig(bytes.NewReader(got.Body.Bytes()))
			if err != nil {
				t.Fatalf("preview is not a PNG: %v", err)
			}
			if ws, ok := wantSize[name]; ok && (cfg.Width != ws[0] || cfg.Height != ws[1]) {
				t.Errorf("preview %d×%d, recorded %d×%d", cfg.Width, cfg.Height, ws[0], ws[1])
			}
			wantName := rec.RespHeader.Get("Content-Disposition")
			if ws, ok := wantSize[name]; ok && !strings.Contains(got.Header().Get("Content-Disposition"), strconv.Itoa(ws[0])+"-"+strconv.Itoa(ws[1])) {
				t.Errorf("Content-Disposition %q, recorded %q", got.Header().Get("Content-Disposition"), wantName)
			}
		})
	}
}
