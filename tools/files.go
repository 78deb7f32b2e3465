package tools

import (
	"context"
	"encoding/base64"
	"errors"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// filesToolset is WebDAV file access. Every Nextcloud has the files app, so
// it is always available.
func filesToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "files",
		Description: "Files over WebDAV: browse, read, write, move, copy, search and delete.",
		Tools: []Tool{
			filesListTool(d),
			filesInfoTool(d),
			filesReadTool(d),
			filesPageImageTool(d),
			filesPreviewTool(d),
			filesWriteTool(d),
			filesMkdirTool(d),
			filesDeleteTool(d),
			trashListTool(d), trashRestoreTool(d), versionsListTool(d), versionRestoreTool(d),
			filesMoveTool(d, "MOVE"),
			filesMoveTool(d, "COPY"),
			filesSearchTool(d),
			filesFavoritesTool(d),
		},
		Templates: []server.ServerResourceTemplate{filesResourceTemplate(d)},
	}
}

// filesListCap bounds a directory listing; the rest is reported, not dropped silently.
const filesListCap = 500

// cleanFilePath validates a path argument and returns its display form ("/a/b").
func cleanFilePath(arg, p string) (string, error) {
	dp, err := nextcloud.DisplayPath(p)
	if err != nil {
		// CleanPath refuses only "..": say which argument and how to fix it.
		return "", inputErrorf("%s %q contains '..', which is not allowed: give a path inside your files, like Documents/report.txt.", arg, p)
	}
	return dp, nil
}

// nonRootFilePath is cleanFilePath for arguments that must name something inside the root.
func nonRootFilePath(arg, p string) (string, error) {
	dp, err := cleanFilePath(arg, p)
	if err != nil {
		return "", err
	}
	if dp == "/" {
		return "", inputErrorf("%s must name a file or folder inside your files, like Documents/report.txt, not the root folder.", arg)
	}
	return dp, nil
}

// --- list ---

// FilesPathInput is a single path argument.
type FilesPathInput struct {
	Path string `json:"path"`
}

// Validate implements the input check.
func (in *FilesPathInput) Validate() error {
	_, err := cleanFilePath("path", in.Path)
	return err
}

// FilesListInput are the arguments of nc_webdav_list_directory.
type FilesListInput struct {
	Path string `json:"path,omitempty"`
}

// Validate implements the input check.
func (in *FilesListInput) Validate() error {
	_, err := cleanFilePath("path", in.Path)
	return err
}

// FileInfo describes a file or folder in tool results: nextcloud.FileEntry
// with a description on every field, so the model knows what it reads.
type FileInfo struct {
	Path        string    `json:"path" jsonschema_description:"Path from the root of the user's files, e.g. /Documents/a b.txt."`
	Name        string    `json:"name" jsonschema_description:"The last part of the path."`
	IsDir       bool      `json:"is_dir" jsonschema_description:"True for a folder."`
	ETag        string    `json:"etag,omitempty" jsonschema_description:"Pass it as if_match to nc_webdav_write_file to replace the file only if nobody changed it."`
	Size        int64     `json:"size" jsonschema_description:"Size in bytes; for a folder, of everything inside."`
	Modified    time.Time `json:"modified,omitzero" jsonschema_description:"Last change (RFC 3339)."`
	ContentType string    `json:"content_type,omitempty" jsonschema_description:"MIME type, e.g. text/markdown or application/pdf."`
	FileID      int64     `json:"file_id,omitempty" jsonschema_description:"Nextcloud's file id (stays the same across renames; activity and sharing use it)."`
	Permissions string    `json:"permissions,omitempty" jsonschema_description:"Nextcloud's permission letters: R share, G read, D delete, N rename, V move, W write, C/K create inside."`
	Favorite    bool      `json:"favorite,omitempty" jsonschema_description:"True when the user starred it."`
}

// fileInfo leaves the owner out: every entry would name the user, and the
// safety layer names other owners where their text is read.
func fileInfo(e nextcloud.FileEntry) FileInfo {
	return FileInfo{Path: e.Path, Name: e.Name, IsDir: e.IsDir, ETag: e.ETag, Size: e.Size, Modified: e.Modified,
		ContentType: e.ContentType, FileID: e.FileID, Permissions: e.Permissions, Favorite: e.Favorite}
}

func fileInfos(es []nextcloud.FileEntry) []FileInfo {
	out := make([]FileInfo, len(es))
	for i, e := range es {
		out[i] = fileInfo(e)
	}
	return out
}

// FilesListOutput is a folder with its direct children.
type FilesListOutput struct {
	Path string `json:"path" jsonschema_description:"The listed folder."`
	// ETag of the folder itself; it changes when anything below changes.
	ETag    string     `json:"etag,omitempty" jsonschema_description:"The folder's etag; it changes when anything inside changes."`
	Entries []FileInfo `json:"entries" jsonschema_description:"Files and folders in it."`
	// Total is the number of children; Truncated says entries holds fewer.
	Total     int  `json:"total" jsonschema_description:"How many matched in all, before the limit."`
	Truncated bool `json:"truncated,omitempty" jsonschema_description:"True when more matched than are listed; narrow the query or raise the limit."`
}

func filesListTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_webdav_list_directory",
		Title: "List a folder",
		Description: "List a folder's files and folders, folders first. " +
			"To find files anywhere use nc_webdav_search_files.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in FilesListInput) (FilesListOutput, error) {
		dp, _ := cleanFilePath("path", in.Path)
		self, children, err := call.Client.ListDir(ctx, dp)
		if err != nil {
			return FilesListOutput{}, about(err, "folder %q", dp)
		}
		if !self.IsDir {
			return FilesListOutput{}, inputErrorf("%q is a file, not a folder: use nc_webdav_get_info or nc_webdav_read_file on it.", dp)
		}
		out := FilesListOutput{Path: self.Path, ETag: self.ETag, Entries: fileInfos(children), Total: len(children)}
		if len(out.Entries) > filesListCap {
			out.Entries, out.Truncated = out.Entries[:filesListCap], true
		}
		return out, nil
	})
}

// --- info ---

func filesInfoTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_webdav_get_info",
		Title: "Get file or folder info",
		Description: "Describe a file or folder without downloading it: " +
			"size, modified, type, etag, id, permissions.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in FilesPathInput) (FileInfo, error) {
		dp, _ := cleanFilePath("path", in.Path)
		e, err := call.Client.Stat(ctx, dp)
		if err != nil {
			return FileInfo{}, about(err, "file %q", dp)
		}
		return fileInfo(*e), nil
	})
}

// --- write ---

// FilesWriteInput are the arguments of nc_webdav_write_file.
type FilesWriteInput struct {
	Path     string `json:"path" jsonschema:"its folder must exist"`
	Content  string `json:"content"`
	Encoding string `json:"encoding,omitempty" jsonschema:"text (default) or base64,enum=text,enum=base64"`
	IfMatch  string `json:"if_match,omitempty" jsonschema:"etag: replace only if unchanged"`
	// Overwrite replaces whatever is there without checking.
	Overwrite bool `json:"overwrite,omitempty" jsonschema:"replace without an etag check"`
}

// Validate implements the input check.
func (in *FilesWriteInput) Validate() error {
	if _, err := nonRootFilePath("path", in.Path); err != nil {
		return err
	}
	switch in.Encoding {
	case "", "text", "base64":
	default:
		return inputErrorf("encoding must be text or base64, got %q.", in.Encoding)
	}
	return nil
}

// FilesWriteOutput is what nc_webdav_write_file did.
type FilesWriteOutput struct {
	Path string `json:"path" jsonschema_description:"Path of the written file."`
	// Created is true for a new file, false when an existing one was replaced.
	Created bool   `json:"created" jsonschema_description:"True when the file did not exist before."`
	ETag    string `json:"etag,omitempty" jsonschema_description:"The file's new etag; pass it as if_match to write it again."`
	FileID  int64  `json:"file_id,omitempty" jsonschema_description:"Nextcloud file id; stays the same across renames and moves."`
	Size    int    `json:"size" jsonschema_description:"Size in bytes."`
}

// quoteETag adds the quotes Nextcloud requires in If-Match (an unquoted
// ETag never matches, webdav/11); models often drop them.
func quoteETag(e string) string {
	e = strings.TrimSpace(e)
	if e == "" || strings.HasPrefix(e, `"`) || strings.HasPrefix(e, `W/"`) {
		return e
	}
	return `"` + e + `"`
}

func filesWriteTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_webdav_write_file",
		Title: "Write a file",
		Description: "Create a file, or replace one when if_match or overwrite is " +
			"given. Text is stored as UTF-8; binary via encoding base64.",
		Hints: updateHints,
	}, func(ctx context.Context, call *Call, in FilesWriteInput) (FilesWriteOutput, error) {
		dp, _ := nonRootFilePath("path", in.Path)
		data := []byte(in.Content)
		if in.Encoding == "base64" {
			var err error
			if data, err = base64.StdEncoding.DecodeString(strings.TrimSpace(in.Content)); err != nil {
				return FilesWriteOutput{}, inputErrorf("content is not valid base64 (%v): encode the bytes with standard base64, or use encoding text.", err)
			}
		}
		o := nextcloud.WriteOptions{ContentType: uploadContentType(dp, in.Encoding)}
		switch {
		case in.IfMatch != "":
			o.IfMatch = quoteETag(in.IfMatch)
		case !in.Overwrite:
			o.CreateOnly = true
		}
		wr, err := call.Client.WriteFile(ctx, dp, data, o)
		if err != nil {
			return FilesWriteOutput{}, explainWriteError(err, dp, o)
		}
		return FilesWriteOutput{Path: dp, Created: wr.Created, ETag: wr.ETag, FileID: wr.FileID, Size: len(data)}, nil
	})
}

// explainWriteError turns the statuses a PUT answers into what to do next.
func explainWriteError(err error, dp string, o nextcloud.WriteOptions) error {
	if errors.Is(err, nextcloud.ErrUnprotectedWrite) {
		return inputErrorf("File %q was written, but Nextcloud kept its previous etag and giving it a new one failed, so a stale "+
			"if_match could still replace it: call nc_webdav_get_info before changing it again.", dp)
	}
	var ne *nextcloud.Error
	if !errors.As(err, &ne) {
		return about(err, "file %q", dp)
	}
	switch {
	case ne.Status == http.StatusPreconditionFailed && o.CreateOnly:
		return inputErrorf("File %q already exists, so nothing was written (HTTP 412): to replace it pass if_match with its etag "+
			"from nc_webdav_get_info (safe), or overwrite true.", dp)
	case ne.Status == http.StatusPreconditionFailed:
		now := ""
		if ne.ETag != "" {
			now = ", its etag is now " + ne.ETag
		}
		return inputErrorf("File %q was changed since you read it (HTTP 412%s), so nothing was written: re-read it with "+
			"nc_webdav_read_file or nc_webdav_get_info, check the change, and retry with the new etag.", dp, now)
	case ne.Status == http.StatusNotFound:
		return inputErrorf("Folder %q does not exist, so file %q was not written (HTTP 404): create it first with "+
			"nc_webdav_create_directory.", path.Dir(dp), dp)
	}
	return about(err, "file %q", dp)
}

// uploadContentType is informative only: Nextcloud detects the type from the name.
func uploadContentType(p, encoding string) string {
	if t := mime.TypeByExtension(path.Ext(p)); t != "" {
		return t
	}
	if encoding == "base64" {
		return "application/octet-stream"
	}
	return "text/plain; charset=utf-8"
}

// --- create directory ---

// FilesMkdirOutput is what nc_webdav_create_directory did.
type FilesMkdirOutput struct {
	Path string `json:"path" jsonschema_description:"Path of the folder."`
	// Created is false when the folder already existed.
	Created bool `json:"created" jsonschema_description:"False when the folder already existed."`
}

func filesMkdirTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_webdav_create_directory",
		Title:       "Create a folder",
		Description: "Create a folder with any missing parents; an existing one is fine.",
		Hints:       Hints{Idempotent: true},
	}, func(ctx context.Context, call *Call, in FilesPathInput) (FilesMkdirOutput, error) {
		dp, err := nonRootFilePath("path", in.Path)
		if err != nil {
			return FilesMkdirOutput{}, err
		}
		created, err := call.Client.MkdirAll(ctx, dp)
		var nd *nextcloud.NotDirError
		if errors.As(err, &nd) {
			return FilesMkdirOutput{}, inputErrorf("%q is a file, so folder %q cannot be created: choose another path.", nd.Path, dp)
		}
		if err != nil {
			return FilesMkdirOutput{}, about(err, "folder %q", dp)
		}
		return FilesMkdirOutput{Path: dp, Created: created}, nil
	})
}

// --- delete ---

// FilesDeleteOutput confirms a deletion.
type FilesDeleteOutput struct {
	Path    string `json:"path" jsonschema_description:"Path of what was deleted."`
	Deleted bool   `json:"deleted" jsonschema_description:"True when it was deleted."`
}

func filesDeleteTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_webdav_delete_resource",
		Title: "Delete a file or folder",
		Description: "Delete a file, or a folder with its content " +
			"(kept in the trash bin when that app is on).",
		Hints: deleteHints,
	}, func(ctx context.Context, call *Call, in FilesPathInput) (FilesDeleteOutput, error) {
		dp, err := nonRootFilePath("path", in.Path)
		if err != nil {
			return FilesDeleteOutput{}, err
		}
		if err := call.Client.Delete(ctx, dp); err != nil {
			return FilesDeleteOutput{}, about(err, "file %q", dp)
		}
		return FilesDeleteOutput{Path: dp, Deleted: true}, nil
	})
}

// --- move / copy ---

// FilesMoveInput are the arguments of nc_webdav_move_resource and nc_webdav_copy_resource.
type FilesMoveInput struct {
	SourcePath      string `json:"source_path"`
	DestinationPath string `json:"destination_path" jsonschema:"full new path with name"`
	Overwrite       bool   `json:"overwrite,omitempty" jsonschema:"replace what is there (default false)"`
}

// Validate implements the input check.
func (in *FilesMoveInput) Validate() error {
	if _, err := nonRootFilePath("source_path", in.SourcePath); err != nil {
		return err
	}
	_, err := nonRootFilePath("destination_path", in.DestinationPath)
	return err
}

// FilesMoveOutput is what a move or copy did.
type FilesMoveOutput struct {
	SourcePath      string `json:"source_path" jsonschema_description:"Where it was."`
	DestinationPath string `json:"destination_path" jsonschema_description:"Where it is now."`
	// Replaced is true when an existing destination was overwritten.
	Replaced bool   `json:"replaced" jsonschema_description:"True when an existing destination was overwritten."`
	ETag     string `json:"etag,omitempty" jsonschema_description:"Etag of the destination."`
	FileID   int64  `json:"file_id,omitempty" jsonschema_description:"Nextcloud file id; stays the same across renames and moves."`
}

func filesMoveTool(d *Deps, method string) Tool {
	spec := Spec{
		Name:  "nc_webdav_move_resource",
		Title: "Move or rename a file or folder",
		Description: "Move or rename a file or folder. The " +
			"destination's folder must exist.",
		Hints: Hints{Destructive: true},
	}
	verb := "moved"
	if method == "COPY" {
		spec = Spec{
			Name:  "nc_webdav_copy_resource",
			Title: "Copy a file or folder",
			Description: "Copy a file or folder. The destination's " +
				"folder must exist.",
			Hints: Hints{Destructive: true},
		}
		verb = "copied"
	}
	return NewTool(d, spec, func(ctx context.Context, call *Call, in FilesMoveInput) (FilesMoveOutput, error) {
		src, _ := nonRootFilePath("source_path", in.SourcePath)
		dst, _ := nonRootFilePath("destination_path", in.DestinationPath)
		var wr *nextcloud.WriteResult
		var err error
		if method == "COPY" {
			wr, err = call.Client.Copy(ctx, src, dst, in.Overwrite)
		} else {
			wr, err = call.Client.Move(ctx, src, dst, in.Overwrite)
		}
		if errors.Is(err, nextcloud.ErrUnprotectedWrite) {
			return FilesMoveOutput{}, inputErrorf("%q was %s over the old file, but Nextcloud kept the old etag and giving it a new one failed: "+
				"call nc_webdav_get_info before changing it again.", dst, verb)
		}
		if err != nil {
			switch nextcloud.StatusOf(err) {
			case http.StatusPreconditionFailed:
				return FilesMoveOutput{}, inputErrorf("%q already exists, so nothing was %s (HTTP 412): pass overwrite true to replace it, or choose another destination_path.", dst, verb)
			case http.StatusConflict:
				return FilesMoveOutput{}, inputErrorf("Folder %q does not exist, so nothing was %s (HTTP 409): create it first with nc_webdav_create_directory.", path.Dir(dst), verb)
			}
			return FilesMoveOutput{}, about(err, "file %q", src)
		}
		return FilesMoveOutput{SourcePath: src, DestinationPath: dst, Replaced: !wr.Created, ETag: wr.ETag, FileID: wr.FileID}, nil
	})
}

// --- search ---

// FilesSearchInput are the arguments of nc_webdav_search_files.
type FilesSearchInput struct {
	NamePattern string `json:"name_pattern,omitempty" jsonschema:"part of the name; % wildcard, like report-%.pdf"`
	MimeType    string `json:"mime_type,omitempty" jsonschema:"like application/pdf or image/%"`
	Scope       string `json:"scope,omitempty" jsonschema:"only inside this folder"`
	Limit       int    `json:"limit,omitempty" jsonschema:"default 50, max 200"`
	Offset      int    `json:"offset,omitempty"`
}

// Validate implements the input check.
func (in *FilesSearchInput) Validate() error {
	if strings.TrimSpace(in.NamePattern) == "" && strings.TrimSpace(in.MimeType) == "" {
		return inputErrorf("give name_pattern, mime_type or both, like name_pattern report or mime_type image/%%.")
	}
	if in.Limit < 0 || in.Limit > 200 {
		return inputErrorf("limit must be between 1 and 200, got %d.", in.Limit)
	}
	if in.Offset < 0 {
		return inputErrorf("offset must not be negative, got %d.", in.Offset)
	}
	_, err := cleanFilePath("scope", in.Scope)
	return err
}

// FilesSearchOutput is a page of search results.
type FilesSearchOutput struct {
	Results []FileInfo `json:"results" jsonschema_description:"Matching files and folders."`
	Count   int        `json:"count" jsonschema_description:"How many are in this page."`
	Offset  int        `json:"offset" jsonschema_description:"Where this page starts."`
	// NextOffset is set when the page is full, so more results may follow.
	NextOffset int `json:"next_offset,omitempty" jsonschema_description:"Pass as offset to get the next page; absent when there is no more."`
}

// likePattern makes a plain word a substring match; a pattern with % is used as given.
func likePattern(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.Contains(s, "%") {
		return s
	}
	return "%" + s + "%"
}

// mimePattern turns "image" into "image/%"; full types and patterns stay.
func mimePattern(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || strings.ContainsAny(s, "/%") {
		return s
	}
	return s + "/%"
}

func filesSearchTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_webdav_search_files",
		Title: "Search files",
		Description: "Find files and folders by name and/or " +
			"content type, newest first.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in FilesSearchInput) (FilesSearchOutput, error) {
		scope, _ := cleanFilePath("scope", in.Scope)
		limit := cmpOrInt(in.Limit, 50)
		hits, err := call.Client.SearchFiles(ctx, nextcloud.FileSearch{
			Scope: scope, NamePattern: likePattern(in.NamePattern), MimeType: mimePattern(in.MimeType), Limit: limit, Offset: in.Offset,
		})
		if err != nil {
			if nextcloud.StatusOf(err) == http.StatusInternalServerError && scope != "/" {
				return FilesSearchOutput{}, inputErrorf("Searching in %q failed (HTTP 500): scope must be an existing folder of yours; check it with nc_webdav_get_info.", scope)
			}
			return FilesSearchOutput{}, about(err, "the search in %q", scope)
		}
		out := FilesSearchOutput{Results: fileInfos(hits), Count: len(hits), Offset: in.Offset}
		if len(hits) == limit {
			out.NextOffset = in.Offset + limit
		}
		return out, nil
	})
}

func cmpOrInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// --- favorites ---

// FilesFavoritesInput are the arguments of nc_webdav_list_favorites.
type FilesFavoritesInput struct {
	Scope string `json:"scope,omitempty" jsonschema:"only inside this folder"`
}

// Validate implements the input check.
func (in *FilesFavoritesInput) Validate() error {
	_, err := cleanFilePath("scope", in.Scope)
	return err
}

// FilesFavoritesOutput lists favorites.
type FilesFavoritesOutput struct {
	Favorites []FileInfo `json:"favorites" jsonschema_description:"Files and folders marked as favorite."`
	Count     int        `json:"count" jsonschema_description:"How many are listed."`
}

func filesFavoritesTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_webdav_list_favorites",
		Title:       "List favorite files",
		Description: "List the files and folders the user starred.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in FilesFavoritesInput) (FilesFavoritesOutput, error) {
		scope, _ := cleanFilePath("scope", in.Scope)
		favs, err := call.Client.Favorites(ctx, scope)
		if err != nil {
			return FilesFavoritesOutput{}, about(err, "the favorites in %q", scope)
		}
		return FilesFavoritesOutput{Favorites: fileInfos(favs), Count: len(favs)}, nil
	})
}
