package ncfake

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestChunkedUploadFidelity replays webdav/63-71: a chunked upload v2 from
// MKCOL to the assembled file, a total-length mismatch and an abort.
func TestChunkedUploadFidelity(t *testing.T) {
	s := New(Options{})
	recordingsDir(t)
	for _, f := range []string{
		"63-chunked-v2-mkcol", "64-chunked-v2-put-chunk-1", "65-chunked-v2-put-chunk-2",
		"66-chunked-v2-propfind-upload-folder", "67-chunked-v2-move-assemble", "68-chunked-v2-get-result",
	} {
		rec := loadRecording(t, "webdav", f)
		got := replay(t, s, rec)
		assertSameShape(t, rec, got, append(filesHeaders, "X-OC-MTime")...)
		assertSameMultistatus(t, rec, got)
		assertSameSabreError(t, rec, got)
		if rec.Status == 201 && rec.Method == "PUT" && got.Body.Len() != 0 {
			t.Errorf("%s: a chunk PUT answers with an empty body, got %q", rec.Name, got.Body.String())
		}
		if rec.Method == "GET" && got.Body.String() != string(rec.RespBody) {
			t.Errorf("%s: assembled file %q, recorded %q", rec.Name, got.Body.String(), rec.RespBody)
		}
	}
	if ids := s.Uploads("admin"); len(ids) != 0 {
		t.Errorf("the MOVE removes the upload folder, left: %v", ids)
	}
	st, err := s.StatFile("admin", "/golden-chunked.bin")
	if err != nil || st.Size != 12 {
		t.Fatalf("assembled file: %+v %v", st, err)
	}

	// golden-upload-2 held 6 bytes when webdav/70 ran: "abc" (69) and one
	// more 3-byte chunk the recorder had sent before.
	mk := httptest.NewRequest("MKCOL", "/remote.php/dav/uploads/admin/golden-upload-2", nil)
	mk.SetBasicAuth("admin", "admin-app-password")
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, mk)
	if w.Code != 201 {
		t.Fatalf("mkcol: %d", w.Code)
	}
	rec := loadRecording(t, "webdav", "69-chunked-bad-chunk-name-accepted-on-local-storage")
	assertSameShape(t, rec, replay(t, s, rec))
	earlier := rec
	earlier.Target = strings.Replace(rec.Target, "/abc", "/00001", 1)
	if got := replay(t, s, earlier); got.Code != 201 {
		t.Fatalf("second chunk: %d", got.Code)
	}
	rec = loadRecording(t, "webdav", "70-chunked-v2-move-total-length-mismatch")
	got := replay(t, s, rec)
	assertSameShape(t, rec, got)
	assertSameSabreError(t, rec, got)
	if want := "Chunks on server do not sum up to 99 but to 6 bytes"; !strings.Contains(got.Body.String(), want) {
		t.Errorf("70: body %q lacks %q", got.Body.String(), want)
	}
	rec = loadRecording(t, "webdav", "71-chunked-upload-delete-abort")
	assertSameShape(t, rec, replay(t, s, rec))
	if ids := s.Uploads("admin"); len(ids) != 0 {
		t.Errorf("DELETE aborts the upload, left: %v", ids)
	}
}

// do sends one request as admin to a running fake.
func do(t *testing.T, url, method, path string, body io.Reader, h map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("admin", "admin-app-password")
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

func status(t *testing.T, resp *http.Response) int {
	t.Helper()
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestChunkedUploadConditions(t *testing.T) {
	for _, disk := range []bool{false, true} {
		t.Run(map[bool]string{false: "memory", true: "disk"}[disk], func(t *testing.T) {
			o := Options{}
			if disk {
				o.FilesDir = t.TempDir()
			}
			s := New(o)
			ts := s.Start()
			defer ts.Close()
			dest := ts.URL + "/remote.php/dav/files/admin/big.bin"
			up := "/remote.php/dav/uploads/admin/u1"
			hdr := map[string]string{"Destination": dest, "OC-Total-Length": "8"}
			if c := status(t, do(t, ts.URL, "MKCOL", up, nil, hdr)); c != 201 {
				t.Fatalf("mkcol %d", c)
			}
			if c := status(t, do(t, ts.URL, "MKCOL", up, nil, hdr)); c != 405 {
				t.Fatalf("mkcol again %d", c)
			}
			for i, part := range []string{"1234", "5678"} {
				if c := status(t, do(t, ts.URL, "PUT", up+"/"+strconv.Itoa(i+1), strings.NewReader(part), hdr)); c != 201 {
					t.Fatalf("chunk %d: %d", i, c)
				}
			}
			// Re-sending a chunk replaces it.
			if c := status(t, do(t, ts.URL, "PUT", up+"/2", strings.NewReader("5678"), hdr)); c != 204 {
				t.Fatalf("chunk again: %d", c)
			}
			if err := s.PutFile("admin", "/big.bin", []byte("old")); err != nil {
				t.Fatal(err)
			}
			st, _ := s.StatFile("admin", "/big.bin")
			move := func(extra map[string]string) int {
				h := map[string]string{"Destination": dest, "OC-Total-Length": "8"}
				for k, v := range extra {
					h[k] = v
				}
				return status(t, do(t, ts.URL, "MOVE", up+"/.file", nil, h))
			}
			// If-None-Match applies to .file, which exists: never use it here.
			if c := move(map[string]string{"If-None-Match": "*"}); c != 412 {
				t.Fatalf("If-None-Match on .file: %d", c)
			}
			if c := move(map[string]string{"Overwrite": "F"}); c != 412 {
				t.Fatalf("Overwrite F onto an existing file: %d", c)
			}
			if c := move(map[string]string{"If": "<" + dest + `> (["stale"])`}); c != 412 {
				t.Fatalf("If with a stale etag: %d", c)
			}
			unlock, _ := s.LockFile("admin", "/big.bin")
			if c := move(map[string]string{"If": "<" + dest + "> ([" + st.ETag + "])"}); c != 423 {
				t.Fatalf("locked destination: %d", c)
			}
			unlock()
			if c := move(map[string]string{"If": "<" + dest + "> ([" + st.ETag + "])", "X-OC-MTime": "1700000000"}); c != 204 {
				t.Fatalf("If with the current etag replaces: %d", c)
			}
			if b, _ := s.ReadFile("admin", "/big.bin"); string(b) != "12345678" {
				t.Fatalf("assembled %q", b)
			}
			if st2, _ := s.StatFile("admin", "/big.bin"); st2.ID != st.ID || st2.ETag == st.ETag {
				t.Fatalf("replacing keeps the file id and changes the etag: %+v → %+v", st, st2)
			}
			if ids := s.Uploads("admin"); len(ids) != 0 {
				t.Fatalf("upload folder left: %v", ids)
			}
			if disk {
				left, _ := os.ReadDir(filepath.Join(o.FilesDir, "spool"))
				if len(left) != 0 {
					t.Fatalf("spool files left: %v", left)
				}
			}

			// A missing parent folder, and an upload folder that expired.
			status(t, do(t, ts.URL, "MKCOL", "/remote.php/dav/uploads/admin/u2", nil, nil))
			status(t, do(t, ts.URL, "PUT", "/remote.php/dav/uploads/admin/u2/1", strings.NewReader("x"), nil))
			if c := status(t, do(t, ts.URL, "MOVE", "/remote.php/dav/uploads/admin/u2/.file", nil, map[string]string{"Destination": ts.URL + "/remote.php/dav/files/admin/no/such/x"})); c != 409 {
				t.Fatalf("missing parent: %d", c)
			}
			s.ExpireUploads("admin")
			if c := status(t, do(t, ts.URL, "PROPFIND", "/remote.php/dav/uploads/admin/u2", nil, map[string]string{"Depth": "1"})); c != 404 {
				t.Fatalf("expired folder: %d", c)
			}
			if c := status(t, do(t, ts.URL, "PUT", "/remote.php/dav/uploads/admin/u2/2", strings.NewReader("x"), nil)); c != 404 {
				t.Fatalf("chunk into an expired folder: %d", c)
			}
		})
	}
}

func TestChunkedUploadQuota(t *testing.T) {
	s := New(Options{})
	s.AddUser(&User{ID: "bob", Password: "bob", AppPasswords: map[string]bool{"bob-pw": true}, QuotaBytes: 10})
	ts := s.Start()
	defer ts.Close()
	send := func(method, p string, body io.Reader, h map[string]string) int {
		req, _ := http.NewRequest(method, ts.URL+p, body)
		req.SetBasicAuth("bob", "bob-pw")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return status(t, resp)
	}
	dest := map[string]string{"Destination": ts.URL + "/remote.php/dav/files/bob/f", "OC-Total-Length": "100"}
	send("MKCOL", "/remote.php/dav/uploads/bob/q", nil, dest)
	if c := send("PUT", "/remote.php/dav/uploads/bob/q/1", strings.NewReader("x"), dest); c != 507 {
		t.Fatalf("total length over quota on the first chunk: %d", c)
	}
}

func TestCutFault(t *testing.T) {
	s := New(Options{})
	ts := s.Start()
	defer ts.Close()
	payload := bytes.Repeat([]byte("0123456789"), 10000)
	if err := s.PutFile("admin", "/f.bin", payload); err != nil {
		t.Fatal(err)
	}
	s.AddFault(Fault{Method: "GET", PathPrefix: "/remote.php/dav/files/", Times: 1, CutAfter: 1000})
	resp := do(t, ts.URL, "GET", "/remote.php/dav/files/admin/f.bin", nil, nil)
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || len(got) != 1000 || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("download cut after 1000 bytes: got %d bytes, err %v", len(got), err)
	}
	if !bytes.Equal(got, payload[:1000]) {
		t.Fatal("the bytes before the cut are the file's")
	}

	status(t, do(t, ts.URL, "MKCOL", "/remote.php/dav/uploads/admin/c", nil, nil))
	s.AddFault(Fault{Method: "PUT", PathPrefix: "/remote.php/dav/uploads/", Times: 1, CutAfter: 500})
	req, _ := http.NewRequest("PUT", ts.URL+"/remote.php/dav/uploads/admin/c/1", bytes.NewReader(payload))
	req.SetBasicAuth("admin", "admin-app-password")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("an upload cut mid-way must fail on the client, got %d", resp.StatusCode)
	}
	if chunks := s.UploadChunks("admin", "c"); len(chunks) != 0 {
		t.Fatalf("a cut chunk is not stored: %v", chunks)
	}
}

func TestRangeGetOnDisk(t *testing.T) {
	s := New(Options{FilesDir: t.TempDir()})
	ts := s.Start()
	defer ts.Close()
	if err := s.PutFile("admin", "/d/r.txt", []byte("Hello, disk world")); err != nil {
		t.Fatal(err)
	}
	st, _ := s.StatFile("admin", "/d/r.txt")
	resp := do(t, ts.URL, "GET", "/remote.php/dav/files/admin/d/r.txt", nil, map[string]string{"Range": "bytes=7-", "If-Match": st.ETag})
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 206 || string(b) != "disk world" || resp.Header.Get("Content-Range") != "bytes 7-16/17" {
		t.Fatalf("range: %d %q %q", resp.StatusCode, b, resp.Header.Get("Content-Range"))
	}
	resp = do(t, ts.URL, "GET", "/remote.php/dav/files/admin/d/r.txt", nil, map[string]string{"Range": "bytes=7-", "If-Match": `"other"`})
	if c := status(t, resp); c != 412 {
		t.Fatalf("If-Match with another etag: %d", c)
	}
}

// errAfter fails a request body after n bytes, as a dropped client does.
type errAfter struct {
	r io.Reader
	n int
}

func (e *errAfter) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, errors.New("client went away")
	}
	if len(p) > e.n {
		p = p[:e.n]
	}
	n, err := e.r.Read(p)
	e.n -= n
	return n, err
}

// On disk, in-order chunks share one sequence file; a chunk cut mid-body
// leaves nothing of itself, and out-of-order chunks still assemble right.
func TestChunkSequenceOnDisk(t *testing.T) {
	s := New(Options{FilesDir: t.TempDir()})
	ts := s.Start()
	defer ts.Close()
	dest := map[string]string{"Destination": ts.URL + "/remote.php/dav/files/admin/seq.bin"}
	up := "/remote.php/dav/uploads/admin/s1"
	status(t, do(t, ts.URL, "MKCOL", up, nil, dest))
	status(t, do(t, ts.URL, "PUT", up+"/00001", strings.NewReader("aaaa"), dest))
	req, _ := http.NewRequest("PUT", ts.URL+up+"/00002", &errAfter{r: strings.NewReader("bbbb"), n: 2})
	req.ContentLength = 4
	req.SetBasicAuth("admin", "admin-app-password")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		status(t, resp)
	}
	if got := s.UploadChunks("admin", "s1"); len(got) != 1 || got["00001"] != 4 {
		t.Fatalf("a cut chunk leaves nothing: %v", got)
	}
	// 3 before 2: the sequence breaks and the chunks are joined by copying.
	status(t, do(t, ts.URL, "PUT", up+"/00003", strings.NewReader("cc"), dest))
	status(t, do(t, ts.URL, "PUT", up+"/00002", strings.NewReader("bbbb"), dest))
	if c := status(t, do(t, ts.URL, "MOVE", up+"/.file", nil, dest)); c != 201 {
		t.Fatalf("move: %d", c)
	}
	if b, _ := s.ReadFile("admin", "/seq.bin"); string(b) != "aaaabbbbcc" {
		t.Fatalf("assembled %q", b)
	}
	// All in order: the sequence file becomes the file.
	up = "/remote.php/dav/uploads/admin/s2"
	status(t, do(t, ts.URL, "MKCOL", up, nil, dest))
	for i, part := range []string{"xx", "yyy", "z"} {
		status(t, do(t, ts.URL, "PUT", fmt.Sprintf("%s/%05d", up, i+1), strings.NewReader(part), dest))
	}
	status(t, do(t, ts.URL, "PUT", up+"/00003", strings.NewReader("zz"), dest)) // the last one again
	if c := status(t, do(t, ts.URL, "MOVE", up+"/.file", nil, map[string]string{"Destination": dest["Destination"], "OC-Total-Length": "7"})); c != 204 {
		t.Fatalf("move onto the existing file: %d", c)
	}
	if b, _ := s.ReadFile("admin", "/seq.bin"); string(b) != "xxyyyzz" {
		t.Fatalf("assembled %q", b)
	}
}
