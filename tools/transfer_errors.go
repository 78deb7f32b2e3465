package tools

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/nextcloud-mcp/nextcloud-mcp/localfs"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// uploadError is a failed upload with what a sentence about it needs.
type uploadError struct {
	local, remote string
	size          int64
	etag          string
	err           error
}

func (e *uploadError) Error() string { return e.err.Error() }
func (e *uploadError) Unwrap() error { return e.err }

// downloadError is a failed download with what a sentence about it needs.
type downloadError struct {
	remote, local string
	partial, size int64
	err           error
}

func (e *downloadError) Error() string { return e.err.Error() }
func (e *downloadError) Unwrap() error { return e.err }

func isDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// TransferMessage is the one sentence a failed transfer ends with: what
// happened, what state is left behind, and what to do.
func TransferMessage(err error) string {
	var ue *uploadError
	var de *downloadError
	switch {
	case errors.As(err, &ue):
		return sentence(uploadMessage(ue))
	case errors.As(err, &de):
		return sentence(downloadMessage(de))
	case errors.Is(err, localfs.ErrNoRoots):
		return "Transfers are off because no local folder is allowed: restart the server with --local-dir DIR (or set NEXTCLOUD_MCP_LOCAL_DIRS), or run `nextcloud-mcp install --local-dir DIR`."
	case errors.Is(err, localfs.ErrExists):
		return sentence(err.Error() + "; nothing was written: pass overwrite true to replace it, or choose another local_path")
	case isDiskFull(err):
		return sentence("The local disk is full (" + err.Error() + "): free some space and call again; the part already received is kept and the download continues from there")
	}
	var ie *InputError
	if errors.As(err, &ie) {
		return sentence(ie.Msg)
	}
	var de2 *localfs.IsDirError
	if errors.As(err, &de2) {
		return sentence(de2.Error() + ": pass recursive true to upload a folder")
	}
	var le *localfs.LimitError
	if errors.As(err, &le) {
		return sentence(le.Error() + ": transfer its subfolders one by one")
	}
	var ne *nextcloud.Error
	var re *ResourceError
	if errors.As(err, &ne) || errors.As(err, &re) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || explainTransport(err) != "" {
		return Explain(err)
	}
	// What is left comes from the local side (localfs), whose messages
	// name the path and the fix already.
	return sentence(err.Error())
}

func uploadMessage(e *uploadError) string {
	err := e.err
	var ie *nextcloud.InterruptedError
	kept := errors.As(err, &ie)
	done := ""
	if kept {
		done = fmt.Sprintf(" after %s of %s", mib(ie.Done), mib(ie.Total))
		err = ie.Err
	}
	keptNote := "; the uploaded chunks are kept on the server for 24 hours, so calling again with the same arguments continues where it stopped"
	var pm *nextcloud.ParentMissingError
	var df *nextcloud.DestinationIsFolderError
	switch {
	case errors.As(err, &df):
		return fmt.Sprintf("%s is a folder in Nextcloud, so nothing was uploaded: give the full file path, like %s", df.Path, path.Join(df.Path, filepath.Base(e.local)))
	case errors.Is(err, localfs.ErrChanged):
		return fmt.Sprintf("Local file %s changed while it was being uploaded, so the upload stopped and nothing was written to %s: upload it again once it is no longer being written", e.local, e.remote)
	case errors.As(err, &pm):
		return fmt.Sprintf("Folder %s does not exist in Nextcloud, so nothing was uploaded: create it first with nc_webdav_create_directory", pm.Folder)
	case errors.Is(err, context.Canceled):
		if kept {
			return fmt.Sprintf("The upload of %s to %s was cancelled%s%s", e.local, e.remote, done, keptNote)
		}
		return fmt.Sprintf("The upload of %s to %s was cancelled; nothing was written", e.local, e.remote)
	case errors.Is(err, nextcloud.ErrPreconditionFailed) && e.etag != "":
		return fmt.Sprintf("File %s changed in Nextcloud since you read it (its etag is no longer %s), so it was not replaced: re-read it with nc_webdav_get_info and retry with the new etag, or pass overwrite true", e.remote, e.etag) + onlyIf(kept, keptNote)
	case errors.Is(err, nextcloud.ErrPreconditionFailed):
		return fmt.Sprintf("File %s already exists in Nextcloud, so nothing was replaced: pass overwrite true to replace it, or etag to replace it only if unchanged", e.remote) + onlyIf(kept, "; the uploaded chunks are kept, so that call only assembles them")
	case errors.Is(err, nextcloud.ErrLocked) || nextcloud.StatusOf(err) == http.StatusLocked:
		return fmt.Sprintf("File %s is locked in Nextcloud (HTTP 423), probably open in another app, so it was not replaced: retry later", e.remote) + onlyIf(kept, keptNote)
	case errors.Is(err, nextcloud.ErrInsufficientSpace):
		return fmt.Sprintf("Not enough storage in Nextcloud for %s (%s, HTTP 507): nothing was written and the partial upload was removed; free space or ask the admin for more quota", e.remote, mib(e.size))
	case errors.Is(err, nextcloud.ErrIntegrity):
		return fmt.Sprintf("The check after uploading %s failed: %v", e.remote, err)
	case kept:
		return fmt.Sprintf("The upload of %s to %s stopped%s (%s)%s", e.local, e.remote, done, Explain(err), keptNote)
	}
	return fmt.Sprintf("%s; nothing was written to %s", strings.TrimSuffix(Explain(about(err, "file %q", e.remote)), "."), path.Clean(e.remote))
}

func downloadMessage(e *downloadError) string {
	err := e.err
	partial := ""
	if e.partial > 0 {
		partial = fmt.Sprintf("; the %s received so far are kept in a .part file next to it, so calling again continues from there", mib(e.partial))
	}
	var lw *nextcloud.LocalWriteError
	switch {
	case errors.As(err, &lw) && isDiskFull(err):
		return fmt.Sprintf("The local disk is full, so %s was not written (%v): free some space and call again%s", e.local, lw.Err, partial)
	case errors.As(err, &lw):
		return fmt.Sprintf("Writing %s failed (%v), so it was not written: check the folder's permissions and space%s", e.local, lw.Err, partial)
	case errors.Is(err, nextcloud.ErrRemoteChanged):
		return fmt.Sprintf("File %s kept changing in Nextcloud during the download, so %s was not written: try again when it is no longer being edited", e.remote, e.local)
	case errors.Is(err, context.Canceled):
		return fmt.Sprintf("The download of %s was cancelled, so %s was not written%s", e.remote, e.local, partial)
	case errors.Is(err, nextcloud.ErrIntegrity):
		return fmt.Sprintf("The download of %s did not check out (%v), so %s was not written: download it again", e.remote, err, e.local)
	}
	return fmt.Sprintf("%s; %s was not written%s", strings.TrimSuffix(Explain(about(err, "file %q", e.remote)), "."), e.local, partial)
}

func onlyIf(ok bool, s string) string {
	if ok {
		return s
	}
	return ""
}
